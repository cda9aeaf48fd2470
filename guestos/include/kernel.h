/* The guest kernel core's index: console, panic, command line, tests. */
#ifndef GUEST_KERNEL_H
#define GUEST_KERNEL_H

#include <arch.h>
#include <cmdline.h>
#include <fmt.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* core/console.c */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Command line: "word word=value ..." (lib/cmdline.h does the parsing). */
static inline bool cmdline_has(const char *cmdline, const char *word)
{
	size_t n;
	bool v;
	return cmdline_find(cmdline, word, &n, &v) != NULL;
}

/* core/initrd.c: files in the initial ramdisk (a cpio "newc" archive) */
void initrd_set(const void *base, size_t len);
/* The member's data and length, or NULL if absent or the archive is malformed. */
const void *initrd_find(const char *name, size_t *len);

/* core/main.c: the arch start code calls this once the machine is set up. */
noreturn void kernel_main(const char *cmdline);

/* core/ktest.c: in-kernel tests, each a function registered with KTEST. */
struct ktest {
	const char *group; /* the command-line word that runs it */
	const char *name;
	void (*fn)(void);
};
#define KTEST(grp, fname)                                                              \
	static void ktest_##fname(void);                                               \
	static const struct ktest ktest_rec_##fname                                    \
	    __attribute__((used, section(".ktests"), aligned(4))) = { #grp, #fname,    \
								      ktest_##fname }; \
	static void ktest_##fname(void)
/* Record a check; prints the failure with its location. */
void ktest_check(bool ok, const char *what, const char *file, int line);
#define CHECK(cond) ktest_check((cond), #cond, __FILE__, __LINE__)
#define CHECK_EQ(a, b)                                                                   \
	do {                                                                             \
		long long _a = (long long)(a), _b = (long long)(b);                      \
		if (_a != _b)                                                            \
			printk("    %s = %lld (%#llx), expected %lld (%#llx)\n", #a, _a, \
			       (unsigned long long)_a, _b, (unsigned long long)_b);      \
		ktest_check(_a == _b, #a " == " #b, __FILE__, __LINE__);                 \
	} while (0)
/* Run every test of a group; returns the number that failed. */
unsigned ktest_run_group(const char *group);
bool ktest_group_exists(const char *group);

#endif
