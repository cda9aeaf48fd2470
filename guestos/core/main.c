/*
 * The kernel's main: runs what the command line names. Words:
 *   selftest       run the self-test group; power off if all pass, else crash
 *   <group>        any other test group (e.g. isolation, bench)
 *   shutdown=N     shut down with reason N when done (default poweroff)
 */
#include <kernel.h>

noreturn void kernel_main(const char *cmdline)
{
	static const char *const groups[] = { "selftest", "isolation", "bench" };
	char buf[16];
	unsigned failed = 0;

	printk("guest: Paravane guest kernel, command line \"%s\"\n", cmdline);
	for (unsigned i = 0; i < ARRAY_SIZE(groups); i++)
		if (cmdline_has(cmdline, groups[i]))
			failed += ktest_run_group(groups[i]);

	unsigned reason = 0;
	if (cmdline_copy_value(cmdline, "shutdown", buf, sizeof(buf)))
		reason = (unsigned)(buf[0] - '0');
	if (failed)
		reason = 3; /* crash: tell the harness something failed */
	printk("guest: shutting down (reason %u)\n", reason);
	arch_shutdown(reason);
}
