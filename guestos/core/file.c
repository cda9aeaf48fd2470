/*
 * Open files and descriptors: a process's table maps small numbers to shared,
 * reference-counted open files (dup and fork share one offset), and the
 * system calls that work on any descriptor whatever is behind it.
 */
#include <kernel.h>

struct file *file_new(const struct file_ops *ops, uint32_t flags)
{
	struct file *f = kzalloc(sizeof(*f));
	if (f) {
		f->refs = 1;
		f->ops = ops;
		f->flags = flags;
	}
	return f;
}

struct file *file_dup(struct file *f)
{
	f->refs++;
	return f;
}

void file_put(struct file *f)
{
	if (--f->refs)
		return;
	if (f->ops->close)
		f->ops->close(f);
	kfree(f);
}

int fd_install(struct proc *p, struct file *f, int from)
{
	for (int fd = from; fd < NFILES; fd++) {
		if (!p->files[fd]) {
			p->files[fd] = f;
			p->cloexec &= ~(1u << fd);
			return fd;
		}
	}
	return -UAPI_EMFILE;
}

struct file *fd_get(struct proc *p, int fd)
{
	return fd >= 0 && fd < NFILES ? p->files[fd] : NULL;
}

int fd_close(struct proc *p, int fd)
{
	struct file *f = fd_get(p, fd);
	if (!f)
		return -UAPI_EBADF;
	p->files[fd] = NULL;
	p->cloexec &= ~(1u << fd);
	file_put(f);
	return 0;
}

void fd_close_all(struct proc *p)
{
	for (int fd = 0; fd < NFILES; fd++)
		if (p->files[fd])
			fd_close(p, fd);
}

void fd_close_on_exec(struct proc *p)
{
	for (int fd = 0; fd < NFILES; fd++)
		if ((p->cloexec >> fd) & 1)
			fd_close(p, fd);
}

void fd_copy(struct proc *to, const struct proc *from)
{
	for (int fd = 0; fd < NFILES; fd++)
		if (from->files[fd])
			to->files[fd] = file_dup(from->files[fd]);
	to->cloexec = from->cloexec;
}

static bool can_read(const struct file *f)
{
	return (f->flags & UAPI_O_ACCMODE) != UAPI_O_WRONLY;
}

static bool can_write(const struct file *f)
{
	return (f->flags & UAPI_O_ACCMODE) != UAPI_O_RDONLY;
}

SYSCALL_DEFINE(read)
{
	struct file *f = fd_get(proc_current(), (int)a[0]);
	if (!f || !can_read(f))
		return -UAPI_EBADF;
	if (!f->ops->read)
		return -UAPI_EINVAL;
	if (a[2] > INT32_MAX)
		return -UAPI_EINVAL;
	return a[2] ? f->ops->read(f, a[1], a[2]) : 0;
}

SYSCALL_DEFINE(write)
{
	struct file *f = fd_get(proc_current(), (int)a[0]);
	if (!f || !can_write(f))
		return -UAPI_EBADF;
	if (!f->ops->write)
		return -UAPI_EINVAL;
	if (a[2] > INT32_MAX)
		return -UAPI_EINVAL;
	return a[2] ? f->ops->write(f, a[1], a[2]) : 0;
}

SYSCALL_DEFINE(close)
{
	return fd_close(proc_current(), (int)a[0]);
}

SYSCALL_DEFINE(lseek)
{
	struct file *f = fd_get(proc_current(), (int)a[0]);
	if (!f)
		return -UAPI_EBADF;
	if (!f->ops->seekable)
		return -UAPI_ESPIPE;
	int64_t base = a[2] == UAPI_SEEK_SET   ? 0
		       : a[2] == UAPI_SEEK_CUR ? (int64_t)f->offset
		       : a[2] == UAPI_SEEK_END ? (int64_t)f->size
					       : -1;
	if (base < 0)
		return -UAPI_EINVAL;
	int64_t at = base + (int32_t)a[1];
	if (at < 0)
		return -UAPI_EINVAL;
	if (at > INT32_MAX)
		return -UAPI_EOVERFLOW;
	f->offset = (uint32_t)at;
	return (long)at;
}

SYSCALL_DEFINE(fstat)
{
	struct file *f = fd_get(proc_current(), (int)a[0]);
	if (!f)
		return -UAPI_EBADF;
	struct uapi_stat st;
	memset(&st, 0, sizeof(st));
	f->ops->stat(f, &st);
	return copy_to_user(a[1], &st, sizeof(st));
}

SYSCALL_DEFINE(dup)
{
	struct proc *p = proc_current();
	struct file *f = fd_get(p, (int)a[0]);
	if (!f)
		return -UAPI_EBADF;
	int fd = fd_install(p, f, 0);
	if (fd >= 0)
		file_dup(f);
	return fd;
}

SYSCALL_DEFINE(dup2)
{
	struct proc *p = proc_current();
	int old = (int)a[0], new = (int)a[1];
	struct file *f = fd_get(p, old);
	if (!f || new < 0 || new >= NFILES)
		return -UAPI_EBADF;
	if (old == new)
		return new;
	file_dup(f);
	if (p->files[new])
		fd_close(p, new);
	return fd_install(p, f, new);
}

SYSCALL_DEFINE(fcntl)
{
	struct proc *p = proc_current();
	int fd = (int)a[0];
	struct file *f = fd_get(p, fd);
	if (!f)
		return -UAPI_EBADF;
	switch (a[1]) {
	case UAPI_F_DUPFD:
	case UAPI_F_DUPFD_CLOEXEC: {
		if (a[2] >= NFILES)
			return -UAPI_EINVAL;
		int nfd = fd_install(p, f, (int)a[2]);
		if (nfd < 0)
			return nfd;
		file_dup(f);
		if (a[1] == UAPI_F_DUPFD_CLOEXEC)
			p->cloexec |= 1u << nfd;
		return nfd;
	}
	case UAPI_F_GETFD:
		return (p->cloexec >> fd) & 1 ? UAPI_FD_CLOEXEC : 0;
	case UAPI_F_SETFD:
		if (a[2] & UAPI_FD_CLOEXEC)
			p->cloexec |= 1u << fd;
		else
			p->cloexec &= ~(1u << fd);
		return 0;
	case UAPI_F_GETFL:
		return f->flags & (UAPI_O_ACCMODE | UAPI_O_APPEND | UAPI_O_NONBLOCK);
	case UAPI_F_SETFL: {
		uint32_t settable = UAPI_O_APPEND | UAPI_O_NONBLOCK;
		f->flags = (f->flags & ~settable) | (a[2] & settable);
		return 0;
	}
	}
	return -UAPI_EINVAL;
}
