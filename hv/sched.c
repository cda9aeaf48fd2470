/*
 * Running vCPUs. One physical CPU and, for now, one domain: a vCPU runs until
 * it blocks (the CPU halts until the next interrupt) or its domain ends, after
 * which the idle loop runs.
 */
#include <hv.h>
#include <x86.h>

noreturn void resume_frame(struct cpu_regs *r);
noreturn void reset_stack_and_call(void *top, void (*fn)(void));

/* How long the idle loop shows the hypervisor alive before ending the machine. */
#define IDLE_TICKS_BEFORE_EXIT 10

noreturn void vcpu_start(struct vcpu *v)
{
	current = v;
	write_cr3(v->cr3);
	tss_set_ring1_stack(v->kernel_ss, v->kernel_sp);
	time_update_vcpu(v);
	*guest_regs() = v->regs;
	/* restore_all reloads only DS and ES: load the vCPU's FS and GS here. */
	__asm__ volatile("mov %0, %%fs\n\tmov %1, %%gs" : : "r"(v->regs.fs), "r"(v->regs.gs));
	resume_frame(guest_regs());
}

void vcpu_block(struct vcpu *v)
{
	/* Blocking re-enables event delivery, as in Xen; wake on any interrupt. */
	v->info->evtchn_upcall_mask = 0;
	if (!v->info->evtchn_upcall_pending)
		safe_halt();
	time_update_vcpu(v);
}

static noreturn void idle_loop(void)
{
	uint64_t start = cpu0.ticks;
	while (cpu0.ticks - start < IDLE_TICKS_BEFORE_EXIT)
		safe_halt();
	unsigned code = !dom0			     ? HV_EXIT_NO_DOM0
			: dom0->state == DOM_CRASHED ? 3 /* SHUTDOWN_crash */
						     : dom0->shutdown_reason;
	printk("hv: idle: still running %u timer ticks after dom0 ended; powering off\n",
	       (unsigned)(cpu0.ticks - start));
	machine_exit(code);
}

noreturn void schedule_idle(void)
{
	current = NULL;
	write_cr3(paging_idle_cr3());
	reset_stack_and_call(cpu0.stack_top, idle_loop);
}

void vcpu_wake(struct vcpu *v)
{
	if (v->state == VCPU_BLOCKED)
		v->state = VCPU_RUNNABLE;
}

void schedule(struct cpu_regs *r)
{
	(void)r;
	cpu0.need_resched = false; /* one vCPU for now: nothing to switch to */
}
