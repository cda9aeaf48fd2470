/*
 * The frame table and free-frame allocator (hv/frame.c): frames come and go
 * exactly once, typed or free frames cannot be freed, reserved frames never come
 * out of the allocator, and the counts always match the table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <frame.h>

#define NR 64 /* frames in the test table */
#define DOM1 1
#define DOM2 2

static struct page_info table[NR];

/* The free list, nr_free and the PGF_FREE flags agree; no cycles. */
static void check_consistent(void)
{
	uint32_t listed = 0;
	bool on_list[NR] = { 0 };
	for (uint32_t mfn = frames.free_head; mfn != INVALID_MFN;
	     mfn = frames.pages[mfn].next_free) {
		assert_true(mfn < NR);
		assert_false(on_list[mfn]);
		on_list[mfn] = true;
		listed++;
	}
	assert_int_equal(listed, frames.nr_free);
	for (uint32_t mfn = 0; mfn < NR; mfn++) {
		bool free_flag = table[mfn].flags & PGF_FREE;
		assert_int_equal(free_flag, on_list[mfn]);
		if (free_flag)
			assert_int_equal(table[mfn].owner, OWNER_NONE);
	}
}

static int setup(void **state)
{
	(void)state;
	memset(table, 0xA5, sizeof(table)); /* stale contents */
	frame_table_init(table, NR);
	return 0;
}

static uint32_t alloc_all(uint16_t owner, uint32_t *out, uint32_t max)
{
	uint32_t n = 0, mfn;
	while ((mfn = frame_alloc(owner)) != INVALID_MFN) {
		assert_true(n < max);
		out[n++] = mfn;
	}
	return n;
}

static void init_marks_every_frame_not_ram(void **state)
{
	(void)state;
	assert_ptr_equal(frames.pages, table);
	assert_int_equal(frames.nr_frames, NR);
	assert_int_equal(frames.nr_free, 0);
	assert_int_equal(frames.free_head, INVALID_MFN);
	for (uint32_t mfn = 0; mfn < NR; mfn++) {
		assert_int_equal(table[mfn].owner, OWNER_NONE);
		assert_int_equal(table[mfn].flags, 0);
		assert_int_equal(table[mfn].count, 0);
		assert_int_equal(table[mfn].type_count, 0);
		assert_false(frame_owned_by(mfn, DOM1));
	}
	assert_int_equal(frame_alloc(DOM1), INVALID_MFN);
	assert_int_equal(frame_count_owned(DOM1), 0);
	check_consistent();
}

static void alloc_hands_out_low_frames_first_with_one_reference(void **state)
{
	(void)state;
	frame_add_free(10, 20);
	assert_int_equal(frames.nr_free, 10);
	for (uint32_t want = 10; want < 20; want++) {
		uint32_t mfn = frame_alloc(DOM1);
		assert_int_equal(mfn, want);
		const struct page_info *pg = frame_info(mfn);
		assert_int_equal(pg->owner, DOM1);
		assert_int_equal(pg->count, 1);
		assert_int_equal(pg->type_count, 0);
		assert_int_equal(pg->type, PGT_none);
		assert_int_equal(pg->flags, 0);
		assert_true(frame_owned_by(mfn, DOM1));
		assert_false(frame_owned_by(mfn, DOM2));
	}
	check_consistent();
}

static void alloc_returns_invalid_mfn_when_exhausted(void **state)
{
	(void)state;
	uint32_t got[NR];
	frame_add_free(0, NR);
	assert_int_equal(alloc_all(DOM1, got, NR), NR);
	assert_int_equal(frames.nr_free, 0);
	assert_int_equal(frame_alloc(DOM1), INVALID_MFN);
	assert_int_equal(frame_alloc(DOM2), INVALID_MFN);
	assert_int_equal(frame_count_owned(DOM1), NR);
	check_consistent();
}

static void add_free_ignores_frames_beyond_the_table(void **state)
{
	(void)state;
	frame_add_free(NR - 4, NR + 100);
	assert_int_equal(frames.nr_free, 4);
	frame_add_free(NR + 1, 0xFFFFFFFF);
	assert_int_equal(frames.nr_free, 4);
	check_consistent();
}

static void add_free_twice_counts_each_frame_once(void **state)
{
	(void)state;
	frame_add_free(0, 16);
	frame_add_free(8, 24);
	assert_int_equal(frames.nr_free, 24);
	uint32_t got[NR];
	assert_int_equal(alloc_all(DOM1, got, NR), 24);
	check_consistent();
}

static void freed_frame_is_free_and_allocated_again(void **state)
{
	(void)state;
	frame_add_free(0, 8);
	uint32_t a = frame_alloc(DOM1);
	uint32_t b = frame_alloc(DOM1);
	assert_true(frame_free(a));
	assert_int_equal(frames.nr_free, 7);
	assert_int_equal(table[a].flags, PGF_FREE);
	assert_int_equal(table[a].owner, OWNER_NONE);
	assert_false(frame_owned_by(a, DOM1));
	assert_int_equal(frame_count_owned(DOM1), 1);
	assert_int_equal(frame_alloc(DOM2), a); /* most recently freed first */
	assert_true(frame_owned_by(a, DOM2));
	assert_true(frame_owned_by(b, DOM1));
	check_consistent();
}

static void double_free_is_refused(void **state)
{
	(void)state;
	frame_add_free(0, 8);
	uint32_t a = frame_alloc(DOM1);
	assert_true(frame_free(a));
	assert_false(frame_free(a));
	assert_int_equal(frames.nr_free, 8);
	assert_false(frame_free(5)); /* never allocated */
	assert_int_equal(frames.nr_free, 8);
	check_consistent();
	/* Only one allocation may get the frame back. */
	uint32_t got[NR];
	assert_int_equal(alloc_all(DOM1, got, NR), 8);
}

static void free_out_of_range_is_refused(void **state)
{
	(void)state;
	frame_add_free(0, NR);
	(void)frame_alloc(DOM1);
	assert_false(frame_free(NR));
	assert_false(frame_free(INVALID_MFN));
	assert_int_equal(frames.nr_free, NR - 1);
	check_consistent();
}

static void freeing_a_typed_frame_is_refused(void **state)
{
	(void)state;
	frame_add_free(0, 8);
	uint32_t a = frame_alloc(DOM1);
	table[a].type = PGT_l1;
	table[a].type_count = 1;
	assert_false(frame_free(a));
	assert_true(frame_owned_by(a, DOM1));
	assert_int_equal(frames.nr_free, 7);
	table[a].type_count = 0;
	assert_true(frame_free(a));
	assert_int_equal(table[a].type, PGT_none);
	check_consistent();
}

static void reserve_removes_frames_from_the_allocator(void **state)
{
	(void)state;
	frame_add_free(0, NR);
	frame_reserve(8, 16, OWNER_XEN);
	assert_int_equal(frames.nr_free, NR - 8);
	assert_int_equal(frame_count_owned(OWNER_XEN), 8);
	for (uint32_t mfn = 8; mfn < 16; mfn++) {
		assert_true(frame_owned_by(mfn, OWNER_XEN));
		assert_int_equal(table[mfn].count, 1);
	}
	check_consistent();
	uint32_t got[NR];
	uint32_t n = alloc_all(DOM1, got, NR);
	assert_int_equal(n, NR - 8);
	for (uint32_t i = 0; i < n; i++)
		assert_false(got[i] >= 8 && got[i] < 16);
}

static void reserve_at_either_end_of_the_free_list(void **state)
{
	(void)state;
	frame_add_free(0, NR);
	frame_reserve(0, 1, OWNER_XEN);       /* list head */
	frame_reserve(NR - 1, NR, OWNER_XEN); /* list tail */
	frame_reserve(NR - 2, NR + 5, DOM2);  /* clipped at the table's end */
	assert_int_equal(frames.nr_free, NR - 3);
	assert_true(frame_owned_by(0, OWNER_XEN));
	assert_true(frame_owned_by(NR - 1, DOM2));
	check_consistent();
	uint32_t got[NR];
	assert_int_equal(alloc_all(DOM1, got, NR), NR - 3);
	assert_int_equal(got[0], 1);
	assert_int_equal(got[NR - 4], NR - 3);
}

static void reserve_of_frames_not_free_leaves_count_alone(void **state)
{
	(void)state;
	frame_add_free(16, 32);
	frame_reserve(0, 24, OWNER_XEN); /* 0..15 were never free */
	assert_int_equal(frames.nr_free, 8);
	assert_int_equal(frame_count_owned(OWNER_XEN), 24);
	check_consistent();
}

static void count_owned_counts_only_held_frames(void **state)
{
	(void)state;
	frame_add_free(0, 32);
	for (int i = 0; i < 5; i++)
		(void)frame_alloc(DOM1);
	for (int i = 0; i < 3; i++)
		(void)frame_alloc(DOM2);
	assert_int_equal(frame_count_owned(DOM1), 5);
	assert_int_equal(frame_count_owned(DOM2), 3);
	assert_int_equal(frame_count_owned(OWNER_NONE), NR - 32); /* not RAM */
	assert_true(frame_free(2));
	assert_int_equal(frame_count_owned(DOM1), 4);
	assert_int_equal(frames.nr_free + 4 + 3, 32);
}

/* A long random mix of operations; the model says who holds what. */
static void random_operations_keep_counts_consistent(void **state)
{
	(void)state;
	uint16_t model[NR]; /* owner, or OWNER_NONE while free */
	frame_add_free(0, NR);
	for (uint32_t i = 0; i < NR; i++)
		model[i] = OWNER_NONE;
	uint32_t seed = 12345, nr_free = NR;
	for (int step = 0; step < 20000; step++) {
		seed = seed * 1103515245 + 12345;
		uint32_t r = seed >> 16;
		if (r % 3) {
			uint16_t owner = 1 + r % 4;
			uint32_t mfn = frame_alloc(owner);
			if (!nr_free) {
				assert_int_equal(mfn, INVALID_MFN);
				continue;
			}
			assert_true(mfn < NR);
			assert_int_equal(model[mfn], OWNER_NONE);
			model[mfn] = owner;
			nr_free--;
		} else {
			uint32_t mfn = (r >> 4) % NR;
			bool was_held = model[mfn] != OWNER_NONE;
			assert_int_equal(frame_free(mfn), was_held);
			if (was_held) {
				model[mfn] = OWNER_NONE;
				nr_free++;
			}
		}
		assert_int_equal(frames.nr_free, nr_free);
		if (step % 256 == 0) {
			check_consistent();
			for (uint16_t d = 1; d <= 4; d++) {
				uint32_t n = 0;
				for (uint32_t i = 0; i < NR; i++)
					n += model[i] == d;
				assert_int_equal(frame_count_owned(d), n);
			}
		}
	}
	check_consistent();
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(init_marks_every_frame_not_ram),
		T(alloc_hands_out_low_frames_first_with_one_reference),
		T(alloc_returns_invalid_mfn_when_exhausted),
		T(add_free_ignores_frames_beyond_the_table),
		T(add_free_twice_counts_each_frame_once),
		T(freed_frame_is_free_and_allocated_again),
		T(double_free_is_refused),
		T(free_out_of_range_is_refused),
		T(freeing_a_typed_frame_is_refused),
		T(reserve_removes_frames_from_the_allocator),
		T(reserve_at_either_end_of_the_free_list),
		T(reserve_of_frames_not_free_leaves_count_alone),
		T(count_owned_counts_only_held_frames),
		T(random_operations_keep_counts_consistent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
