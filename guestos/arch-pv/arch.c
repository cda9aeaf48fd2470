/* The arch interface (guestos/include/arch.h) for ring 1 under the hypervisor. */
#include "pv.h"
#include <public/sched.h>

void arch_console_write(const char *s, size_t n)
{
	/* A domU writes to its console ring once it is set up; dom0 (and a domU's
	 * first lines) go to the hypervisor's console. */
	if (!console_front_write(s, n))
		HYPERVISOR_console_io(CONSOLEIO_write, (uint32_t)n, (uint32_t)s);
}

/* The virtual interrupt flag is the upcall mask in our vcpu_info. */
unsigned long arch_irq_save(void)
{
	struct vcpu_info *vi = &shared_info->vcpu_info[0];
	unsigned long flags = vi->evtchn_upcall_mask;
	vi->evtchn_upcall_mask = 1;
	__asm__ volatile("" ::: "memory");
	return flags;
}

void arch_irq_restore(unsigned long flags)
{
	volatile struct vcpu_info *vi = &shared_info->vcpu_info[0];
	__asm__ volatile("" ::: "memory");
	vi->evtchn_upcall_mask = (uint8_t)flags;
	/* An event raised while masked would wait for the next entry into the
	 * hypervisor: make one now (it delivers events on every return to us). */
	if (!flags && vi->evtchn_upcall_pending)
		HYPERVISOR_xen_version(0, 0);
}

void arch_halt(void)
{
	HYPERVISOR_sched_op(SCHEDOP_block, 0);
}

int arch_set_pte(uint32_t va, uint64_t pte, bool flush)
{
	return (int)HYPERVISOR_update_va_mapping(va, (uint32_t)pte, (uint32_t)(pte >> 32),
						 flush ? UVMF_INVLPG : UVMF_NONE);
}

void arch_flush_tlb(void)
{
	struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
	HYPERVISOR_mmuext_op((uint32_t)&op, 1, 0, DOMID_SELF);
}

uint32_t arch_pfn_to_mfn(uint32_t pfn)
{
	return pv_pfn_to_mfn(pfn);
}

/* ns = system_time + scaled (tsc - tsc_timestamp), read under the version protocol. */
uint64_t arch_time_ns(void)
{
	const volatile struct vcpu_time_info *t = &shared_info->vcpu_info[0].time;
	uint32_t version;
	uint64_t ns;
	do {
		version = t->version;
		__asm__ volatile("" ::: "memory");
		uint64_t delta = rdtsc() - t->tsc_timestamp;
		int8_t shift = t->tsc_shift;
		delta = shift >= 0 ? delta << shift : delta >> -shift;
		uint32_t mul = t->tsc_to_system_mul;
		ns = t->system_time + (delta >> 32) * mul + (((delta & 0xFFFFFFFF) * mul) >> 32);
		__asm__ volatile("" ::: "memory");
	} while ((version & 1) || version != t->version);
	return ns;
}

int arch_set_kernel_stack(uint32_t sp)
{
	return (int)HYPERVISOR_stack_switch(FLAT_RING1_DS, sp);
}

noreturn void arch_shutdown(unsigned reason)
{
	struct sched_shutdown s = { reason };
	for (;;)
		HYPERVISOR_sched_op(SCHEDOP_shutdown, (uint32_t)&s);
}
