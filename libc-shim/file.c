/*
 * libc-shim: file descriptors. open() and fcntl() translate newlib's O_* bits to the
 * kernel's (Linux's octal values); everything else passes straight through.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim.h"

_Static_assert(O_RDONLY == UAPI_O_RDONLY && O_WRONLY == UAPI_O_WRONLY && O_RDWR == UAPI_O_RDWR &&
		   O_ACCMODE == UAPI_O_ACCMODE,
	       "access modes pass through unchanged");
_Static_assert(SEEK_SET == UAPI_SEEK_SET && SEEK_CUR == UAPI_SEEK_CUR && SEEK_END == UAPI_SEEK_END,
	       "lseek whence passes through unchanged");
_Static_assert(F_DUPFD == UAPI_F_DUPFD && F_GETFD == UAPI_F_GETFD && F_SETFD == UAPI_F_SETFD &&
		   FD_CLOEXEC == UAPI_FD_CLOEXEC,
	       "these fcntl commands pass through unchanged");

static const struct {
	int newlib;
	long uapi;
} open_flag_map[] = {
	{ O_CREAT, UAPI_O_CREAT },	   { O_EXCL, UAPI_O_EXCL },
	{ O_NOCTTY, UAPI_O_NOCTTY },	   { O_TRUNC, UAPI_O_TRUNC },
	{ O_APPEND, UAPI_O_APPEND },	   { O_NONBLOCK, UAPI_O_NONBLOCK },
	{ O_DIRECTORY, UAPI_O_DIRECTORY }, { O_NOFOLLOW, UAPI_O_NOFOLLOW },
	{ O_CLOEXEC, UAPI_O_CLOEXEC },	   { O_SYNC, UAPI_O_SYNC },
};
#define OPEN_FLAG_COUNT (sizeof(open_flag_map) / sizeof(open_flag_map[0]))

long shim_open_flags_to_uapi(int flags)
{
	long u = flags & O_ACCMODE;
	int left = flags & ~O_ACCMODE;

	for (unsigned i = 0; i < OPEN_FLAG_COUNT; i++) {
		if (flags & open_flag_map[i].newlib) {
			u |= open_flag_map[i].uapi;
			left &= ~open_flag_map[i].newlib;
		}
	}
	return left ? -1 : u;
}

/* Bits newlib has no name for (O_LARGEFILE, O_DSYNC alone) are dropped. */
int shim_open_flags_from_uapi(long u)
{
	int flags = (int)(u & UAPI_O_ACCMODE);

	for (unsigned i = 0; i < OPEN_FLAG_COUNT; i++) {
		if ((u & open_flag_map[i].uapi) == open_flag_map[i].uapi)
			flags |= open_flag_map[i].newlib;
	}
	return flags;
}

int open(const char *path, int flags, ...)
{
	long uflags = shim_open_flags_to_uapi(flags);
	unsigned mode = 0;

	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, unsigned);
		va_end(ap);
	}
	if (uflags < 0)
		return shim_fail(EINVAL);
	return (int)shim_result(sys_open((long)path, uflags, (long)mode));
}

int close(int fd)
{
	return (int)shim_result(sys_close(fd));
}

ssize_t read(int fd, void *buf, size_t count)
{
	return (ssize_t)shim_result(sys_read(fd, (long)buf, (long)count));
}

ssize_t write(int fd, const void *buf, size_t count)
{
	return (ssize_t)shim_result(sys_write(fd, (long)buf, (long)count));
}

off_t lseek(int fd, off_t offset, int whence)
{
	return (off_t)shim_result(sys_lseek(fd, offset, whence));
}

int link(const char *old, const char *new)
{
	return (int)shim_result(sys_link((long)old, (long)new));
}

int unlink(const char *path)
{
	return (int)shim_result(sys_unlink((long)path));
}

int mkdir(const char *path, mode_t mode)
{
	return (int)shim_result(sys_mkdir((long)path, mode));
}

int pipe(int fds[2])
{
	return (int)shim_result(sys_pipe((long)fds));
}

int dup(int fd)
{
	return (int)shim_result(sys_dup(fd));
}

int dup2(int old, int new)
{
	return (int)shim_result(sys_dup2(old, new));
}

int fcntl(int fd, int cmd, ...)
{
	long arg = 0, r;

	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC || cmd == F_SETFD || cmd == F_SETFL) {
		va_list ap;
		va_start(ap, cmd);
		arg = va_arg(ap, long);
		va_end(ap);
	}

	switch (cmd) {
	case F_DUPFD:
	case F_GETFD:
	case F_SETFD:
		return (int)shim_result(sys_fcntl(fd, cmd, arg));
	case F_DUPFD_CLOEXEC:
		return (int)shim_result(sys_fcntl(fd, UAPI_F_DUPFD_CLOEXEC, arg));
	case F_GETFL:
		r = shim_result(sys_fcntl(fd, UAPI_F_GETFL, 0));
		return r < 0 ? -1 : shim_open_flags_from_uapi(r);
	case F_SETFL:
		arg = shim_open_flags_to_uapi((int)arg);
		if (arg < 0)
			return shim_fail(EINVAL);
		return (int)shim_result(sys_fcntl(fd, UAPI_F_SETFL, arg));
	}
	return shim_fail(EINVAL);
}
