/*
 * Processes: the table, exit and wait, and sending signals. What a signal
 * does (its default action, or a handler) is core/signal.c's.
 */
#include <kernel.h>

#define PID_MAX 32768

struct proc kproc __hot_data = { .pid = 0, .name = "kernel" };
static struct proc *procs __hot_data = &kproc;
static int last_pid __hot_data;

void proc_init(void)
{
	sched_init(&kproc);
	kproc.thread = thread_current();
}

struct proc *proc_current(void)
{
	return thread_current()->proc;
}

struct proc *proc_find(int pid)
{
	for (struct proc *p = procs; p; p = p->next)
		if (p->pid == pid && p != &kproc)
			return p;
	return NULL;
}

static int alloc_pid(void)
{
	for (int tries = 0; tries < PID_MAX; tries++) {
		last_pid = last_pid + 1 < PID_MAX ? last_pid + 1 : 1;
		if (!proc_find(last_pid))
			return last_pid;
	}
	return -UAPI_EAGAIN;
}

struct proc *proc_alloc(struct proc *parent, const char *name)
{
	int pid = alloc_pid();
	struct proc *p = pid > 0 ? kzalloc(sizeof(*p)) : NULL;
	if (!p)
		return NULL;
	p->pid = pid;
	strlcpy(p->name, name, sizeof(p->name));
	p->parent = parent;
	p->next = kproc.next;
	kproc.next = p;
	return p;
}

void proc_free(struct proc *p)
{
	struct proc **pp = &procs;
	while (*pp && *pp != p)
		pp = &(*pp)->next;
	if (*pp)
		*pp = p->next;
	kfree(p);
}

static int reap(struct proc *parent, struct proc *c, int *status)
{
	int pid = c->pid;
	*status = c->status;
	parent->child_cpu_ns += c->thread->cpu_ns + c->child_cpu_ns;
	thread_free(c->thread);
	proc_free(c);
	return pid;
}

int proc_wait(struct proc *parent, int pid, int *status, int options)
{
	for (;;) {
		bool any = false;
		for (struct proc *c = procs; c; c = c->next) {
			if (c->parent != parent || (pid > 0 && c->pid != pid))
				continue;
			if (c->zombie)
				return reap(parent, c, status);
			any = true;
		}
		if (!any)
			return -UAPI_ECHILD;
		if (options & UAPI_WNOHANG)
			return 0;
		int rc = sleep_on(parent, 0, parent != &kproc);
		if (rc)
			return rc;
	}
}

noreturn void proc_exit(int status)
{
	struct proc *p = proc_current();
	if (p == &kproc)
		panic("proc: the kernel process cannot exit");
	fd_close_all(p);
	struct vm *vm = p->vm;
	p->vm = NULL;
	vm_destroy(vm);
	bool orphaned_zombie = false;
	for (struct proc *c = procs; c; c = c->next) {
		if (c->parent == p) {
			c->parent = &kproc; /* the kernel reaps orphans (init does) */
			orphaned_zombie |= c->zombie;
		}
	}
	if (orphaned_zombie)
		wakeup(&kproc);
	p->status = status;
	p->zombie = true;
	wakeup(p->parent);
	thread_exit();
}

int proc_signal(struct proc *p, int sig)
{
	if (sig < 1 || sig > 31)
		return -UAPI_EINVAL;
	if (p->zombie || signal_ignored(p, sig))
		return 0;
	p->sigpending |= 1u << sig;
	thread_interrupt(p->thread);
	return 0;
}

void proc_user_return(void)
{
	sched_user_return();
	struct proc *p = proc_current();
	uint32_t deliverable = p->sigpending & ~p->sigblocked;
	if (deliverable)
		signal_deliver(p, deliverable);
}

/* A fault's signal: to its handler on the way back to user mode, if one is
 * installed and not blocked; otherwise the process ends now. */
void proc_fault_signal(int sig, uint32_t pc, uint32_t addr)
{
	struct proc *p = proc_current();
	if (signal_caught(p, sig)) {
		p->sigpending |= 1u << sig;
		return;
	}
	printk("proc: pid %d (%s) killed by signal %d at pc %#x, address %#x\n", p->pid, p->name,
	       sig, pc, addr);
	proc_exit(UAPI_W_SIGNALED(sig));
}

SYSCALL_DEFINE(exit)
{
	proc_exit(UAPI_W_EXITED((int)a[0]));
}

SYSCALL_DEFINE(exit_group)
{
	proc_exit(UAPI_W_EXITED((int)a[0]));
}

SYSCALL_DEFINE(getpid)
{
	return proc_current()->pid;
}

SYSCALL_DEFINE(kill)
{
	int pid = (int)a[0], sig = (int)a[1];
	if (sig < 0 || sig > 31)
		return -UAPI_EINVAL;
	struct proc *p = pid > 0 ? proc_find(pid) : NULL; /* no process groups */
	if (!p)
		return -UAPI_ESRCH;
	return sig ? proc_signal(p, sig) : 0;
}

static long wait_common(const uint32_t *a)
{
	int pid = (int)a[0], status = 0;
	uint32_t ustatus = a[1];
	if (a[2] & ~(uint32_t)(UAPI_WNOHANG | UAPI_WUNTRACED))
		return -UAPI_EINVAL;
	if (ustatus && user_prepare(ustatus, sizeof(int), true))
		return -UAPI_EFAULT; /* before reaping, so no status is lost */
	int rc = proc_wait(proc_current(), pid, &status, (int)a[2]);
	if (rc > 0 && ustatus)
		copy_to_user(ustatus, &status, sizeof(status));
	return rc;
}

SYSCALL_DEFINE(waitpid)
{
	return wait_common(a);
}

SYSCALL_DEFINE(wait4)
{
	static const uint8_t zero_rusage[72];
	if (a[3] && user_prepare(a[3], sizeof(zero_rusage), true))
		return -UAPI_EFAULT;
	long rc = wait_common(a);
	if (rc > 0 && a[3])
		copy_to_user(a[3], zero_rusage, sizeof(zero_rusage));
	return rc;
}
