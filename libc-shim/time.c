/*
 * libc-shim: time. The kernel's time_t is 32 bits and newlib's 64, and times()
 * counts UAPI_CLK_TCK ticks where newlib's clock() expects CLOCKS_PER_SEC.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "shim.h"

_Static_assert(CLOCKS_PER_SEC % UAPI_CLK_TCK == 0, "ticks convert exactly");
#define TICK_SCALE (CLOCKS_PER_SEC / UAPI_CLK_TCK)
_Static_assert(sizeof(struct timezone) == sizeof(struct uapi_timezone),
	       "struct timezone passes through unchanged");

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	struct uapi_timeval u;
	long r = shim_result(sys_gettimeofday((long)&u, (long)tz));

	if (r == 0 && tv) {
		tv->tv_sec = u.tv_sec;
		tv->tv_usec = u.tv_usec;
	}
	return (int)r;
}

clock_t times(struct tms *buf)
{
	struct uapi_tms u;
	long r = sys_times((long)&u);

	if (shim_failed(r))
		return (clock_t)shim_result(r);
	if (buf == NULL) /* Linux allows it: only the return value is wanted */
		return (clock_t)r * TICK_SCALE;
	buf->tms_utime = (clock_t)u.tms_utime * TICK_SCALE;
	buf->tms_stime = (clock_t)u.tms_stime * TICK_SCALE;
	buf->tms_cutime = (clock_t)u.tms_cutime * TICK_SCALE;
	buf->tms_cstime = (clock_t)u.tms_cstime * TICK_SCALE;
	return (clock_t)r * TICK_SCALE;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	struct uapi_timespec ureq, urem = { 0, 0 };
	long r;

	if (req == NULL)
		return shim_fail(EFAULT);
	if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec > 999999999)
		return shim_fail(EINVAL);
	/* The kernel's seconds are 32 bits: sleep the longest it can. */
	ureq.tv_sec = req->tv_sec > INT32_MAX ? INT32_MAX : (int32_t)req->tv_sec;
	ureq.tv_nsec = (int32_t)req->tv_nsec;
	r = shim_result(sys_nanosleep((long)&ureq, (long)&urem));
	if (r < 0 && errno == EINTR && rem) {
		rem->tv_sec = urem.tv_sec;
		rem->tv_nsec = urem.tv_nsec;
	}
	return (int)r;
}

/* Not system calls, but newlib has no sleep() or usleep() for this target. */
unsigned sleep(unsigned seconds)
{
	struct timespec req = { .tv_sec = seconds, .tv_nsec = 0 }, rem = { 0, 0 };

	if (nanosleep(&req, &rem) < 0 && errno == EINTR)
		return (unsigned)rem.tv_sec + (rem.tv_nsec > 0);
	return 0;
}

int usleep(useconds_t usec)
{
	struct timespec req = { .tv_sec = usec / 1000000, .tv_nsec = (usec % 1000000) * 1000 };

	return nanosleep(&req, NULL);
}
