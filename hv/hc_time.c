/* Guest timers: set_timer_op and the vcpu_op timer calls (public/vcpu.h). */
#include <hv.h>
#include <hypercalls.h>
#include <public/vcpu.h>

#define MIN_PERIOD_NS 1000000ull /* 1 ms */

static void set_oneshot(struct vcpu *v, uint64_t deadline)
{
	v->timer_deadline = deadline;
	v->timer_fired = false; /* what fired before is superseded by this timer */
	uint64_t now = now_ns();
	timers_run(now); /* a deadline already past fires now */
	timers_reprogram(now);
}

long do_set_timer_op(uint32_t timeout_lo, uint32_t timeout_hi)
{
	set_oneshot(current, ((uint64_t)timeout_hi << 32) | timeout_lo);
	return 0;
}

long do_vcpu_op(uint32_t cmd, uint32_t vcpuid, uint32_t arg)
{
	struct vcpu *v = current;
	if (vcpuid != 0)
		return -XEN_ENOENT;
	switch (cmd) {
	case VCPUOP_is_up:
		return 1;
	case VCPUOP_set_periodic_timer: {
		struct vcpu_set_periodic_timer p;
		if (copy_from_guest(&p, arg, sizeof(p)))
			return -XEN_EFAULT;
		if (p.period_ns < MIN_PERIOD_NS)
			return -XEN_EINVAL;
		v->timer_period = p.period_ns;
		v->timer_next = now_ns() + p.period_ns;
		timers_reprogram(now_ns());
		return 0;
	}
	case VCPUOP_stop_periodic_timer:
		v->timer_period = 0;
		return 0;
	case VCPUOP_set_singleshot_timer: {
		struct vcpu_set_singleshot_timer s;
		if (copy_from_guest(&s, arg, sizeof(s)))
			return -XEN_EFAULT;
		if ((s.flags & VCPU_SSHOTTMR_future) && s.timeout_abs_ns < now_ns())
			return -XEN_ETIME;
		set_oneshot(v, s.timeout_abs_ns);
		return 0;
	}
	case VCPUOP_stop_singleshot_timer:
		v->timer_deadline = 0;
		return 0;
	}
	return -XEN_ENOSYS;
}
