/*
 * The kernel's main: sets up memory, processes and files, starts the
 * platform's services, runs every test group the command line names
 * (selftest, isolation, bench, ...) and the programs init= names, then shuts
 * down: poweroff if all tests passed, crash if any failed, or shutdown=N.
 */
#include <kernel.h>

noreturn void kernel_main(const char *cmdline)
{
	char buf[16], word[32];
	unsigned failed = 0;

	printk("guest: Paravane guest kernel, command line \"%s\"\n", cmdline);
	mem_init();
	proc_init();
	vfs_init();
	arch_services(cmdline);
	for (const char *p = cmdline; *p;) {
		while (*p == ' ')
			p++;
		size_t n = 0;
		while (p[n] && p[n] != ' ')
			n++;
		if (n && n < sizeof(word) && !memchr(p, '=', n)) {
			memcpy(word, p, n);
			word[n] = '\0';
			if (ktest_group_exists(word))
				failed += ktest_run_group(word);
		}
		p += n;
	}

	init_run(cmdline);

	unsigned reason = 0;
	if (cmdline_copy_value(cmdline, "shutdown", buf, sizeof(buf)))
		reason = (unsigned)(buf[0] - '0');
	if (failed)
		reason = 3; /* crash: tell the harness something failed */
	printk("guest: shutting down (reason %u)\n", reason);
	arch_shutdown(reason);
}
