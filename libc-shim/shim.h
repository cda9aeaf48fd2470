/*
 * libc-shim internals: the `int $0x80` stubs, generated from the system-call table in
 * uapi/syscall.h, and the translations between the kernel's (Linux i386) numbering
 * and newlib's, which differ for errno values, open flags, signals and structures.
 */
#ifndef LIBC_SHIM_H
#define LIBC_SHIM_H

#include <uapi/errno.h>
#include <uapi/syscall.h>

/*
 * Raw system calls. EBX is usable as an operand because user code is built without
 * PIC; the "memory" clobber stops the compiler caching memory across the call,
 * since the kernel reads and writes buffers behind the pointers.
 */
static inline long shim_syscall0(long nr)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr) : "memory");
	return r;
}

static inline long shim_syscall1(long nr, long a)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a) : "memory");
	return r;
}

static inline long shim_syscall2(long nr, long a, long b)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b) : "memory");
	return r;
}

static inline long shim_syscall3(long nr, long a, long b, long c)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return r;
}

/* Four to six arguments: EBP carries the sixth, so it is saved around the call
 * (it may be the frame pointer). */
static inline long shim_syscall4(long nr, long a, long b, long c, long d)
{
	long r;
	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d)
			 : "memory");
	return r;
}

static inline long shim_syscall5(long nr, long a, long b, long c, long d, long e)
{
	long r;
	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
			 : "memory");
	return r;
}

static inline long shim_syscall6(long nr, long a, long b, long c, long d, long e, long f)
{
	long r;
	long args[2] = { f, nr };
	__asm__ volatile("push %%ebp\n\t"
			 "mov 0(%%eax), %%ebp\n\t"
			 "mov 4(%%eax), %%eax\n\t"
			 "int $0x80\n\t"
			 "pop %%ebp"
			 : "=a"(r)
			 : "a"(args), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
			 : "memory");
	return r;
}

/* sys_<name>(...) for every entry of UAPI_SYSCALLS, taking and returning longs. */
#define SHIM_STUB_0(nr, name)               \
	static inline long sys_##name(void) \
	{                                   \
		return shim_syscall0(nr);   \
	}
#define SHIM_STUB_1(nr, name)                 \
	static inline long sys_##name(long a) \
	{                                     \
		return shim_syscall1(nr, a);  \
	}
#define SHIM_STUB_2(nr, name)                         \
	static inline long sys_##name(long a, long b) \
	{                                             \
		return shim_syscall2(nr, a, b);       \
	}
#define SHIM_STUB_3(nr, name)                                 \
	static inline long sys_##name(long a, long b, long c) \
	{                                                     \
		return shim_syscall3(nr, a, b, c);            \
	}
#define SHIM_STUB_4(nr, name)                                         \
	static inline long sys_##name(long a, long b, long c, long d) \
	{                                                             \
		return shim_syscall4(nr, a, b, c, d);                 \
	}
#define SHIM_STUB_5(nr, name)                                                 \
	static inline long sys_##name(long a, long b, long c, long d, long e) \
	{                                                                     \
		return shim_syscall5(nr, a, b, c, d, e);                      \
	}
#define SHIM_STUB_6(nr, name)                                                         \
	static inline long sys_##name(long a, long b, long c, long d, long e, long f) \
	{                                                                             \
		return shim_syscall6(nr, a, b, c, d, e, f);                           \
	}
#define SHIM_STUB_(nr, name, nargs) SHIM_STUB_##nargs(nr, name)
UAPI_SYSCALLS(SHIM_STUB_)
#undef SHIM_STUB_

/* Is r, a raw result, a failure (-UAPI_E*)? */
static inline int shim_failed(long r)
{
	return (unsigned long)r >= (unsigned long)-UAPI_MAX_ERRNO;
}

/* errno.c */
int shim_errno_from_uapi(int uapi_errno);
/* A raw result as newlib expects it: failures set errno and become -1. */
long shim_result(long r);
/* Sets errno to a newlib E* value and returns -1. */
int shim_fail(int newlib_errno);

/* signal.c: 0 for an unknown signal (0 itself maps to 0). */
int shim_signal_to_uapi(int newlib_sig);
int shim_signal_from_uapi(int uapi_sig);

/* file.c: -1 when flags holds a bit the kernel has no equivalent for. */
long shim_open_flags_to_uapi(int newlib_flags);
int shim_open_flags_from_uapi(long uapi_flags);

#endif
