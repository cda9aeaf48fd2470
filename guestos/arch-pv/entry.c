/*
 * Entries from user mode and the way back (PV). A system call arrives on the
 * direct int $0x80 gate, an exception through the hypervisor's bounce; both
 * leave the user registers as struct arch_regs at the top of the thread's
 * kernel stack. The kernel runs with event upcalls masked (its "interrupts
 * off"); user mode runs with them unmasked. Back to user mode goes through
 * pv_return_to_user: the core's work (signals), the queued page-table
 * updates, then the upcalls unmasked. What both ports share (the frame's
 * accessors, thread stacks, the FPU, what a user fault means) is arch-x86/entry.c.
 */
#include "pv.h"
#include <public/sched.h>
#include "events.h"

_Static_assert(USER_CS == FLAT_RING3_CS && USER_DS == FLAT_RING3_DS,
	       "arch-x86's ring-3 selectors are the PV ABI's");

static volatile struct vcpu_info *vcpu(void)
{
	return &shared_info->vcpu_info[0];
}

/* An upcall raised while masked: any hypercall has it delivered now. Out of
 * line: the five argument registers it loads would otherwise be saved and
 * restored on every system call. */
static void __attribute__((noinline, cold)) deliver_pending_upcall(void)
{
	HYPERVISOR_xen_version(0, 0);
}

void pv_return_to_user(void)
{
	proc_user_return();
	arch_mmu_flush();
	volatile struct vcpu_info *vi = vcpu();
	vi->evtchn_upcall_mask = 0;
	__asm__ volatile("" ::: "memory");
	if (vi->evtchn_upcall_pending)
		deliver_pending_upcall();
}

/* A thread without a user process (the boot thread's ring-3 self-tests): the
 * old protocol, EAX 0 a null call and EAX SYS_EXIT_TO_KERNEL back to the test. */
static void selftest_syscall(struct arch_regs *f)
{
	if (f->eax == SYS_EXIT_TO_KERNEL)
		user_leave(f->ebx);
	if (f->eax == 0)
		syscall_count++;
	else
		f->eax = (uint32_t)-UAPI_ENOSYS;
}

void pv_syscall(struct arch_regs *f)
{
	if (!proc_current()->vm) {
		selftest_syscall(f);
		return;
	}
	vcpu()->evtchn_upcall_mask = 1;
	syscall_dispatch(f);
	pv_return_to_user();
}

/* An exception in user mode: the core's business (arch-x86/entry.c). */
void pv_user_trap(struct arch_regs *f)
{
	vcpu()->evtchn_upcall_mask = 1;
	x86_user_fault(f, f->vector == 14 ? vcpu()->arch.cr2 : 0);
	pv_return_to_user();
}

noreturn void arch_enter_user(struct arch_regs *r)
{
	pv_return_to_user();
	pv_resume_frame(r);
}

/* An upcall interrupted user mode: the core's work (the slice may have ended),
 * then the iret hypercall goes back there and unmasks. */
void pv_upcall_return_to_user(void)
{
	if (!proc_current()->vm)
		return; /* a ring-3 self-test of the boot thread */
	proc_user_return();
	arch_mmu_flush();
}

static void timer_event(uint32_t port, void *data)
{
	(void)port, (void)data;
	sched_timer_interrupt();
}

/* VIRQ_TIMER is bound on first use, not at boot: the self-tests, which run
 * before any process, bind it for themselves. Unbound, the timer still ends a
 * block (arch_idle); bound, it interrupts user mode too. */
void arch_timer_set(uint64_t deadline_ns)
{
	static int port;
	if (!port && (port = evtchn_bind_virq(VIRQ_TIMER, timer_event, NULL)) < 0)
		panic("pv: cannot bind VIRQ_TIMER for the scheduler: %d", port);
	HYPERVISOR_set_timer_op((uint32_t)deadline_ns, (uint32_t)(deadline_ns >> 32));
}

void arch_idle(uint64_t deadline_ns)
{
	if (deadline_ns)
		HYPERVISOR_set_timer_op((uint32_t)deadline_ns, (uint32_t)(deadline_ns >> 32));
	HYPERVISOR_sched_op(SCHEDOP_block, 0); /* unmasks: pending events run first */
	vcpu()->evtchn_upcall_mask = 1;
}

uint64_t arch_wallclock_ns(void)
{
	const volatile struct shared_info *s = shared_info;
	uint32_t version, sec, nsec;
	do {
		version = s->wc_version;
		__asm__ volatile("" ::: "memory");
		sec = s->wc_sec;
		nsec = s->wc_nsec;
		__asm__ volatile("" ::: "memory");
	} while ((version & 1) || version != s->wc_version);
	return (uint64_t)sec * 1000000000 + nsec + arch_time_ns();
}
