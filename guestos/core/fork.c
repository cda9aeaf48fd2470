/*
 * fork: a new process sharing the parent's pages copy-on-write (vm_fork), its
 * open files and its registers, with 0 as the child's result.
 */
#include <kernel.h>

static void child_start(void *arg)
{
	(void)arg;
	arch_enter_user(arch_user_regs(thread_kstack_top(thread_current())));
}

int proc_fork(struct arch_regs *regs)
{
	struct proc *parent = proc_current(), *child = proc_alloc(parent, parent->name);
	if (!child)
		return -UAPI_EAGAIN;
	if (!(child->vm = vm_fork(parent->vm, arch_regs_sp(regs))) ||
	    !(child->thread = thread_create(child, child_start, child))) {
		vm_destroy(child->vm);
		proc_free(child);
		return -UAPI_ENOMEM;
	}
	fd_copy(child, parent);
	signal_fork(child, parent);
	struct arch_regs *cr = arch_user_regs(thread_kstack_top(child->thread));
	arch_regs_copy(cr, regs);
	arch_regs_set_result(cr, 0);
	arch_fpu_save(child->thread->fpu);    /* the parent's live state ... */
	arch_fpu_restore(child->thread->fpu); /* ... which the parent keeps */
	return child->pid;
}

SYSCALL_DEFINE(fork)
{
	return proc_fork(regs);
}
