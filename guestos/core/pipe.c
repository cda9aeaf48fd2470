/*
 * Pipes: a one-page byte ring (pipebuf.c) between a read end and a write end.
 * Readers sleep while it is empty and writers remain; writers sleep while it
 * is full. A write of at most PIPE_BUF bytes is atomic: it waits for room for
 * all of it. Writing with no reader left raises SIGPIPE and fails with EPIPE.
 */
#include <kernel.h>

#define PIPE_BUF PAGE_SIZE

struct pipe {
	struct pipebuf ring;
	unsigned readers, writers;
};

static long pipe_read(struct file *f, uint32_t ubuf, uint32_t n)
{
	struct pipe *p = f->priv;
	n = MIN(n, PIPE_BUF); /* never more is buffered */
	int rc = user_prepare(ubuf, n, true);
	if (rc)
		return rc;
	while (pipebuf_used(&p->ring) == 0) {
		if (p->writers == 0)
			return 0;
		if (f->flags & UAPI_O_NONBLOCK)
			return -UAPI_EAGAIN;
		if ((rc = sleep_on(p, 0, true)))
			return rc;
	}
	size_t got = pipebuf_read(&p->ring, (void *)(uintptr_t)ubuf, n);
	wakeup(p);
	return (long)got;
}

static long pipe_write(struct file *f, uint32_t ubuf, uint32_t n)
{
	struct pipe *p = f->priv;
	uint32_t done = 0;
	int rc = user_prepare(ubuf, n, false);
	if (rc)
		return rc;
	while (done < n) {
		if (p->readers == 0) {
			proc_signal(proc_current(), UAPI_SIGPIPE);
			return done ? (long)done : -UAPI_EPIPE;
		}
		uint32_t space = pipebuf_space(&p->ring);
		bool atomic = n <= PIPE_BUF;
		if (space && (!atomic || space >= n)) {
			done += pipebuf_write(&p->ring, (const void *)(uintptr_t)(ubuf + done),
					      n - done);
			wakeup(p);
			continue;
		}
		if (f->flags & UAPI_O_NONBLOCK)
			return done ? (long)done : -UAPI_EAGAIN;
		if ((rc = sleep_on(p, 0, true)))
			return done ? (long)done : rc;
	}
	return (long)done;
}

static void pipe_stat(struct file *f, struct uapi_stat *st)
{
	st->st_mode = UAPI_S_IFIFO | 0600;
	st->st_nlink = 1;
	st->st_ino = (uint32_t)(uintptr_t)f->priv / 64; /* one number per pipe */
	st->st_blksize = PIPE_BUF;
}

static void pipe_close(struct file *f)
{
	struct pipe *p = f->priv;
	if ((f->flags & UAPI_O_ACCMODE) == UAPI_O_RDONLY)
		p->readers--;
	else
		p->writers--;
	wakeup(p);
	if (p->readers == 0 && p->writers == 0) {
		frame_put(virt_to_pfn(p->ring.buf));
		kfree(p);
	}
}

static const struct file_ops pipe_ops = { pipe_read, pipe_write, pipe_stat, pipe_close, false };

int pipe_create(struct file **rd, struct file **wr)
{
	struct pipe *p = kzalloc(sizeof(*p));
	uint32_t pfn = p ? pmem_alloc() : PMEM_NONE;
	*rd = pfn != PMEM_NONE ? file_new(&pipe_ops, UAPI_O_RDONLY) : NULL;
	*wr = *rd ? file_new(&pipe_ops, UAPI_O_WRONLY) : NULL;
	if (!*wr) {
		kfree(*rd);
		if (pfn != PMEM_NONE)
			frame_put(pfn);
		kfree(p);
		return -UAPI_ENOMEM;
	}
	pipebuf_init(&p->ring, pfn_to_virt(pfn), PAGE_SIZE);
	p->readers = p->writers = 1;
	(*rd)->priv = (*wr)->priv = p;
	return 0;
}

SYSCALL_DEFINE(pipe)
{
	struct proc *proc = proc_current();
	struct file *rd, *wr;
	int fds[2];
	int rc = user_prepare(a[0], sizeof(fds), true);
	if (rc || (rc = pipe_create(&rd, &wr)))
		return rc;
	fds[0] = fd_install(proc, rd, 0);
	fds[1] = fds[0] < 0 ? -1 : fd_install(proc, wr, 0);
	if (fds[1] < 0) {
		if (fds[0] >= 0)
			proc->files[fds[0]] = NULL;
		file_put(rd);
		file_put(wr);
		return -UAPI_EMFILE;
	}
	return copy_to_user(a[0], fds, sizeof(fds));
}
