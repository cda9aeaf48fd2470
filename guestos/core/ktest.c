/* The in-kernel test runner: tests print what they check and a one-line verdict. */
#include <kernel.h>

extern const struct ktest __ktests_start[], __ktests_end[];

static unsigned failed_checks;

void ktest_check(bool ok, const char *what, const char *file, int line)
{
	if (!ok) {
		printk("    FAILED: %s (%s:%d)\n", what, file, line);
		failed_checks++;
	}
}

unsigned ktest_run_group(const char *group)
{
	unsigned passed = 0, failed = 0;
	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
		if (strcmp(t->group, group))
			continue;
		unsigned before = failed_checks;
		t->fn();
		bool ok = failed_checks == before;
		printk("%s: %s %s\n", group, t->name, ok ? "ok" : "FAILED");
		ok ? passed++ : failed++;
	}
	printk("%s: %u passed, %u failed\n", group, passed, failed);
	return failed;
}

bool ktest_group_exists(const char *group)
{
	for (const struct ktest *t = __ktests_start; t < __ktests_end; t++)
		if (!strcmp(t->group, group))
			return true;
	return false;
}
