/*
 * The guest's frame allocator (guestos/core/pmem.c): only frames given to it are
 * handed out, each once; reference counts free a frame at zero and refuse to go
 * below it; runs are contiguous and found anywhere, wrapping past the hint;
 * freed kernel frames are handed out again first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <kernel.h>

#define NR 200
static uint8_t meta[4096];

static int setup(void **state)
{
	(void)state;
	assert_true(pmem_meta_bytes(NR) <= sizeof(meta));
	memset(meta, 0xAB, sizeof(meta)); /* stale contents */
	pmem_init(meta, NR);
	return 0;
}

static void nothing_free_until_added(void **state)
{
	(void)state;
	assert_int_equal(pmem_free_frames(), 0);
	assert_int_equal(pmem_alloc(), PMEM_NONE);
	assert_int_equal(pmem_refs(5), 0);
	assert_int_equal(pmem_get(5), -1); /* reserved frames take no references */
	assert_int_equal(pmem_put(5), -1);
}

static void hands_out_each_added_frame_once(void **state)
{
	(void)state;
	bool seen[NR] = { false };
	pmem_add_free(30, 95); /* crosses word boundaries at 32 and 64 */
	pmem_add_free(40, 50); /* already free: not counted twice */
	assert_int_equal(pmem_free_frames(), 65);
	for (int i = 0; i < 65; i++) {
		uint32_t pfn = pmem_alloc();
		assert_true(pfn >= 30 && pfn < 95);
		assert_false(seen[pfn]);
		seen[pfn] = true;
		assert_int_equal(pmem_refs(pfn), 1);
	}
	assert_int_equal(pmem_alloc(), PMEM_NONE);
	assert_int_equal(pmem_free_frames(), 0);
}

static void range_beyond_the_table_is_clipped(void **state)
{
	(void)state;
	pmem_add_free(190, 1000);
	assert_int_equal(pmem_free_frames(), 10);
}

static void references_free_at_zero(void **state)
{
	(void)state;
	pmem_add_free(0, NR);
	uint32_t pfn = pmem_alloc();
	assert_int_equal(pmem_get(pfn), 0);
	assert_int_equal(pmem_get(pfn), 0);
	assert_int_equal(pmem_refs(pfn), 3);
	assert_int_equal(pmem_free_frames(), NR - 1);
	assert_int_equal(pmem_put(pfn), 2);
	assert_int_equal(pmem_put(pfn), 1);
	assert_int_equal(pmem_free_frames(), NR - 1);
	assert_int_equal(pmem_put(pfn), 0);
	assert_int_equal(pmem_free_frames(), NR);
	assert_int_equal(pmem_put(pfn), -1); /* free now: no reference left to drop */
	assert_int_equal(pmem_get(pfn), -1);
	assert_int_equal(pmem_put(NR), -1);
	assert_int_equal(pmem_get(NR + 5), -1);
}

static void runs_are_contiguous_and_free(void **state)
{
	(void)state;
	pmem_add_free(0, 100);
	/* Free frames at 0..99; take every other one of 10..49 away. */
	uint32_t taken[100];
	int n = 0;
	for (uint32_t i = 0; i < 100; i++)
		taken[n++] = pmem_alloc();
	for (int i = 0; i < n; i++)
		if (taken[i] < 10 || taken[i] >= 50 || taken[i] % 2)
			pmem_put(taken[i]);
	uint32_t run = pmem_alloc_run(20);
	assert_int_not_equal(run, PMEM_NONE);
	assert_int_equal(run, 49); /* first fit: 49 is odd, so free */
	for (uint32_t i = 0; i < 20; i++)
		assert_int_equal(pmem_refs(run + i), 1);
	assert_int_equal(pmem_alloc_run(50), PMEM_NONE); /* no such run is left */
	assert_int_equal(pmem_alloc_run(0), PMEM_NONE);
	assert_int_equal(pmem_free_run(run, 20), 0);
	assert_int_not_equal(pmem_alloc_run(40), PMEM_NONE); /* 50..99 */
}

static void run_search_wraps_past_the_hint(void **state)
{
	(void)state;
	pmem_add_free(100, NR);
	uint32_t a = pmem_alloc_run(50); /* the hint is now at 150 */
	assert_int_equal(a, 100);
	pmem_add_free(0, 100);		 /* free below the hint, but never freed */
	uint32_t b = pmem_alloc_run(80); /* only 50 left after the hint */
	assert_int_equal(b, 0);
}

/* Kernel frames just freed (page tables, kernel runs) are handed out first,
 * newest first; user frames are not (they may have held code). */
static void freed_kernel_frames_are_reused_first(void **state)
{
	(void)state;
	pmem_add_free(0, NR);
	uint32_t a = pmem_alloc(), b = pmem_alloc(), c = pmem_alloc();
	assert_int_equal(pmem_put_warm(b), 0);
	assert_int_equal(pmem_alloc(), b);
	assert_int_equal(pmem_free_run(a, 1), 0);
	assert_int_equal(pmem_put_warm(c), 0);
	assert_int_equal(pmem_alloc(), c); /* the newest first */
	assert_int_equal(pmem_alloc(), a);
	assert_int_equal(pmem_alloc(), c + 1);
	assert_int_equal(pmem_put(b), 0); /* a user frame: the search goes on */
	assert_int_equal(pmem_alloc(), c + 2);
	assert_int_equal(pmem_get(a), 0);
	assert_int_equal(pmem_put_warm(a), 1); /* still in use: not free */
	assert_int_equal(pmem_alloc(), c + 3);
	/* One freed warm but taken by a run since is passed over. */
	assert_int_equal(pmem_put_warm(c + 3), 0);
	assert_int_equal(pmem_alloc_run(NR - c - 3), c + 3);
	assert_int_equal(pmem_alloc(), b);
}

static void free_run_refuses_what_it_does_not_own(void **state)
{
	(void)state;
	pmem_add_free(0, NR);
	uint32_t run = pmem_alloc_run(4);
	assert_int_equal(pmem_get(run + 2), 0); /* shared: not the run's alone */
	assert_int_equal(pmem_free_run(run, 4), -1);
	assert_int_equal(pmem_refs(run), 1); /* nothing was freed */
	assert_int_equal(pmem_put(run + 2), 1);
	assert_int_equal(pmem_free_run(run, 4), 0);
	assert_int_equal(pmem_free_run(run, 4), -1); /* already free */
	assert_int_equal(pmem_free_run(NR - 1, 2), -1);
	assert_int_equal(pmem_free_frames(), NR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(nothing_free_until_added, setup),
		cmocka_unit_test_setup(hands_out_each_added_frame_once, setup),
		cmocka_unit_test_setup(range_beyond_the_table_is_clipped, setup),
		cmocka_unit_test_setup(references_free_at_zero, setup),
		cmocka_unit_test_setup(runs_are_contiguous_and_free, setup),
		cmocka_unit_test_setup(run_search_wraps_past_the_hint, setup),
		cmocka_unit_test_setup(freed_kernel_frames_are_reused_first, setup),
		cmocka_unit_test_setup(free_run_refuses_what_it_does_not_own, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
