/*
 * What a guest may write into a page-table entry (hv/pte_rules.c). L1: only its
 * own frames, no reserved, PAT or global bits, and page-table or descriptor
 * frames read-only. L2: no superpages or reserved bits, only its own frames.
 * L3: nothing but the present bit and an address; slot 3 always present.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <frame.h>
#include <pte.h>
#include <public/errno.h>

#define NR 32
#define DOM 1
#define OTHER 2

static struct page_info table[NR];
static uint32_t mine, theirs, xens, free_mfn;
static const uint32_t not_ram = NR - 1; /* never given to the allocator */

static uint64_t map(uint32_t mfn, uint64_t flags)
{
	return ((uint64_t)mfn << 12) | flags;
}

#define P _PAGE_PRESENT
#define RW _PAGE_RW

static int setup(void **state)
{
	(void)state;
	frame_table_init(table, NR);
	frame_add_free(0, NR - 1);
	mine = frame_alloc(DOM);
	theirs = frame_alloc(OTHER);
	xens = frame_alloc(OWNER_XEN);
	free_mfn = frame_alloc(DOM);
	assert_true(frame_free(free_mfn));
	return 0;
}

static void not_present_entries_are_always_allowed(void **state)
{
	(void)state;
	const uint64_t ptes[] = { 0, ~P, map(theirs, RW), map(0xFFFFF, RW | _PAGE_PSE),
				  PTE_RESERVED_MASK | map(mine, RW | _PAGE_GLOBAL) };
	for (size_t i = 0; i < sizeof(ptes) / sizeof(ptes[0]); i++)
		assert_int_equal(pte_l1_check(DOM, ptes[i]), 0);
}

static void own_frame_may_be_mapped_read_only_or_writable(void **state)
{
	(void)state;
	assert_int_equal(pte_l1_check(DOM, map(mine, P)), 0);
	assert_int_equal(pte_l1_check(DOM, map(mine, P | RW)), 0);
}

static void harmless_flag_bits_are_allowed(void **state)
{
	(void)state;
	const uint64_t flags[] = { _PAGE_USER,	   _PAGE_PWT,	_PAGE_PCD,
				   _PAGE_ACCESSED, _PAGE_DIRTY, 0xE00 /* available to software */ };
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		assert_int_equal(pte_l1_check(DOM, map(mine, P | RW | flags[i])), 0);
}

static void nx_is_allowed(void **state)
{
	(void)state;
	assert_int_equal(pte_l1_check(DOM, map(mine, P | _PAGE_NX)), 0);
	assert_int_equal(pte_l1_check(DOM, map(mine, P | RW | _PAGE_NX)), 0);
}

static void reserved_bits_52_to_62_are_refused(void **state)
{
	(void)state;
	for (unsigned bit = 52; bit <= 62; bit++) {
		int rc = pte_l1_check(DOM, map(mine, P) | (1ull << bit));
		if (rc != -XEN_EINVAL)
			fail_msg("bit %u: rc %d", bit, rc);
	}
}

static void large_page_and_global_bits_are_refused(void **state)
{
	(void)state;
	assert_int_equal(pte_l1_check(DOM, map(mine, P | _PAGE_PSE)), -XEN_EINVAL);
	assert_int_equal(pte_l1_check(DOM, map(mine, P | _PAGE_GLOBAL)), -XEN_EINVAL);
}

static void frame_of_another_domain_is_refused(void **state)
{
	(void)state;
	assert_int_equal(pte_l1_check(DOM, map(theirs, P)), -XEN_EPERM);
	assert_int_equal(pte_l1_check(DOM, map(theirs, P | RW)), -XEN_EPERM);
	assert_int_equal(pte_l1_check(DOM, map(xens, P)), -XEN_EPERM);
	assert_int_equal(pte_l1_check(OTHER, map(mine, P)), -XEN_EPERM);
}

static void free_or_non_ram_frame_is_refused(void **state)
{
	(void)state;
	assert_int_equal(pte_l1_check(DOM, map(free_mfn, P)), -XEN_EPERM);
	assert_int_equal(pte_l1_check(DOM, map(not_ram, P)), -XEN_EPERM);
	/* Free and non-RAM frames belong to no one, not even "OWNER_NONE". */
	assert_int_equal(pte_l1_check(OWNER_NONE, map(free_mfn, P)), -XEN_EPERM);
}

static void frame_beyond_the_table_is_refused(void **state)
{
	(void)state;
	assert_int_equal(pte_l1_check(DOM, map(NR, P)), -XEN_EPERM);
	assert_int_equal(pte_l1_check(DOM, map(0xFFFFFFFF, P)), -XEN_EPERM);
}

static void frame_number_above_32_bits_does_not_alias(void **state)
{
	(void)state;
	/* Bits 44-51 of the address would be cut off by a 32-bit frame number. */
	for (unsigned bit = 44; bit <= 51; bit++) {
		int rc = pte_l1_check(DOM, map(mine, P) | (1ull << bit));
		if (rc != -XEN_EPERM)
			fail_msg("address bit %u: rc %d", bit, rc);
	}
}

static void page_table_and_descriptor_frames_are_read_only(void **state)
{
	(void)state;
	const uint8_t types[] = { PGT_l1, PGT_l2, PGT_l3, PGT_seg_desc };
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		frame_info(mine)->type = types[i];
		frame_info(mine)->type_count = 1;
		int rc = pte_l1_check(DOM, map(mine, P | RW));
		if (rc != -XEN_EPERM)
			fail_msg("type %u mapped writable: rc %d", types[i], rc);
		assert_int_equal(pte_l1_check(DOM, map(mine, P)), 0);
	}
}

static void writable_typed_frames_may_be_mapped_writable(void **state)
{
	(void)state;
	frame_info(mine)->type = PGT_writable;
	frame_info(mine)->type_count = 1;
	assert_int_equal(pte_l1_check(DOM, map(mine, P | RW)), 0);
}

static void unused_table_type_does_not_stop_a_writable_mapping(void **state)
{
	(void)state;
	/* Type count 0: the frame is no longer a page table and may change type. */
	frame_info(mine)->type = PGT_l1;
	frame_info(mine)->type_count = 0;
	assert_int_equal(pte_l1_check(DOM, map(mine, P | RW)), 0);
}

static void l2_entries_no_superpages_or_reserved_bits(void **state)
{
	(void)state;
	assert_int_equal(pte_l2_check(DOM, 0), 0);
	assert_int_equal(pte_l2_check(DOM, map(theirs, RW | _PAGE_PSE)), 0); /* not present */
	assert_int_equal(pte_l2_check(DOM, map(mine, P | RW | _PAGE_USER)), 0);
	assert_int_equal(pte_l2_check(DOM, map(mine, P | RW) | _PAGE_NX), 0);
	assert_int_equal(pte_l2_check(DOM, map(mine, P | RW | _PAGE_PSE)), -XEN_EINVAL);
	for (unsigned bit = 52; bit <= 62; bit++)
		assert_int_equal(pte_l2_check(DOM, map(mine, P) | (1ull << bit)), -XEN_EINVAL);
	assert_int_equal(pte_l2_check(DOM, map(theirs, P)), -XEN_EPERM);
	assert_int_equal(pte_l2_check(DOM, map(xens, P)), -XEN_EPERM);
	assert_int_equal(pte_l2_check(DOM, map(free_mfn, P)), -XEN_EPERM);
	assert_int_equal(pte_l2_check(DOM, map(mine, P) | (1ull << 45)), -XEN_EPERM);
}

static void l3_entries_only_present_and_address(void **state)
{
	(void)state;
	assert_int_equal(pte_l3_check(DOM, 0, 0), 0);
	assert_int_equal(pte_l3_check(DOM, 3, 0), -XEN_EINVAL); /* slot 3 must be present */
	assert_int_equal(pte_l3_check(DOM, 4, map(mine, P)), -XEN_EINVAL);
	for (unsigned slot = 0; slot < 4; slot++)
		assert_int_equal(pte_l3_check(DOM, slot, map(mine, P)), 0);
	/* Every other bit: RW, US, PWT, PCD, A, D, PS, G, available, reserved, NX. */
	for (unsigned bit = 1; bit < 12; bit++)
		assert_int_equal(pte_l3_check(DOM, 0, map(mine, P) | (1ull << bit)), -XEN_EINVAL);
	for (unsigned bit = 52; bit < 64; bit++)
		assert_int_equal(pte_l3_check(DOM, 0, map(mine, P) | (1ull << bit)), -XEN_EINVAL);
	assert_int_equal(pte_l3_check(DOM, 0, map(theirs, P)), -XEN_EPERM);
	assert_int_equal(pte_l3_check(DOM, 3, map(xens, P)), -XEN_EPERM);
}

#define T(name) cmocka_unit_test_setup(name, setup)

static void privileged_caller_may_map_its_target_domain_only(void **state)
{
	(void)state;
	/* foreign = the domain a privileged caller named (mmu_update's foreigndom) */
	assert_int_equal(pte_l1_check_foreign(DOM, OTHER, map(theirs, P | RW)), 0);
	assert_int_equal(pte_l1_check_foreign(DOM, OTHER, map(mine, P | RW)), 0);
	assert_int_equal(pte_l1_check_foreign(DOM, OTHER, map(xens, P)), -XEN_EPERM);
	assert_int_equal(pte_l1_check_foreign(DOM, OTHER, map(free_mfn, P)), -XEN_EPERM);
	assert_int_equal(pte_l1_check_foreign(DOM, 3, map(theirs, P)), -XEN_EPERM);
	/* The target's page tables (in use: type count > 0) stay read-only to the
	 * caller too. */
	frame_info(theirs)->type = PGT_l1;
	frame_info(theirs)->type_count = 1;
	assert_int_equal(pte_l1_check_foreign(DOM, OTHER, map(theirs, P | RW)), -XEN_EPERM);
	assert_int_equal(pte_l1_check_foreign(DOM, OTHER, map(theirs, P)), 0);
	frame_info(theirs)->type = PGT_none;
	frame_info(theirs)->type_count = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(not_present_entries_are_always_allowed),
		T(own_frame_may_be_mapped_read_only_or_writable),
		T(harmless_flag_bits_are_allowed),
		T(nx_is_allowed),
		T(reserved_bits_52_to_62_are_refused),
		T(large_page_and_global_bits_are_refused),
		T(frame_of_another_domain_is_refused),
		T(free_or_non_ram_frame_is_refused),
		T(frame_beyond_the_table_is_refused),
		T(frame_number_above_32_bits_does_not_alias),
		T(page_table_and_descriptor_frames_are_read_only),
		T(writable_typed_frames_may_be_mapped_writable),
		T(privileged_caller_may_map_its_target_domain_only),
		T(unused_table_type_does_not_stop_a_writable_mapping),
		T(l2_entries_no_superpages_or_reserved_bits),
		T(l3_entries_only_present_and_address),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
