/*
 * Paravane user ABI: system calls from ring 3 to the guest kernel. The calling
 * convention, numbers and structure layouts are Linux i386's, so a static binary
 * built for Paravane also runs under Linux (or qemu-i386) unchanged. Shared by the
 * kernel and libc-shim; error values are in uapi/errno.h.
 *
 * Self-contained: only <stdint.h>. Bump UAPI_VERSION on any change to this file or
 * to uapi/errno.h.
 */
#ifndef UAPI_SYSCALL_H
#define UAPI_SYSCALL_H

#define UAPI_VERSION 4 /* of this header and uapi/errno.h together */

/*
 * Calling convention: `int $0x80` with EAX = system-call number and the arguments in
 * EBX, ECX, EDX, ESI, EDI, EBP (first to sixth). The kernel returns the result in EAX
 * and preserves every other register (EFLAGS aside). A result in [-4095, -1] is a
 * failure: the negated UAPI_E* value. Everything else is success, even when it looks
 * negative as a signed number (an address from brk, a tick count from times).
 * An unknown number returns -UAPI_ENOSYS.
 */
#define UAPI_SYSCALL_VECTOR 0x80 /* the `int` vector; its gate has DPL 3 */
#define UAPI_MAX_ERRNO 4095	 /* results in [-UAPI_MAX_ERRNO, -1] are errors */

/*
 * Program image: a static ELF32 i386 ET_EXEC (libc-shim/user.ld links them at
 * 0x08048000). Each PT_LOAD is mapped with its own p_flags, zero-filled from p_filesz
 * to p_memsz; a segment both writable and executable is refused (-UAPI_ENOEXEC).
 *
 * Process entry (Linux i386 ELF): EIP = e_entry, and at ESP, one 32-bit word each:
 *   argc, argv[0] .. argv[argc - 1], NULL, envp[0] .. envp[n - 1], NULL,
 *   then the auxiliary vector as (type, value) pairs ending with UAPI_AT_NULL
 *   (Paravane may pass only the terminator). The strings lie above, on the stack.
 * The other general registers are unspecified (the program must not assume zero);
 * EFLAGS has DF clear and IF set; the x87 FPU is in its initial state (FNINIT).
 * The initial program break (brk) is the page-aligned end of the highest PT_LOAD
 * segment or above it.
 */
#define UAPI_AT_NULL 0 /* auxv type that ends the vector; its value is ignored */

/*
 * The system-call table: X(number, name, argument count). The kernel's dispatcher
 * and libc-shim's stubs are both generated from it. Arguments and results below
 * are in the kernel's terms (UAPI_* constants and struct uapi_*), and every call
 * can also fail with -UAPI_EFAULT for a bad pointer and -UAPI_EINTR where it blocks.
 */
#define UAPI_SYSCALLS(X)                                                                 \
	/* exit(int status): ends the calling thread; never returns */                   \
	X(1, exit, 1)                                                                    \
	/* fork(void): 0 in the child, the child's pid in the parent */                  \
	X(2, fork, 0)                                                                    \
	/* read(int fd, void *buf, uint32_t count): bytes read, 0 at end of file */      \
	X(3, read, 3)                                                                    \
	/* write(int fd, const void *buf, uint32_t count): bytes written */              \
	X(4, write, 3)                                                                   \
	/* open(const char *path, int UAPI_O_* flags, uint32_t mode): a new fd */        \
	X(5, open, 3)                                                                    \
	/* close(int fd): 0 */                                                           \
	X(6, close, 1)                                                                   \
	/* waitpid(int pid, int *status, int UAPI_W* options): the pid reaped, 0 with    \
	   UAPI_WNOHANG if none is ready; pid -1 = any child; status as UAPI_W_EXITED */ \
	X(7, waitpid, 3)                                                                 \
	/* link(const char *old, const char *new): 0 */                                  \
	X(9, link, 2)                                                                    \
	/* unlink(const char *path): 0 */                                                \
	X(10, unlink, 1)                                                                 \
	/* execve(const char *path, char *const argv[], char *const envp[]): does not    \
	   return on success; the new image starts as "Process entry" says */            \
	X(11, execve, 3)                                                                 \
	/* time(int32_t *t): seconds since 1970 (UTC), also stored in *t if not NULL */  \
	X(13, time, 1)                                                                   \
	/* lseek(int fd, int32_t offset, int UAPI_SEEK_* whence): the new offset */      \
	X(19, lseek, 3)                                                                  \
	/* getpid(void): the caller's pid; never fails */                                \
	X(20, getpid, 0)                                                                 \
	/* kill(int pid, int UAPI_SIG* sig): 0; sig 0 only checks that pid exists */     \
	X(37, kill, 2)                                                                   \
	/* mkdir(const char *path, uint32_t mode): 0 */                                  \
	X(39, mkdir, 2)                                                                  \
	/* dup(int fd): the lowest free fd, now naming the same open file */             \
	X(41, dup, 1)                                                                    \
	/* pipe(int fds[2]): 0; fds[0] is the read end, fds[1] the write end */          \
	X(42, pipe, 1)                                                                   \
	/* times(struct uapi_tms *buf): UAPI_CLK_TCK ticks since an arbitrary point */   \
	X(43, times, 1)                                                                  \
	/* brk(uint32_t addr): sets the program break if it can and returns the break    \
	   in force afterwards (never an error; addr 0 just asks) */                     \
	X(45, brk, 1)                                                                    \
	/* fcntl(int fd, int UAPI_F_* cmd, uint32_t arg): depends on cmd */              \
	X(55, fcntl, 3)                                                                  \
	/* sigaction(int sig, const struct uapi_sigaction *act, struct uapi_sigaction    \
	   *oldact): 0; either pointer may be NULL; -UAPI_EINVAL for a bad number, a     \
	   new action for SIGKILL or SIGSTOP, an unknown flag, or a handler without      \
	   UAPI_SA_RESTORER. See "Signal handlers" below */                              \
	X(67, sigaction, 3)                                                              \
	/* dup2(int old, int new): new, now naming old's open file (closed first) */     \
	X(63, dup2, 2)                                                                   \
	/* gettimeofday(struct uapi_timeval *tv, struct uapi_timezone *tz): 0;           \
	   either pointer may be NULL; the zone is always UTC (zeros) */                 \
	X(78, gettimeofday, 2)                                                           \
	/* munmap(uint32_t addr, uint32_t len): 0; addr page-aligned; unmapping what     \
	   is not mapped is no error */                                                  \
	X(91, munmap, 2)                                                                 \
	/* stat(const char *path, struct uapi_stat *buf): 0 */                           \
	X(106, stat, 2)                                                                  \
	/* fstat(int fd, struct uapi_stat *buf): 0 */                                    \
	X(108, fstat, 2)                                                                 \
	/* wait4(int pid, int *status, int UAPI_W* options, void *rusage): as waitpid;   \
	   rusage (72 bytes on i386), if not NULL, is filled with zeros */               \
	X(114, wait4, 4)                                                                 \
	/* sigreturn(void): made by a handler's restorer; restores what the signal       \
	   frame at ESP - 8 saved and returns the interrupted EAX. A frame that cannot   \
	   be read kills the process with SIGSEGV */                                     \
	X(119, sigreturn, 0)                                                             \
	/* nanosleep(const struct uapi_timespec *req, struct uapi_timespec *rem): 0;     \
	   -UAPI_EINTR with the time left in rem (if not NULL) when interrupted */       \
	X(162, nanosleep, 2)                                                             \
	/* mmap2(uint32_t addr, uint32_t len, int UAPI_PROT_* prot, int UAPI_MAP_*       \
	   flags, int fd, uint32_t pgoff): the new mapping's address. Anonymous          \
	   private memory only (fd -1, pgoff 0), zero-filled on first touch; addr        \
	   is a hint unless UAPI_MAP_FIXED */                                            \
	X(192, mmap2, 6)                                                                 \
	/* hv_counters(struct uapi_hv_counters *buf): 0; the hypervisor's counters for   \
	   this domain (Paravane's own call: 223 is unused on Linux i386, which answers  \
	   -ENOSYS, as does a kernel with no hypervisor under it) */                     \
	X(223, hv_counters, 1)                                                           \
	/* exit_group(int status): ends every thread of the process; never returns */    \
	X(252, exit_group, 1)

#ifndef __ASSEMBLER__
#include <stdint.h>

/* UAPI_SYS_<name> for every entry of the table. */
enum uapi_sysno {
#define UAPI_SYSNO_ENUM_(nr, name, nargs) UAPI_SYS_##name = (nr),
	UAPI_SYSCALLS(UAPI_SYSNO_ENUM_)
#undef UAPI_SYSNO_ENUM_
};

/* open() flags (octal, as Linux x86 writes them). */
#define UAPI_O_RDONLY 00	 /* read only */
#define UAPI_O_WRONLY 01	 /* write only */
#define UAPI_O_RDWR 02		 /* read and write */
#define UAPI_O_ACCMODE 03	 /* mask of the three above */
#define UAPI_O_CREAT 0100	 /* create the file if it does not exist */
#define UAPI_O_EXCL 0200	 /* with O_CREAT: fail with EEXIST if it exists */
#define UAPI_O_NOCTTY 0400	 /* do not make a terminal the controlling one */
#define UAPI_O_TRUNC 01000	 /* truncate a regular file to length 0 */
#define UAPI_O_APPEND 02000	 /* every write goes to the end */
#define UAPI_O_NONBLOCK 04000	 /* reads and writes fail with EAGAIN, not block */
#define UAPI_O_DIRECTORY 0200000 /* fail with ENOTDIR unless a directory */
#define UAPI_O_NOFOLLOW 0400000	 /* fail with ELOOP on a symbolic link */
#define UAPI_O_CLOEXEC 02000000	 /* set UAPI_FD_CLOEXEC on the new fd */
#define UAPI_O_SYNC 04010000	 /* writes reach the device before returning */

/* fcntl() commands and the descriptor flag. */
#define UAPI_F_DUPFD 0		  /* dup to the lowest free fd >= arg */
#define UAPI_F_GETFD 1		  /* returns the descriptor flags (UAPI_FD_CLOEXEC) */
#define UAPI_F_SETFD 2		  /* sets the descriptor flags to arg */
#define UAPI_F_GETFL 3		  /* returns the open flags (UAPI_O_*) */
#define UAPI_F_SETFL 4		  /* sets UAPI_O_APPEND and UAPI_O_NONBLOCK from arg */
#define UAPI_F_DUPFD_CLOEXEC 1030 /* as F_DUPFD, and sets UAPI_FD_CLOEXEC */
#define UAPI_FD_CLOEXEC 1	  /* the descriptor is closed by execve */

/* lseek() whence. */
#define UAPI_SEEK_SET 0 /* offset from the start */
#define UAPI_SEEK_CUR 1 /* offset from the current position */
#define UAPI_SEEK_END 2 /* offset from the end */

/* File types in st_mode (the low 12 bits are the usual permission bits). */
#define UAPI_S_IFMT 0170000   /* mask of the type bits */
#define UAPI_S_IFSOCK 0140000 /* socket */
#define UAPI_S_IFLNK 0120000  /* symbolic link */
#define UAPI_S_IFREG 0100000  /* regular file */
#define UAPI_S_IFBLK 0060000  /* block device */
#define UAPI_S_IFDIR 0040000  /* directory */
#define UAPI_S_IFCHR 0020000  /* character device: libc-shim's isatty() says yes */
#define UAPI_S_IFIFO 0010000  /* pipe */

/* mmap2() protections and flags (Linux i386 values). */
#define UAPI_PROT_NONE 0	/* no access */
#define UAPI_PROT_READ 1	/* readable */
#define UAPI_PROT_WRITE 2	/* writable */
#define UAPI_PROT_EXEC 4	/* executable */
#define UAPI_MAP_SHARED 0x01	/* not supported: -UAPI_EINVAL */
#define UAPI_MAP_PRIVATE 0x02	/* required */
#define UAPI_MAP_FIXED 0x10	/* exactly at addr, replacing what was there */
#define UAPI_MAP_ANONYMOUS 0x20 /* required: no file behind it */

/* waitpid() options. */
#define UAPI_WNOHANG 1	 /* return 0 at once if no child has changed state */
#define UAPI_WUNTRACED 2 /* also report stopped children */

/* waitpid() status words, built by the kernel. */
#define UAPI_W_EXITED(code) (((code)&0xff) << 8)	 /* exit(code) or _exit(code) */
#define UAPI_W_SIGNALED(sig) ((sig)&0x7f)		 /* killed by signal sig */
#define UAPI_W_COREFLAG 0x80				 /* or'ed in: a core was dumped */
#define UAPI_W_STOPPED(sig) ((((sig)&0xff) << 8) | 0x7f) /* stopped by sig */

/*
 * Signal numbers: X(name, number). libc-shim translates them to newlib's numbering,
 * which differs for several (newlib's generic SIGBUS is 10, for instance).
 */
#define UAPI_SIGNALS(X)                                           \
	X(SIGHUP, 1)	 /* hangup of the controlling terminal */ \
	X(SIGINT, 2)	 /* interrupt from the keyboard */        \
	X(SIGQUIT, 3)	 /* quit from the keyboard */             \
	X(SIGILL, 4)	 /* illegal instruction */                \
	X(SIGTRAP, 5)	 /* breakpoint or trace trap */           \
	X(SIGABRT, 6)	 /* abort() */                            \
	X(SIGBUS, 7)	 /* bus error */                          \
	X(SIGFPE, 8)	 /* arithmetic exception */               \
	X(SIGKILL, 9)	 /* kill; cannot be caught */             \
	X(SIGUSR1, 10)	 /* user-defined 1 */                     \
	X(SIGSEGV, 11)	 /* invalid memory access */              \
	X(SIGUSR2, 12)	 /* user-defined 2 */                     \
	X(SIGPIPE, 13)	 /* write to a pipe with no reader */     \
	X(SIGALRM, 14)	 /* alarm clock */                        \
	X(SIGTERM, 15)	 /* termination request */                \
	X(SIGCHLD, 17)	 /* a child stopped or ended */           \
	X(SIGCONT, 18)	 /* continue if stopped */                \
	X(SIGSTOP, 19)	 /* stop; cannot be caught */             \
	X(SIGTSTP, 20)	 /* stop from the keyboard */             \
	X(SIGTTIN, 21)	 /* background read from the terminal */  \
	X(SIGTTOU, 22)	 /* background write to the terminal */   \
	X(SIGURG, 23)	 /* urgent data on a socket */            \
	X(SIGXCPU, 24)	 /* CPU time limit exceeded */            \
	X(SIGXFSZ, 25)	 /* file size limit exceeded */           \
	X(SIGVTALRM, 26) /* virtual timer expired */              \
	X(SIGPROF, 27)	 /* profiling timer expired */            \
	X(SIGWINCH, 28)	 /* terminal window size changed */       \
	X(SIGIO, 29)	 /* I/O possible */                       \
	X(SIGSYS, 31)	 /* bad system call */

/* UAPI_SIG<name> for every entry of the list. */
enum uapi_signo {
#define UAPI_SIGNO_ENUM_(name, nr) UAPI_##name = (nr),
	UAPI_SIGNALS(UAPI_SIGNO_ENUM_)
#undef UAPI_SIGNO_ENUM_
};

/*
 * Signal handlers (Linux i386's sigaction 67 and sigreturn 119). A signal with
 * a handler is delivered on the process's next way back to user mode: the
 * kernel pushes a frame on the user stack and enters the handler with ESP at
 * the frame (16-byte aligned + 4), EAX = the signal, DF and TF clear:
 *   ESP + 0   return address: act.restorer
 *   ESP + 4   the signal number (the handler's argument)
 *   ESP + 8   struct uapi_sigcontext: the interrupted registers and signal mask
 *   ESP + 96  the interrupted x87 state (fnsave, 108 bytes; sc.fpstate points here)
 * The handler runs with act.mask and the signal itself (unless UAPI_SA_NODEFER)
 * added to the blocked mask. When it returns, the restorer must do
 *   popl %eax; movl $119, %eax; int $0x80
 * and sigreturn restores the registers (code and stack segments stay the user
 * ones, and of EFLAGS only the arithmetic flags, DF, TF and AC come back), the
 * x87 state and the mask. One signal is delivered per return to user mode,
 * SIGKILL first, then the lowest number. A fault (SIGSEGV, SIGBUS, SIGILL,
 * SIGFPE, SIGTRAP) with no handler, or blocked, or whose frame cannot be
 * written, ends the process. exec resets handlers to the default action
 * (ignored signals stay ignored); fork copies them and the mask. There is no
 * sigprocmask: the mask changes only around handlers.
 */
#define UAPI_SIG_DFL 0u		      /* handler: the default action */
#define UAPI_SIG_IGN 1u		      /* handler: ignore the signal */
#define UAPI_SA_RESTORER 0x04000000u  /* restorer is set: required with a handler */
#define UAPI_SA_NODEFER 0x40000000u   /* do not block the signal in its handler */
#define UAPI_SA_RESETHAND 0x80000000u /* back to UAPI_SIG_DFL once delivered */

/* Linux i386's struct old_sigaction: 16 bytes. */
struct uapi_sigaction {
	uint32_t handler;  /* void (*)(int), UAPI_SIG_DFL or UAPI_SIG_IGN */
	uint32_t mask;	   /* signals blocked while it runs (bit n = signal n) */
	uint32_t flags;	   /* UAPI_SA_*; others are refused */
	uint32_t restorer; /* where the handler returns (see above) */
};

/* Linux i386's struct sigcontext: 88 bytes. */
struct uapi_sigcontext {
	uint32_t gs, fs, es, ds; /* gs and fs: 0 (not saved) */
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
	uint32_t trapno; /* the entry's vector (0xFFFFFFFF: an event, PV) */
	uint32_t err;	 /* its error code */
	uint32_t eip, cs, eflags;
	uint32_t esp_at_signal; /* = esp */
	uint32_t ss;
	uint32_t fpstate; /* address of the saved x87 state, in the frame */
	uint32_t oldmask; /* the blocked mask before the handler */
	uint32_t cr2;	  /* 0 */
};

/*
 * struct stat as Linux i386's fstat (108) and stat (106) fill it: 64 bytes. The
 * times are named st_?time_sec here (Linux: st_?time) because C libraries define
 * st_atime and friends as macros.
 */
struct uapi_stat {
	uint32_t st_dev;	/* device holding the file */
	uint32_t st_ino;	/* inode number */
	uint16_t st_mode;	/* UAPI_S_IF* type and permission bits */
	uint16_t st_nlink;	/* number of hard links */
	uint16_t st_uid;	/* owner */
	uint16_t st_gid;	/* group */
	uint32_t st_rdev;	/* device number, for a device file */
	uint32_t st_size;	/* size in bytes */
	uint32_t st_blksize;	/* preferred I/O size */
	uint32_t st_blocks;	/* 512-byte blocks allocated */
	uint32_t st_atime_sec;	/* last access, seconds since 1970 (UTC) */
	uint32_t st_atime_nsec; /* and nanoseconds */
	uint32_t st_mtime_sec;	/* last modification */
	uint32_t st_mtime_nsec; /* and nanoseconds */
	uint32_t st_ctime_sec;	/* last status change */
	uint32_t st_ctime_nsec; /* and nanoseconds */
	uint32_t unused4;	/* reserved, 0 */
	uint32_t unused5;	/* reserved, 0 */
};

/* struct timeval for gettimeofday (78): 8 bytes. */
struct uapi_timeval {
	int32_t tv_sec;	 /* seconds since 1970-01-01 00:00 UTC */
	int32_t tv_usec; /* microseconds, 0 .. 999999 */
};

/* struct timezone for gettimeofday (78): Paravane always writes zeros. */
struct uapi_timezone {
	int32_t tz_minuteswest; /* minutes west of Greenwich */
	int32_t tz_dsttime;	/* type of daylight-saving correction */
};

/* struct timespec for nanosleep (162): 8 bytes. */
struct uapi_timespec {
	int32_t tv_sec;	 /* seconds */
	int32_t tv_nsec; /* nanoseconds, 0 .. 999999999 */
};

/* struct tms for times (43), in UAPI_CLK_TCK ticks: 16 bytes. */
struct uapi_tms {
	int32_t tms_utime;  /* user CPU time of the caller */
	int32_t tms_stime;  /* system CPU time of the caller */
	int32_t tms_cutime; /* user CPU time of its reaped children */
	int32_t tms_cstime; /* system CPU time of its reaped children */
};
#define UAPI_CLK_TCK 100 /* ticks per second in times() (Linux's USER_HZ) */

/*
 * struct uapi_hv_counters for hv_counters (223): running totals for the caller's
 * domain since it was built, less the hypervisor work of every hv_counters call
 * itself, so two readings differ by exactly what happened between them.
 * Programs subtract two readings (bench/, docs/processes.md section 7).
 */
struct uapi_hv_counters {
	uint32_t entries;     /* entries into the hypervisor: hypercalls (a multicall
				 once), exceptions bounced and other entries; not
				 hardware interrupts, counted below */
	uint32_t hypercalls;  /* hypercalls, each one inside a multicall counted */
	uint32_t exceptions;  /* exceptions taken from the domain and bounced */
	uint32_t interrupts;  /* hardware interrupts taken while it ran */
	uint32_t pt_updates;  /* page-table entries the hypervisor wrote for it */
	uint32_t tlb_flushes; /* full TLB flushes (CR3 loads included) done for it */
};

_Static_assert(sizeof(struct uapi_stat) == 64, "Linux i386 struct stat is 64 bytes");
_Static_assert(sizeof(struct uapi_timeval) == 8, "struct timeval is 8 bytes");
_Static_assert(sizeof(struct uapi_timezone) == 8, "struct timezone is 8 bytes");
_Static_assert(sizeof(struct uapi_timespec) == 8, "struct timespec is 8 bytes");
_Static_assert(sizeof(struct uapi_tms) == 16, "struct tms is 16 bytes");
_Static_assert(sizeof(struct uapi_hv_counters) == 24, "struct uapi_hv_counters is 24 bytes");

#endif /* !__ASSEMBLER__ */
#endif
