/*
 * forkpipe: fork, pipe, read/write and waitpid. The child writes a message into
 * the pipe and exits with status 7; the parent reads the message, reaps the child
 * and checks both.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MESSAGE "ping through the pipe"
#define CHILD_STATUS 7

static int child(int wfd)
{
	char msg[64];
	int len = snprintf(msg, sizeof(msg), "%s from pid %d", MESSAGE, (int)getpid());

	if (write(wfd, msg, (size_t)len) != len)
		return 1;
	close(wfd);
	return CHILD_STATUS;
}

/* Reads until end of file: the child's only write may arrive in pieces. */
static ssize_t read_all(int fd, char *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;

	while (got < size - 1 && (n = read(fd, buf + got, size - 1 - got)) > 0)
		got += (size_t)n;
	if (n < 0)
		return -1;
	buf[got] = '\0';
	return (ssize_t)got;
}

int main(void)
{
	int fds[2];
	char buf[128];

	if (pipe(fds) != 0) {
		perror("forkpipe: pipe");
		return 1;
	}
	printf("pipe: read fd %d, write fd %d\n", fds[0], fds[1]);
	fflush(stdout); /* or the child would inherit the buffered line and print it too */

	pid_t pid = fork();
	if (pid < 0) {
		perror("forkpipe: fork");
		return 1;
	}
	if (pid == 0) {
		close(fds[0]);
		_exit(child(fds[1]));
	}

	close(fds[1]);
	ssize_t n = read_all(fds[0], buf, sizeof(buf));
	close(fds[0]);
	if (n < 0) {
		perror("forkpipe: read");
		return 1;
	}
	char expect[64];
	snprintf(expect, sizeof(expect), "%s from pid %d", MESSAGE, (int)pid);
	printf("parent read the child's message: \"%s\"\n", buf);
	if (strcmp(buf, expect) != 0) {
		fprintf(stderr, "forkpipe: expected \"%s\"\n", expect);
		return 1;
	}

	int status;
	pid_t reaped = waitpid(pid, &status, 0);
	if (reaped != pid) {
		perror("forkpipe: waitpid");
		return 1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != CHILD_STATUS) {
		fprintf(stderr, "forkpipe: child status %#x, expected exit %d\n", status,
			CHILD_STATUS);
		return 1;
	}
	printf("child exited with status %d\n", WEXITSTATUS(status));
	if (waitpid(-1, &status, 0) != -1) {
		fprintf(stderr, "forkpipe: a second child to reap?\n");
		return 1;
	}
	printf("waitpid again: %s\n", strerror(errno));
	return 0;
}
