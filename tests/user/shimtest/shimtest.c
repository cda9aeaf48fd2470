/*
 * shimtest: checks each translation libc-shim makes between newlib and the kernel's
 * Linux i386 ABI (errno values, open and fcntl flags, struct stat, signals and wait
 * statuses, time structures and units, sbrk, execve's argv and environment) and the
 * start-up code (constructors, destructors, main's return value). It prints one
 * line per check; tests/user/run.sh runs it under qemu-i386 and compares the lines.
 *
 * Usage: shimtest SCRATCH_DIR SELF_PATH   (SELF_PATH: this program, for execve)
 *        shimtest --exit N                (returns N from main)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shim.h" /* for a raw, unknown system call */

extern char **environ;
/* newlib declares nanosleep only where it defines _POSIX_TIMERS, not for i686-elf. */
int nanosleep(const struct timespec *req, struct timespec *rem);

static int checks, failures;
static int constructed, report_destructor;

__attribute__((constructor)) static void constructor(void)
{
	constructed = 1;
}

__attribute__((destructor)) static void destructor(void)
{
	if (report_destructor)
		printf("destructor ran after main\n");
}

static void check_(int ok, const char *what, const char *expr, int line)
{
	checks++;
	if (ok) {
		printf("ok - %s\n", what);
		return;
	}
	failures++;
	printf("not ok - %s\n", what);
	fprintf(stderr, "shimtest.c:%d: %s is false (errno %d: %s)\n", line, expr, errno,
		strerror(errno));
}
#define CHECK(what, cond) check_((cond), (what), #cond, __LINE__)

/* Forks a child that runs fn and _exits with its result; returns the wait status. */
static int run_child(int (*fn)(void))
{
	int status = -1;
	pid_t pid;

	fflush(stdout); /* or the child would print the parent's buffered lines again */
	pid = fork();
	if (pid == 0)
		_exit(fn());
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static void test_errno(void)
{
	char longname[400];

	CHECK("an unknown system call fails with ENOSYS (kernel 38, newlib 88)",
	      shim_result(shim_syscall0(1000)) == -1 && errno == ENOSYS);
	CHECK("open of a missing file fails with ENOENT",
	      open("/nonexistent-paravane/x", O_RDONLY) == -1 && errno == ENOENT);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	CHECK("a 399-byte name fails with ENAMETOOLONG (kernel 36, newlib 91)",
	      open(longname, O_RDONLY) == -1 && errno == ENAMETOOLONG);
	CHECK("close of a closed fd fails with EBADF", close(99) == -1 && errno == EBADF);
	CHECK("getentropy is not in the ABI: ENOSYS",
	      getentropy(longname, 4) == -1 && errno == ENOSYS);
}

static void test_open_flags(const char *dir)
{
	char path[256], sub[256];
	struct stat st;
	int fd, fd2;

	snprintf(path, sizeof(path), "%s/file", dir);
	snprintf(sub, sizeof(sub), "%s/sub", dir);

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0640);
	CHECK("open O_CREAT|O_EXCL creates a file", fd >= 0);
	CHECK("write 5 bytes", write(fd, "hello", 5) == 5);
	CHECK("O_EXCL on an existing file fails with EEXIST",
	      open(path, O_WRONLY | O_CREAT | O_EXCL, 0640) == -1 && errno == EEXIST);
	CHECK("fstat: a regular file, mode 0640, 5 bytes",
	      fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0640 &&
		  st.st_size == 5 && st.st_nlink == 1);
	close(fd);

	fd = open(path, O_WRONLY | O_APPEND);
	CHECK("F_GETFL gives back O_WRONLY|O_APPEND", fcntl(fd, F_GETFL) == (O_WRONLY | O_APPEND));
	lseek(fd, 0, SEEK_SET);
	CHECK("O_APPEND writes at the end",
	      write(fd, "world", 5) == 5 && lseek(fd, 0, SEEK_CUR) == 10);
	CHECK("lseek SEEK_END gives the size", lseek(fd, 0, SEEK_END) == 10);
	close(fd);

	fd = open(path, O_RDWR | O_TRUNC);
	CHECK("O_TRUNC empties the file", fstat(fd, &st) == 0 && st.st_size == 0);
	CHECK("stat agrees", stat(path, &st) == 0 && st.st_size == 0 && S_ISREG(st.st_mode));

	fd2 = fcntl(fd, F_DUPFD_CLOEXEC, 20);
	CHECK("F_DUPFD_CLOEXEC gives an fd >= 20 with FD_CLOEXEC",
	      fd2 >= 20 && fcntl(fd2, F_GETFD) == FD_CLOEXEC && fcntl(fd, F_GETFD) == 0);
	close(fd2);
	fd2 = dup(fd);
	CHECK("dup gives the lowest free fd", fd2 == fd + 1);
	close(fd2);
	close(fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	CHECK("O_CLOEXEC sets FD_CLOEXEC", fd >= 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC);
	close(fd);

	CHECK("O_DIRECTORY on a file fails with ENOTDIR",
	      open(path, O_RDONLY | O_DIRECTORY) == -1 && errno == ENOTDIR);
	CHECK("mkdir creates a directory",
	      mkdir(sub, 0755) == 0 && stat(sub, &st) == 0 && S_ISDIR(st.st_mode));
	CHECK("mkdir of an existing name fails with EEXIST",
	      mkdir(sub, 0755) == -1 && errno == EEXIST);
	CHECK("opening a directory for writing fails with EISDIR",
	      open(sub, O_WRONLY) == -1 && errno == EISDIR);

	CHECK("link onto an existing name fails with EEXIST",
	      link(path, sub) == -1 && errno == EEXIST);
	CHECK("unlink removes the file",
	      unlink(path) == 0 && stat(path, &st) == -1 && errno == ENOENT);
}

static void test_link(const char *dir)
{
	char a[256], b[256];
	struct stat st;
	int fd;

	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	fd = open(a, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	close(fd);
	CHECK("link: two names, st_nlink 2",
	      link(a, b) == 0 && stat(a, &st) == 0 && st.st_nlink == 2);
	CHECK("unlink removes one name", unlink(b) == 0 && stat(b, &st) == -1 && errno == ENOENT &&
					     stat(a, &st) == 0 && st.st_nlink == 1);
	CHECK("unlink of a missing name fails with ENOENT", unlink(b) == -1 && errno == ENOENT);
	unlink(a);
}

static void test_pipes(void)
{
	int p[2];
	struct stat st;
	char c = 0;

	CHECK("pipe", pipe(p) == 0);
	CHECK("fstat of a pipe: S_ISFIFO", fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode));
	CHECK("isatty of a pipe: 0 and ENOTTY", isatty(p[0]) == 0 && errno == ENOTTY);
	CHECK("lseek on a pipe fails with ESPIPE",
	      lseek(p[0], 0, SEEK_CUR) == -1 && errno == ESPIPE);
	CHECK("F_SETFL O_NONBLOCK, and F_GETFL shows it",
	      fcntl(p[0], F_SETFL, O_NONBLOCK) == 0 && (fcntl(p[0], F_GETFL) & O_NONBLOCK));
	CHECK("a non-blocking read of an empty pipe fails with EAGAIN",
	      read(p[0], &c, 1) == -1 && errno == EAGAIN);
	CHECK("dup2 to fd 10, write through it, read it back",
	      dup2(p[1], 10) == 10 && write(10, "x", 1) == 1 && read(p[0], &c, 1) == 1 && c == 'x');
	close(10);
	close(p[0]);
	close(p[1]);
}

static int child_exit3(void)
{
	return 3;
}

static __attribute__((noreturn)) int child_sleep(void)
{
	for (;;)
		sleep(1);
}

static int child_abort(void)
{
	/* qemu-i386 reports a target's fatal signal on stderr; keep it out of ours. */
	int null = open("/dev/null", O_WRONLY);
	dup2(null, 2);
	abort();
}

static int fork_counter = 1;
static int child_write_global(void)
{
	fork_counter = 2;
	return fork_counter;
}

static int child_waitpid_nohang(void)
{
	pid_t pid = fork();
	int status, r;

	if (pid == 0)
		child_sleep();
	r = waitpid(pid, &status, WNOHANG);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return r == 0 ? 0 : 1;
}

/* Kills a sleeping child with sig; returns the wait status. */
static int killed_status(int sig)
{
	int status = -1;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		child_sleep();
	kill(pid, sig);
	waitpid(pid, &status, 0);
	return status;
}

static void test_processes(void)
{
	int s;

	s = run_child(child_exit3);
	CHECK("a child's _exit(3) is seen by waitpid", WIFEXITED(s) && WEXITSTATUS(s) == 3);
	s = run_child(child_write_global);
	CHECK("a child's writes do not reach the parent", WEXITSTATUS(s) == 2 && fork_counter == 1);
	s = run_child(child_waitpid_nohang);
	CHECK("waitpid WNOHANG with a running child returns 0",
	      WIFEXITED(s) && WEXITSTATUS(s) == 0);
	s = killed_status(SIGUSR1);
	CHECK("kill SIGUSR1 (kernel 10, newlib 30): WTERMSIG is SIGUSR1",
	      WIFSIGNALED(s) && WTERMSIG(s) == SIGUSR1);
	s = killed_status(SIGUSR2);
	CHECK("kill SIGUSR2 (kernel 12, newlib 31): WTERMSIG is SIGUSR2",
	      WIFSIGNALED(s) && WTERMSIG(s) == SIGUSR2);
	s = killed_status(SIGTERM);
	CHECK("kill SIGTERM: WTERMSIG is SIGTERM", WIFSIGNALED(s) && WTERMSIG(s) == SIGTERM);
	s = run_child(child_abort);
	CHECK("abort() ends the child with SIGABRT", WIFSIGNALED(s) && WTERMSIG(s) == SIGABRT);
	CHECK("kill with signal 0 checks the pid exists", kill(getpid(), 0) == 0);
	CHECK("kill with a signal the ABI lacks fails with EINVAL",
	      kill(getpid(), SIGEMT) == -1 && errno == EINVAL);
	CHECK("waitpid with no children fails with ECHILD",
	      waitpid(-1, &s, 0) == -1 && errno == ECHILD);
}

static long ms_since(const struct timeval *t0)
{
	struct timeval t;

	gettimeofday(&t, NULL);
	return (long)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_usec - t0->tv_usec) / 1000;
}

static void test_time(void)
{
	struct timeval tv;
	struct timezone tz;
	struct timespec req = { 0, 50 * 1000 * 1000 };
	struct tms tms;
	clock_t c0, c1;
	long wall;

	CHECK("gettimeofday: after 2020, usec in range",
	      gettimeofday(&tv, &tz) == 0 && tv.tv_sec > 1577836800 && tv.tv_usec >= 0 &&
		  tv.tv_usec < 1000000);
	CHECK("time() agrees with gettimeofday", llabs((long long)(time(NULL) - tv.tv_sec)) <= 2);
	c0 = times(&tms);
	gettimeofday(&tv, NULL);
	CHECK("nanosleep 50 ms", nanosleep(&req, NULL) == 0);
	wall = ms_since(&tv);
	c1 = times(&tms);
	CHECK("nanosleep slept at least 50 ms", wall >= 50);
	/* times() counts CLOCKS_PER_SEC ticks after the shim's scaling. */
	CHECK("times() advances with the wall clock in CLOCKS_PER_SEC units",
	      labs((long)(c1 - c0) * 1000 / CLOCKS_PER_SEC - wall) <= 30);
	CHECK("clock() works", clock() != (clock_t)-1);
	req.tv_nsec = 1000 * 1000 * 1000;
	CHECK("nanosleep rejects tv_nsec >= 1e9", nanosleep(&req, NULL) == -1 && errno == EINVAL);
	CHECK("usleep(1000)", usleep(1000) == 0);
}

static void test_memory(void)
{
	char *a = sbrk(0), *big;

	CHECK("sbrk(8192) returns the old break", sbrk(8192) == a && sbrk(0) == a + 8192);
	memset(a, 0x5a, 8192);
	CHECK("sbrk(-8192) gives it back", sbrk(-8192) == a + 8192 && sbrk(0) == a);
	big = malloc(4 << 20);
	CHECK("malloc 4 MiB", big != NULL);
	if (big)
		memset(big, 1, 4 << 20);
	free(big);
}

static int exec_child(int argc, char **argv)
{
	const char *env = getenv("SHIMTEST_ENV");
	int ok = argc == 3 && strcmp(argv[2], "two words") == 0 && env &&
		 strcmp(env, "from execve") == 0 && environ[1] == NULL;
	return ok ? 42 : 1;
}

static const char *self_path;
static int child_exec(void)
{
	char *argv[] = { (char *)self_path, "--exec-child", "two words", NULL };
	char *envp[] = { "SHIMTEST_ENV=from execve", NULL };

	execve(self_path, argv, envp);
	return 127;
}

static void test_exec(void)
{
	char *argv[] = { "x", NULL };
	int s = run_child(child_exec);

	CHECK("execve passes argv and envp: the new image exits 42",
	      WIFEXITED(s) && WEXITSTATUS(s) == 42);
	CHECK("execve of a missing file fails with ENOENT",
	      execve("/nonexistent-paravane", argv, environ) == -1 && errno == ENOENT);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--exit") == 0)
		return atoi(argv[2]);
	if (argc >= 2 && strcmp(argv[1], "--exec-child") == 0)
		return exec_child(argc, argv);
	if (argc != 3) {
		fprintf(stderr, "usage: shimtest SCRATCH_DIR SELF_PATH | --exit N\n");
		return 2;
	}
	self_path = argv[2];
	report_destructor = 1;

	CHECK("constructors ran before main", constructed);
	test_errno();
	test_open_flags(argv[1]);
	test_link(argv[1]);
	test_pipes();
	test_processes();
	test_time();
	test_memory();
	test_exec();

	printf("shimtest: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
