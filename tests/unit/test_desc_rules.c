/*
 * What a guest may put in its GDT (hv/desc_rules.c): no ring-0 descriptors, no
 * segment reaching the hypervisor (granularity and expand-down respected), no
 * system descriptor but a call gate to guest code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <desc_rules.h>
#include <public/errno.h>
#include <public/xen.h>

#define DATA_RW 0x2 /* type: read/write data */
#define DATA_RW_DOWN 0x6
#define CODE_RX 0xA
#define CODE_CONFORMING 0xE

/* A code/data descriptor from its parts (DESC_S set, present). */
static uint64_t seg(uint32_t base, uint32_t limit, unsigned type, unsigned dpl, uint32_t flags)
{
	uint32_t a = (limit & 0xFFFF) | (base << 16);
	uint32_t b = ((base >> 16) & 0xFF) | (type << 8) | DESC_S | (dpl << 13) | DESC_P |
		     (limit & 0xF0000) | flags | (base & 0xFF000000);
	return ((uint64_t)b << 32) | a;
}

static uint64_t gate(uint16_t sel, uint32_t offset, unsigned type, unsigned dpl, uint32_t extra)
{
	uint32_t a = (offset & 0xFFFF) | ((uint32_t)sel << 16);
	uint32_t b = (offset & 0xFFFF0000) | DESC_P | (dpl << 13) | (type << 8) | extra;
	return ((uint64_t)b << 32) | a;
}

#define PAGES DESC_G
#define BIG DESC_DB

static void not_present_descriptors_always_pass(void **state)
{
	(void)state;
	assert_int_equal(desc_check(0), 0);
	/* Whatever the rest says: loading it faults. */
	assert_int_equal(desc_check(seg(0, 0xFFFFF, CODE_RX, 0, PAGES) & ~((uint64_t)DESC_P << 32)),
			 0);
	assert_int_equal(desc_check(gate(0xe008, 0, 0x9, 0, 0) & ~((uint64_t)DESC_P << 32)), 0);
}

static void flat_guest_segments_below_the_hypervisor_pass(void **state)
{
	(void)state;
	const uint32_t last_page = (HYPERVISOR_VIRT_START >> 12) - 1; /* 0xF57FF */
	for (unsigned dpl = 1; dpl <= 3; dpl++) {
		assert_int_equal(desc_check(seg(0, last_page, CODE_RX, dpl, PAGES | BIG)), 0);
		assert_int_equal(desc_check(seg(0, last_page, DATA_RW, dpl, PAGES | BIG)), 0);
	}
	assert_int_equal(desc_check(seg(0, last_page, CODE_CONFORMING, 1, PAGES | BIG)), 0);
}

static void dpl_0_is_refused(void **state)
{
	(void)state;
	assert_int_equal(desc_check(seg(0, 0xFF, CODE_RX, 0, 0)), -XEN_EINVAL);
	assert_int_equal(desc_check(seg(0, 0xFF, DATA_RW, 0, 0)), -XEN_EINVAL);
	assert_int_equal(desc_check(gate(FLAT_RING1_CS, 0x1000, DESC_CALL_GATE32, 0, 0)),
			 -XEN_EINVAL);
}

static void segments_reaching_the_hypervisor_are_refused(void **state)
{
	(void)state;
	/* One page too many, page-granular: ends at 0xF5800FFF. */
	assert_int_equal(desc_check(seg(0, HYPERVISOR_VIRT_START >> 12, DATA_RW, 1, PAGES)),
			 -XEN_EINVAL);
	/* The classic flat 4 GiB segment. */
	assert_int_equal(desc_check(seg(0, 0xFFFFF, CODE_RX, 3, PAGES | BIG)), -XEN_EINVAL);
	/* Byte-granular: the base does the damage. */
	assert_int_equal(desc_check(seg(HYPERVISOR_VIRT_START, 0, DATA_RW, 1, 0)), -XEN_EINVAL);
	assert_int_equal(desc_check(seg(HYPERVISOR_VIRT_START - 0x10, 0x10, DATA_RW, 1, 0)),
			 -XEN_EINVAL);
	assert_int_equal(desc_check(seg(HYPERVISOR_VIRT_START - 0x10, 0xF, DATA_RW, 1, 0)), 0);
	/* Base + limit wraps round 4 GiB back to low addresses: still refused. */
	assert_int_equal(desc_check(seg(0xFFFFF000, 0x1FFF, DATA_RW, 1, 0)), -XEN_EINVAL);
	assert_int_equal(desc_check(seg(0x10000000, 0xFFFFF, DATA_RW, 1, PAGES)), -XEN_EINVAL);
}

static void granularity_bit_scales_the_limit(void **state)
{
	(void)state;
	/* 0xF0000 bytes from 0xF5700000 stays below; 0xF0000 pages does not. */
	assert_int_equal(desc_check(seg(0xF5700000, 0xF0000, DATA_RW, 1, 0)), 0);
	assert_int_equal(desc_check(seg(0xF5700000, 0xF0000, DATA_RW, 1, PAGES)), -XEN_EINVAL);
	/* Page granularity fills the low 12 bits: 0xF57FF pages end at 0xF57FFFFF. */
	assert_int_equal(desc_check(seg(0, 0xF57FF, DATA_RW, 1, PAGES)), 0);
	assert_int_equal(desc_check(seg(1, 0xF57FF, DATA_RW, 1, PAGES)), -XEN_EINVAL);
}

static void expand_down_segments_reach_their_upper_bound(void **state)
{
	(void)state;
	/* B set: offsets up to 4 GiB, so from base 0 it covers the hypervisor
	 * whatever its limit says. */
	assert_int_equal(desc_check(seg(0, 0xFFFFF, DATA_RW_DOWN, 1, PAGES | BIG)), -XEN_EINVAL);
	assert_int_equal(desc_check(seg(0, 0xF5800, DATA_RW_DOWN, 1, PAGES | BIG)), -XEN_EINVAL);
	/* B clear: offsets up to 64 KiB. */
	assert_int_equal(desc_check(seg(0x1000, 0x100, DATA_RW_DOWN, 1, 0)), 0);
	assert_int_equal(
	    desc_check(seg(HYPERVISOR_VIRT_START - 0x10000, 0x100, DATA_RW_DOWN, 1, 0)), 0);
	assert_int_equal(desc_check(seg(HYPERVISOR_VIRT_START - 0xFFFF, 0x100, DATA_RW_DOWN, 1, 0)),
			 -XEN_EINVAL);
	/* A code segment has no expand-down bit: the same bit means conforming. */
	assert_int_equal(desc_check(seg(0, 0xFF, CODE_CONFORMING, 1, 0)), 0);
}

static void system_descriptors_are_refused(void **state)
{
	(void)state;
	/* 16-bit TSS, LDT, busy TSS, 16-bit call gate, task gate, 16-bit gates,
	 * 32-bit TSS, busy 32-bit TSS, interrupt and trap gates, reserved types. */
	const unsigned types[] = { 0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x9,
				   0xB, 0xE, 0xF, 0x0, 0x8, 0xA, 0xD };
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		int rc = desc_check(gate(FLAT_RING1_CS, 0x1000, types[i], 3, 0));
		if (rc != -XEN_EINVAL)
			fail_msg("system type %#x: rc %d", types[i], rc);
	}
}

static void call_gates_only_into_guest_code(void **state)
{
	(void)state;
	assert_int_equal(desc_check(gate(FLAT_RING1_CS, 0xC0001000, DESC_CALL_GATE32, 3, 0)), 0);
	assert_int_equal(desc_check(gate(FLAT_RING3_CS, 0x1000, DESC_CALL_GATE32, 3, 0)), 0);
	assert_int_equal(desc_check(gate(0x0009, 0x1000, DESC_CALL_GATE32, 1, 0)), 0); /* ours */
	assert_int_equal(desc_check(gate(0x000F, 0x1000, DESC_CALL_GATE32, 1, 0)), 0); /* LDT */
	/* The hypervisor's code, data and TSS selectors. */
	const uint16_t hv[] = { 0xe008, 0xe00b, 0xe010, 0xe040, 0xe021, 0xfff8 };
	for (size_t i = 0; i < sizeof(hv) / sizeof(hv[0]); i++) {
		int rc = desc_check(gate(hv[i], 0x1000, DESC_CALL_GATE32, 3, 0));
		if (rc != -XEN_EINVAL)
			fail_msg("gate to %#x: rc %d", hv[i], rc);
	}
	/* Bits 5-7 of a call gate are reserved; the parameter count may be set. */
	assert_int_equal(desc_check(gate(FLAT_RING1_CS, 0x1000, DESC_CALL_GATE32, 3, 0x20)),
			 -XEN_EINVAL);
	assert_int_equal(desc_check(gate(FLAT_RING1_CS, 0x1000, DESC_CALL_GATE32, 3, 0x1F)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(not_present_descriptors_always_pass),
		cmocka_unit_test(flat_guest_segments_below_the_hypervisor_pass),
		cmocka_unit_test(dpl_0_is_refused),
		cmocka_unit_test(segments_reaching_the_hypervisor_are_refused),
		cmocka_unit_test(granularity_bit_scales_the_limit),
		cmocka_unit_test(expand_down_segments_reach_their_upper_bound),
		cmocka_unit_test(system_descriptors_are_refused),
		cmocka_unit_test(call_gates_only_into_guest_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
