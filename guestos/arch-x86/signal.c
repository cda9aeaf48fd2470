/*
 * Signal frames on the user stack, the same on both ports (uapi/syscall.h,
 * "Signal handlers", has the layout). sigreturn trusts nothing in a frame:
 * the code and stack segments stay the user ones, and of EFLAGS only what
 * user code may change anyway comes back (never IF or IOPL).
 */
#include "arch_x86.h"

struct signal_frame {
	uint32_t pretcode; /* the handler's return address: the restorer */
	int32_t sig;
	struct uapi_sigcontext sc;
	uint8_t fpu[ARCH_FPU_SIZE];
};
_Static_assert(sizeof(struct uapi_sigcontext) == 88, "Linux i386's sigcontext");
_Static_assert(__builtin_offsetof(struct signal_frame, fpu) == 96, "uapi/syscall.h's layout");

#define EFLAGS_USER 0x40DD5u /* CF PF AF ZF SF TF DF OF AC */
#define EFLAGS_DF (1u << 10)

int arch_signal_enter(struct arch_regs *r, int sig, uint32_t handler, uint32_t restorer,
		      uint32_t oldmask)
{
	struct signal_frame f;
	/* At the handler's entry ESP + 4 is 16-byte aligned, as after a call. */
	uint32_t sp = ((r->esp - sizeof(f)) & ~15u) - 4;
	memset(&f, 0, sizeof(f));
	f.pretcode = restorer;
	f.sig = sig;
	f.sc = (struct uapi_sigcontext){
		.es = r->es & 0xFFFF,
		.ds = r->ds & 0xFFFF,
		.edi = r->edi,
		.esi = r->esi,
		.ebp = r->ebp,
		.esp = r->esp,
		.ebx = r->ebx,
		.edx = r->edx,
		.ecx = r->ecx,
		.eax = r->eax,
		.trapno = r->vector,
		.err = r->error_code,
		.eip = r->eip,
		.cs = r->cs & 0xFFFF,
		.eflags = r->eflags,
		.esp_at_signal = r->esp,
		.ss = r->ss & 0xFFFF,
		.fpstate = sp + 96,
		.oldmask = oldmask,
	};
	arch_fpu_save(f.fpu); /* the handler starts with a clean FPU */
	if (sp >= r->esp || copy_to_user(sp, &f, sizeof(f))) {
		arch_fpu_restore(f.fpu);
		return -UAPI_EFAULT;
	}
	r->esp = sp;
	r->eip = handler;
	r->eax = (uint32_t)sig;
	r->ecx = r->edx = 0;
	r->eflags &= ~(EFLAGS_DF | EFLAGS_TF);
	return 0;
}

int arch_signal_return(struct arch_regs *r, uint32_t *oldmask, uint32_t *eax)
{
	struct signal_frame f;
	if (copy_from_user(&f, r->esp - 8, sizeof(f)))
		return -UAPI_EFAULT;
	const struct uapi_sigcontext *sc = &f.sc;
	r->edi = sc->edi;
	r->esi = sc->esi;
	r->ebp = sc->ebp;
	r->esp = sc->esp;
	r->ebx = sc->ebx;
	r->edx = sc->edx;
	r->ecx = sc->ecx;
	r->eip = sc->eip;
	r->eflags = (r->eflags & ~EFLAGS_USER) | (sc->eflags & EFLAGS_USER);
	r->cs = USER_CS;
	r->ss = r->ds = r->es = USER_DS;
	arch_fpu_restore(f.fpu);
	*oldmask = sc->oldmask;
	*eax = sc->eax;
	return 0;
}
