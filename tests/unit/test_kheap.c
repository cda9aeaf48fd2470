/*
 * The guest kernel heap (guestos/core/heap.c): objects of each size class and
 * page runs for large ones, never overlapping, 16-byte aligned; every page goes
 * back to the page allocator when its last object is freed; bad frees are
 * reported, not followed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kernel.h>

static int pages_out;  /* pages the heap holds from us */
static int fail_after; /* page allocations left before they fail (-1: never) */
static const char *corruption;

static void *page_alloc(uint32_t n)
{
	if (fail_after == 0)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	void *p = aligned_alloc(PAGE_SIZE, n * PAGE_SIZE);
	assert_non_null(p);
	memset(p, 0xAB, n * PAGE_SIZE); /* stale contents */
	pages_out += (int)n;
	return p;
}

static void page_free(void *p, uint32_t n)
{
	assert_int_equal((uintptr_t)p % PAGE_SIZE, 0);
	pages_out -= (int)n;
	free(p);
}

static void corrupt(const char *what, const void *p)
{
	(void)p;
	corruption = what;
}

static int setup(void **state)
{
	(void)state;
	pages_out = 0;
	fail_after = -1;
	corruption = NULL;
	heap_init(page_alloc, page_free, corrupt);
	return 0;
}

static void fill(void *p, size_t n, unsigned char v)
{
	memset(p, v, n);
}

static bool holds(const void *p, size_t n, unsigned char v)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		if (c[i] != v)
			return false;
	return true;
}

static void objects_do_not_overlap_and_pages_come_back(void **state)
{
	(void)state;
	enum { N = 300 };
	static void *p[N];
	static size_t len[N];
	for (int i = 0; i < N; i++) {
		len[i] = (size_t)(1 + (i * 37) % 2048);
		p[i] = kmalloc(len[i]);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % 16, 0);
		fill(p[i], len[i], (unsigned char)i);
	}
	for (int i = 0; i < N; i++)
		assert_true(holds(p[i], len[i], (unsigned char)i));
	assert_true(heap_pages() > 0);
	assert_int_equal(heap_pages(), pages_out);
	for (int i = 0; i < N; i += 2)
		kfree(p[i]);
	for (int i = 1; i < N; i += 2)
		assert_true(holds(p[i], len[i], (unsigned char)i));
	for (int i = 1; i < N; i += 2)
		kfree(p[i]);
	assert_int_equal(pages_out, 0);
	assert_int_equal(heap_pages(), 0);
	assert_int_equal(heap_bytes(), 0);
	assert_null(corruption);
}

static void sizes_round_up_to_their_class(void **state)
{
	(void)state;
	void *a = kmalloc(1), *b = kmalloc(17), *c = kmalloc(2048), *z = kmalloc(0);
	assert_non_null(z);
	assert_int_equal(heap_bytes(), 16 + 32 + 2048 + 16);
	kfree(a);
	kfree(b);
	kfree(c);
	kfree(z);
	assert_int_equal(heap_bytes(), 0);
	kfree(NULL); /* allowed, does nothing */
	assert_null(corruption);
}

static void large_blocks_are_page_runs(void **state)
{
	(void)state;
	char *p = kmalloc(20000);
	assert_non_null(p);
	fill(p, 20000, 0x5A);
	assert_int_equal(pages_out, 5); /* 20000 bytes and a header */
	assert_int_equal(heap_bytes(), 5 * PAGE_SIZE);
	char *q = kzalloc(4096);
	assert_true(holds(q, 4096, 0));
	assert_int_equal(pages_out, 7);
	kfree(p);
	kfree(q);
	assert_int_equal(pages_out, 0);
	assert_null(kmalloc(0x20000000)); /* absurd sizes fail at once */
}

static void out_of_pages_gives_null(void **state)
{
	(void)state;
	fail_after = 1;
	void *first = kmalloc(64);
	assert_non_null(first);
	void *more[64];
	int got = 0;
	while (got < 64 && (more[got] = kmalloc(64)))
		got++;
	assert_true(got > 0 && got < 64); /* the first page filled, no second */
	assert_null(kmalloc(5000));
	for (int i = 0; i < got; i++)
		kfree(more[i]);
	kfree(first);
	assert_int_equal(pages_out, 0);
}

static void bad_frees_are_reported(void **state)
{
	(void)state;
	static _Alignas(4096) unsigned char not_heap[2 * 4096];
	kfree(not_heap + 64);
	assert_non_null(corruption);
	corruption = NULL;
	char *big = kmalloc(10000);
	kfree(big + 16);
	assert_non_null(corruption);
	corruption = NULL;
	char *small = kmalloc(100), *other = kmalloc(100);
	kfree(small + 8); /* not at an object's start */
	assert_non_null(corruption);
	kfree(small);
	kfree(other);
	kfree(big);
	assert_int_equal(pages_out, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(objects_do_not_overlap_and_pages_come_back, setup),
		cmocka_unit_test_setup(sizes_round_up_to_their_class, setup),
		cmocka_unit_test_setup(large_blocks_are_page_runs, setup),
		cmocka_unit_test_setup(out_of_pages_gives_null, setup),
		cmocka_unit_test_setup(bad_frees_are_reported, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
