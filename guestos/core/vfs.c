/*
 * Names: a tiny read-only file system. "/" holds each member of the initrd
 * (a cpio archive) as a regular file, and /dev holds two character devices:
 * console (reads see end of file; writes go to the kernel console) and null.
 * Nothing can be created, changed or removed: such calls fail with EROFS.
 */
#include <kernel.h>

#define PATH_MAX 256
#define DEV_ROOT 1 /* st_dev of the initrd's files */
#define DEV_DEVFS 2

enum node_kind { N_ROOT, N_DEVDIR, N_CONSOLE, N_NULL, N_FILE };
struct node {
	enum node_kind kind;
	const uint8_t *data;
	uint32_t size, ino;
};

static struct file *console;

static int lookup(const char *path, struct node *n)
{
	while (*path == '/' || (path[0] == '.' && path[1] == '/'))
		path += *path == '/' ? 1 : 2;
	static const struct {
		const char *name;
		enum node_kind kind;
	} fixed[] = { { "", N_ROOT },
		      { ".", N_ROOT },
		      { "dev", N_DEVDIR },
		      { "dev/", N_DEVDIR },
		      { "dev/console", N_CONSOLE },
		      { "dev/null", N_NULL } };
	static const uint32_t fixed_ino[] = {
		[N_ROOT] = 1, [N_DEVDIR] = 2, [N_CONSOLE] = 3, [N_NULL] = 4
	};
	memset(n, 0, sizeof(*n));
	for (unsigned i = 0; i < ARRAY_SIZE(fixed); i++) {
		if (!strcmp(path, fixed[i].name)) {
			n->kind = fixed[i].kind;
			n->ino = fixed_ino[n->kind];
			return 0;
		}
	}
	const char *name;
	const void *data;
	size_t len;
	for (unsigned i = 0; initrd_member(i, &name, &data, &len); i++) {
		if (!strcmp(name, path)) {
			*n = (struct node){ N_FILE, data, (uint32_t)len, 16 + i };
			return 0;
		}
	}
	return -UAPI_ENOENT;
}

static void stat_node(const struct node *n, struct uapi_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = n->ino;
	st->st_nlink = 1;
	st->st_blksize = PAGE_SIZE;
	switch (n->kind) {
	case N_ROOT:
	case N_DEVDIR:
		st->st_dev = n->kind == N_ROOT ? DEV_ROOT : DEV_DEVFS;
		st->st_mode = UAPI_S_IFDIR | 0555;
		st->st_nlink = 2;
		break;
	case N_CONSOLE:
		st->st_dev = DEV_DEVFS;
		st->st_mode = UAPI_S_IFCHR | 0620;
		st->st_rdev = (5 << 8) | 1; /* Linux's numbers for /dev/console */
		break;
	case N_NULL:
		st->st_dev = DEV_DEVFS;
		st->st_mode = UAPI_S_IFCHR | 0666;
		st->st_rdev = (1 << 8) | 3;
		break;
	case N_FILE:
		st->st_dev = DEV_ROOT;
		st->st_mode = UAPI_S_IFREG | 0555;
		st->st_size = n->size;
		st->st_blocks = (n->size + 511) / 512;
		break;
	}
}

static void stat_file(struct file *f, struct uapi_stat *st)
{
	stat_node(f->priv, st);
}

static void close_file(struct file *f)
{
	kfree(f->priv);
}

static long console_read(struct file *f, uint32_t ubuf, uint32_t n)
{
	(void)f, (void)ubuf, (void)n;
	return 0; /* no console input (yet): end of file */
}

static long console_write(struct file *f, uint32_t ubuf, uint32_t n)
{
	(void)f;
	int rc = user_prepare(ubuf, n, false);
	if (rc)
		return rc;
	arch_console_write((const char *)(uintptr_t)ubuf, n);
	return n;
}

static long null_write(struct file *f, uint32_t ubuf, uint32_t n)
{
	(void)f, (void)ubuf;
	return n;
}

static long ramfile_read(struct file *f, uint32_t ubuf, uint32_t n)
{
	if (f->offset >= f->size)
		return 0;
	n = MIN(n, f->size - f->offset);
	int rc = copy_to_user(ubuf, f->data + f->offset, n);
	if (rc)
		return rc;
	f->offset += n;
	return n;
}

static long dir_read(struct file *f, uint32_t ubuf, uint32_t n)
{
	(void)f, (void)ubuf, (void)n;
	return -UAPI_EISDIR;
}

static const struct file_ops console_ops = { console_read, console_write, stat_file, close_file,
					     false };
static const struct file_ops null_ops = { console_read, null_write, stat_file, close_file, false };
static const struct file_ops ramfile_ops = { ramfile_read, NULL, stat_file, close_file, true };
static const struct file_ops dir_ops = { dir_read, NULL, stat_file, close_file, false };

int vfs_open(const char *path, uint32_t flags, struct file **out)
{
	static const struct file_ops *const ops[] = {
		[N_ROOT] = &dir_ops,  [N_DEVDIR] = &dir_ops,   [N_CONSOLE] = &console_ops,
		[N_NULL] = &null_ops, [N_FILE] = &ramfile_ops,
	};
	struct node n;
	uint32_t acc = flags & UAPI_O_ACCMODE;
	if (acc == UAPI_O_ACCMODE)
		return -UAPI_EINVAL;
	if (lookup(path, &n))
		return flags & UAPI_O_CREAT ? -UAPI_EROFS : -UAPI_ENOENT;
	bool dir = n.kind == N_ROOT || n.kind == N_DEVDIR,
	     dev = n.kind == N_CONSOLE || n.kind == N_NULL;
	if ((flags & UAPI_O_CREAT) && (flags & UAPI_O_EXCL))
		return -UAPI_EEXIST;
	if ((flags & UAPI_O_DIRECTORY) && !dir)
		return -UAPI_ENOTDIR;
	if (dir && acc != UAPI_O_RDONLY)
		return -UAPI_EISDIR;
	if (!dev && (acc != UAPI_O_RDONLY || (flags & UAPI_O_TRUNC)))
		return -UAPI_EROFS;
	struct node *copy = kmalloc(sizeof(*copy));
	struct file *f = copy ? file_new(ops[n.kind], flags) : NULL;
	if (!f) {
		kfree(copy);
		return -UAPI_ENOMEM;
	}
	*copy = n;
	f->priv = copy;
	f->data = n.data;
	f->size = n.size;
	f->ino = n.ino;
	*out = f;
	return 0;
}

const void *vfs_program(const char *path, size_t *len)
{
	struct node n;
	if (lookup(path, &n) || n.kind != N_FILE)
		return NULL;
	*len = n.size;
	return n.data;
}

void vfs_init(void)
{
	if (vfs_open("/dev/console", UAPI_O_RDWR, &console))
		panic("vfs: no console");
}

struct file *console_file(void)
{
	return console;
}

static long user_path(char *buf, uint32_t upath)
{
	long rc = strncpy_from_user(buf, upath, PATH_MAX);
	return rc < 0 ? rc : 0;
}

SYSCALL_DEFINE(open)
{
	char path[PATH_MAX];
	struct file *f;
	struct proc *p = proc_current();
	long rc = user_path(path, a[0]);
	if (rc || (rc = vfs_open(path, a[1], &f)))
		return rc;
	int fd = fd_install(p, f, 0);
	if (fd < 0)
		file_put(f);
	else if (a[1] & UAPI_O_CLOEXEC)
		p->cloexec |= 1u << fd;
	return fd;
}

SYSCALL_DEFINE(stat)
{
	char path[PATH_MAX];
	struct node n;
	struct uapi_stat st;
	long rc = user_path(path, a[0]);
	if (rc || (rc = lookup(path, &n)))
		return rc;
	stat_node(&n, &st);
	return copy_to_user(a[1], &st, sizeof(st));
}

/* link, unlink and mkdir: the names are checked, then refused. */
static long refuse(uint32_t upath, bool must_exist)
{
	char path[PATH_MAX];
	struct node n;
	long rc = user_path(path, upath);
	if (rc)
		return rc;
	bool exists = lookup(path, &n) == 0;
	if (must_exist && !exists)
		return -UAPI_ENOENT;
	if (!must_exist && exists)
		return -UAPI_EEXIST;
	return -UAPI_EROFS;
}

SYSCALL_DEFINE(link)
{
	long rc = refuse(a[0], true); /* the old name must exist */
	return rc == -UAPI_EROFS ? refuse(a[1], false) : rc;
}

SYSCALL_DEFINE(unlink)
{
	return refuse(a[0], true);
}

SYSCALL_DEFINE(mkdir)
{
	return refuse(a[0], false);
}
