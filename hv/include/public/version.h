/*
 * Paravane guest ABI: xen_version(cmd, arg), hypercall 17.
 */
#ifndef PUBLIC_VERSION_H
#define PUBLIC_VERSION_H

#include <stdint.h>

#define XENVER_version 0	     /* returns (major << 16) | minor; arg unused */
#define XENVER_extraversion 1	     /* arg: char[16], e.g. "-paravane" */
#define XENVER_capabilities 3	     /* arg: char[1024], e.g. "xen-3.0-x86_32p" */
#define XENVER_platform_parameters 5 /* arg: struct xen_platform_parameters */
#define XENVER_get_features 6	     /* arg: struct xen_feature_info */
#define XENVER_pagesize 7	     /* returns 4096; arg unused */
/* Any other command: -ENOSYS. A bad arg pointer: -EFAULT. */

typedef char xen_extraversion_t[16];
typedef char xen_capabilities_info_t[1024];

struct xen_platform_parameters {
	uint32_t virt_start; /* HYPERVISOR_VIRT_START */
};

struct xen_feature_info {
	uint32_t submap_idx; /* in: which 32-feature block */
	uint32_t submap;     /* out: bitmap of supported features (none yet) */
};

/* The version Paravane reports: it implements the 3.0 interface. */
#define PARAVANE_XEN_MAJOR 3
#define PARAVANE_XEN_MINOR 0

#endif
