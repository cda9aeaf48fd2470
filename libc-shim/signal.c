/*
 * libc-shim: signals. kill() sends a signal numbered as the kernel numbers it
 * (Linux's numbering; newlib's generic one differs from SIGBUS on). Handlers:
 * the kernel enters one shim entry point with its own number, which calls
 * the program's handler with newlib's; the handler returns to a restorer that
 * makes the sigreturn call (uapi/syscall.h, "Signal handlers"). These replace
 * newlib's signal() and raise(), which only emulate signals inside a process.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include <unistd.h>

#include "shim.h"

int shim_signal_to_uapi(int newlib_sig)
{
	switch (newlib_sig) {
#define SHIM_SIG_CASE_(name, nr) \
	case name:               \
		return UAPI_##name;
		UAPI_SIGNALS(SHIM_SIG_CASE_)
#undef SHIM_SIG_CASE_
	}
	return 0;
}

int shim_signal_from_uapi(int uapi_sig)
{
	switch (uapi_sig) {
#define SHIM_SIG_CASE_(name, nr) \
	case UAPI_##name:        \
		return name;
		UAPI_SIGNALS(SHIM_SIG_CASE_)
#undef SHIM_SIG_CASE_
	}
	return 0;
}

int kill(pid_t pid, int sig)
{
	int usig = shim_signal_to_uapi(sig);

	if (sig != 0 && usig == 0)
		return shim_fail(EINVAL);
	return (int)shim_result(sys_kill(pid, usig));
}

/* A handler's return address: drop the signal number, then sigreturn. */
void shim_sig_restorer(void);
__asm__(".text\n"
	".globl shim_sig_restorer\n"
	"shim_sig_restorer:\n"
	"\tpopl %eax\n"
	"\tmovl $119, %eax\n"
	"\tint $0x80\n");

static _sig_func_ptr handlers[NSIG]; /* the program's, by newlib's number */

static void shim_sig_entry(int usig)
{
	int sig = shim_signal_from_uapi(usig);
	if (sig > 0 && sig < NSIG && handlers[sig])
		handlers[sig](sig);
}

static uint32_t mask_to_uapi(sigset_t mask)
{
	uint32_t m = 0;
	for (int sig = 1; sig < NSIG && sig < 32; sig++)
		if ((mask >> sig) & 1)
			m |= 1u << shim_signal_to_uapi(sig);
	return m & ~1u; /* bit 0: a number newlib has and the kernel lacks */
}

static sigset_t mask_from_uapi(uint32_t m)
{
	sigset_t mask = 0;
	for (int usig = 1; usig < 32; usig++)
		if ((m >> usig) & 1) {
			int sig = shim_signal_from_uapi(usig);
			if (sig > 0 && sig < 32)
				mask |= (sigset_t)1 << sig;
		}
	return mask;
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *oact)
{
	int usig = shim_signal_to_uapi(sig);
	struct uapi_sigaction ua, uo;

	if (usig == 0 || sig >= NSIG)
		return shim_fail(EINVAL);
	if (act) {
		_sig_func_ptr h = act->sa_handler;
		ua = (struct uapi_sigaction){
			.handler = h == SIG_DFL	  ? UAPI_SIG_DFL
				   : h == SIG_IGN ? UAPI_SIG_IGN
						  : (uint32_t)(uintptr_t)shim_sig_entry,
			.mask = mask_to_uapi(act->sa_mask),
			.flags = UAPI_SA_RESTORER,
			.restorer = (uint32_t)(uintptr_t)shim_sig_restorer,
		};
	}
	_sig_func_ptr old = handlers[sig];
	if (act)
		handlers[sig] = act->sa_handler; /* before: the signal may come at once */
	long rc = sys_sigaction(usig, act ? (long)&ua : 0, oact ? (long)&uo : 0);
	if (rc < 0) {
		handlers[sig] = old;
		return (int)shim_result(rc);
	}
	if (oact) {
		oact->sa_handler = uo.handler == UAPI_SIG_DFL	? SIG_DFL
				   : uo.handler == UAPI_SIG_IGN ? SIG_IGN
								: old;
		oact->sa_mask = mask_from_uapi(uo.mask);
		oact->sa_flags = 0;
	}
	return 0;
}

_sig_func_ptr signal(int sig, _sig_func_ptr handler)
{
	struct sigaction act = { .sa_handler = handler }, old;
	if (sigaction(sig, &act, &old))
		return SIG_ERR;
	return old.sa_handler;
}

int raise(int sig)
{
	return kill(getpid(), sig);
}
