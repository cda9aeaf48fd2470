/*
 * The half of the entries from user mode that is the same on both ports: the
 * register frame (struct arch_regs) the core reads and writes, a new program's
 * and a new thread's first frames, the FPU state (fnsave/frstor are not
 * privileged), and what an exception in user mode means to the core.
 */
#include "arch_x86.h"

/* An exception in user mode: page faults go to the VM, the rest are signals. */
void x86_user_fault(struct arch_regs *f, uint32_t cr2)
{
	if (f->vector == 14) {
		uint32_t e = f->error_code;
		unsigned access = ((e & 2) ? VM_FAULT_WRITE : 0) | ((e & 16) ? VM_FAULT_EXEC : 0) |
				  ((e & 1) ? VM_FAULT_PRESENT : 0);
		vm_user_fault(cr2, access, f->eip);
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
}

/* A fresh program image in ring 3 (PV: the hypervisor keeps IF on anyway). */
void arch_regs_init(struct arch_regs *r, uint32_t entry, uint32_t sp)
{
	memset(r, 0, sizeof(*r));
	r->ds = r->es = r->ss = USER_DS;
	r->cs = USER_CS;
	r->eip = entry;
	r->esp = sp;
	r->eflags = EFLAGS_IF | 0x2; /* IF on, DF clear, IOPL 0 */
	r->vector = SYSCALL_VECTOR;
}

struct arch_regs *arch_user_regs(void *kstack_top)
{
	return (struct arch_regs *)((char *)kstack_top - sizeof(struct arch_regs));
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
