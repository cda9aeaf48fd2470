/*
 * libc-shim: processes. Wait statuses carry a signal number, which is translated
 * from the kernel's numbering to newlib's.
 */
#include <errno.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shim.h"

_Static_assert(WNOHANG == UAPI_WNOHANG && WUNTRACED == UAPI_WUNTRACED,
	       "waitpid options pass through unchanged");

/* The layout of a status word is the same; only the signal numbers differ. */
static int status_from_uapi(int s)
{
	int low = s & 0x7f;

	if (low == 0x7f) /* stopped: the signal is in bits 8..15 */
		return (s & ~0xff00) | (shim_signal_from_uapi((s >> 8) & 0xff) << 8);
	if (low != 0) /* killed: the signal is in bits 0..6 */
		return (s & ~0x7f) | shim_signal_from_uapi(low);
	return s;
}

void _exit(int status)
{
	sys_exit_group(status);
	sys_exit(status); /* a kernel without exit_group: the thread is the process */
	for (;;)
		;
}

pid_t fork(void)
{
	return (pid_t)shim_result(sys_fork());
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	return (int)shim_result(sys_execve((long)path, (long)argv, (long)envp));
}

pid_t waitpid(pid_t pid, int *status, int options)
{
	int s;
	long r = shim_result(sys_waitpid(pid, (long)&s, options));

	if (r > 0 && status)
		*status = status_from_uapi(s);
	return (pid_t)r;
}

pid_t wait(int *status)
{
	return waitpid(-1, status, 0);
}

pid_t getpid(void)
{
	return (pid_t)sys_getpid();
}
