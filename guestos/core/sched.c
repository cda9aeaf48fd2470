/*
 * Kernel threads and the scheduler: round robin over every runnable thread.
 * The kernel is not preempted (a thread in the kernel runs until it sleeps,
 * yields or exits); user mode is. A thread in user mode gets a time slice
 * when others wait to run, and the timer takes the CPU back when the slice
 * ends; the same timer ends timed sleeps while user code runs. With nobody
 * to run, the CPU idles until the earliest timed sleep ends or an event comes.
 *
 * The timer is armed lazily, on the way back to user mode, and only when
 * something needs it: a context-switch-heavy program pays one timer setting
 * per slice, not one per switch.
 */
#include <kernel.h>

#define TIME_SLICE_NS 10000000ull /* 10 ms, as Linux's HZ=100 tick */
#define NO_TIMER UINT64_MAX

static struct thread boot_thread __hot_data; /* kernel_main's, on the arch's boot stack */
static struct thread *current __hot_data;
static struct thread *threads __hot_data;	/* every thread, in round-robin order */
static unsigned nr_runnable __hot_data;		/* threads in T_RUNNABLE, current included */
static uint64_t next_wake __hot_data;		/* the earliest timed sleep's end (0: none) */
static uint64_t slice_end __hot_data;		/* when the current thread's slice ends */
static uint64_t timer_at __hot_data = NO_TIMER; /* what arch_timer_set armed */
static bool need_resched __hot_data;		/* the slice ended while user code ran */
bool sched_user_work __hot_data;		/* see recheck */

/* The timer user mode needs: the end of the slice if others wait to run, or
 * the earliest timed sleep's end, whichever is first (0: none). */
static uint64_t timer_wanted(void)
{
	uint64_t want = next_wake;
	if (nr_runnable > 1 && (!want || slice_end < want))
		want = slice_end;
	return want;
}

/* Kept after every change to what it reads that could set it, so that the
 * way back to user mode (every system call) tests one flag rather than all of
 * this. Left set when it need not be, it costs one sched_user_return_work. */
static void recheck(void)
{
	uint64_t want = timer_wanted();
	sched_user_work = need_resched || (want && want < timer_at);
}

/* Only the slice's end can have become wanted (others now wait to run): a
 * cheaper test than recheck's, and never false when recheck would be true. */
static void one_more_runnable(void)
{
	nr_runnable++;
	if (slice_end < timer_at)
		sched_user_work = true;
}

void sched_init(struct proc *boot_proc)
{
	boot_thread.state = T_RUNNABLE;
	boot_thread.proc = boot_proc;
	boot_thread.ran_since = arch_time_ns();
	threads = current = &boot_thread;
	nr_runnable = 1;
}

struct thread *thread_current(void)
{
	return current;
}

struct thread *thread_create(struct proc *p, void (*fn)(void *), void *arg)
{
	struct thread *t = kzalloc(sizeof(*t));
	uint32_t pfn = t ? pmem_alloc_run(KSTACK_PAGES) : PMEM_NONE;
	if (pfn == PMEM_NONE) {
		kfree(t);
		return NULL;
	}
	t->kstack = pfn_to_virt(pfn);
	void *top = (char *)t->kstack + KSTACK_SIZE;
	t->entry_sp = (uint32_t)(uintptr_t)top;
	t->sp = arch_thread_init(top, fn, arg);
	t->proc = p;
	t->state = T_RUNNABLE;
	one_more_runnable();
	t->next = current->next; /* runs after the current thread */
	current->next = t;
	return t;
}

void thread_free(struct thread *t)
{
	if (t == current || t == &boot_thread)
		panic("sched: freeing a running thread");
	struct thread **pp = &threads;
	while (*pp && *pp != t)
		pp = &(*pp)->next;
	if (*pp)
		*pp = t->next;
	if (pmem_free_run(virt_to_pfn(t->kstack), KSTACK_PAGES))
		panic("sched: thread stack %p not ours", t->kstack);
	kfree(t);
}

static bool user_thread(const struct thread *t)
{
	return t->proc && t->proc->vm;
}

static void make_runnable(struct thread *t)
{
	t->state = T_RUNNABLE;
	t->chan = NULL;
	t->wake_at = 0;
	one_more_runnable();
}

static void stop_running(struct thread *t, enum thread_state state)
{
	t->state = state;
	nr_runnable--; /* the timer can only be wanted later: no recheck */
}

/* Wake timed sleepers whose deadline passed; the earliest deadline left (0: none). */
static uint64_t run_timers(uint64_t now)
{
	uint64_t next = 0;
	for (struct thread *t = threads; t; t = t->next) {
		if (t->state != T_SLEEPING || !t->wake_at)
			continue;
		if (t->wake_at <= now)
			make_runnable(t);
		else if (!next || t->wake_at < next) {
			next = t->wake_at;
		}
	}
	return next;
}

/* The first runnable thread after prev in list order, prev itself last. */
static struct thread *pick(struct thread *prev)
{
	for (struct thread *t = prev->next; t; t = t->next)
		if (t->state == T_RUNNABLE)
			return t;
	for (struct thread *t = threads; t && t != prev; t = t->next)
		if (t->state == T_RUNNABLE)
			return t;
	return prev->state == T_RUNNABLE ? prev : NULL;
}

static void dump_threads(void)
{
	for (struct thread *t = threads; t; t = t->next)
		printk("sched:   thread of pid %d (%s): state %d, sleeps on %p\n",
		       t->proc ? t->proc->pid : -1, t->proc ? t->proc->name : "?", t->state,
		       t->chan);
}

static void switch_to(struct thread *prev, struct thread *next)
{
	uint64_t now = arch_time_ns();
	prev->cpu_ns += now - prev->ran_since;
	next->ran_since = now;
	slice_end = now + TIME_SLICE_NS;
	current = next;
	recheck();
	if (user_thread(prev))
		arch_fpu_save(prev->fpu);
	arch_switch_prepare(user_thread(next) ? next->proc->vm->as : NULL, next->entry_sp);
	if (user_thread(next))
		arch_fpu_restore(next->fpu);
	arch_switch(&prev->sp, next->sp);
}

static void schedule(void)
{
	struct thread *prev = current, *next;
	need_resched = false;
	for (;;) {
		next_wake = run_timers(arch_time_ns());
		if ((next = pick(prev)))
			break;
		if (!next_wake) {
			dump_threads();
			panic("sched: every thread sleeps and nothing can wake one");
		}
		arch_idle(next_wake);
		timer_at = NO_TIMER; /* idling may have set the timer for itself */
	}
	if (next != prev)
		switch_to(prev, next); /* rechecks */
	else
		recheck();
}

void sched_yield(void)
{
	schedule();
}

void sched_user_return_work(void)
{
	if (need_resched)
		schedule();
	uint64_t want = timer_wanted();
	if (want && want < timer_at) {
		timer_at = want;
		arch_timer_set(want);
	}
	recheck();
}

void sched_timer_interrupt(void)
{
	uint64_t now = arch_time_ns();
	timer_at = NO_TIMER;
	next_wake = run_timers(now);
	if (nr_runnable > 1 && now >= slice_end && current->state == T_RUNNABLE &&
	    user_thread(current))
		need_resched = true;
	recheck();
}

static bool signalled(const struct thread *t)
{
	return t->proc && t->proc->sigpending;
}

int sleep_on(const void *chan, uint64_t deadline, bool interruptible)
{
	struct thread *t = current;
	if (interruptible && signalled(t))
		return -UAPI_EINTR;
	t->chan = chan;
	t->wake_at = deadline;
	t->interruptible = interruptible;
	stop_running(t, T_SLEEPING);
	schedule();
	t->chan = NULL;
	t->wake_at = 0;
	return interruptible && signalled(t) ? -UAPI_EINTR : 0;
}

void wakeup(const void *chan)
{
	if (!chan)
		return;
	for (struct thread *t = threads; t; t = t->next) {
		if (t->state == T_SLEEPING && t->chan == chan)
			make_runnable(t);
	}
}

void thread_interrupt(struct thread *t)
{
	if (t->state == T_SLEEPING && t->interruptible)
		make_runnable(t);
}

noreturn void thread_exit(void)
{
	stop_running(current, T_DEAD);
	schedule();
	panic("sched: a dead thread ran again");
}

void *thread_kstack_top(struct thread *t)
{
	return (char *)t->kstack + KSTACK_SIZE;
}

uint64_t thread_cpu_ns(const struct thread *t)
{
	return t->cpu_ns + (t == current ? arch_time_ns() - t->ran_since : 0);
}
