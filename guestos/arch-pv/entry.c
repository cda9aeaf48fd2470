/*
 * Entries from user mode and the way back (PV). A system call arrives on the
 * direct int $0x80 gate, an exception through the hypervisor's bounce; both
 * leave the user registers as struct arch_regs at the top of the thread's
 * kernel stack. The kernel runs with event upcalls masked (its "interrupts
 * off"); user mode runs with them unmasked. Back to user mode goes through
 * pv_return_to_user: the core's work (signals), the queued page-table
 * updates, then the upcalls unmasked.
 */
#include "pv.h"
#include <public/sched.h>

static volatile struct vcpu_info *vcpu(void)
{
	return &shared_info->vcpu_info[0];
}

void pv_return_to_user(void)
{
	proc_user_return();
	arch_mmu_flush();
	volatile struct vcpu_info *vi = vcpu();
	vi->evtchn_upcall_mask = 0;
	__asm__ volatile("" ::: "memory");
	if (vi->evtchn_upcall_pending) /* raised while masked: have it delivered now */
		HYPERVISOR_xen_version(0, 0);
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

/* An exception in user mode: page faults go to the VM, the rest are signals. */
void pv_user_trap(struct arch_regs *f)
{
	vcpu()->evtchn_upcall_mask = 1;
	if (f->vector == 14) {
		uint32_t e = f->error_code;
		unsigned access = ((e & 2) ? VM_FAULT_WRITE : 0) | ((e & 16) ? VM_FAULT_EXEC : 0) |
				  ((e & 1) ? VM_FAULT_PRESENT : 0);
		vm_user_fault(vcpu()->arch.cr2, access, f->eip);
	} else {
		static const uint8_t signal_of[32] = {
			[0] = UAPI_SIGFPE,  [1] = UAPI_SIGTRAP,	 [3] = UAPI_SIGTRAP,
			[4] = UAPI_SIGSEGV, [5] = UAPI_SIGSEGV,	 [6] = UAPI_SIGILL,
			[7] = UAPI_SIGSEGV, [10] = UAPI_SIGSEGV, [11] = UAPI_SIGBUS,
			[12] = UAPI_SIGBUS, [13] = UAPI_SIGSEGV, [16] = UAPI_SIGFPE,
			[17] = UAPI_SIGBUS, [19] = UAPI_SIGFPE,
		};
		int sig =
		    f->vector < 32 && signal_of[f->vector] ? signal_of[f->vector] : UAPI_SIGSEGV;
		proc_fault_signal(sig, f->eip, 0);
	}
	pv_return_to_user();
}

noreturn void arch_enter_user(struct arch_regs *r)
{
	pv_return_to_user();
	pv_resume_frame(r);
}

struct arch_regs *arch_user_regs(void *kstack_top)
{
	return (struct arch_regs *)((char *)kstack_top - sizeof(struct arch_regs));
}

void arch_regs_init(struct arch_regs *r, uint32_t entry, uint32_t sp)
{
	memset(r, 0, sizeof(*r));
	r->ds = r->es = r->ss = FLAT_RING3_DS;
	r->cs = FLAT_RING3_CS;
	r->eip = entry;
	r->esp = sp;
	r->eflags = 0x202; /* IF (the hypervisor keeps it on anyway), DF clear */
	r->vector = SYSCALL_VECTOR;
}

uint32_t arch_regs_syscall(const struct arch_regs *r, uint32_t args[6])
{
	args[0] = r->ebx;
	args[1] = r->ecx;
	args[2] = r->edx;
	args[3] = r->esi;
	args[4] = r->edi;
	args[5] = r->ebp;
	return r->eax;
}

void arch_regs_set_result(struct arch_regs *r, uint32_t value)
{
	r->eax = value;
}

uint32_t arch_regs_pc(const struct arch_regs *r)
{
	return r->eip;
}

uint32_t arch_regs_sp(const struct arch_regs *r)
{
	return r->esp;
}

void arch_regs_copy(struct arch_regs *dst, const struct arch_regs *src)
{
	*dst = *src;
}

extern char thread_start[]; /* switch.S */

uint32_t arch_thread_init(void *top, void (*fn)(void *), void *arg)
{
	uint32_t *sp = (uint32_t *)arch_user_regs(top);
	*--sp = (uint32_t)arg;
	*--sp = (uint32_t)fn;
	*--sp = (uint32_t)thread_start; /* where arch_switch returns to */
	for (int i = 0; i < 6; i++)
		*--sp = 0; /* ebp, ebx, esi, edi, gs, fs */
	return (uint32_t)sp;
}

void arch_fpu_save(void *buf)
{
	__asm__ volatile("fnsave (%0)" : : "r"(buf) : "memory");
}

void arch_fpu_restore(const void *buf)
{
	__asm__ volatile("frstor (%0)" : : "r"(buf) : "memory");
}

void arch_fpu_reset(void)
{
	__asm__ volatile("fninit");
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
