/*
 * The shared formatter (lib/fmt.c) against the host C library: every conversion,
 * flag and length modifier fmt.h promises gives the same text and length, and
 * output is truncated but always terminated.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

/* lib/fmt.c is built with its functions renamed (see the Makefile); its own
 * header gives their prototypes under the new names. */
#define snprintf fmt_snprintf
#define vsnprintf fmt_vsnprintf
#include "fmt.h"
#undef snprintf
#undef vsnprintf

/* Formats with libc and with fmt.c; text and return value must agree. */
static void __attribute__((format(printf, 1, 2))) same(const char *fmt, ...)
{
	char want[256], got[256];
	va_list ap, aq;
	va_start(ap, fmt);
	va_copy(aq, ap);
	int wn = vsnprintf(want, sizeof(want), fmt, ap);
	memset(got, 0x5A, sizeof(got));
	int gn = fmt_vsnprintf(got, sizeof(got), fmt, aq);
	va_end(aq);
	va_end(ap);
	if (wn != gn || strcmp(want, got))
		fail_msg("\"%s\": libc \"%s\" (%d), fmt.c \"%s\" (%d)", fmt, want, wn, got, gn);
}

static void decimal_matches_libc(void **state)
{
	(void)state;
	same("%d", 0);
	same("%d", 42);
	same("%d", -1);
	same("%d", INT_MAX);
	same("%d", INT_MIN);
	same("%i", -7);
	same("x=%d, y=%d.", 3, -4);
	same("plain text");
}

static void unsigned_and_hex_match_libc(void **state)
{
	(void)state;
	same("%u", 0u);
	same("%u", UINT_MAX);
	same("%x", 0u);
	same("%x", 0xdeadbeefu);
	same("%X", 0xabcdefu);
	same("%u-%x-%X", 10u, 10u, 10u);
}

static void width_and_flags_match_libc(void **state)
{
	(void)state;
	same("[%5d]", 42);
	same("[%-5d]", 42);
	same("[%05d]", 42);
	same("[%05d]", -42);
	same("[%-5d]", -42);
	same("[%5d]", -42);
	same("[%2d]", 12345);
	same("[%012d]", INT_MIN);
	same("[%8x]", 0xbeefu);
	same("[%08x]", 0xbeefu);
	same("[%-8x]", 0xbeefu);
	same("[%08X]", 0xbeefu);
	same("[%3u]", 7u);
	same("[%1x]", 0u);
	/* '-' overrides '0'. Through a variable: gcc rejects the literal combination. */
	const char *volatile left_zero = "[%-05d] [%0-6x]";
	same(left_zero, -42, 0xabu);
}

static void long_modifiers_match_libc(void **state)
{
	(void)state;
	same("%ld", LONG_MIN);
	same("%ld", LONG_MAX);
	same("%lu", ULONG_MAX);
	same("%lx", 0x123456789abcdefUL);
	same("%lld", LLONG_MIN);
	same("%lld", LLONG_MAX);
	same("%llu", ULLONG_MAX);
	same("%llx", 0xfedcba9876543210ULL);
	same("[%016llx]", 0x1234ULL);
	same("[%-20lld]", -5LL);
	same("%zu", SIZE_MAX);
	same("%zx", (size_t)0x1000);
	same("%lld %d %llu", -1LL, 2, 3ULL); /* 64-bit arguments keep their slots */
}

static void strings_and_chars_match_libc(void **state)
{
	(void)state;
	same("%s", "hello");
	same("%s", "");
	same("[%10s]", "right");
	same("[%-10s]", "left");
	same("[%3s]", "longer than width");
	same("%c", 'A');
	same("[%3c]", 'b');
	same("[%-3c]", 'c');
	same("%%");
	same("100%% %s", "done");
	same("a%cb%sd", 'X', "YZ");
}

static void hash_flag_matches_libc(void **state)
{
	(void)state;
	same("%#x", 0xbeefu);
	same("%#X", 0xbeefu);
	same("%#x", 0u);
	same("[%#010x]", 0xbeefu);
	same("[%-#10x]", 0xbeefu);
	same("%#lx", 0xc0000000UL);
	same("%#llx", 0x100000000ULL);
}

static void hash_flag_prefix_goes_after_space_padding(void **state)
{
	(void)state;
	same("[%#10x]", 0xbeefu); /* "[    0xbeef]" */
	same("[%#8lx]", 0x1UL);
}

static void null_string_prints_null(void **state)
{
	(void)state;
	char buf[32];
	const char *volatile none = NULL; /* volatile: no compile-time null warning */
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), "[%s]", none), 8);
	assert_string_equal(buf, "[(null)]");
}

static void pointer_prints_0x_and_every_digit(void **state)
{
	(void)state;
	void *const ptrs[] = { NULL, (void *)0x1234, (void *)UINTPTR_MAX };
	for (size_t i = 0; i < sizeof(ptrs) / sizeof(ptrs[0]); i++) {
		char want[64], got[64];
		snprintf(want, sizeof(want), "<0x%0*jx>", (int)(2 * sizeof(void *)),
			 (uintmax_t)(uintptr_t)ptrs[i]);
		int n = fmt_snprintf(got, sizeof(got), "<%p>", ptrs[i]);
		assert_string_equal(got, want);
		assert_int_equal(n, strlen(want));
	}
}

static void check_truncation(const char *full, int len, size_t size, const char *got)
{
	size_t kept = size ? ((size_t)len < size - 1 ? (size_t)len : size - 1) : 0;
	if (size) {
		assert_memory_equal(got, full, kept);
		assert_int_equal(got[kept], '\0');
	}
	for (size_t i = size; i < 64; i++)
		if ((unsigned char)got[i] != 0x5A)
			fail_msg("size %zu: byte %zu written", size, i);
}

static void output_is_truncated_but_always_terminated(void **state)
{
	(void)state;
	char full[64], buf[64];
	int len = snprintf(full, sizeof(full), "abc %d [%-6s] %#010x!", -12345, "ok", 0xbeefu);
	for (size_t size = 0; size <= (size_t)len + 2; size++) {
		memset(buf, 0x5A, sizeof(buf));
		int n = fmt_snprintf(buf, size, "abc %d [%-6s] %#010x!", -12345, "ok", 0xbeefu);
		assert_int_equal(n, len);
		check_truncation(full, len, size, buf);
	}
}

static void size_zero_writes_nothing(void **state)
{
	(void)state;
	assert_int_equal(fmt_snprintf(NULL, 0, "%d and %s", 12345, "more"), 14);
}

static void unknown_conversion_is_copied_and_lone_percent_dropped(void **state)
{
	(void)state;
	char buf[32];
	/* Not literals, so the compiler does not object; fmt.c must not either. */
	const char *volatile unknown = "a%qb", *volatile trailing = "abc%";
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), unknown, 0), 4);
	assert_string_equal(buf, "a%qb");
	assert_int_equal(fmt_snprintf(buf, sizeof(buf), trailing, 0), 3);
	assert_string_equal(buf, "abc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decimal_matches_libc),
		cmocka_unit_test(unsigned_and_hex_match_libc),
		cmocka_unit_test(width_and_flags_match_libc),
		cmocka_unit_test(long_modifiers_match_libc),
		cmocka_unit_test(strings_and_chars_match_libc),
		cmocka_unit_test(hash_flag_matches_libc),
		cmocka_unit_test(hash_flag_prefix_goes_after_space_padding),
		cmocka_unit_test(null_string_prints_null),
		cmocka_unit_test(pointer_prints_0x_and_every_digit),
		cmocka_unit_test(output_is_truncated_but_always_terminated),
		cmocka_unit_test(size_zero_writes_nothing),
		cmocka_unit_test(unknown_conversion_is_copied_and_lone_percent_dropped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
