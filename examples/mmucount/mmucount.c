/*
 * mmucount: repeats one kernel operation N times and prints nothing, so that
 * the kernel's `mmucount` word can read the hypervisor's counters around the
 * whole run and, with N = 0 as the baseline, attribute the difference to the
 * operation. Usage: mmucount OP N, OP one of
 *   null    a null system call (getpid)
 *   fault   a demand-zero page fault (first write to fresh anonymous memory)
 *   cow     a copy-on-write fault (a page shared with a child that waits)
 *   fork    fork + the child's _exit + waitpid
 *   exec    fork + execve of this program (which exits at once) + waitpid
 *   switch  a switch between two processes (pipe ping-pong: two per round)
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shim.h" /* raw system calls */

#define SELF "/mmucount"
#define PAGE 4096

extern char **environ;

static char *anon(int pages)
{
	long r = sys_mmap2(0, (long)pages * PAGE + PAGE, UAPI_PROT_READ | UAPI_PROT_WRITE,
			   UAPI_MAP_PRIVATE | UAPI_MAP_ANONYMOUS, -1, 0);
	return shim_failed(r) ? NULL : (char *)r;
}

static void null_calls(int n)
{
	for (int i = 0; i < n; i++)
		sys_getpid();
}

static void faults(int n)
{
	char *p = anon(n);
	for (int i = 0; p && i < n; i++)
		p[i * PAGE] = 1;
}

static void cow_faults(int n)
{
	char *p = anon(n);
	int go[2];
	for (int i = 0; p && i < n; i++)
		p[i * PAGE] = 1;
	pipe(go);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		read(go[0], &c, 1); /* keeps the pages shared until the parent is done */
		_exit(0);
	}
	for (int i = 0; p && i < n; i++)
		p[i * PAGE] = 2;
	write(go[1], "x", 1);
	waitpid(pid, NULL, 0);
}

static void forks(int n, int exec)
{
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			if (exec) {
				char *args[] = { "mmucount", "none", "0", NULL };
				execve(SELF, args, environ);
			}
			_exit(0);
		}
		waitpid(pid, NULL, 0);
	}
}

static void switches(int n)
{
	int ping[2], pong[2];
	char c = 0;
	pipe(ping);
	pipe(pong);
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < n; i++) {
			read(ping[0], &c, 1);
			write(pong[1], &c, 1);
		}
		_exit(0);
	}
	for (int i = 0; i < n; i++) {
		write(ping[1], &c, 1);
		read(pong[0], &c, 1);
	}
	waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	int n = atoi(argv[2]);
	const char *op = argv[1];
	if (!strcmp(op, "null"))
		null_calls(n);
	else if (!strcmp(op, "fault"))
		faults(n);
	else if (!strcmp(op, "cow"))
		cow_faults(n);
	else if (!strcmp(op, "fork"))
		forks(n, 0);
	else if (!strcmp(op, "exec"))
		forks(n, 1);
	else if (!strcmp(op, "switch"))
		switches(n);
	else if (strcmp(op, "none"))
		return 2;
	return 0;
}
