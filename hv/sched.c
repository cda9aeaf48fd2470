/*
 * The scheduler: weighted fair share among runnable vCPUs on the one CPU.
 * Each vCPU's vtime advances by the CPU time it uses, scaled by 256/weight;
 * the runnable vCPU with the smallest vtime runs next, for at most a slice.
 * A cap limits a domain to a share of each CAP_PERIOD. Switching is done on
 * the way back to a guest: the frame at the top of the stack is saved into
 * the old vCPU and loaded from the new one.
 */
#include <event.h>
#include <hv.h>
#include <x86.h>

noreturn void resume_frame(struct cpu_regs *r);

#define SLICE_NS 10000000ull	   /* 10 ms */
#define CAP_PERIOD_NS 100000000ull /* 100 ms */
#define DEFAULT_WEIGHT 256

static uint64_t vtime_floor; /* vtime of the last vCPU picked */

static void cap_account(struct domain *d, uint64_t now, uint64_t ran)
{
	if (now - d->cap_period_start >= CAP_PERIOD_NS) {
		d->cap_period_start = now;
		d->cap_used_ns = 0;
	}
	d->cap_used_ns += ran;
}

static bool over_cap(const struct domain *d, uint64_t now)
{
	return d->cap && now - d->cap_period_start < CAP_PERIOD_NS &&
	       d->cap_used_ns * 100 >= (uint64_t)d->cap * CAP_PERIOD_NS;
}

static bool can_run(const struct vcpu *v, uint64_t now)
{
	const struct domain *d = v->domain;
	return d->state == DOM_RUNNING && !d->paused && v->state == VCPU_RUNNABLE &&
	       !over_cap(d, now);
}

static struct vcpu *pick_next(uint64_t now)
{
	struct vcpu *best = NULL;
	struct domain *d;
	for_each_domain (d)
		if (can_run(&d->vcpu0, now) && (!best || d->vcpu0.vtime < best->vtime))
			best = &d->vcpu0;
	return best;
}

/* Charge the running vCPU for the time since it was last charged. */
static void charge(struct vcpu *v, uint64_t now)
{
	uint64_t ran = now - v->ran_since;
	v->ran_since = now;
	v->cpu_ns += ran;
	v->vtime += ran * DEFAULT_WEIGHT / (v->domain->weight ? v->domain->weight : 1);
	cap_account(v->domain, now, ran);
}

uint64_t vcpu_cpu_time(const struct vcpu *v)
{
	return v->cpu_ns + (v == current ? now_ns() - v->ran_since : 0);
}

static void load_vcpu(struct vcpu *v, struct cpu_regs *r, uint64_t now)
{
	*r = v->regs;
	/* restore_all reloads only DS and ES: load the vCPU's FS and GS here. */
	__asm__ volatile("mov %0, %%fs\n\tmov %1, %%gs" : : "r"(r->fs), "r"(r->gs));
	write_cr3(v->cr3);
	cpu0.flush_owed = false; /* that was a flush */
	gdt_load(v);
	tss_set_ring1_stack(v->kernel_ss, v->kernel_sp);
	traps_load(v);
	current = v;
	v->ran_since = now;
	time_update_vcpu(v);
}

void schedule(struct cpu_regs *r)
{
	uint64_t now = now_ns();
	struct vcpu *prev = current, *next;

	baseptr_settle(); /* prev's tables: the old L3 must lose its reference now */
	cpu0.need_resched = false;
	if (prev) {
		charge(prev, now);
		prev->regs = *r;
	}
	/* Nothing runnable: halt until an interrupt (a timer, an event) changes that. */
	while (!(next = pick_next(now))) {
		current = NULL;
		timers_reprogram(now);
		safe_halt();
		now = now_ns();
	}
	vtime_floor = next->vtime;
	if (next != prev || !current)
		load_vcpu(next, r, now);
	else
		next->ran_since = now;
	timers_reprogram(now);
}

/* Leave a vCPU that cannot continue (its domain ended) for good. */
noreturn void schedule_away(void)
{
	struct cpu_regs *r = guest_regs();
	baseptr_settle();
	if (current)
		charge(current, now_ns()); /* its last run counts too */
	current = NULL;
	schedule(r);
	resume_frame(r);
}

noreturn void vcpu_start(struct vcpu *v)
{
	load_vcpu(v, guest_regs(), now_ns());
	timers_reprogram(now_ns());
	resume_frame(guest_regs());
}

void vcpu_block(struct vcpu *v)
{
	/* Blocking re-enables event delivery, as in Xen. */
	v->info->evtchn_upcall_mask = 0;
	bool timer_fired = v->timer_fired;
	v->timer_fired = false;
	if (v->info->evtchn_upcall_pending || timer_fired)
		return;
	v->state = VCPU_BLOCKED;
	cpu0.need_resched = true;
}

void vcpu_yield(struct vcpu *v)
{
	(void)v;
	cpu0.need_resched = true;
}

void vcpu_wake(struct vcpu *v)
{
	if (v->state != VCPU_BLOCKED)
		return;
	v->state = VCPU_RUNNABLE;
	/* A long sleeper gets at most one slice of credit, not all it missed. */
	if (v->vtime + SLICE_NS < vtime_floor)
		v->vtime = vtime_floor - SLICE_NS;
	if (!current || v->vtime < current->vtime)
		cpu0.need_resched = true;
}

/* When the running vCPU must next be reconsidered: its slice ends, or its
 * domain's cap budget for this period runs out. ~0 with nothing running. */
uint64_t sched_deadline(uint64_t now)
{
	const struct vcpu *v = current;
	if (!v)
		return ~0ull;
	uint64_t end = v->ran_since + SLICE_NS;
	const struct domain *d = v->domain;
	if (d->cap) {
		uint64_t budget = (uint64_t)d->cap * CAP_PERIOD_NS / 100, used = d->cap_used_ns;
		uint64_t ran = now - v->ran_since;
		uint64_t left = used + ran >= budget ? 0 : budget - used - ran;
		if (now + left < end)
			end = now + left;
	}
	return end;
}

/* Called from the timer interrupt: time to let someone else run? */
void sched_tick(uint64_t now)
{
	if (current && now >= sched_deadline(now))
		cpu0.need_resched = true;
}
