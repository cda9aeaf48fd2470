/*
 * syscalls: checks every system call and fault path of the kernel from ring 3,
 * one line per check ("ok - SECTION: what" or "not ok - ..."); the exit status
 * is the number of failures. Sections: basic files memory faults cow exec
 * signals pipes; with no argument all of them run, otherwise the ones named.
 * Paths are those of Paravane's initrd: this program is /syscalls.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shim.h"

#define SELF "/syscalls"

/* newlib declares nanosleep only with _POSIX_TIMERS, which i686-elf lacks. */
int nanosleep(const struct timespec *req, struct timespec *rem);
extern char **environ;

static int failures;
static const char *section;
/* An address no program maps (the compiler must not see through it). */
static volatile uintptr_t bad_address = 16;
#define BAD ((void *)bad_address)

static void check_(int ok, const char *what, const char *expr, int line)
{
	printf("%s - %s: %s\n", ok ? "ok" : "not ok", section, what);
	if (!ok) {
		failures++;
		printf("#   syscalls.c:%d: %s is false (errno %d: %s)\n", line, expr, errno,
		       strerror(errno));
	}
	fflush(stdout);
}
#define CHECK(what, cond) check_(!!(cond), (what), #cond, __LINE__)

/* ---- Raw system calls, for the ones newlib has no function for -------------- */
/* (sys_NAME and shim_syscallN from libc-shim's shim.h, numbers from uapi/syscall.h) */

#define PROT_R 1
#define PROT_W 2
#define MAP_PRIV_ANON 0x22
#define MAP_FIXED_ 0x10
#define MAP_SHARED_ 0x01

static void *map(void *addr, size_t len, int prot, int flags)
{
	long r = sys_mmap2((long)addr, (long)len, prot, flags, -1, 0);
	if (shim_failed(r)) {
		errno = (int)-r; /* Linux numbers: fine for the few compared here */
		return NULL;
	}
	return (void *)r;
}

/* Runs fn in a child and returns its wait status. */
static int in_child(void (*fn)(void))
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		fn();
		_exit(0);
	}
	int status = -1;
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static int killed_by(int status, int sig)
{
	return status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == sig;
}

static long elapsed_us(const struct timeval *a, const struct timeval *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000L + (b->tv_usec - a->tv_usec);
}

/* ---- basic: identity, time, unknown calls ---------------------------------- */

static void basic(void)
{
	pid_t me = getpid();
	CHECK("getpid is positive and stable", me > 0 && getpid() == me);
	CHECK("an unknown system call fails with ENOSYS", shim_syscall0(222) == -38);
	struct timeval tv0, tv1;
	CHECK("gettimeofday", gettimeofday(&tv0, NULL) == 0);
	CHECK("the wall clock is after 2020", tv0.tv_sec > 1577836800 && tv0.tv_usec < 1000000);
	int32_t t = 0;
	long now = sys_time((long)&t);
	CHECK("time agrees with gettimeofday",
	      now == t && now - tv0.tv_sec <= 1 && now >= tv0.tv_sec);
	CHECK("time with a bad pointer fails with EFAULT", sys_time((long)BAD) == -14);
	struct tms tms;
	clock_t c0 = times(&tms);
	struct timespec ts = { 0, 30 * 1000 * 1000 };
	CHECK("nanosleep 30 ms", nanosleep(&ts, NULL) == 0);
	gettimeofday(&tv1, NULL);
	clock_t c1 = times(&tms);
	CHECK("nanosleep slept at least 30 ms", elapsed_us(&tv0, &tv1) >= 30000);
	CHECK("times advanced while asleep", c1 > c0 && c1 - c0 >= 20);
	ts.tv_nsec = 1000000000;
	CHECK("nanosleep refuses 1e9 ns", nanosleep(&ts, NULL) == -1 && errno == EINVAL);
	CHECK("nanosleep with a bad pointer fails with EFAULT", /* (the shim reads it first) */
	      sys_nanosleep((long)BAD, 0) == -14);
	/* The kernel loads its data selector on entry only when user mode left
	 * another in DS or ES, and must then give that one back on return. Here
	 * both are null across a getpid (nothing touches memory through them). */
	long pid_null_segs;
	uint32_t ds_after, es_after;
	__asm__ volatile("mov %%ds, %%esi\n\t"
			 "mov %%es, %%edi\n\t"
			 "xor %%ecx, %%ecx\n\t"
			 "mov %%ecx, %%ds\n\t"
			 "mov %%ecx, %%es\n\t"
			 "mov $20, %%eax\n\t" /* getpid */
			 "int $0x80\n\t"
			 "mov %%ds, %%ecx\n\t"
			 "mov %%es, %%edx\n\t"
			 "mov %%esi, %%ds\n\t"
			 "mov %%edi, %%es"
			 : "=a"(pid_null_segs), "=c"(ds_after), "=d"(es_after)
			 :
			 : "esi", "edi", "memory");
	CHECK("getpid with null DS and ES, which come back null",
	      pid_null_segs == me && (ds_after & 0xFFFF) == 0 && (es_after & 0xFFFF) == 0);
}

/* ---- files: the console, the initrd, descriptors --------------------------- */

static void files(void)
{
	static const char line[] = "# a line written with write(2)\n";
	struct stat st, st2;
	char buf[8];
	CHECK("write to stdout", write(1, line, sizeof(line) - 1) == sizeof(line) - 1);
	CHECK("stdin, stdout and stderr are terminals", isatty(0) && isatty(1) && isatty(2));
	CHECK("the console is a character device", fstat(1, &st) == 0 && S_ISCHR(st.st_mode));
	CHECK("reading the console gives end of file", read(0, buf, 1) == 0);
	CHECK("lseek on the console fails with ESPIPE",
	      lseek(1, 0, SEEK_SET) == -1 && errno == ESPIPE);
	int fd = open(SELF, O_RDONLY);
	CHECK("open " SELF, fd >= 3);
	CHECK("fstat: a regular file",
	      fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 4096);
	CHECK("stat agrees with fstat",
	      stat(SELF, &st2) == 0 && st2.st_size == st.st_size && st2.st_ino == st.st_ino);
	CHECK("read the ELF magic", read(fd, buf, 4) == 4 && !memcmp(buf, "\177ELF", 4));
	CHECK("lseek to the end", lseek(fd, 0, SEEK_END) == st.st_size);
	CHECK("read at the end gives 0", read(fd, buf, 4) == 0);
	CHECK("lseek back and read",
	      lseek(fd, 1, SEEK_SET) == 1 && read(fd, buf, 3) == 3 && !memcmp(buf, "ELF", 3));
	CHECK("lseek before the start fails with EINVAL",
	      lseek(fd, -10, SEEK_SET) == -1 && errno == EINVAL);
	int d = dup(fd);
	CHECK("dup shares the offset",
	      d > fd && read(d, buf, 1) == 1 && lseek(fd, 0, SEEK_CUR) == 5);
	CHECK("dup2 onto a chosen number", dup2(fd, 20) == 20 && lseek(20, 0, SEEK_CUR) == 5);
	CHECK("close, then close again fails with EBADF",
	      close(20) == 0 && close(20) == -1 && errno == EBADF);
	CHECK("fcntl FD_CLOEXEC set and read back",
	      fcntl(d, F_SETFD, FD_CLOEXEC) == 0 && fcntl(d, F_GETFD) == FD_CLOEXEC);
	CHECK("fcntl F_GETFL says read-only", (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY);
	CHECK("write to a read-only descriptor fails with EBADF",
	      write(fd, "x", 1) == -1 && errno == EBADF);
	CHECK("read with a bad buffer fails with EFAULT",
	      read(fd, BAD, 4) == -1 && errno == EFAULT);
	CHECK("write from kernel memory fails with EFAULT",
	      write(1, (void *)0xC0000000, 4) == -1 && errno == EFAULT);
	CHECK("read from a closed descriptor fails with EBADF",
	      read(99, buf, 1) == -1 && errno == EBADF);
	close(d);
	close(fd);
	CHECK("a missing file: ENOENT", open("/no-such-file", O_RDONLY) == -1 && errno == ENOENT);
	CHECK("stat of a missing file: ENOENT",
	      stat("/no-such-file", &st) == -1 && errno == ENOENT);
	CHECK("creating a file: EROFS",
	      open("/new", O_CREAT | O_WRONLY, 0644) == -1 && errno == EROFS);
	CHECK("writing a file: EROFS", open(SELF, O_WRONLY) == -1 && errno == EROFS);
	CHECK("unlink: EROFS", unlink(SELF) == -1 && errno == EROFS);
	CHECK("mkdir: EROFS", mkdir("/dir", 0755) == -1 && errno == EROFS);
	CHECK("open with a bad path pointer: EFAULT", open(BAD, O_RDONLY) == -1 && errno == EFAULT);
	fd = open("/dev/null", O_RDWR);
	CHECK("/dev/null swallows writes and reads as empty",
	      fd >= 0 && write(fd, "abc", 3) == 3 && read(fd, buf, 3) == 0);
	close(fd);
	fd = open("/", O_RDONLY | O_DIRECTORY);
	CHECK("/ is a directory", fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK("reading a directory fails with EISDIR", read(fd, buf, 1) == -1 && errno == EISDIR);
	close(fd);
}

/* ---- memory: brk, malloc, mmap, demand-zero, the stack --------------------- */

static char big_bss[256 * 1024]; /* demand-zero: no page of it is in the file */

static int recurse(int depth)
{
	volatile char frame[4096];
	frame[0] = (char)depth;
	return depth ? recurse(depth - 1) + frame[0] - (char)depth : 0;
}

static void memory(void)
{
	int zero = 1;
	for (size_t i = 0; i < sizeof(big_bss); i += 4096)
		zero &= big_bss[i] == 0;
	CHECK("bss pages read as zero", zero);
	memset(big_bss, 0x77, sizeof(big_bss));
	CHECK("bss pages keep what was written", big_bss[sizeof(big_bss) - 1] == 0x77);

	char *brk0 = sbrk(0);
	char *p = sbrk(65536);
	CHECK("sbrk grows the break", p == brk0 && sbrk(0) == brk0 + 65536);
	memset(p, 0x11, 65536);
	CHECK("new heap pages are usable", p[0] == 0x11 && p[65535] == 0x11);
	CHECK("sbrk shrinks the break", sbrk(-65536) == brk0 + 65536 && sbrk(0) == brk0);
	long cur = sys_brk(0);
	CHECK("brk refuses the kernel's addresses", sys_brk((long)0xC0100000) == cur);
	char *m = malloc(1 << 20);
	CHECK("malloc 1 MiB", m != NULL);
	if (m)
		memset(m, 0x22, 1 << 20);
	free(m);

	char *a = map(NULL, 3 * 4096, PROT_R | PROT_W, MAP_PRIV_ANON);
	CHECK("mmap2 anonymous memory", a && ((uintptr_t)a & 4095) == 0);
	CHECK("mmap2 memory reads as zero", a && a[0] == 0 && a[3 * 4096 - 1] == 0);
	if (a)
		a[5000] = 'x';
	CHECK("mmap2 memory keeps what was written", a && a[5000] == 'x');
	CHECK("munmap", sys_munmap((long)a, 3 * 4096) == 0);
	char *fixed = map((void *)0x50000000, 4096, PROT_R | PROT_W, MAP_PRIV_ANON | MAP_FIXED_);
	CHECK("mmap2 MAP_FIXED lands where asked", fixed == (void *)0x50000000);
	CHECK("munmap of a range half unmapped", sys_munmap(0x50000000, 8192) == 0);
	CHECK("mmap2 MAP_SHARED is refused",
	      !map(NULL, 4096, PROT_R, 0x21 | MAP_SHARED_) && errno == EINVAL);
	CHECK("mmap2 of 0 bytes is refused", !map(NULL, 0, PROT_R, MAP_PRIV_ANON));
	CHECK("munmap of an unaligned address is refused", sys_munmap(0x50000001, 4096) == -22);
	CHECK("a 1 MiB deep stack", recurse(256) == 0);

	/* A child with a page table in each of 40 spans of 2 MiB: more tables than
	 * the PV kernel gives back in its teardown batch. Their frames are handed
	 * out again first, so the parent's new pages below are written through
	 * the kernel's direct map: they must be ordinary memory again. */
	pid_t pid = fork();
	if (pid == 0) {
		char *many = map(NULL, 80u << 20, PROT_R | PROT_W, MAP_PRIV_ANON);
		if (!many)
			_exit(2);
		for (size_t off = 0; off < (80u << 20); off += 2u << 20)
			many[off] = 1;
		_exit(many[78u << 20] == 1 ? 0 : 3);
	}
	int status = -1;
	CHECK("a child with a page table in each of 40 spans exits",
	      pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		  WEXITSTATUS(status) == 0);
	char *after = malloc(256 * 1024);
	if (after)
		memset(after, 0x33, 256 * 1024);
	CHECK("its page tables' frames are memory again",
	      after && after[0] == 0x33 && after[256 * 1024 - 1] == 0x33);
	free(after);
}

/* ---- faults: each ends the child with its signal --------------------------- */

static char *unmapped_area;
static void touch_null(void)
{
	*(volatile int *)0 = 1;
}
static void touch_unmapped(void)
{
	*(volatile char *)unmapped_area = 1;
}
static volatile uintptr_t text_address; /* main's */
static void write_text(void)
{
	*(volatile char *)text_address = 0;
}
static void write_readonly_map(void)
{
	char *r = map(NULL, 4096, PROT_R, MAP_PRIV_ANON);
	if (r && r[0] == 0)
		r[0] = 1;
}
static void run_data(void)
{
	static unsigned char ret = 0xC3;
	((void (*)(void))(uintptr_t)&ret)();
}
static void touch_kernel(void)
{
	*(volatile int *)0xC0001000 = 1;
}
static void undefined_opcode(void)
{
	__asm__ volatile("ud2");
}
static void divide_by_zero(void)
{
	__asm__ volatile("divl %%ecx" : : "a"(1), "d"(0), "c"(0)); /* (gcc folds 1 / x) */
}
static void breakpoint(void)
{
	__asm__ volatile("int3");
}
static void privileged(void)
{
	__asm__ volatile("cli");
}
static void hypercall(void)
{
	__asm__ volatile("int $0x82" : : "a"(17), "b"(0));
}

static void faults(void)
{
	unmapped_area = map(NULL, 4096, PROT_R | PROT_W, MAP_PRIV_ANON);
	sys_munmap((long)unmapped_area, 4096);
	CHECK("NULL dereference: SIGSEGV", killed_by(in_child(touch_null), SIGSEGV));
	CHECK("an unmapped page: SIGSEGV", killed_by(in_child(touch_unmapped), SIGSEGV));
	CHECK("writing the program's text: SIGSEGV", killed_by(in_child(write_text), SIGSEGV));
	CHECK("writing a read-only mapping: SIGSEGV",
	      killed_by(in_child(write_readonly_map), SIGSEGV));
	CHECK("executing data (NX): SIGSEGV", killed_by(in_child(run_data), SIGSEGV));
	CHECK("touching the kernel: SIGSEGV", killed_by(in_child(touch_kernel), SIGSEGV));
	CHECK("ud2: SIGILL", killed_by(in_child(undefined_opcode), SIGILL));
	CHECK("divide by zero: SIGFPE", killed_by(in_child(divide_by_zero), SIGFPE));
	CHECK("int3: SIGTRAP", killed_by(in_child(breakpoint), SIGTRAP));
	CHECK("cli in ring 3: SIGSEGV", killed_by(in_child(privileged), SIGSEGV));
	CHECK("a hypercall from ring 3: SIGSEGV", killed_by(in_child(hypercall), SIGSEGV));
}

/* ---- cow: fork, copy-on-write, wait ---------------------------------------- */

static int shared_word = 1;
static char cow_pages[64 * 4096];

static void cow(void)
{
	memset(cow_pages, 'p', sizeof(cow_pages));
	int fds[2];
	pipe(fds);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char go;
		shared_word = 2;
		int same = 1;
		for (size_t i = 0; i < sizeof(cow_pages); i++)
			same &= cow_pages[i] == 'p';
		memset(cow_pages, 'c', sizeof(cow_pages));
		read(fds[0], &go, 1); /* the parent has written its pages */
		for (size_t i = 0; i < sizeof(cow_pages); i += 4096)
			same &= cow_pages[i] == 'c';
		_exit(same ? shared_word : 99);
	}
	CHECK("fork returns the child's pid", pid > 0);
	cow_pages[0] = 'P';
	write(fds[1], "g", 1);
	int status;
	CHECK("waitpid returns the child", waitpid(pid, &status, 0) == pid);
	CHECK("the child saw the pages as they were, then its own",
	      WIFEXITED(status) && WEXITSTATUS(status) == 2);
	CHECK("the child's write is not seen by the parent", shared_word == 1);
	int same = cow_pages[0] == 'P';
	for (size_t i = 1; i < sizeof(cow_pages); i++)
		same &= cow_pages[i] == 'p';
	CHECK("the parent's pages are its own", same);
	close(fds[0]);
	close(fds[1]);

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		pid_t grandchild = fork();
		if (grandchild == 0)
			_exit(getpid() > 0 ? 7 : 0);
		int st;
		_exit(waitpid(grandchild, &st, 0) == grandchild && WEXITSTATUS(st) == 7 ? 8 : 0);
	}
	CHECK("a grandchild, waited by its parent",
	      waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 8);
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(256 + 5);
	CHECK("exit status keeps 8 bits",
	      waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 5);
	CHECK("no child left: ECHILD", waitpid(-1, &status, 0) == -1 && errno == ECHILD);
	int p2[2];
	pipe(p2);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char c;
		read(p2[0], &c, 1);
		_exit(3);
	}
	CHECK("WNOHANG with a running child returns 0", waitpid(pid, &status, WNOHANG) == 0);
	write(p2[1], "x", 1);
	static int32_t rusage[18];
	rusage[0] = 123;
	CHECK("wait4 reaps it", sys_wait4(pid, (long)&status, 0, (long)rusage) == pid &&
				    (status >> 8) == 3 && rusage[0] == 0);
	close(p2[0]);
	close(p2[1]);
}

/* ---- exec ------------------------------------------------------------------- */

static int exec_child(int argc, char **argv)
{
	const char *x = getenv("X");
	int ok = argc == 4 && !strcmp(argv[1], "exec-child") && !strcmp(argv[2], "a b") && x &&
		 !strcmp(x, "1");
	int keep = atoi(argv[3]);
	/* The descriptor marked close-on-exec is gone; the other stayed open. */
	ok &= fcntl(keep, F_GETFD) == 0 && fcntl(keep + 1, F_GETFD) == -1 && errno == EBADF;
	return ok ? 42 : 1;
}

static void exec(void)
{
	int fds[2];
	pipe(fds); /* fds[1] == fds[0] + 1 */
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	char keep[8];
	snprintf(keep, sizeof(keep), "%d", fds[0]);
	char *argv[] = { "syscalls", "exec-child", "a b", keep, NULL };
	char *envp[] = { "X=1", NULL };
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execve(SELF, argv, envp);
		_exit(100 + errno);
	}
	int status;
	CHECK("execve runs the image with its argv, envp and descriptors",
	      waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 42);
	close(fds[0]);
	close(fds[1]);
	CHECK("execve of a missing file: ENOENT",
	      execve("/no-such", argv, envp) == -1 && errno == ENOENT);
	CHECK("execve with a bad argv: EFAULT", execve(SELF, BAD, envp) == -1 && errno == EFAULT);
	CHECK("execve of a device: ENOENT", execve("/dev/null", argv, envp) == -1);
}

/* ---- signals ---------------------------------------------------------------- */

static int sleeper_pipe[2];
static void block_in_read(void)
{
	char c;
	read(sleeper_pipe[0], &c, 1);
	_exit(0);
}

static void sleep_long(void)
{
	struct timespec ts = { 100, 0 };
	nanosleep(&ts, NULL);
	_exit(0);
}

static pid_t spawn(void (*fn)(void))
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		fn();
		_exit(0);
	}
	return pid;
}

static void raise_usr1(void)
{
	kill(getpid(), SIGUSR1);
	_exit(0);
}

static void write_no_reader(void)
{
	int p[2];
	pipe(p);
	close(p[0]);
	write(p[1], "x", 1);
	_exit(0);
}

static void signals(void)
{
	int status;
	pipe(sleeper_pipe);
	pid_t pid = spawn(block_in_read);
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	nanosleep(&ts, NULL); /* it is blocked in read by now */
	CHECK("kill with signal 0 finds a live process", kill(pid, 0) == 0);
	CHECK("kill of no such process: ESRCH", kill(30000, 0) == -1 && errno == ESRCH);
	CHECK("kill with a bad signal: EINVAL", kill(pid, 99) == -1 && errno == EINVAL);
	CHECK("SIGCHLD is ignored by default",
	      kill(pid, SIGCHLD) == 0 && waitpid(pid, &status, WNOHANG) == 0);
	CHECK("SIGTERM ends a process blocked in read", kill(pid, SIGTERM) == 0 &&
							    waitpid(pid, &status, 0) == pid &&
							    killed_by(status, SIGTERM));
	pid = spawn(sleep_long);
	nanosleep(&ts, NULL);
	CHECK("SIGKILL ends a process in nanosleep", kill(pid, SIGKILL) == 0 &&
							 waitpid(pid, &status, 0) == pid &&
							 killed_by(status, SIGKILL));
	CHECK("a process can signal itself", killed_by(in_child(raise_usr1), SIGUSR1));
	CHECK("writing to a pipe with no reader: SIGPIPE",
	      killed_by(in_child(write_no_reader), SIGPIPE));
	close(sleeper_pipe[0]);
	close(sleeper_pipe[1]);
}

/* ---- pipes ------------------------------------------------------------------ */

#define BIG (64 * 1024)

static void pipes(void)
{
	int p[2];
	char buf[64];
	struct stat st;
	CHECK("pipe", pipe(p) == 0 && p[0] >= 3 && p[1] > p[0]);
	CHECK("a pipe is a FIFO", fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode));
	CHECK("write then read in one process", write(p[1], "hello", 5) == 5 &&
						    read(p[0], buf, sizeof(buf)) == 5 &&
						    !memcmp(buf, "hello", 5));
	CHECK("lseek on a pipe: ESPIPE", lseek(p[0], 0, SEEK_SET) == -1 && errno == ESPIPE);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	CHECK("an empty non-blocking pipe: EAGAIN", read(p[0], buf, 1) == -1 && errno == EAGAIN);
	fcntl(p[0], F_SETFL, 0);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	static char fill[BIG];
	ssize_t n = write(p[1], fill, sizeof(fill));
	CHECK("a non-blocking write fills the pipe, then EAGAIN",
	      n > 0 && n < BIG && write(p[1], fill, 1) == -1 && errno == EAGAIN);
	close(p[0]);
	close(p[1]);

	pipe(p);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		close(p[0]);
		nanosleep(&ts, NULL); /* the parent is blocked in read meanwhile */
		for (int i = 0; i < BIG; i++)
			fill[i] = (char)(i * 7);
		_exit(write(p[1], fill, BIG) == BIG ? 0 : 1); /* blocks while full */
	}
	close(p[1]);
	static char got[BIG];
	ssize_t total = 0;
	while (total < BIG && (n = read(p[0], got + total, BIG - total)) > 0)
		total += n;
	int same = total == BIG;
	for (int i = 0; same && i < BIG; i++)
		same = got[i] == (char)(i * 7);
	CHECK("64 KiB through a 4 KiB pipe, in order", same);
	CHECK("end of file once the writer is gone", read(p[0], buf, 1) == 0);
	int status;
	CHECK("the writer finished", waitpid(pid, &status, 0) == pid && WEXITSTATUS(status) == 0);
	close(p[0]);

	pipe(p);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		printf("through stdout\n");
		fflush(stdout);
		_exit(0);
	}
	close(p[1]);
	n = read(p[0], buf, sizeof(buf));
	CHECK("a child's stdout dup2'ed onto a pipe",
	      n == 15 && !memcmp(buf, "through stdout\n", 15));
	waitpid(pid, &status, 0);
	close(p[0]);
	CHECK("pipe with a bad pointer: EFAULT", pipe(BAD) == -1 && errno == EFAULT);
}

static const struct {
	const char *name;
	void (*fn)(void);
} sections[] = {
	{ "basic", basic }, { "files", files }, { "memory", memory },	{ "faults", faults },
	{ "cow", cow },	    { "exec", exec },	{ "signals", signals }, { "pipes", pipes },
};

int main(int argc, char **argv)
{
	text_address = (uintptr_t)&main;
	if (argc > 1 && !strcmp(argv[1], "exec-child"))
		return exec_child(argc, argv);
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		int wanted = argc == 1;
		for (int a = 1; a < argc; a++)
			wanted |= !strcmp(argv[a], sections[i].name);
		if (!wanted)
			continue;
		section = sections[i].name;
		sections[i].fn();
	}
	printf("syscalls: %d failed\n", failures);
	return failures > 255 ? 255 : failures;
}
