/*
 * Paravane's own ABI: domctl(struct pv_domctl *), hypercall 36. Domain 0 only.
 * Xen's domctl is internal to Xen's tools; this one is Paravane's and grows
 * with the control plane. Every call returns 0 or a negated errno:
 *   -EPERM   caller is not privileged
 *   -EINVAL  interface_version is not PV_DOMCTL_INTERFACE_VERSION
 *   -ESRCH   no such domain
 *   -ENOSYS  unknown cmd
 *   -EFAULT  the struct cannot be read or written
 */
#ifndef PUBLIC_DOMCTL_H
#define PUBLIC_DOMCTL_H

#include <stdint.h>

#define PV_DOMCTL_INTERFACE_VERSION 1

/* Read a domain's event counters (u.counters). */
#define PV_DOMCTL_getcounters 1

struct pv_domain_counters {
	uint32_t hypercalls[64]; /* hypercalls made, by number */
	uint32_t exceptions[32]; /* exceptions taken from the guest, by vector */
	uint32_t interrupts;	 /* hardware interrupts taken while it ran */
	uint32_t other_entries;	 /* any other entry into the hypervisor */
	uint32_t pt_updates;	 /* page-table entries written for it */
	uint32_t tlb_flushes;	 /* full TLB flushes done for it */
};

struct pv_domctl {
	uint32_t cmd;		    /* PV_DOMCTL_* */
	uint32_t interface_version; /* PV_DOMCTL_INTERFACE_VERSION */
	uint16_t domain;	    /* target domain id (DOMID_SELF allowed) */
	uint16_t pad;
	union {
		struct pv_domain_counters counters;
		uint8_t raw[512];
	} u;
};

#endif
