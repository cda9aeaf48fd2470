/*
 * The PV boot region (hv/pv_layout.c): pv_layout_compute puts the pieces in the
 * documented order and sizes, and pv_build_pagetables maps exactly that region,
 * checked by walking L3 -> L2 -> L1 over a fake memory whose P2M is not the
 * identity.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <layout.h>
#include <pte.h>
#include <pv_layout.h>
#include <public/errno.h>

#define KiB (1u << 10)
#define MiB (1u << 20)
#define GiB (1u << 30)
#define PG PAGE_SIZE
#define HV_START HYPERVISOR_VIRT_START

static uint32_t up(uint32_t v, uint32_t a)
{
	return (v + a - 1) / a * a;
}

static bool aligned(uint32_t v, uint32_t a)
{
	return v % a == 0;
}

/* ---- pv_layout_compute ---------------------------------------------------------- */

struct request {
	uint32_t virt_base, image_end, mod_len, nr_pages;
	bool domu;
};

static int compute(const struct request *r, struct pv_layout *l)
{
	return pv_layout_compute(r->virt_base, r->image_end, r->mod_len, r->nr_pages, r->domu, l);
}

/* 1 GiB L3 slots the region touches, plus slot 3 if it does not. */
static uint32_t expected_l2s(uint32_t start, uint32_t end)
{
	uint32_t first = start / GiB, last = (end - 1) / GiB;
	return last - first + 1 + (last < 3);
}

/* Every promise pv_layout.h makes about a successful layout. */
static void check_layout(const struct request *r, const struct pv_layout *l)
{
	assert_int_equal(l->virt_base, r->virt_base);
	assert_int_equal(l->image_end, up(r->image_end, PG));
	assert_int_equal(l->mod_start, l->image_end);
	assert_int_equal(l->mod_end - l->mod_start, up(r->mod_len, PG));
	assert_int_equal(l->p2m_start, l->mod_end);
	assert_int_equal(l->p2m_end - l->p2m_start, up(r->nr_pages * 4, PG));
	assert_int_equal(l->start_info, l->p2m_end);
	if (r->domu) {
		assert_int_equal(l->store_page, l->start_info + PG);
		assert_int_equal(l->console_page, l->store_page + PG);
		assert_int_equal(l->pt_start, l->console_page + PG);
	} else {
		assert_int_equal(l->store_page, 0);
		assert_int_equal(l->console_page, 0);
		assert_int_equal(l->pt_start, l->start_info + PG);
	}
	assert_int_equal(l->nr_l1, (l->v_end - (l->virt_base & ~(2 * MiB - 1))) / (2 * MiB));
	assert_int_equal(l->nr_l2, expected_l2s(l->virt_base, l->v_end));
	assert_int_equal(l->pt_end - l->pt_start, (1 + l->nr_l2 + l->nr_l1) * PG);
	assert_int_equal(l->stack_start, l->pt_end);
	assert_int_equal(l->stack_end, l->stack_start + PG);
	assert_true(aligned(l->v_end, 4 * MiB));
	assert_true(l->v_end - l->stack_end >= 512 * KiB);
	assert_true(l->v_end - l->stack_end < 512 * KiB + 4 * MiB); /* the first such end */
	assert_true(l->v_end <= HV_START);
	assert_int_equal(l->nr_pages, (l->v_end - l->virt_base) / PG);
	assert_true(l->nr_pages <= r->nr_pages);
	const uint32_t addr[] = { l->image_end, l->mod_start,  l->mod_end,     l->p2m_start,
				  l->p2m_end,	l->start_info, l->store_page,  l->console_page,
				  l->pt_start,	l->pt_end,     l->stack_start, l->stack_end };
	for (size_t i = 0; i < sizeof(addr) / sizeof(addr[0]); i++)
		assert_true(aligned(addr[i], PG));
}

static void expect_layout(const struct request *r, struct pv_layout *l)
{
	int rc = compute(r, l);
	if (rc)
		fail_msg("virt_base %#x image_end %#x mod %#x pages %u domu %d: rc %d",
			 r->virt_base, r->image_end, r->mod_len, r->nr_pages, r->domu, rc);
	check_layout(r, l);
}

static void dom0_pieces_follow_each_other_in_order(void **state)
{
	(void)state;
	struct request r = { 0xC0000000, 0xC0123456, 0x12345, 32768, false };
	struct pv_layout l;
	expect_layout(&r, &l);
	assert_int_equal(l.image_end, 0xC0124000);
	assert_int_equal(l.mod_end, 0xC0137000);
	assert_int_equal(l.p2m_end, 0xC0157000); /* 32768 entries: 128 KiB */
	assert_int_equal(l.start_info, 0xC0157000);
	assert_int_equal(l.pt_start, 0xC0158000);
	assert_int_equal(l.nr_l2, 1);
	assert_int_equal(l.nr_l1, 2);
	assert_int_equal(l.stack_end, 0xC015D000);
	assert_int_equal(l.v_end, 0xC0400000);
	assert_int_equal(l.nr_pages, 1024);
}

static void domu_gets_store_and_console_pages_before_the_tables(void **state)
{
	(void)state;
	struct request r = { 0xC0000000, 0xC0123456, 0, 32768, true };
	struct pv_layout l;
	expect_layout(&r, &l);
	assert_int_equal(l.mod_start, l.mod_end);
	assert_int_equal(l.store_page, 0xC0145000);
	assert_int_equal(l.console_page, 0xC0146000);
	assert_int_equal(l.pt_start, 0xC0147000);
}

static void exactly_512kib_spare_fits_one_more_page_does_not(void **state)
{
	(void)state;
	/* image, 1 P2M page, start_info, 4 table pages, stack, 512 KiB: 4 MiB. */
	struct request r = { 0xC0000000, 0xC0379000, 0, 1024, false };
	struct pv_layout l;
	expect_layout(&r, &l);
	assert_int_equal(l.v_end, 0xC0400000);
	assert_int_equal(l.v_end - l.stack_end, 512 * KiB);
	r.image_end += 1;
	r.nr_pages = 2048;
	expect_layout(&r, &l);
	assert_int_equal(l.v_end, 0xC0800000);
}

/* Many shapes of request: the promises hold for each. */
static void layout_promises_hold_across_sizes_and_bases(void **state)
{
	(void)state;
	const uint32_t bases[] = { 0,	       0x400000,   0x7FE00000, 0x80000000,
				   0xBFE01000, 0xC0000000, 0xC0101000, 0xE0000000 };
	const uint32_t mods[] = { 0, 1, 0x1000, 0x123457, 9 * MiB };
	for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++)
		for (uint32_t size = 1; size < 24 * MiB; size = size * 3 + 0x1235)
			for (size_t m = 0; m < sizeof(mods) / sizeof(mods[0]); m++)
				for (int domu = 0; domu < 2; domu++) {
					struct request r = { bases[b], bases[b] + size, mods[m],
							     65536, domu };
					struct pv_layout l;
					expect_layout(&r, &l);
				}
}

static void enomem_exactly_when_nr_pages_cannot_hold_the_region(void **state)
{
	(void)state;
	/* More frames mean a bigger P2M, so sweep: refused below one threshold, never
	 * above it, and every accepted layout fits. */
	uint32_t threshold = 0;
	for (uint32_t n = 0; n <= 4096; n++) {
		struct request r = { 0xC0000000, 0xC0300000, 0x20000, n, true };
		struct pv_layout l;
		int rc = compute(&r, &l);
		if (rc == -XEN_ENOMEM) {
			if (threshold)
				fail_msg("%u pages refused after %u fitted", n, threshold);
			continue;
		}
		assert_int_equal(rc, 0);
		check_layout(&r, &l);
		if (!threshold)
			threshold = n;
	}
	assert_int_equal(threshold, 1024);
}

static void expect_rc(uint32_t vb, uint32_t image_end, uint32_t mod_len, uint32_t nr, int want)
{
	struct pv_layout l;
	int rc = pv_layout_compute(vb, image_end, mod_len, nr, false, &l);
	if (rc != want)
		fail_msg("virt_base %#x image_end %#x mod %#x pages %#x: rc %d, want %d", vb,
			 image_end, mod_len, nr, rc, want);
}

static void einval_for_unaligned_virt_base(void **state)
{
	(void)state;
	expect_rc(0xC0000800, 0xC0100000, 0, 4096, -XEN_EINVAL);
	expect_rc(0xC0000001, 0xC0100000, 0, 4096, -XEN_EINVAL);
}

static void einval_when_image_does_not_end_above_virt_base(void **state)
{
	(void)state;
	expect_rc(0xC0000000, 0xC0000000, 0, 4096, -XEN_EINVAL);
	expect_rc(0xC0000000, 0xBFFFF000, 0, 4096, -XEN_EINVAL);
	expect_rc(0, 0, 0, 4096, -XEN_EINVAL);
}

static void einval_when_image_or_module_reaches_the_hypervisor(void **state)
{
	(void)state;
	expect_rc(0xF5000000, HV_START + 1, 0, 4096, -XEN_EINVAL);
	expect_rc(0xF5000000, 0xFFFFFFFF, 0, 4096, -XEN_EINVAL);
	expect_rc(HV_START, HV_START + 0x1000, 0, 4096, -XEN_EINVAL);
	expect_rc(0xC0000000, 0xC0100000, HV_START + 1, 4096, -XEN_EINVAL);
}

static void enomem_when_region_would_reach_the_hypervisor(void **state)
{
	(void)state;
	expect_rc(0xF5000000, HV_START, 0, 1u << 20, -XEN_ENOMEM);
	expect_rc(0xF5000000, 0xF5780000, 0, 4096, -XEN_ENOMEM);	      /* tables and spare */
	expect_rc(0xC0000000, 0xC0100000, 0x35800000, 1u << 20, -XEN_ENOMEM); /* module */
	expect_rc(0, 0x1000, 0, 0x3D600000, -XEN_ENOMEM); /* P2M: 0xF5800000 bytes */
}

static void enomem_when_p2m_alone_exceeds_the_address_space(void **state)
{
	(void)state;
	/* 2^30 frames need a 4 GiB P2M: nothing of it fits below the hypervisor. */
	expect_rc(0xC0000000, 0xC0100000, 0, 0x40000000, -XEN_ENOMEM);
	expect_rc(0xC0000000, 0xC0100000, 0, 0xFFFFFFFF, -XEN_ENOMEM);
}

/* ---- pv_build_pagetables ------------------------------------------------------- */

/* Guest frames in host memory; pfn -> mfn is pfn * 3 + 7, so a mix-up of the two
 * numbers shows. */
struct fake_mem {
	uint32_t nr;
	uint8_t (*page)[PAGE_SIZE];
	uint32_t *p2m;
	bool *touched;
	int mapped; /* frame_of calls not yet given back by unframe */
};

static uint32_t mfn_of(uint32_t pfn)
{
	return pfn * 3 + 7;
}

static uint32_t pfn_of(uint32_t mfn)
{
	if (mfn < 7 || (mfn - 7) % 3)
		fail_msg("mfn %#x is not any guest frame's", mfn);
	return (mfn - 7) / 3;
}

static void *frame_of(void *ctx, uint32_t pfn)
{
	struct fake_mem *m = ctx;
	if (pfn >= m->nr)
		fail_msg("frame(%u) beyond the %u frames of the region", pfn, m->nr);
	m->touched[pfn] = true;
	m->mapped++;
	return m->page[pfn];
}

static void unframe(void *ctx, void *page)
{
	struct fake_mem *m = ctx;
	uintptr_t off = (uintptr_t)page - (uintptr_t)m->page;
	if (off >= (uintptr_t)m->nr * PAGE_SIZE || off % PAGE_SIZE)
		fail_msg("unframe(%p): not a page of the region", page);
	m->mapped--;
}

static void fake_mem_init(struct fake_mem *m, uint32_t nr)
{
	m->nr = nr;
	m->page = malloc((size_t)nr * PAGE_SIZE);
	m->p2m = malloc(nr * sizeof(uint32_t));
	m->touched = calloc(nr, sizeof(bool));
	assert_true(m->page && m->p2m && m->touched);
	memset(m->page, 0xCC, (size_t)nr * PAGE_SIZE); /* stale contents */
	for (uint32_t pfn = 0; pfn < nr; pfn++)
		m->p2m[pfn] = mfn_of(pfn);
}

static void fake_mem_free(struct fake_mem *m)
{
	free(m->page);
	free(m->p2m);
	free(m->touched);
}

static const uint64_t *table_at(const struct fake_mem *m, uint64_t entry)
{
	uint32_t pfn = pfn_of(pte_mfn(entry));
	if (pfn >= m->nr)
		fail_msg("entry %#llx points outside the region", (unsigned long long)entry);
	return (const uint64_t *)m->page[pfn];
}

static uint64_t hv_entry(unsigned slot)
{
	return ((uint64_t)(0x1000 + slot) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW;
}

struct walk {
	unsigned nr_tables; /* distinct L2 and L1 pages reached */
	bool *is_table;	    /* by pfn */
};

/* The L2 or L1 an entry points to must lie in the (read-only) page-table area. */
static void note_table(struct walk *w, const struct pv_layout *l, uint64_t entry)
{
	uint32_t pfn = pfn_of(pte_mfn(entry));
	uint32_t va = l->virt_base + pfn * PAGE_SIZE;
	if (va < l->pt_start || va >= l->pt_end)
		fail_msg("table at %#x lies outside the page-table area", va);
	if (!w->is_table[pfn])
		w->nr_tables++;
	w->is_table[pfn] = true;
}

/* Walk every address of [virt_base, v_end) and check what it maps. */
static void check_mappings(const struct fake_mem *m, const struct pv_layout *l, const uint64_t *l3,
			   struct walk *w)
{
	for (uint32_t va = l->virt_base; va < l->v_end; va += PAGE_SIZE) {
		uint64_t l3e = l3[va >> L3_SHIFT];
		assert_int_equal(l3e & ~PTE_ADDR_MASK, _PAGE_PRESENT); /* PDPTE: P only */
		note_table(w, l, l3e);
		uint64_t l2e = table_at(m, l3e)[(va >> L2_SHIFT) & (PT_ENTRIES - 1)];
		assert_int_equal(l2e & (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_PSE),
				 _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
		note_table(w, l, l2e);
		uint64_t l1e = table_at(m, l2e)[(va >> PAGE_SHIFT) & (PT_ENTRIES - 1)];
		uint32_t pfn = (va - l->virt_base) >> PAGE_SHIFT;
		if (pte_mfn(l1e) != mfn_of(pfn) || (l1e & ~PTE_ADDR_MASK & ~0x1FFull) ||
		    !(l1e & _PAGE_PRESENT) || (l1e & (_PAGE_USER | _PAGE_PSE | _PAGE_GLOBAL)))
			fail_msg("va %#x: entry %#llx, want mfn %#x", va, (unsigned long long)l1e,
				 mfn_of(pfn));
		bool table = va >= l->pt_start && va < l->pt_end;
		if (!!(l1e & _PAGE_RW) == table)
			fail_msg("va %#x (%s) is mapped %s", va, table ? "page table" : "ordinary",
				 table ? "writable" : "read-only");
	}
}

/* Nothing outside the region is mapped, apart from the hypervisor's L2 slots. */
static void check_nothing_else(const struct fake_mem *m, const struct pv_layout *l,
			       const uint64_t *l3, const uint64_t *hv_l2)
{
	for (unsigned s3 = 4; s3 < PT_ENTRIES; s3++)
		assert_int_equal(l3[s3], 0);
	for (unsigned s3 = 0; s3 < 4; s3++) {
		bool used = s3 == 3 || (s3 >= l->virt_base / GiB && s3 <= (l->v_end - 1) / GiB);
		assert_int_equal(!!l3[s3], used);
		if (!used)
			continue;
		const uint64_t *l2 = table_at(m, l3[s3]);
		for (unsigned s2 = 0; s2 < PT_ENTRIES; s2++) {
			uint32_t va = s3 * GiB + s2 * 2 * MiB;
			if (s3 == 3 && s2 >= HV_L2_FIRST_SLOT) {
				assert_int_equal(l2[s2], hv_l2[s2 - HV_L2_FIRST_SLOT]);
				continue;
			}
			bool in = va + 2 * MiB > l->virt_base && va < l->v_end;
			if (!in) {
				assert_int_equal(l2[s2], 0);
				continue;
			}
			const uint64_t *l1 = table_at(m, l2[s2]);
			for (unsigned s1 = 0; s1 < PT_ENTRIES; s1++) {
				uint32_t a = va + s1 * PAGE_SIZE;
				if (a < l->virt_base || a >= l->v_end)
					assert_int_equal(l1[s1], 0);
			}
		}
	}
}

static void build_and_walk(uint32_t virt_base, uint32_t image_len)
{
	struct request r = { virt_base, virt_base + image_len, 0x3000, 4096, true };
	struct pv_layout l;
	expect_layout(&r, &l);
	struct fake_mem m;
	fake_mem_init(&m, l.nr_pages);
	uint64_t hv_l2[PT_ENTRIES - HV_L2_FIRST_SLOT];
	for (unsigned i = 0; i < PT_ENTRIES - HV_L2_FIRST_SLOT; i++)
		hv_l2[i] = hv_entry(HV_L2_FIRST_SLOT + i);

	uint32_t l3_mfn = pv_build_pagetables(&l, m.p2m, frame_of, unframe, &m, hv_l2);
	assert_int_equal(m.mapped, 0); /* every page it took, it gave back */

	uint32_t l3_pfn = (l.pt_start - l.virt_base) / PAGE_SIZE;
	assert_int_equal(l3_mfn, mfn_of(l3_pfn));
	const uint64_t *l3 = (const uint64_t *)m.page[l3_pfn];
	struct walk w = { 0, calloc(m.nr, sizeof(bool)) };
	assert_non_null(w.is_table);
	check_mappings(&m, &l, l3, &w);
	check_nothing_else(&m, &l, l3, hv_l2);
	/* Slot 3's L2 is a table even when the region does not reach slot 3. */
	note_table(&w, &l, l3[3]);
	assert_int_equal(w.nr_tables, l.nr_l2 + l.nr_l1);
	/* Only the table frames were written. */
	for (uint32_t pfn = 0; pfn < m.nr; pfn++) {
		uint32_t va = l.virt_base + pfn * PAGE_SIZE;
		assert_int_equal(m.touched[pfn], va >= l.pt_start && va < l.pt_end);
	}
	free(w.is_table);
	fake_mem_free(&m);
}

static void tables_map_kernel_region_at_3gib(void **state)
{
	(void)state;
	build_and_walk(0xC0000000, 5 * MiB + 0x123); /* several L1s, one L2 */
}

static void tables_map_region_at_zero_with_extra_l2_for_slot_3(void **state)
{
	(void)state;
	build_and_walk(0x00000000, 3 * MiB);
}

static void tables_map_region_not_2mib_aligned(void **state)
{
	(void)state;
	build_and_walk(0xC0101000, 3 * MiB);
}

static void tables_map_region_crossing_into_slot_3(void **state)
{
	(void)state;
	build_and_walk(0xBFE00000, 6 * MiB);
}

static void tables_map_region_crossing_two_low_slots(void **state)
{
	(void)state;
	build_and_walk(0x7FE00000, 6 * MiB); /* slots 1 and 2, plus slot 3 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dom0_pieces_follow_each_other_in_order),
		cmocka_unit_test(domu_gets_store_and_console_pages_before_the_tables),
		cmocka_unit_test(exactly_512kib_spare_fits_one_more_page_does_not),
		cmocka_unit_test(layout_promises_hold_across_sizes_and_bases),
		cmocka_unit_test(enomem_exactly_when_nr_pages_cannot_hold_the_region),
		cmocka_unit_test(einval_for_unaligned_virt_base),
		cmocka_unit_test(einval_when_image_does_not_end_above_virt_base),
		cmocka_unit_test(einval_when_image_or_module_reaches_the_hypervisor),
		cmocka_unit_test(enomem_when_region_would_reach_the_hypervisor),
		cmocka_unit_test(enomem_when_p2m_alone_exceeds_the_address_space),
		cmocka_unit_test(tables_map_kernel_region_at_3gib),
		cmocka_unit_test(tables_map_region_at_zero_with_extra_l2_for_slot_3),
		cmocka_unit_test(tables_map_region_not_2mib_aligned),
		cmocka_unit_test(tables_map_region_crossing_into_slot_3),
		cmocka_unit_test(tables_map_region_crossing_two_low_slots),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
