/*
 * libc-shim: stat, fstat and isatty. The kernel fills Linux i386's struct stat;
 * newlib's struct stat is laid out differently, so each field is copied across.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim.h"

_Static_assert(S_IFMT == UAPI_S_IFMT && S_IFCHR == UAPI_S_IFCHR && S_IFDIR == UAPI_S_IFDIR &&
		   S_IFREG == UAPI_S_IFREG && S_IFIFO == UAPI_S_IFIFO && S_IFLNK == UAPI_S_IFLNK &&
		   S_IFSOCK == UAPI_S_IFSOCK && S_IFBLK == UAPI_S_IFBLK,
	       "st_mode passes through unchanged");

/* newlib's dev_t and ino_t are 16 bits: large numbers are truncated. */
static void stat_from_uapi(struct stat *st, const struct uapi_stat *u)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = (dev_t)u->st_dev;
	st->st_ino = (ino_t)u->st_ino;
	st->st_mode = u->st_mode;
	st->st_nlink = u->st_nlink;
	st->st_uid = u->st_uid;
	st->st_gid = u->st_gid;
	st->st_rdev = (dev_t)u->st_rdev;
	st->st_size = (off_t)u->st_size;
	st->st_atim.tv_sec = u->st_atime_sec;
	st->st_atim.tv_nsec = (long)u->st_atime_nsec;
	st->st_mtim.tv_sec = u->st_mtime_sec;
	st->st_mtim.tv_nsec = (long)u->st_mtime_nsec;
	st->st_ctim.tv_sec = u->st_ctime_sec;
	st->st_ctim.tv_nsec = (long)u->st_ctime_nsec;
	st->st_blksize = (blksize_t)u->st_blksize;
	st->st_blocks = (blkcnt_t)u->st_blocks;
}

int fstat(int fd, struct stat *st)
{
	struct uapi_stat u;
	long r = shim_result(sys_fstat(fd, (long)&u));

	if (r == 0)
		stat_from_uapi(st, &u);
	return (int)r;
}

int stat(const char *path, struct stat *st)
{
	struct uapi_stat u;
	long r = shim_result(sys_stat((long)path, (long)&u));

	if (r == 0)
		stat_from_uapi(st, &u);
	return (int)r;
}

/*
 * A terminal is a character device (the ABI's promise to keep isatty a plain fstat;
 * a /dev/null would count too, which only makes its output line-buffered).
 */
int isatty(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return 0;
	if (!S_ISCHR(st.st_mode)) {
		errno = ENOTTY;
		return 0;
	}
	return 1;
}
