/*
 * libc-shim: signals. kill() sends a signal numbered as the kernel numbers it
 * (Linux's numbering; newlib's generic one differs from SIGBUS on).
 */
#include <errno.h>
#include <signal.h>
#include <sys/types.h>

#include "shim.h"

int shim_signal_to_uapi(int newlib_sig)
{
	switch (newlib_sig) {
#define SHIM_SIG_CASE_(name, nr) \
	case name:               \
		return UAPI_##name;
		UAPI_SIGNALS(SHIM_SIG_CASE_)
#undef SHIM_SIG_CASE_
	}
	return 0;
}

int shim_signal_from_uapi(int uapi_sig)
{
	switch (uapi_sig) {
#define SHIM_SIG_CASE_(name, nr) \
	case UAPI_##name:        \
		return name;
		UAPI_SIGNALS(SHIM_SIG_CASE_)
#undef SHIM_SIG_CASE_
	}
	return 0;
}

int kill(pid_t pid, int sig)
{
	int usig = shim_signal_to_uapi(sig);

	if (sig != 0 && usig == 0)
		return shim_fail(EINVAL);
	return (int)shim_result(sys_kill(pid, usig));
}
