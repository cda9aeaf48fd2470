/*
 * preempt: user mode is preemptive. Two children spin and never give up the
 * CPU by themselves, each writing its tag into a pipe once on the way. The
 * parent still wakes from its sleep (the timer ends it while a child runs),
 * finds both tags in the pipe (the children took turns), kills both and
 * reaps them. Without preemption the first spinner would keep the CPU for
 * ever and the test would time out.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* newlib declares nanosleep only with _POSIX_TIMERS, which i686-elf lacks. */
int nanosleep(const struct timespec *req, struct timespec *rem);

#define SPINS_BEFORE_TAG (1u << 16)

/* Never blocks after its one write (a pipe has room for both tags), so
 * nothing but the timer can take the CPU from it. */
static _Noreturn void spin(int wfd, char tag)
{
	volatile unsigned i = 0;
	while (i < SPINS_BEFORE_TAG)
		i++;
	if (write(wfd, &tag, 1) != 1)
		_exit(1);
	for (;;)
		i++;
}

static pid_t spinner(int fds[2], char tag)
{
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		spin(fds[1], tag);
	}
	if (pid < 0)
		perror("preempt: fork");
	return pid;
}

/* The two tags, in whatever order they came. */
static int both_tags_seen(int fd, bool *a, bool *b)
{
	char tag;
	for (int i = 0; i < 2; i++) {
		if (read(fd, &tag, 1) != 1)
			return 0;
		*a |= tag == 'a';
		*b |= tag == 'b';
	}
	return *a && *b;
}

static int reap(pid_t pid, const char *name)
{
	int status;
	if (waitpid(pid, &status, 0) != pid) {
		perror("preempt: waitpid");
		return 0;
	}
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
		printf("preempt: spinner %s ended with wait status %#x, not SIGKILL\n", name,
		       status);
		return 0;
	}
	printf("preempt: spinner %s killed by signal %d\n", name, WTERMSIG(status));
	return 1;
}

int main(void)
{
	int fds[2];
	if (pipe(fds) != 0) {
		perror("preempt: pipe");
		return 1;
	}
	pid_t a = spinner(fds, 'a'), b = a > 0 ? spinner(fds, 'b') : -1;
	if (b < 0)
		return 1;
	close(fds[1]);

	struct timespec nap = { 0, 50 * 1000 * 1000 };
	if (nanosleep(&nap, NULL) != 0) {
		perror("preempt: nanosleep");
		return 1;
	}
	printf("preempt: the parent woke while two children spun\n");

	bool tags_a = false, tags_b = false;
	int ok = both_tags_seen(fds[0], &tags_a, &tags_b);
	printf("preempt: %s (tags: a %s, b %s)\n", ok ? "both spinners ran" : "a spinner starved",
	       tags_a ? "seen" : "none", tags_b ? "seen" : "none");

	kill(a, SIGKILL);
	kill(b, SIGKILL);
	ok &= reap(a, "a");
	ok &= reap(b, "b");
	return ok ? 0 : 1;
}
