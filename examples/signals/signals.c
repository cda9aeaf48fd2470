/*
 * signals: handlers through sigaction and signal(), what a program may rely
 * on around them (registers and x87 state come back; a handler is inherited
 * by fork), a fault's signal, and what the kernel refuses: SIGKILL's action,
 * and a sigreturn frame that is missing or claims kernel privileges.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <uapi/syscall.h>
#include <unistd.h>

/* newlib declares nanosleep only with _POSIX_TIMERS, which i686-elf lacks. */
int nanosleep(const struct timespec *req, struct timespec *rem);

static volatile sig_atomic_t got, got_sig;
static int failures;

static void check(int ok, const char *what)
{
	printf("signals: %s: %s\n", what, ok ? "ok" : "FAILED");
	failures += !ok;
}

static void on_usr1(int sig)
{
	volatile double clobber = got * 3.7; /* the handler uses the x87 too */
	(void)clobber;
	got++;
	got_sig = sig;
}

/* x in memory on both paths: a register would keep 80 bits between turns. */
static double series(int signals)
{
	volatile double x = 1.0;
	for (int i = 0; i < 100; i++) {
		x = x * 1.1 + 1.0 / 3.0; /* inexact: rounding shows */
		if (signals)
			raise(SIGUSR1);
	}
	return x;
}

/* A value on the x87 stack while the process signals itself (kill by hand,
 * so that nothing between the fld and the fstp touches the FPU): the handler
 * starts with a clean FPU, and sigreturn must bring the value back. */
static double x87_across_handler(void)
{
	double in = 1234.5678, out;
	long rc;
	__asm__ volatile("fldl %[in]\n\t"
			 "int $0x80\n\t"
			 "fstpl %[out]"
			 : [out] "=m"(out), "=a"(rc)
			 : [in] "m"(in), "a"(37), "b"(getpid()), "c"(UAPI_SIGUSR1)
			 : "memory");
	return rc == 0 ? out : -1.0;
}

/* Runs fn in a child; returns its wait status. */
static int in_child(void (*fn)(void))
{
	pid_t pid = fork();
	if (pid == 0) {
		fn();
		_exit(1);
	}
	int status = -1;
	waitpid(pid, &status, 0);
	return status;
}

static void wait_for_usr1(void)
{
	struct timespec t = { 0, 10 * 1000 * 1000 };
	for (int i = 0; i < 500 && !got; i++)
		nanosleep(&t, NULL);
	_exit(got ? 7 : 1);
}

static void on_segv(int sig)
{
	_exit(sig == SIGSEGV ? 42 : 1);
}

static void segv(void)
{
	signal(SIGSEGV, on_segv);
	*(volatile int *)0 = 1;
}

static void no_frame(void)
{
	__asm__ volatile("mov $0x1000, %%esp; mov $119, %%eax; int $0x80" ::: "memory");
}

/* Where a forged frame sends sigreturn: still ring 3, IOPL still 0? */
static void after_forged_frame(void)
{
	uint32_t cs, flags;
	__asm__ volatile("mov %%cs, %0; pushf; pop %1" : "=r"(cs), "=r"(flags));
	_exit((cs & 3) == 3 && !(flags & 0x3000) ? 9 : 1);
}

static uint32_t forged_stack[1024] __attribute__((aligned(16)));

static void forged_frame(void)
{
	struct {
		uint32_t pretcode;
		int32_t sig;
		struct uapi_sigcontext sc;
		uint8_t fpu[108];
	} *f = (void *)&forged_stack[512];
	memset(f, 0, sizeof(*f));
	__asm__ volatile("fnsave %0; frstor %0" : "=m"(f->fpu));
	f->sc.eip = (uint32_t)(uintptr_t)after_forged_frame;
	f->sc.cs = 0xe019;		/* the PV kernel's ring-1 code */
	f->sc.ss = 0xe021;		/* and its stack */
	f->sc.eflags = 0x3202 | 0x4000; /* IOPL 3, NT */
	f->sc.esp = (uint32_t)(uintptr_t)&forged_stack[256];
	__asm__ volatile("mov %0, %%esp; mov $119, %%eax; int $0x80"
			 :
			 : "r"((uint32_t)(uintptr_t)f + 8)
			 : "memory");
}

int main(void)
{
	check(signal(SIGUSR1, on_usr1) == SIG_DFL, "signal() returns the old action");
	raise(SIGUSR1);
	check(got == 1 && got_sig == SIGUSR1, "a handler runs, with newlib's SIGUSR1");

	double quiet = series(0);
	got = 0;
	double loud = series(1);
	check(got == 100 && loud == quiet, "registers survive 100 handlers");
	got = 0;
	check(x87_across_handler() == 1234.5678 && got == 1, "the x87 stack survives a handler");

	check(signal(SIGUSR2, SIG_IGN) == SIG_DFL && raise(SIGUSR2) == 0, "SIGUSR2 ignored");

	struct sigaction act = { .sa_handler = on_usr1 }, old;
	errno = 0;
	check(sigaction(SIGKILL, &act, NULL) == -1 && errno == EINVAL,
	      "SIGKILL's action cannot change");
	check(sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_handler == on_usr1,
	      "sigaction reports the handler");

	got = 0;
	pid_t pid = fork();
	if (pid == 0)
		wait_for_usr1();
	struct timespec t = { 0, 20 * 1000 * 1000 };
	nanosleep(&t, NULL);
	kill(pid, SIGUSR1);
	int status = -1;
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 7,
	      "a forked child's inherited handler runs for its parent's kill");

	status = in_child(segv);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 42, "SIGSEGV goes to its handler");

	status = in_child(no_frame);
	check(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	      "sigreturn without a frame ends its process with SIGSEGV");

	status = in_child(forged_frame);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 9,
	      "a forged frame comes back in ring 3 with IOPL 0");

	printf("signals: %d failed\n", failures);
	return failures != 0;
}
