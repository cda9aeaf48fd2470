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

/*
 * Commands. `domain` names the target (DOMID_SELF allowed) unless noted.
 * Lifecycle: createdomain (empty, paused) -> [setmaxmem, setweight] -> build
 * (loads the kernel: the PV boot protocol) -> unpause -> ... -> destroy.
 */
#define PV_DOMCTL_getcounters 1 /* out: u.counters */
#define PV_DOMCTL_createdomain                       \
	2 /* in: u.create; out: domain = the new id. \
	   * -ENOSPC no free id, -ENOMEM, -EINVAL bad size */
#define PV_DOMCTL_build                                                         \
	3		      /* in: u.build. -EBUSY already built; -EINVAL bad \
			       * image (the hypervisor log says why); -ENOMEM;  \
			       * -EFAULT image unreadable; out: u.build.console_* */
#define PV_DOMCTL_unpause 4   /* -EINVAL not built yet or not running */
#define PV_DOMCTL_pause 5     /* -EPERM for dom0 */
#define PV_DOMCTL_destroy 6   /* every frame returned; -EPERM dom0, -EBUSY self */
#define PV_DOMCTL_getinfo 7   /* out: u.info */
#define PV_DOMCTL_setweight 8 /* in: u.sched (weight 1..65535, cap 0..100) */
#define PV_DOMCTL_setmaxmem 9 /* in: u.create.max_pages; -EBUSY once built */
#define PV_DOMCTL_physinfo 10 /* out: u.phys (domain ignored) */
#define PV_DOMCTL_list 11     /* out: u.list (domain ignored) */

#define PV_IMAGE_MAX (2u << 20)	   /* largest kernel image build accepts */
#define PV_DOMAIN_MAX_PAGES 131072 /* 512 MiB */
struct pv_domain_counters {
	uint32_t hypercalls[64]; /* hypercalls made, by number */
	uint32_t exceptions[32]; /* exceptions taken from the guest, by vector */
	uint32_t interrupts;	 /* hardware interrupts taken while it ran */
	uint32_t other_entries;	 /* any other entry into the hypervisor */
	uint32_t pt_updates;	 /* page-table entries written for it */
	uint32_t tlb_flushes;	 /* full TLB flushes done for it */
};

struct pv_domain_create {
	uint32_t max_pages; /* memory in 4 KiB pages, 1024..PV_DOMAIN_MAX_PAGES */
	uint32_t weight;    /* fair-share weight, 0 = default (256) */
};

struct pv_domain_build {
	uint32_t image;	       /* in: guest address of the ELF kernel in the caller */
	uint32_t image_len;    /* in: its length, <= PV_IMAGE_MAX */
	char cmdline[256];     /* in: the kernel command line */
	uint32_t console_mfn;  /* out: the console ring frame */
	uint32_t console_port; /* out: its port in the new domain (unbound, for dom0) */
	uint32_t store_mfn;    /* out: the xenstore ring frame */
	uint32_t store_port;   /* out: its port in the new domain */
};

#define PV_DOMSTATE_BUILDING 0 /* created, no kernel yet */
#define PV_DOMSTATE_RUNNING 1
#define PV_DOMSTATE_BLOCKED 2
#define PV_DOMSTATE_PAUSED 3
#define PV_DOMSTATE_SHUTDOWN 4 /* see shutdown_reason (public/sched.h SHUTDOWN_*) */
#define PV_DOMSTATE_CRASHED 5

struct pv_domain_info {
	uint16_t domain;
	uint8_t state;		 /* PV_DOMSTATE_* */
	uint8_t shutdown_reason; /* valid in SHUTDOWN and CRASHED */
	uint32_t nr_pages, max_pages;
	uint32_t weight, cap;
	uint64_t cpu_ns;     /* CPU time used */
	uint64_t created_ns; /* system time of creation */
	uint32_t console_mfn, console_port, store_mfn, store_port;
};

struct pv_domain_sched {
	uint32_t weight; /* 1..65535 */
	uint32_t cap;	 /* % of one CPU, 0 = none, 1..100 */
};

struct pv_physinfo {
	uint32_t total_frames; /* machine frames the hypervisor manages */
	uint32_t free_frames;
	uint32_t heap_free_bytes;
	uint32_t nr_domains;
};

struct pv_domain_list {
	uint32_t count;
	uint16_t ids[64];
};

struct pv_domctl {
	uint32_t cmd;		    /* PV_DOMCTL_* */
	uint32_t interface_version; /* PV_DOMCTL_INTERFACE_VERSION */
	uint16_t domain;	    /* target domain id (DOMID_SELF allowed) */
	uint16_t pad;
	union {
		struct pv_domain_counters counters;
		struct pv_domain_create create;
		struct pv_domain_build build;
		struct pv_domain_info info;
		struct pv_domain_sched sched;
		struct pv_physinfo phys;
		struct pv_domain_list list;
		uint8_t raw[512];
	} u;
};

#endif
