/*
 * The guest kernel core's index: every cross-file function of guestos/core/,
 * grouped by the file that defines it. Read this first.
 */
#ifndef GUEST_KERNEL_H
#define GUEST_KERNEL_H

#include <arch.h>
#include <cmdline.h>
#include <fmt.h>
#include <memlayout.h>
#include <string.h>
#include <uapi/errno.h>
#include <uapi/syscall.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* core/console.c */
/*
 * Data that system calls, switches and faults use every time: both kernels'
 * linker scripts put it first in .data, so that it shares a page or two.
 * Under TCG every page touched after a TLB flush costs a soft-TLB refill.
 */
#define __hot_data __attribute__((section(".data.hot")))
/* A hot function of at most n bytes (a power of two up to 4096) aligned to n
 * never straddles a page. Under QEMU's TCG a jump between two pages of one
 * function is never chained: it goes through the jump cache every time.
 * tests/tools/hot-layout.sh checks that each still fits. */
#define __page_contained(n) __attribute__((aligned(n)))

int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Command line: "word word=value ..." (lib/cmdline.h does the parsing). */
static inline bool cmdline_has(const char *cmdline, const char *word)
{
	size_t n;
	bool v;
	return cmdline_find(cmdline, word, &n, &v) != NULL;
}

/* core/initrd.c: files in the initial ramdisk (a cpio "newc" archive) */
void initrd_set(const void *base, size_t len);
/* The member's data and length, or NULL if absent or the archive is malformed. */
const void *initrd_find(const char *name, size_t *len);

/* The name and bytes of member i (0, 1, ...); false past the last one. */
bool initrd_member(unsigned i, const char **name, const void **data, size_t *len);

/* core/main.c: the arch start code calls this once the machine is set up. */
noreturn void kernel_main(const char *cmdline);

/* core/pmem.c: pseudo-physical frames, each with a reference count. Pure logic. */
#define PMEM_NONE 0xFFFFFFFFu
/* Bytes of bookkeeping for nr_frames frames (given to pmem_init). */
size_t pmem_meta_bytes(uint32_t nr_frames);
/* Frames 0 .. nr_frames - 1, all reserved until pmem_add_free. */
void pmem_init(void *meta, uint32_t nr_frames);
void pmem_add_free(uint32_t first, uint32_t last);
/* One frame (or n contiguous ones) with one reference each; PMEM_NONE if none. */
uint32_t pmem_alloc(void);
uint32_t pmem_alloc_run(uint32_t n);
/* Free n frames that each hold exactly one reference; -1 (nothing freed) if not.
 * Kernel memory: handed out again first (pmem_put_warm). */
int pmem_free_run(uint32_t pfn, uint32_t n);
/* Add a reference (-1 if the frame is free or reserved); drop one, freeing the
 * frame at zero: the references left, or -1 for a frame that holds none. */
int pmem_get(uint32_t pfn);
int pmem_put(uint32_t pfn);
/* pmem_put for a frame that never held user code (a page table): once free,
 * it is handed out again before frames not used lately. User frames are not:
 * under TCG the first write to a frame that held translated code is slow, and
 * exec writes code into the frames it gets. */
int pmem_put_warm(uint32_t pfn);
uint32_t pmem_refs(uint32_t pfn);
uint32_t pmem_free_frames(void);

/* core/heap.c: kmalloc and kfree, on pages from page_alloc. Pure logic. */
void heap_init(void *(*page_alloc)(uint32_t n), void (*page_free)(void *p, uint32_t n),
	       void (*corrupt)(const char *what, const void *p));
void *kmalloc(size_t n);
void *kzalloc(size_t n);
void kfree(void *p);
size_t heap_bytes(void);   /* handed out, rounded up to the size class */
uint32_t heap_pages(void); /* frames the heap holds */

/* core/mem.c: the allocators wired to the arch's memory; frames by the page. */
void mem_init(void);
uint32_t frame_alloc_zeroed(void); /* PMEM_NONE if none */
void frame_put(uint32_t pfn);	   /* drop a reference; panics on a bad frame */
void frame_put_warm(uint32_t pfn); /* the same for a page table (pmem_put_warm) */

/* core/elf.c: checks a program image (uapi/syscall.h "Program image"). Pure logic. */
#define ELF_MAX_SEGMENTS 8
struct elf_segment {
	uint32_t vaddr, memsz, filesz, offset;
	unsigned prot; /* ARCH_PROT_* */
};
struct elf_program {
	uint32_t entry;
	uint32_t end; /* page-aligned end of the highest segment: the initial brk */
	unsigned nr;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
};
/* 0, or -UAPI_ENOEXEC with *why saying what is wrong. */
int elf_program_check(const void *image, size_t len, struct elf_program *out, const char **why);

/* core/pipebuf.c: a byte ring (size a power of two). Pure logic. */
struct pipebuf {
	uint8_t *buf;
	uint32_t size;
	uint32_t head, tail; /* bytes ever written and read */
};
void pipebuf_init(struct pipebuf *b, void *mem, uint32_t size);
uint32_t pipebuf_used(const struct pipebuf *b);
uint32_t pipebuf_space(const struct pipebuf *b);
size_t pipebuf_write(struct pipebuf *b, const void *src, size_t n); /* bytes taken */
size_t pipebuf_read(struct pipebuf *b, void *dst, size_t n);	    /* bytes given */

/* core/sched.c: kernel threads, sleeping and waking, the round-robin scheduler. */
enum thread_state { T_RUNNABLE, T_SLEEPING, T_DEAD };
struct proc;
struct thread {
	uint32_t sp;	   /* saved by arch_switch while not running */
	void *kstack;	   /* KSTACK_SIZE bytes (NULL: the boot thread's own) */
	uint32_t entry_sp; /* the stack for entries from user mode (0: the arch's own) */
	enum thread_state state;
	const void *chan;   /* what it sleeps on */
	uint64_t wake_at;   /* a sleep's deadline (ns), 0 if none */
	bool interruptible; /* a signal ends the sleep */
	struct proc *proc;
	struct thread *next; /* every thread, in round-robin order */
	uint64_t ran_since, cpu_ns;
	uint8_t fpu[ARCH_FPU_SIZE];
};
void sched_init(struct proc *boot_proc);
struct thread *thread_current(void);
/* A new runnable thread of p running fn(arg); NULL if out of memory. */
struct thread *thread_create(struct proc *p, void (*fn)(void *), void *arg);
/* Free a dead thread's stack and record (never the current thread). */
void thread_free(struct thread *t);
/* Run someone else if anyone can run. */
void sched_yield(void);
/* On every way back to user mode: give up the CPU if the slice ended, and arm
 * the timer if the slice or a timed sleep needs it. One flag in the common
 * case (sched.c keeps it), as this runs on every system call. */
extern bool sched_user_work;
void sched_user_return_work(void);
static inline void sched_user_return(void)
{
	if (sched_user_work)
		sched_user_return_work();
}
/* The arch's timer fired (from user mode, or while idle): ends timed sleeps
 * that are due and marks an ended slice. Interrupt context: no sleeping. */
void sched_timer_interrupt(void);
/* Sleep until wakeup(chan), or until deadline (ns, 0: none), or (interruptible)
 * a signal: 0, or -UAPI_EINTR for a signal. A deadline passing returns 0. */
int sleep_on(const void *chan, uint64_t deadline, bool interruptible);
void wakeup(const void *chan);
/* Wake t if it sleeps interruptibly (a signal came). */
void thread_interrupt(struct thread *t);
/* The current thread ends; its process's waiter frees it. */
noreturn void thread_exit(void);
void *thread_kstack_top(struct thread *t);
uint64_t thread_cpu_ns(const struct thread *t); /* CPU time used so far */

/* core/proc.c: processes, exit, wait and signals. */
#define NFILES 32
struct vm;
struct file;
struct proc {
	int pid;
	char name[16];
	struct proc *parent;
	struct proc *next; /* every process */
	bool zombie;
	int status; /* the wait status, once a zombie */
	struct thread *thread;
	struct vm *vm; /* NULL: the kernel process (no user mode) */
	struct file *files[NFILES];
	uint32_t cloexec; /* bit fd: close on exec */
	uint32_t sigpending;
	uint32_t sigblocked;		  /* held back while a handler runs */
	struct uapi_sigaction sigact[32]; /* by signal number (0 unused) */
	uint64_t child_cpu_ns;
};
extern struct proc kproc; /* pid 0: the kernel, parent of the programs init runs */
void proc_init(void);
struct proc *proc_current(void);
struct proc *proc_alloc(struct proc *parent, const char *name);
void proc_free(struct proc *p); /* a process that never ran */
struct proc *proc_find(int pid);
/* Wait for a child of parent (pid -1: any): its pid with *status, 0 (WNOHANG),
 * -UAPI_ECHILD or -UAPI_EINTR. */
int proc_wait(struct proc *parent, int pid, int *status, int options);
/* End the current process with a wait status. */
noreturn void proc_exit(int status);
int proc_signal(struct proc *p, int sig);
/* Before every return to user mode: act on signals, let others run. */
void proc_user_return(void);
/* core/signal.c: what a signal's action is, and entering a handler. */
bool signal_ignored(const struct proc *p, int sig);
bool signal_caught(const struct proc *p, int sig);	   /* a handler, not blocked */
void signal_deliver(struct proc *p, uint32_t deliverable); /* may not return */
void signal_fork(struct proc *child, const struct proc *parent);
void signal_exec(struct proc *p);
/* A user-mode fault the VM could not resolve, or another exception: signal. */
void proc_fault_signal(int sig, uint32_t pc, uint32_t addr);

/* core/vm.c: user address spaces: regions, page faults, brk and mmap. */
struct vma {
	uint32_t start, end; /* page-aligned */
	unsigned prot;	     /* ARCH_PROT_* */
	const uint8_t *file; /* bytes for [file_va, file_end), zero beyond; NULL: anonymous */
	uint32_t file_va, file_end;
	struct vma *next; /* sorted by address */
};
struct vm {
	struct arch_as *as;
	struct vma *vmas;
	uint32_t brk_base, brk;
};
#define VM_FAULT_WRITE 1u
#define VM_FAULT_EXEC 2u
#define VM_FAULT_PRESENT 4u /* the page was mapped: a protection fault */
struct vm *vm_create(void);
void vm_destroy(struct vm *vm);
int vm_map(struct vm *vm, uint32_t start, uint32_t end, unsigned prot, const uint8_t *file,
	   uint32_t file_va, uint32_t file_end);
int vm_unmap(struct vm *vm, uint32_t start, uint32_t end);
/* Resolve a fault at va (demand-zero, file contents, copy-on-write): 0 or -UAPI_EFAULT. */
int vm_fault(struct vm *vm, uint32_t va, unsigned access);
/* A user-mode page fault of the current process: resolved, or it gets a signal. */
void vm_user_fault(uint32_t va, unsigned access, uint32_t pc);
/* Copy src into vm at va through the frames (vm need not be loaded). */
int vm_write(struct vm *vm, uint32_t va, const void *src, uint32_t len);
/* A copy-on-write duplicate of vm (the child's page tables are live); the page
 * at hot (the stack pointer's) is copied at once. */
struct vm *vm_fork(struct vm *vm, uint32_t hot);

/* core/uaccess.c: the current process's memory, checked and faulted in. */
int user_prepare(uint32_t va, uint32_t len, bool write); /* 0 or -UAPI_EFAULT */
int copy_from_user(void *dst, uint32_t src, uint32_t n);
int copy_to_user(uint32_t dst, const void *src, uint32_t n);
/* A NUL-terminated string of at most max - 1 bytes: its length, -UAPI_EFAULT or
 * -UAPI_ENAMETOOLONG. */
long strncpy_from_user(char *dst, uint32_t src, uint32_t max);

/* core/file.c: open files and each process's descriptor table. */
struct file;
struct file_ops {
	/* Transfer with user memory at ubuf: bytes, or a negative errno. */
	long (*read)(struct file *f, uint32_t ubuf, uint32_t n);
	long (*write)(struct file *f, uint32_t ubuf, uint32_t n);
	void (*stat)(struct file *f, struct uapi_stat *st);
	void (*close)(struct file *f); /* the last reference went */
	bool seekable;
};
struct file {
	unsigned refs;
	const struct file_ops *ops;
	uint32_t flags;	 /* UAPI_O_* given to open (access mode, APPEND, NONBLOCK) */
	uint32_t offset; /* seekable files */
	const uint8_t *data;
	uint32_t size, ino;
	void *priv;
};
struct file *file_new(const struct file_ops *ops, uint32_t flags);
struct file *file_dup(struct file *f);
void file_put(struct file *f);
/* The lowest free descriptor >= from of p, now naming f; -UAPI_EMFILE. */
int fd_install(struct proc *p, struct file *f, int from);
struct file *fd_get(struct proc *p, int fd);
int fd_close(struct proc *p, int fd);
void fd_close_all(struct proc *p);
void fd_close_on_exec(struct proc *p);
void fd_copy(struct proc *to, const struct proc *from);

/* core/vfs.c: names: the initrd's members (read-only), "/", /dev/console, /dev/null. */
void vfs_init(void);
/* A new open file for path, or a negative errno. */
int vfs_open(const char *path, uint32_t flags, struct file **out);
/* The bytes of a program file (initrd member), or NULL. */
const void *vfs_program(const char *path, size_t *len);
struct file *console_file(void);

/* core/pipe.c */
int pipe_create(struct file **rd, struct file **wr);

/* core/exec.c: program images. */
struct exec_args {
	char *strings; /* argv strings then envp strings, each NUL-terminated */
	uint32_t len;  /* bytes used in strings */
	int argc, envc;
};
/* Replace p's image (p is current, or a new process not yet run). */
int exec_image(struct proc *p, const char *path, const struct exec_args *args);
/* Start a new child of kproc running path with argv (argv[0] included): its pid. */
int proc_spawn(const char *path, int argc, const char *const argv[]);

/* core/fork.c */
int proc_fork(struct arch_regs *regs);

/* core/syscall.c: the int $0x80 dispatcher, generated from UAPI_SYSCALLS. */
void syscall_dispatch(struct arch_regs *r);
#define SYSCALL_DEFINE(name)                                       \
	long sys_##name(const uint32_t *a __attribute__((unused)), \
			struct arch_regs *regs __attribute__((unused)))
#define SYSCALL_DECL_(nr, name, nargs) long sys_##name(const uint32_t *a, struct arch_regs *regs);
UAPI_SYSCALLS(SYSCALL_DECL_)
#undef SYSCALL_DECL_

/* core/init.c: init=prog[:args];prog... runs programs from the initrd in turn. */
void init_run(const char *cmdline);

/* core/ktest.c: in-kernel tests, each a function registered with KTEST. */
struct ktest {
	const char *group; /* the command-line word that runs it */
	const char *name;
	void (*fn)(void);
};
#define KTEST(grp, fname)                                                              \
	static void ktest_##fname(void);                                               \
	static const struct ktest ktest_rec_##fname                                    \
	    __attribute__((used, section(".ktests"), aligned(4))) = { #grp, #fname,    \
								      ktest_##fname }; \
	static void ktest_##fname(void)
/* Record a check; prints the failure with its location. */
void ktest_check(bool ok, const char *what, const char *file, int line);
#define CHECK(cond) ktest_check((cond), #cond, __FILE__, __LINE__)
#define CHECK_EQ(a, b)                                                                   \
	do {                                                                             \
		long long _a = (long long)(a), _b = (long long)(b);                      \
		if (_a != _b)                                                            \
			printk("    %s = %lld (%#llx), expected %lld (%#llx)\n", #a, _a, \
			       (unsigned long long)_a, _b, (unsigned long long)_b);      \
		ktest_check(_a == _b, #a " == " #b, __FILE__, __LINE__);                 \
	} while (0)
/* Run every test of a group; returns the number that failed. */
unsigned ktest_run_group(const char *group);
bool ktest_group_exists(const char *group);

#endif
