/* Domains, their virtual CPUs, and the per-CPU state. */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <public/domctl.h>
#include <public/xen.h>
#include <regs.h>

enum domain_state {
	DOM_RUNNING,  /* runnable or running */
	DOM_SHUTDOWN, /* the guest asked to stop (shutdown_reason says why) */
	DOM_CRASHED,  /* the hypervisor stopped it after a fatal fault */
};

enum vcpu_state {
	VCPU_RUNNABLE, /* running, or waiting for the CPU */
	VCPU_BLOCKED,  /* SCHEDOP_block/poll: waits for an event or its timer */
	VCPU_DOWN,     /* its domain has ended */
};

struct evtchn_domain; /* event_channel.c */

struct vcpu {
	struct domain *domain;
	unsigned id;
	struct vcpu_info *info;	       /* this vCPU's slot in shared_info */
	uint32_t cr3;		       /* machine address of the current L3 */
	uint32_t kernel_ss, kernel_sp; /* ring-1 stack for entries from ring 3 */
	uint32_t event_cs, event_eip, failsafe_cs, failsafe_eip;
	struct cpu_regs regs;	     /* guest registers while it is not running */
	struct trap_info traps[256]; /* the guest's virtual IDT (address 0: none) */
	/* set_gdt: the guest's GDT frames (each holds a PGT_seg_desc reference),
	 * mapped at GDT_AREA(domain id); none: the hypervisor's own GDT. */
	uint32_t gdt_frames[FIRST_RESERVED_GDT_ENTRY / 512];
	uint32_t gdt_nr_frames, gdt_entries;

	/* Scheduling (sched.c). */
	enum vcpu_state state;
	uint64_t vtime;		 /* weighted CPU time: the fair-share clock */
	uint64_t cpu_ns;	 /* CPU time consumed */
	uint64_t ran_since;	 /* when it last got the CPU (ns since boot) */
	uint64_t timer_deadline; /* guest one-shot timer, 0 if none (ns since boot) */
	uint64_t timer_period;	 /* guest periodic timer, 0 if none */
	uint64_t timer_next;	 /* its next expiry */
	bool timer_fired;	 /* a timer fired while it was not blocked */
	bool polling;		 /* in SCHEDOP_poll: any event wakes it to re-check */
	uint64_t poll_deadline;	 /* its timeout (system time), 0 = none */
};

struct domain {
	domid_t id;
	enum domain_state state;
	unsigned shutdown_reason; /* SHUTDOWN_*, valid in DOM_SHUTDOWN */
	bool privileged;
	uint32_t nr_pages, max_pages; /* pseudo-physical frames held / allowed */
	uint32_t *p2m;		      /* hypervisor's view of the guest's P2M list */
	struct shared_info *shared_info;
	uint32_t shared_info_mfn;
	uint32_t vm_assist;		 /* bitmap of enabled VMASST_TYPE_* */
	struct pv_domain_counters stats; /* dom0 reads them; printed at the end */
	unsigned weight;		 /* fair-share weight (default 256) */
	unsigned cap;			 /* max % of a CPU, 0 = no cap */
	bool paused;			 /* by domctl: not scheduled while set */
	bool built;			 /* a kernel has been loaded */
	uint64_t cap_period_start;	 /* cap accounting window */
	uint64_t cap_used_ns;
	uint64_t created_ns;
	struct evtchn_domain *evtchn;	 /* event channel table (event_channel.c) */
	uint32_t console_mfn, store_mfn; /* domU rings (0 for dom0) */
	uint32_t console_port, store_port;
	uint64_t log_window_start; /* console_io rate limit (hc_misc.c) */
	uint32_t log_bytes, log_dropped;
	bool log_at_line_start;
	struct vcpu vcpu0;
};

/* State of the (for now only) physical CPU. */
struct percpu {
	struct vcpu *current;
	uint8_t *stack_top;
	uint64_t ticks;	   /* timer interrupts taken */
	bool need_resched; /* pick again before returning to a guest */
	bool in_multicall; /* hypercalls that rewind the guest cannot run now */
	/* A new base pointer not yet in CR3 (hc_mm.c, baseptr_settle): CR3 still
	 * holds stale_l3, which keeps its reference until the load. */
	bool baseptr_pending;
	bool stale_kernel_same; /* stale_l3 maps the kernel slot as the new one */
	uint32_t stale_l3;
	/* A frame became a page table while a writable TLB entry may still reach
	 * it: the TLB is flushed before anything writes through a guest address
	 * (copy_to_guest, the guest itself). mm_retype_flush, flush_settle. */
	bool flush_owed;
};

extern struct percpu cpu0;
#define current (cpu0.current)

/* The frame a guest entry left at the top of the per-CPU stack. */
static inline struct cpu_regs *guest_regs(void)
{
	return (struct cpu_regs *)(cpu0.stack_top - sizeof(struct cpu_regs));
}

#endif
