/*
 * Timers: every vCPU has a one-shot and a periodic guest timer (set_timer_op,
 * vcpu_op) that raise VIRQ_TIMER and wake it. The LAPIC runs in one-shot mode,
 * programmed for the earliest deadline, and at least every TICK_MAX_NS so the
 * scheduler's slices and the idle watchdog keep moving.
 */
#include <event.h>
#include <hv.h>
#include <public/event_channel.h>

#define TICK_MAX_NS 10000000ull /* 10 ms */
#define MIN_DELAY_NS 20000ull	/* 20 us */

static void fire(struct vcpu *v)
{
	evtchn_send_virq(v->domain, VIRQ_TIMER);
	/* A timer wakes a blocked vCPU even if VIRQ_TIMER is unbound; one that
	 * fires just before the vCPU blocks makes that block return at once, so
	 * "set_timer_op; SCHEDOP_block" cannot sleep forever. */
	if (v->state == VCPU_BLOCKED)
		vcpu_wake(v);
	else
		v->timer_fired = true;
}

void timers_run(uint64_t now)
{
	struct domain *d;
	for_each_domain (d) {
		if (d->state != DOM_RUNNING)
			continue;
		struct vcpu *v = &d->vcpu0;
		if (v->timer_deadline && v->timer_deadline <= now) {
			v->timer_deadline = 0;
			fire(v);
		}
		if (v->polling && v->poll_deadline && v->poll_deadline <= now) {
			v->poll_deadline = 0; /* its poll call runs again and sees the timeout */
			vcpu_wake(v);
		}
		if (v->timer_period && v->timer_next <= now) {
			uint64_t late = now - v->timer_next;
			v->timer_next += (late / v->timer_period + 1) * v->timer_period;
			fire(v);
		}
	}
	sched_tick(now);
}

void timers_reprogram(uint64_t now)
{
	uint64_t next = now + TICK_MAX_NS;
	struct domain *d;
	for_each_domain (d) {
		if (d->state != DOM_RUNNING)
			continue;
		const struct vcpu *v = &d->vcpu0;
		if (v->timer_deadline && v->timer_deadline < next)
			next = v->timer_deadline;
		if (v->timer_period && v->timer_next < next)
			next = v->timer_next;
		if (v->polling && v->poll_deadline && v->poll_deadline < next)
			next = v->poll_deadline;
	}
	uint64_t sched = sched_deadline(now);
	if (sched < next)
		next = sched;
	/* Never sooner than MIN_DELAY_NS: a deadline in the past must not become
	 * an interrupt storm that keeps the CPU from running anything. */
	apic_set_oneshot(next > now + MIN_DELAY_NS ? next - now : MIN_DELAY_NS);
}
