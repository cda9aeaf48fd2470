/*
 * forkstress: N times (default 1000) fork a child that execs this program
 * again as "forkstress child I", which exits with I % 251; the parent reaps
 * each child and checks its status. Every other child first dirties a few
 * pages it shares copy-on-write with the parent. The kernel's init prints its
 * free frames before and after: equal when fork, exec, exit and wait give back
 * every frame they took.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SELF "/forkstress"

extern char **environ;
static char scratch[16 * 4096];

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "child"))
		return atoi(argv[2]) % 251;
	int n = argc > 1 ? atoi(argv[1]) : 1000, failed = 0;
	memset(scratch, 1, sizeof(scratch));
	for (int i = 0; i < n; i++) {
		char num[16];
		snprintf(num, sizeof(num), "%d", i);
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			if (i % 2)
				memset(scratch, 2, sizeof(scratch)); /* copy-on-write faults */
			char *args[] = { "forkstress", "child", num, NULL };
			execve(SELF, args, environ);
			_exit(255);
		}
		int status;
		if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != i % 251) {
			if (failed++ < 5)
				printf("forkstress: child %d: pid %d, status %#x\n", i, (int)pid,
				       status);
		}
	}
	printf("forkstress: %d forks, execs and waits, %d failed\n", n, failed);
	return failed != 0;
}
