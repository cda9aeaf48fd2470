/*
 * Signals' actions: the default (most end the process; SIGCHLD, SIGCONT,
 * SIGURG, SIGWINCH and the stop signals, with no job control here, are
 * ignored), ignoring, or a handler in user mode entered through a frame on
 * the user stack (uapi/syscall.h, "Signal handlers"; the frame itself is the
 * arch's). sigaction sets them; sigreturn ends a handler.
 */
#include <kernel.h>

#define BIT(sig) (1u << (sig))
#define DEFAULT_IGNORED                                                                  \
	(BIT(UAPI_SIGCHLD) | BIT(UAPI_SIGCONT) | BIT(UAPI_SIGURG) | BIT(UAPI_SIGWINCH) | \
	 BIT(UAPI_SIGSTOP) | BIT(UAPI_SIGTSTP) | BIT(UAPI_SIGTTIN) | BIT(UAPI_SIGTTOU))
#define UNCATCHABLE (BIT(UAPI_SIGKILL) | BIT(UAPI_SIGSTOP))
#define KNOWN_FLAGS (UAPI_SA_RESTORER | UAPI_SA_NODEFER | UAPI_SA_RESETHAND)

static bool is_handler(uint32_t handler)
{
	return handler != UAPI_SIG_DFL && handler != UAPI_SIG_IGN;
}

bool signal_ignored(const struct proc *p, int sig)
{
	uint32_t h = p->sigact[sig].handler;
	return h == UAPI_SIG_IGN || (h == UAPI_SIG_DFL && (DEFAULT_IGNORED & BIT(sig)));
}

bool signal_caught(const struct proc *p, int sig)
{
	return is_handler(p->sigact[sig].handler) && !(p->sigblocked & BIT(sig));
}

/* One signal, SIGKILL first, then the lowest number (as Linux picks them). */
void signal_deliver(struct proc *p, uint32_t deliverable)
{
	int sig = (deliverable & BIT(UAPI_SIGKILL)) ? UAPI_SIGKILL : __builtin_ctz(deliverable);
	p->sigpending &= ~BIT(sig);
	struct uapi_sigaction *act = &p->sigact[sig];
	if (!is_handler(act->handler)) {
		if (!signal_ignored(p, sig))
			proc_exit(UAPI_W_SIGNALED(sig));
		return; /* became ignored after it was sent */
	}
	struct arch_regs *r = arch_user_regs(thread_kstack_top(thread_current()));
	if (arch_signal_enter(r, sig, act->handler, act->restorer, p->sigblocked)) {
		printk("proc: pid %d (%s): no room for signal %d's frame at sp %#x\n", p->pid,
		       p->name, sig, arch_regs_sp(r));
		proc_exit(UAPI_W_SIGNALED(UAPI_SIGSEGV));
	}
	p->sigblocked |=
	    (act->mask | ((act->flags & UAPI_SA_NODEFER) ? 0 : BIT(sig))) & ~UNCATCHABLE;
	if (act->flags & UAPI_SA_RESETHAND)
		*act = (struct uapi_sigaction){ 0 };
}

void signal_fork(struct proc *child, const struct proc *parent)
{
	memcpy(child->sigact, parent->sigact, sizeof(child->sigact));
	child->sigblocked = parent->sigblocked;
}

/* The new image has none of the old one's handlers; what was ignored stays so. */
void signal_exec(struct proc *p)
{
	for (int sig = 1; sig < 32; sig++)
		if (is_handler(p->sigact[sig].handler))
			p->sigact[sig] = (struct uapi_sigaction){ 0 };
}

SYSCALL_DEFINE(sigaction)
{
	int sig = (int)a[0];
	struct proc *p = proc_current();
	struct uapi_sigaction act;
	if (sig < 1 || sig > 31)
		return -UAPI_EINVAL;
	if (a[1]) {
		if (copy_from_user(&act, a[1], sizeof(act)))
			return -UAPI_EFAULT;
		if ((UNCATCHABLE & BIT(sig)) || (act.flags & ~KNOWN_FLAGS) ||
		    (is_handler(act.handler) && !(act.flags & UAPI_SA_RESTORER)))
			return -UAPI_EINVAL;
	}
	if (a[2] && copy_to_user(a[2], &p->sigact[sig], sizeof(act)))
		return -UAPI_EFAULT;
	if (a[1]) {
		p->sigact[sig] = act;
		if (signal_ignored(p, sig))
			p->sigpending &= ~BIT(sig); /* as POSIX says: a pending one goes */
	}
	return 0;
}

SYSCALL_DEFINE(sigreturn)
{
	struct proc *p = proc_current();
	uint32_t mask, eax;
	if (arch_signal_return(regs, &mask, &eax)) {
		printk("proc: pid %d (%s) killed by signal %d: no signal frame at %#x\n", p->pid,
		       p->name, UAPI_SIGSEGV, arch_regs_sp(regs) - 8);
		proc_exit(UAPI_W_SIGNALED(UAPI_SIGSEGV));
	}
	p->sigblocked = mask & ~UNCATCHABLE;
	return (long)eax; /* the dispatcher puts it back in EAX */
}
