/*
 * libc-shim: sbrk, the only way newlib's malloc asks for memory, built on brk.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "shim.h"

/* The break as the kernel last reported it; 0 until the first call asks. */
static uintptr_t shim_brk;

void *sbrk(ptrdiff_t incr)
{
	uintptr_t old, want;

	if (shim_brk == 0)
		shim_brk = (uintptr_t)sys_brk(0);
	old = shim_brk;
	want = old + (uintptr_t)incr;
	if (incr < 0 ? want > old : want < old) {
		errno = ENOMEM;
		return (void *)-1;
	}
	if (incr != 0) {
		/* brk answers with the break in force: the old one when it refused. */
		shim_brk = (uintptr_t)sys_brk((long)want);
		if (shim_brk != want) {
			errno = ENOMEM;
			return (void *)-1;
		}
	}
	return (void *)old;
}
