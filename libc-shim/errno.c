/*
 * libc-shim: error results. The kernel numbers errors as Linux does; newlib has its
 * own numbering for many of them, so each is translated by its name.
 */
#include <errno.h>

#include "shim.h"

int shim_errno_from_uapi(int uapi_errno)
{
	switch (uapi_errno) {
#define SHIM_ERRNO_CASE_(name, nr) \
	case UAPI_##name:          \
		return name;
		UAPI_ERRNOS(SHIM_ERRNO_CASE_)
#undef SHIM_ERRNO_CASE_
	}
	/* Not in the ABI: a generic error rather than a newlib code that means
	   something else. */
	return EIO;
}

long shim_result(long r)
{
	if (!shim_failed(r))
		return r;
	errno = shim_errno_from_uapi((int)-r);
	return -1;
}

int shim_fail(int newlib_errno)
{
	errno = newlib_errno;
	return -1;
}
