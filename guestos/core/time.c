/*
 * Time for processes: the clock since boot (times), the wall clock
 * (gettimeofday, time) and sleeping (nanosleep). CPU time is counted per
 * thread at each switch; it is all reported as user time.
 */
#include <kernel.h>

#define NS_PER_TICK (1000000000ull / UAPI_CLK_TCK)

SYSCALL_DEFINE(times)
{
	struct proc *p = proc_current();
	if (a[0]) {
		struct uapi_tms t = {
			.tms_utime = (int32_t)(thread_cpu_ns(p->thread) / NS_PER_TICK),
			.tms_cutime = (int32_t)(p->child_cpu_ns / NS_PER_TICK),
		};
		int rc = copy_to_user(a[0], &t, sizeof(t));
		if (rc)
			return rc;
	}
	/* Ticks since boot; kept clear of the error range [-4095, -1]. */
	return (long)((arch_time_ns() / NS_PER_TICK) & 0x7FFFFFFF);
}

SYSCALL_DEFINE(gettimeofday)
{
	uint64_t ns = arch_wallclock_ns();
	struct uapi_timeval tv = { (int32_t)(ns / 1000000000), (int32_t)(ns % 1000000000 / 1000) };
	struct uapi_timezone tz = { 0, 0 };
	int rc = a[0] ? copy_to_user(a[0], &tv, sizeof(tv)) : 0;
	if (!rc && a[1])
		rc = copy_to_user(a[1], &tz, sizeof(tz));
	return rc;
}

SYSCALL_DEFINE(time)
{
	int32_t sec = (int32_t)(arch_wallclock_ns() / 1000000000);
	if (a[0]) {
		int rc = copy_to_user(a[0], &sec, sizeof(sec));
		if (rc)
			return rc;
	}
	return sec;
}

SYSCALL_DEFINE(nanosleep)
{
	struct uapi_timespec req;
	int rc = copy_from_user(&req, a[0], sizeof(req));
	if (rc)
		return rc;
	if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec > 999999999)
		return -UAPI_EINVAL;
	uint64_t deadline = arch_time_ns() + (uint64_t)req.tv_sec * 1000000000 + req.tv_nsec;
	while (arch_time_ns() < deadline) {
		if (sleep_on(NULL, deadline, true)) {
			uint64_t now = arch_time_ns(), left = deadline > now ? deadline - now : 0;
			struct uapi_timespec rem = { (int32_t)(left / 1000000000),
						     (int32_t)(left % 1000000000) };
			if (a[1])
				copy_to_user(a[1], &rem, sizeof(rem));
			return -UAPI_EINTR;
		}
	}
	return 0;
}
