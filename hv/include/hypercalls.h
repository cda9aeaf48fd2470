/*
 * The hypercalls the hypervisor implements: HV_HYPERCALLS(X) lists each as
 * X(name, argument count) and hypercall.c builds the dispatch table from it.
 * Arguments are the guest's registers as they came (guest addresses are plain
 * uint32_t: only guest_access.c turns them into memory accesses).
 */
#ifndef HV_HYPERCALLS_H
#define HV_HYPERCALLS_H

#include <stdint.h>

#define HV_HYPERCALLS(X)        \
	X(set_trap_table, 1)    \
	X(mmu_update, 4)        \
	X(set_gdt, 2)           \
	X(stack_switch, 2)      \
	X(set_callbacks, 4)     \
	X(update_descriptor, 4) \
	X(multicall, 2)         \
	X(update_va_mapping, 4) \
	X(mmuext_op, 4)         \
	X(xen_version, 2)       \
	X(console_io, 3)        \
	X(vm_assist, 2)         \
	X(iret, 0)              \
	X(sched_op, 2)          \
	X(event_channel_op, 2)  \
	X(set_timer_op, 2)      \
	X(vcpu_op, 3)           \
	X(domctl, 1)

/* hc_traps.c */
long do_set_trap_table(uint32_t table);
long do_stack_switch(uint32_t ss, uint32_t esp);
long do_set_callbacks(uint32_t event_cs, uint32_t event_eip, uint32_t failsafe_cs,
		      uint32_t failsafe_eip);
long do_iret(void);
/* hc_mm.c */
long do_mmu_update(uint32_t reqs, uint32_t count, uint32_t done, uint32_t foreigndom);
long do_update_va_mapping(uint32_t va, uint32_t pte_lo, uint32_t pte_hi, uint32_t flags);
long do_mmuext_op(uint32_t ops, uint32_t count, uint32_t done, uint32_t foreigndom);
/* hc_desc.c */
long do_set_gdt(uint32_t frame_list, uint32_t entries);
long do_update_descriptor(uint32_t ma_lo, uint32_t ma_hi, uint32_t desc_lo, uint32_t desc_hi);
/* hypercall.c */
long do_multicall(uint32_t calls, uint32_t count);
/* hc_misc.c */
long do_xen_version(uint32_t cmd, uint32_t arg);
long do_console_io(uint32_t cmd, uint32_t count, uint32_t buffer);
long do_vm_assist(uint32_t cmd, uint32_t type);
long do_sched_op(uint32_t cmd, uint32_t arg);
/* event_channel.c */
long do_event_channel_op(uint32_t cmd, uint32_t arg);
/* hc_time.c */
long do_set_timer_op(uint32_t timeout_lo, uint32_t timeout_hi);
long do_vcpu_op(uint32_t cmd, uint32_t vcpuid, uint32_t arg);
/* hc_domctl.c */
long do_domctl(uint32_t arg);

#endif
