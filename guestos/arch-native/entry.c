/*
 * Entries from user mode and the way back (native). A system call and an
 * exception both arrive through an IDT gate on the thread's kernel stack
 * (TSS.esp0) and leave the user registers as struct arch_regs at its top.
 * The kernel runs with interrupts off (interrupt gates clear IF); user mode
 * runs with them on (EFLAGS.IF in the frame iret restores). Back to user mode
 * goes through native_return_to_user: the core's work (signals), then the
 * pending TLB invalidations. What both ports share (the frame's accessors,
 * thread stacks, the FPU, what a user fault means) is arch-x86/entry.c.
 */
#include "native.h"

void native_return_to_user(void)
{
	proc_user_return();
	arch_mmu_flush();
}

void native_syscall(struct arch_regs *f)
{
	if (!proc_current()->vm) { /* no process: nobody to serve */
		f->eax = (uint32_t)-UAPI_ENOSYS;
		return;
	}
	syscall_dispatch(f);
	native_return_to_user();
}

/* An exception in user mode: the core's business (arch-x86/entry.c). */
void native_user_trap(struct arch_regs *f, uint32_t cr2)
{
	x86_user_fault(f, cr2);
	native_return_to_user();
}

noreturn void arch_enter_user(struct arch_regs *r)
{
	native_return_to_user();
	native_resume_frame(r);
}
