/*
 * The hypervisor heap (hv/heap.c): zeroed, non-overlapping blocks from one arena,
 * NULL when it cannot serve, and every free merged back so the arena ends whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <hv.h>

#define ARENA 65536
/* The block header heap.c puts before each allocation: a size and a pointer. */
#define HDR (sizeof(size_t) + sizeof(void *))

static _Alignas(16) unsigned char arena[ARENA];

static size_t block_size(size_t n)
{
	return (n + HDR + 15) / 16 * 16;
}

static int setup(void **state)
{
	(void)state;
	memset(arena, 0xAB, sizeof(arena)); /* stale contents */
	heap_init(arena, sizeof(arena));
	return 0;
}

static bool in_arena(const void *p, size_t n)
{
	const unsigned char *c = p;
	return c >= arena + HDR && c + n <= arena + ARENA;
}

static bool all_bytes(const void *p, unsigned char v, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		if (c[i] != v)
			return false;
	return true;
}

static void init_makes_the_whole_arena_free(void **state)
{
	(void)state;
	assert_int_equal(heap_free_bytes(), ARENA);
	heap_init(arena, 1000); /* rounded down to 16 */
	assert_int_equal(heap_free_bytes(), 992);
}

static void allocation_is_zeroed_even_over_reused_memory(void **state)
{
	(void)state;
	unsigned char *p = xzalloc(1000);
	assert_non_null(p);
	assert_true(in_arena(p, 1000));
	assert_true(all_bytes(p, 0, 1000));
	memset(p, 0xFF, 1000);
	xfree(p);
	unsigned char *q = xzalloc(1000);
	assert_ptr_equal(q, p);
	assert_true(all_bytes(q, 0, 1000));
}

static void free_bytes_drop_by_the_rounded_block_size(void **state)
{
	(void)state;
	const size_t sizes[] = { 1, 15, 16, 17, 100, 4096 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t before = heap_free_bytes();
		void *p = xzalloc(sizes[i]);
		assert_non_null(p);
		assert_int_equal(before - heap_free_bytes(), block_size(sizes[i]));
		assert_true(((uintptr_t)p & 15) == 0);
	}
}

static void allocations_do_not_overlap(void **state)
{
	(void)state;
	unsigned char *p[64];
	for (size_t i = 0; i < 64; i++) {
		p[i] = xzalloc(i * 13 + 1);
		assert_non_null(p[i]);
		assert_true(in_arena(p[i], i * 13 + 1));
		memset(p[i], (int)i + 1, i * 13 + 1);
	}
	for (size_t i = 0; i < 64; i++)
		assert_true(all_bytes(p[i], (unsigned char)(i + 1), i * 13 + 1));
}

static void size_zero_returns_null(void **state)
{
	(void)state;
	assert_null(xzalloc(0));
	assert_int_equal(heap_free_bytes(), ARENA);
}

static void oversized_or_overflowing_request_returns_null(void **state)
{
	(void)state;
	const size_t sizes[] = { ARENA, ARENA - HDR + 1, SIZE_MAX, SIZE_MAX - 15,
				 SIZE_MAX - HDR, SIZE_MAX - HDR - 15 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (xzalloc(sizes[i]))
			fail_msg("xzalloc(%#zx) succeeded", sizes[i]);
		assert_int_equal(heap_free_bytes(), ARENA);
	}
	assert_non_null(xzalloc(ARENA - HDR)); /* the largest that fits */
	assert_int_equal(heap_free_bytes(), 0);
}

static void exhaustion_returns_null_and_freeing_restores_everything(void **state)
{
	(void)state;
	void *p[ARENA / 1024 + 1];
	size_t n = 0;
	while ((p[n] = xzalloc(1000)) != NULL) {
		n++;
		assert_true(n <= ARENA / 1024);
	}
	assert_int_equal(n, ARENA / block_size(1000));
	assert_true(heap_free_bytes() < block_size(1000));
	for (size_t i = 0; i < n; i++)
		xfree(p[i]);
	assert_int_equal(heap_free_bytes(), ARENA);
	assert_non_null(xzalloc(ARENA - HDR));
}

static void small_remainder_stays_with_the_block(void **state)
{
	(void)state;
	void *p = xzalloc(ARENA - HDR - 48); /* 48 bytes left: too small to split off */
	assert_non_null(p);
	assert_int_equal(heap_free_bytes(), 0);
	assert_null(xzalloc(1));
	xfree(p);
	assert_int_equal(heap_free_bytes(), ARENA);
	p = xzalloc(ARENA - HDR - 64); /* 64 left: split */
	assert_int_equal(heap_free_bytes(), 64);
	assert_non_null(xzalloc(1));
}

static void free_null_does_nothing(void **state)
{
	(void)state;
	xfree(NULL);
	assert_int_equal(heap_free_bytes(), ARENA);
}

/* Four blocks fill the arena; freed in every order, they must merge back into
 * one block the size of the arena. */
static void freeing_in_any_order_coalesces_to_one_block(void **state)
{
	(void)state;
	static const int perms[24][4] = {
		{ 0, 1, 2, 3 }, { 0, 1, 3, 2 }, { 0, 2, 1, 3 }, { 0, 2, 3, 1 }, { 0, 3, 1, 2 },
		{ 0, 3, 2, 1 }, { 1, 0, 2, 3 }, { 1, 0, 3, 2 }, { 1, 2, 0, 3 }, { 1, 2, 3, 0 },
		{ 1, 3, 0, 2 }, { 1, 3, 2, 0 }, { 2, 0, 1, 3 }, { 2, 0, 3, 1 }, { 2, 1, 0, 3 },
		{ 2, 1, 3, 0 }, { 2, 3, 0, 1 }, { 2, 3, 1, 0 }, { 3, 0, 1, 2 }, { 3, 0, 2, 1 },
		{ 3, 1, 0, 2 }, { 3, 1, 2, 0 }, { 3, 2, 0, 1 }, { 3, 2, 1, 0 },
	};
	for (int k = 0; k < 24; k++) {
		heap_init(arena, sizeof(arena));
		void *p[4];
		for (int i = 0; i < 4; i++)
			assert_non_null(p[i] = xzalloc(ARENA / 4 - HDR));
		assert_int_equal(heap_free_bytes(), 0);
		for (int i = 0; i < 4; i++)
			xfree(p[perms[k][i]]);
		assert_int_equal(heap_free_bytes(), ARENA);
		if (!xzalloc(ARENA - HDR))
			fail_msg("order %d%d%d%d left the arena fragmented", perms[k][0],
				 perms[k][1], perms[k][2], perms[k][3]);
	}
}

/* A long random mix of allocations and frees: contents survive, accounting
 * matches, and the arena ends whole. */
static void random_use_keeps_contents_and_accounting(void **state)
{
	(void)state;
	enum { SLOTS = 40 };
	unsigned char *p[SLOTS] = { 0 };
	size_t len[SLOTS] = { 0 }, size[SLOTS] = { 0 }, used = 0;
	uint32_t seed = 1;
	for (int step = 0; step < 20000; step++) {
		seed = seed * 1103515245 + 12345;
		uint32_t r = seed >> 8;
		unsigned s = r % SLOTS;
		if (p[s]) {
			assert_true(all_bytes(p[s], (unsigned char)s, len[s]));
			xfree(p[s]);
			p[s] = NULL;
			used -= size[s];
		} else {
			size_t n = 1 + (r >> 6) % 3000, before = heap_free_bytes();
			p[s] = xzalloc(n);
			if (!p[s]) {
				assert_int_equal(heap_free_bytes(), before);
				continue;
			}
			assert_true(all_bytes(p[s], 0, n));
			size[s] = before - heap_free_bytes();
			assert_true(size[s] >= block_size(n) && size[s] < block_size(n) + 64);
			memset(p[s], (int)s, n);
			len[s] = n;
			used += size[s];
		}
		assert_int_equal(heap_free_bytes(), ARENA - used);
	}
	for (unsigned s = 0; s < SLOTS; s++)
		if (p[s]) {
			assert_true(all_bytes(p[s], (unsigned char)s, len[s]));
			xfree(p[s]);
		}
	assert_int_equal(heap_free_bytes(), ARENA);
	assert_non_null(xzalloc(ARENA - HDR));
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(init_makes_the_whole_arena_free),
		T(allocation_is_zeroed_even_over_reused_memory),
		T(free_bytes_drop_by_the_rounded_block_size),
		T(allocations_do_not_overlap),
		T(size_zero_returns_null),
		T(oversized_or_overflowing_request_returns_null),
		T(exhaustion_returns_null_and_freeing_restores_everything),
		T(small_remainder_stays_with_the_block),
		T(free_null_does_nothing),
		T(freeing_in_any_order_coalesces_to_one_block),
		T(random_use_keeps_contents_and_accounting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
