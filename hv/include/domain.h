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

struct vcpu {
	struct domain *domain;
	unsigned id;
	struct vcpu_info *info;	       /* this vCPU's slot in shared_info */
	uint32_t cr3;		       /* machine address of the current L3 */
	uint32_t kernel_ss, kernel_sp; /* ring-1 stack for entries from ring 3 */
	uint32_t event_cs, event_eip, failsafe_cs, failsafe_eip;
	struct cpu_regs entry_regs;  /* state the vCPU starts from */
	struct trap_info traps[256]; /* the guest's virtual IDT (address 0: none) */
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
	struct vcpu vcpu0;
};

/* State of the (for now only) physical CPU. */
struct percpu {
	struct vcpu *current;
	uint8_t *stack_top;
	uint64_t ticks; /* timer interrupts taken */
};

extern struct percpu cpu0;
#define current (cpu0.current)

/* The frame a guest entry left at the top of the per-CPU stack. */
static inline struct cpu_regs *guest_regs(void)
{
	return (struct cpu_regs *)(cpu0.stack_top - sizeof(struct cpu_regs));
}

#endif
