/*
 * init: the command-line word init=PROG[:ARGS][;PROG[:ARGS]...] runs each
 * program from the initrd in turn, as a child of the kernel with the console
 * on descriptors 0, 1 and 2, and reports how each ended with the free frames
 * and heap bytes before and after (equal when nothing leaked). In ARGS, '+'
 * separates arguments; argv[0] is PROG. (';' because the boot loader splits
 * module command lines at ','.)
 */
#include <kernel.h>

#define MAX_ARGS 16

static void report(const char *prog, int status, uint32_t frames0, size_t heap0)
{
	/* Orphans the program left behind are the kernel's to reap. */
	int st;
	while (proc_wait(&kproc, -1, &st, UAPI_WNOHANG) > 0)
		;
	char how[48];
	if ((status & 0x7f) == 0)
		snprintf(how, sizeof(how), "exited with status %d", (status >> 8) & 0xff);
	else
		snprintf(how, sizeof(how), "was killed by signal %d", status & 0x7f);
	printk("init: %s %s; free frames %u -> %u, heap %zu -> %zu bytes\n", prog, how, frames0,
	       pmem_free_frames(), heap0, heap_bytes());
}

static void run_one(char *entry)
{
	const char *argv[MAX_ARGS + 1];
	int argc = 0;
	char *args = strchr(entry, ':');
	if (args)
		*args++ = '\0';
	argv[argc++] = entry;
	while (args && *args && argc < MAX_ARGS) {
		argv[argc++] = args;
		char *plus = strchr(args, '+');
		if (plus)
			*plus++ = '\0';
		args = plus;
	}
	argv[argc] = NULL;

	uint32_t frames0 = pmem_free_frames();
	size_t heap0 = heap_bytes();
	int pid = proc_spawn(entry, argc, argv);
	if (pid < 0) {
		printk("init: cannot run %s: error %d\n", entry, pid);
		return;
	}
	int status = 0;
	if (proc_wait(&kproc, pid, &status, 0) != pid)
		panic("init: lost %s (pid %d)", entry, pid);
	report(entry, status, frames0, heap0);
}

void init_run(const char *cmdline)
{
	char list[512];
	if (!cmdline_copy_value(cmdline, "init", list, sizeof(list)))
		return;
	for (char *entry = list, *next; entry && *entry; entry = next) {
		next = strchr(entry, ';');
		if (next)
			*next++ = '\0';
		run_one(entry);
	}
}
