/*
 * libc-shim: system layer functions newlib refers to that the ABI has no call for
 * (yet). Each fails with ENOSYS, so the newlib code that uses them fails cleanly.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>

#include "shim.h"

/* Used by arc4random(). */
int getentropy(void *buf, size_t len)
{
	(void)buf;
	(void)len;
	return shim_fail(ENOSYS);
}

/* Used by dbopen()'s hash tables. */
int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	(void)how;
	(void)set;
	(void)old;
	return shim_fail(ENOSYS);
}
