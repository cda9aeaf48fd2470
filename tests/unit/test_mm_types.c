/*
 * Page types and reference counts (hv/mm_types.c), run on a small frame table
 * whose frames are host memory: validation takes exactly the references the
 * entries name and devalidation gives them back, a frame has one type at a
 * time, tables cannot contain themselves, the hypervisor's L2 slots are ours,
 * the TLB is flushed before a frame that may be cached changes type, and a
 * dying domain's frames are freed or orphaned, never leaked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <layout.h>
#include <mm_types.h>
#include <pte.h>
#include <public/errno.h>

#define NR 64
#define DOM 1
#define OTHER 2

static struct page_info table[NR];
static uint64_t mem[NR][PT_ENTRIES] __attribute__((aligned(4096)));
static uint64_t hv_l2[PT_ENTRIES - HV_L2_FIRST_SLOT];
static unsigned flushes;

/* The hooks mm_types.c expects from the hypervisor. */
static int mapped; /* frame_maps not yet unmapped: 0 whenever mm_types.c returns */

void *frame_map(uint32_t mfn)
{
	assert_true(mfn < NR);
	mapped++;
	return mem[mfn];
}

void frame_unmap(const void *p)
{
	uintptr_t off = (uintptr_t)p - (uintptr_t)mem;
	assert_true(off < sizeof(mem));
	assert_true(mapped > 0);
	mapped--;
}

const uint64_t *paging_hv_l2_entries(void)
{
	return hv_l2;
}

void mm_flush_tlb(void)
{
	flushes++;
	mm_tlb_flushed();
}

/* The hypervisor owes it until something writes through a guest address;
 * here it is paid at once. */
void mm_retype_flush(void)
{
	mm_flush_tlb();
}

#define P _PAGE_PRESENT
#define RW _PAGE_RW
#define PDE (P | RW | _PAGE_USER | _PAGE_ACCESSED)

static uint64_t e(uint32_t mfn, uint64_t flags)
{
	return ((uint64_t)mfn << 12) | flags;
}

static uint32_t alloc(uint16_t owner)
{
	uint32_t mfn = frame_alloc(owner);
	assert_int_not_equal(mfn, INVALID_MFN);
	memset(mem[mfn], 0, sizeof(mem[mfn]));
	return mfn;
}

static struct page_info *pg(uint32_t mfn)
{
	return frame_info(mfn);
}

static int setup(void **state)
{
	(void)state;
	frame_table_init(table, NR);
	frame_add_free(1, NR - 1);
	for (unsigned i = 0; i < PT_ENTRIES - HV_L2_FIRST_SLOT; i++)
		hv_l2[i] = e(0x40000 + i, P | RW);
	flushes = 0;
	mapped = 0;
	return 0;
}

/* Every frame mm_types.c mapped, it unmapped (the mapping cache's slots are few). */
static int teardown(void **state)
{
	(void)state;
	return mapped == 0 ? 0 : -1;
}

/* An L3 -> slot-3 L2 -> L1 tree mapping `data` writable; mfns out. */
struct tree {
	uint32_t l3, l2, l1;
};
static struct tree make_tree(uint32_t data)
{
	struct tree t = { alloc(DOM), alloc(DOM), alloc(DOM) };
	mem[t.l3][3] = e(t.l2, P);
	mem[t.l2][0] = e(t.l1, PDE);
	mem[t.l1][0] = e(data, P | RW);
	return t;
}

static void general_references_need_the_owner(void **state)
{
	(void)state;
	uint32_t mine = alloc(DOM), theirs = alloc(OTHER);
	assert_int_equal(get_page(mine, DOM), 0);
	assert_int_equal(pg(mine)->count, 2);
	assert_int_equal(get_page(theirs, DOM), -XEN_EPERM);
	assert_int_equal(get_page(NR + 5, DOM), -XEN_EPERM);
	assert_int_equal(get_page(NR - 1, OWNER_NONE), -XEN_EPERM); /* not RAM */
	put_page(mine);
	assert_int_equal(pg(mine)->count, 1);
	put_page(mine); /* the allocation's reference: the frame goes back */
	assert_true(pg(mine)->flags & PGF_FREE);
	assert_int_equal(get_page(mine, DOM), -XEN_EPERM);
}

static void one_type_at_a_time(void **state)
{
	(void)state;
	uint32_t f = alloc(DOM);
	assert_int_equal(get_page_type(f, PGT_writable), 0);
	assert_int_equal(get_page_type(f, PGT_l1), -XEN_EINVAL);
	assert_int_equal(get_page_type(f, PGT_seg_desc), -XEN_EINVAL);
	assert_int_equal(get_page_type(f, PGT_writable), 0);
	assert_int_equal(pg(f)->type_count, 2);
	put_page_type(f);
	put_page_type(f);
	/* Count 0: the type may change, and the contents are checked. */
	assert_int_equal(get_page_type(f, PGT_l1), 0);
	assert_true(pg(f)->flags & PGF_VALIDATED);
	assert_int_equal(get_page_type(f, PGT_writable), -XEN_EINVAL);
	assert_int_equal(get_page_type(f, PGT_l2), -XEN_EINVAL);
	put_page_type(f);
	assert_false(pg(f)->flags & PGF_VALIDATED);
}

static void l1_validation_takes_and_gives_back_references(void **state)
{
	(void)state;
	uint32_t l1 = alloc(DOM), a = alloc(DOM), b = alloc(DOM);
	mem[l1][0] = e(a, P | RW);
	mem[l1][1] = e(b, P);
	mem[l1][2] = e(b, P);
	mem[l1][3] = e(a, P | RW | _PAGE_NX); /* the writable type is held already */
	assert_int_equal(mm_pin(l1, DOM, PGT_l1), 0);
	assert_int_equal(pg(a)->count, 3);
	assert_int_equal(pg(a)->type, PGT_writable);
	assert_int_equal(pg(a)->type_count, 2);
	assert_int_equal(pg(b)->count, 3);
	assert_int_equal(pg(b)->type_count, 0);
	assert_int_equal(pg(l1)->count, 2); /* allocation + pin */
	assert_int_equal(mm_unpin(l1, DOM), 0);
	assert_int_equal(pg(a)->count, 1);
	assert_int_equal(pg(a)->type_count, 0);
	assert_int_equal(pg(b)->count, 1);
	assert_int_equal(pg(l1)->count, 1);
	assert_int_equal(pg(l1)->type_count, 0);
}

/* Devalidation looks only where validation found entries and updates put
 * them: every reference must still come back. */
static void devalidation_finds_entries_added_after_validation(void **state)
{
	(void)state;
	uint32_t l1 = alloc(DOM), l2 = alloc(DOM), empty = alloc(DOM), a = alloc(DOM),
		 b = alloc(DOM);
	mem[l1][40] = e(a, P);
	mem[l1][41] = e(a, P);
	assert_int_equal(mm_pin(l1, DOM, PGT_l1), 0);
	assert_int_equal(pg(l1)->span.lo, 40);
	assert_int_equal(pg(l1)->span.hi, 42);
	assert_int_equal(mm_update_l1e(l1, 3, e(b, P), DOM, DOM), 0);	     /* below it */
	assert_int_equal(mm_update_l1e(l1, 511, e(b, P | RW), DOM, DOM), 0); /* above it */
	assert_int_equal(mm_update_l1e(l1, 40, 0, DOM, DOM), 0);	     /* removal */
	assert_int_equal(pg(a)->count, 2);
	assert_int_equal(pg(b)->count, 3);
	assert_int_equal(mm_unpin(l1, DOM), 0);
	assert_int_equal(pg(a)->count, 1);
	assert_int_equal(pg(b)->count, 1);
	assert_int_equal(pg(b)->type_count, 0);
	/* An empty L2 gets an entry later; its L1 loses the type with the L2. */
	assert_int_equal(mm_pin(l2, DOM, PGT_l2), 0);
	assert_int_equal(pg(l2)->span.lo, pg(l2)->span.hi);
	assert_int_equal(mm_update_l2e(l2, 300, e(empty, PDE), DOM), 0);
	assert_int_equal(pg(empty)->type, PGT_l1);
	assert_int_equal(mm_unpin(l2, DOM), 0);
	assert_int_equal(pg(empty)->type_count, 0);
	assert_int_equal(pg(empty)->count, 1);
}

static void failed_validation_leaves_nothing_behind(void **state)
{
	(void)state;
	uint32_t l1 = alloc(DOM), a = alloc(DOM), theirs = alloc(OTHER);
	mem[l1][0] = e(a, P | RW);
	mem[l1][1] = e(a, P);
	mem[l1][7] = e(theirs, P);
	assert_int_equal(mm_pin(l1, DOM, PGT_l1), -XEN_EPERM);
	assert_int_equal(pg(a)->count, 1);
	assert_int_equal(pg(a)->type_count, 0);
	assert_int_equal(pg(theirs)->count, 1);
	assert_int_equal(pg(l1)->count, 1);
	assert_int_equal(pg(l1)->type_count, 0);
	assert_false(pg(l1)->flags & (PGF_PINNED | PGF_VALIDATED));
	/* The frame is ordinary memory again: it may be mapped writable. */
	assert_int_equal(get_page_type(l1, PGT_writable), 0);
	/* Bad bits are refused as in any single update. */
	put_page_type(l1);
	mem[l1][7] = e(a, P | _PAGE_PSE);
	assert_int_equal(mm_pin(l1, DOM, PGT_l1), -XEN_EINVAL);
	mem[l1][7] = e(a, P | _PAGE_GLOBAL);
	assert_int_equal(mm_pin(l1, DOM, PGT_l1), -XEN_EINVAL);
	mem[l1][7] = e(a, P) | (1ull << 52); /* reserved */
	assert_int_equal(mm_pin(l1, DOM, PGT_l1), -XEN_EINVAL);
	mem[l1][7] = e(a, P) | (1ull << 40); /* an address beyond the frame table */
	assert_int_equal(mm_pin(l1, DOM, PGT_l1), -XEN_EPERM);
	assert_int_equal(pg(a)->count, 1);
	assert_int_equal(pg(a)->type_count, 0);
}

static void a_table_cannot_map_itself_writable(void **state)
{
	(void)state;
	uint32_t l1 = alloc(DOM);
	mem[l1][0] = e(l1, P | RW);
	assert_int_equal(mm_pin(l1, DOM, PGT_l1), -XEN_EPERM);
	mem[l1][0] = e(l1, P); /* read-only: allowed */
	assert_int_equal(mm_pin(l1, DOM, PGT_l1), 0);
	assert_int_equal(pg(l1)->count, 3);
	/* Nor may a later update make it writable. */
	assert_int_equal(mm_update_l1e(l1, 1, e(l1, P | RW), DOM, DOM), -XEN_EPERM);
	assert_int_equal(mem[l1][1], 0);
	assert_int_equal(mm_unpin(l1, DOM), 0);
	assert_int_equal(pg(l1)->count, 1);
}

static void l2_entries_name_only_l1_tables(void **state)
{
	(void)state;
	uint32_t l2 = alloc(DOM), l1 = alloc(DOM), data = alloc(DOM), theirs = alloc(OTHER);
	assert_int_equal(mm_pin(l2, DOM, PGT_l2), 0);
	/* Recursive: the L2 itself. */
	assert_int_equal(mm_update_l2e(l2, 0, e(l2, PDE), DOM), -XEN_EINVAL);
	/* A frame mapped writable cannot become an L1. */
	assert_int_equal(get_page_type(data, PGT_writable), 0);
	assert_int_equal(mm_update_l2e(l2, 0, e(data, PDE), DOM), -XEN_EINVAL);
	put_page_type(data);
	/* Superpages, reserved bits, other domains' frames. */
	assert_int_equal(mm_update_l2e(l2, 0, e(l1, PDE | _PAGE_PSE), DOM), -XEN_EINVAL);
	assert_int_equal(mm_update_l2e(l2, 0, e(l1, PDE) | (1ull << 55), DOM), -XEN_EINVAL);
	assert_int_equal(mm_update_l2e(l2, 0, e(theirs, PDE), DOM), -XEN_EPERM);
	/* An L1 whose contents do not validate. */
	mem[l1][3] = e(theirs, P);
	assert_int_equal(mm_update_l2e(l2, 0, e(l1, PDE), DOM), -XEN_EPERM);
	assert_int_equal(pg(l1)->type_count, 0);
	assert_int_equal(mem[l2][0], 0);
	/* A good one; NX is fine in an L2. */
	mem[l1][3] = e(data, P | RW);
	assert_int_equal(mm_update_l2e(l2, 0, e(l1, PDE | _PAGE_NX), DOM), 0);
	assert_int_equal(pg(l1)->type, PGT_l1);
	assert_int_equal(pg(data)->type_count, 1);
	/* Replace it with nothing: the L1 is devalidated, its references go. */
	assert_int_equal(mm_update_l2e(l2, 0, 0, DOM), 0);
	assert_int_equal(pg(l1)->type_count, 0);
	assert_int_equal(pg(data)->type_count, 0);
	assert_int_equal(pg(data)->count, 1);
	assert_int_equal(mm_unpin(l2, DOM), 0);
}

static void hypervisor_slots_are_filled_and_fixed(void **state)
{
	(void)state;
	uint32_t data = alloc(DOM);
	struct tree t = make_tree(data);
	mem[t.l2][HV_L2_FIRST_SLOT] = e(data, PDE); /* the guest's try: replaced */
	mem[t.l2][511] = e(data, P);
	assert_int_equal(mm_pin(t.l3, DOM, PGT_l3), 0);
	assert_int_equal(pg(t.l2)->type, PGT_l2 | PGT_PAE_XEN_L2);
	assert_memory_equal(&mem[t.l2][HV_L2_FIRST_SLOT], hv_l2, sizeof(hv_l2));
	assert_int_equal(pg(data)->count, 2); /* only the L1's mapping */
	assert_int_equal(mm_update_l2e(t.l2, HV_L2_FIRST_SLOT, 0, DOM), -XEN_EPERM);
	assert_int_equal(mm_update_l2e(t.l2, 511, e(t.l1, PDE), DOM), -XEN_EPERM);
	assert_memory_equal(&mem[t.l2][HV_L2_FIRST_SLOT], hv_l2, sizeof(hv_l2));
	assert_int_equal(mm_update_l2e(t.l2, HV_L2_FIRST_SLOT - 1, e(t.l1, PDE), DOM), 0);
	assert_int_equal(pg(t.l1)->type_count, 2);
	assert_int_equal(mm_unpin(t.l3, DOM), 0);
	/* Devalidated: no hypervisor entry stays in a page the guest may map. */
	for (unsigned i = HV_L2_FIRST_SLOT; i < PT_ENTRIES; i++)
		assert_int_equal(mem[t.l2][i], 0);
	assert_int_equal(pg(t.l1)->type_count, 0);
	assert_int_equal(pg(data)->count, 1);
}

static void slot_3_l2_is_shared_only_as_slot_3(void **state)
{
	(void)state;
	uint32_t data = alloc(DOM), other_l3 = alloc(DOM), plain = alloc(DOM);
	struct tree t = make_tree(data);
	assert_int_equal(mm_pin(t.l3, DOM, PGT_l3), 0);
	/* The same L2 under a second L3's slot 3: one more type reference, and
	 * the first L3's tables stay validated while the second goes. A
	 * validated L3 records its slot-3 L2 (NEW_BASEPTR compares them). */
	mem[other_l3][3] = e(t.l2, P);
	assert_int_equal(mm_pin(other_l3, DOM, PGT_l3), 0);
	assert_int_equal(pg(other_l3)->kernel_l2, t.l2);
	assert_int_equal(pg(t.l3)->kernel_l2, t.l2);
	assert_int_equal(pg(t.l2)->type_count, 2);
	assert_int_equal(mm_unpin(other_l3, DOM), 0);
	assert_int_equal(pg(t.l2)->type_count, 1);
	assert_true(pg(t.l2)->flags & PGF_VALIDATED);
	assert_memory_equal(&mem[t.l2][HV_L2_FIRST_SLOT], hv_l2, sizeof(hv_l2));
	assert_int_equal(pg(t.l1)->type_count, 1);
	/* ... but not under slot 0: a different type. */
	mem[other_l3][3] = e(plain, P);
	mem[other_l3][0] = e(t.l2, P);
	assert_int_equal(mm_pin(other_l3, DOM, PGT_l3), -XEN_EINVAL);
	assert_int_equal(pg(plain)->type_count, 0);
	/* A pinned (plain) L2 cannot go under slot 3 either. */
	mem[other_l3][0] = 0;
	assert_int_equal(mm_pin(plain, DOM, PGT_l2), 0);
	assert_int_equal(mm_pin(other_l3, DOM, PGT_l3), -XEN_EINVAL);
	assert_int_equal(mm_unpin(plain, DOM), 0);
	assert_int_equal(mm_pin(other_l3, DOM, PGT_l3), 0);
	assert_int_equal(pg(t.l2)->type_count, 1);
	assert_int_equal(mm_unpin(other_l3, DOM), 0);
	assert_int_equal(mm_unpin(t.l3, DOM), 0);
}

static void l3_entries_carry_only_present_and_address(void **state)
{
	(void)state;
	uint32_t data = alloc(DOM), l2 = alloc(DOM);
	struct tree t = make_tree(data);
	mem[t.l3][3] = 0;
	assert_int_equal(mm_pin(t.l3, DOM, PGT_l3), -XEN_EINVAL); /* slot 3 must be present */
	mem[t.l3][3] = e(t.l2, P | RW);
	assert_int_equal(mm_pin(t.l3, DOM, PGT_l3), -XEN_EINVAL);
	mem[t.l3][3] = e(t.l2, P) | _PAGE_NX;
	assert_int_equal(mm_pin(t.l3, DOM, PGT_l3), -XEN_EINVAL);
	mem[t.l3][3] = e(t.l2, P);
	assert_int_equal(mm_pin(t.l3, DOM, PGT_l3), 0);
	const uint64_t bad[] = { e(l2, P | RW),
				 e(l2, P | _PAGE_USER),
				 e(l2, P | _PAGE_ACCESSED),
				 e(l2, P | 0x200),
				 e(l2, P) | (1ull << 52),
				 e(t.l1, P),
				 e(data, P),
				 e(t.l3, P) };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = mm_update_l3e(t.l3, 0, bad[i], DOM);
		if (rc != -XEN_EINVAL)
			fail_msg("bad L3 entry %zu: rc %d", i, rc);
	}
	assert_int_equal(mem[t.l3][0], 0);
	/* Slot 3 is fixed; there is no slot 4. */
	assert_int_equal(mm_update_l3e(t.l3, 3, e(l2, P), DOM), -XEN_EINVAL);
	assert_int_equal(mm_update_l3e(t.l3, 4, 0, DOM), -XEN_EINVAL);
	assert_int_equal(mm_update_l3e(t.l3, 0, e(l2, P), DOM), 0);
	assert_int_equal(pg(l2)->type, PGT_l2);
	assert_int_equal(mm_update_l3e(t.l3, 0, 0, DOM), 0);
	assert_int_equal(pg(l2)->type_count, 0);
	assert_int_equal(mm_unpin(t.l3, DOM), 0);
}

static void updates_swap_references(void **state)
{
	(void)state;
	uint32_t l1 = alloc(DOM), a = alloc(DOM), b = alloc(DOM), theirs = alloc(OTHER);
	assert_int_equal(mm_pin(l1, DOM, PGT_l1), 0);
	assert_int_equal(mm_update_l1e(l1, 5, e(a, P | RW), DOM, DOM), 0);
	assert_int_equal(mm_update_l1e(l1, 5, e(b, P | RW), DOM, DOM), 0);
	assert_int_equal(pg(a)->type_count, 0);
	assert_int_equal(pg(a)->count, 1);
	assert_int_equal(pg(b)->type_count, 1);
	/* A refused update changes nothing. */
	assert_int_equal(mm_update_l1e(l1, 5, e(theirs, P), DOM, DOM), -XEN_EPERM);
	assert_int_equal(mem[l1][5], e(b, P | RW));
	assert_int_equal(pg(b)->type_count, 1);
	/* A privileged caller naming OTHER may map OTHER's frame. */
	assert_int_equal(mm_update_l1e(l1, 5, e(theirs, P | RW), DOM, OTHER), 0);
	assert_int_equal(pg(theirs)->count, 2);
	assert_int_equal(pg(b)->count, 1);
	/* Not a table, or not at this level. */
	assert_int_equal(mm_update_l1e(a, 0, 0, DOM, DOM), -XEN_EINVAL);
	assert_int_equal(mm_update_l2e(l1, 0, 0, DOM), -XEN_EINVAL);
	assert_int_equal(mm_update_l1e(l1, PT_ENTRIES, 0, DOM, DOM), -XEN_EINVAL);
	assert_int_equal(mm_unpin(l1, DOM), 0);
	assert_int_equal(pg(theirs)->count, 1);
}

/* A mapping that only gains or loses RW keeps its general reference and
 * moves the writable type alone; it is refused where a new mapping would be. */
static void rw_flips_move_only_the_writable_type(void **state)
{
	(void)state;
	uint32_t l1 = alloc(DOM), a = alloc(DOM), table_frame = alloc(DOM), theirs = alloc(OTHER);
	assert_int_equal(mm_pin(l1, DOM, PGT_l1), 0);
	assert_int_equal(mm_update_l1e(l1, 7, e(a, P | RW), DOM, DOM), 0);
	assert_int_equal(mm_update_l1e(l1, 7, e(a, P), DOM, DOM), 0);
	assert_int_equal(mem[l1][7], e(a, P));
	assert_int_equal(pg(a)->count, 2);
	assert_int_equal(pg(a)->type_count, 0);
	mm_flush_tlb();
	unsigned base = flushes;
	/* The drop was not invalidated: a new type still flushes first. */
	assert_int_equal(mm_update_l1e(l1, 7, e(a, P | RW), DOM, DOM), 0);
	assert_int_equal(pg(a)->type, PGT_writable);
	assert_int_equal(pg(a)->type_count, 1);
	assert_int_equal(pg(a)->count, 2);
	assert_int_equal(mm_update_l1e(l1, 7, e(a, P), DOM, DOM), 0);
	assert_int_equal(get_page_type(a, PGT_l1), 0);
	assert_int_equal(flushes, base + 1);

	/* A page table cannot be made writable this way either. */
	assert_int_equal(mm_update_l1e(l1, 8, e(table_frame, P), DOM, DOM), 0);
	assert_int_equal(get_page_type(table_frame, PGT_l1), 0);
	assert_int_equal(mm_update_l1e(l1, 8, e(table_frame, P | RW), DOM, DOM), -XEN_EPERM);
	assert_int_equal(mem[l1][8], e(table_frame, P));
	assert_int_equal(pg(table_frame)->type, PGT_l1);
	assert_int_equal(pg(table_frame)->type_count, 1);
	assert_int_equal(pg(table_frame)->count, 2);

	/* Another domain's frame, mapped by naming it, keeps that rule. */
	assert_int_equal(mm_update_l1e(l1, 9, e(theirs, P), DOM, OTHER), 0);
	assert_int_equal(mm_update_l1e(l1, 9, e(theirs, P | RW), DOM, DOM), -XEN_EPERM);
	assert_int_equal(pg(theirs)->type_count, 0);
	assert_int_equal(mm_update_l1e(l1, 9, e(theirs, P | RW), DOM, OTHER), 0);
	assert_int_equal(pg(theirs)->type_count, 1);
	assert_int_equal(pg(theirs)->count, 2);

	put_page_type(a);
	put_page_type(table_frame);
	assert_int_equal(mm_unpin(l1, DOM), 0);
	assert_int_equal(pg(a)->count, 1);
	assert_int_equal(pg(table_frame)->count, 1);
	assert_int_equal(pg(theirs)->count, 1);
	assert_int_equal(pg(theirs)->type_count, 0);
}

static void pin_rules(void **state)
{
	(void)state;
	uint32_t l1 = alloc(DOM), theirs = alloc(OTHER);
	assert_int_equal(mm_unpin(l1, DOM), -XEN_EINVAL);
	assert_int_equal(mm_pin(theirs, DOM, PGT_l1), -XEN_EPERM);
	assert_int_equal(mm_pin(NR + 1, DOM, PGT_l1), -XEN_EPERM);
	assert_int_equal(get_page_type(l1, PGT_writable), 0);
	assert_int_equal(mm_pin(l1, DOM, PGT_l1), -XEN_EINVAL); /* mapped writable */
	put_page_type(l1);
	assert_int_equal(mm_pin(l1, DOM, PGT_l1), 0);
	assert_int_equal(mm_pin(l1, DOM, PGT_l1), -XEN_EINVAL); /* already */
	assert_int_equal(mm_pin(l1, DOM, PGT_l2), -XEN_EINVAL);
	assert_int_equal(mm_unpin(l1, OTHER), -XEN_EINVAL);
	assert_int_equal(mm_unpin(l1, DOM), 0);
	assert_int_equal(mm_unpin(l1, DOM), -XEN_EINVAL);
	assert_int_equal(pg(l1)->count, 1);
}

static void retyping_a_cached_frame_flushes_the_tlb(void **state)
{
	(void)state;
	uint32_t f = alloc(DOM), g = alloc(DOM), fresh = alloc(DOM);
	/* Never typed: nothing can be cached, no flush. */
	assert_int_equal(get_page_type(fresh, PGT_l1), 0);
	assert_int_equal(flushes, 0);
	/* Mapped writable, then unmapped: a stale writable TLB entry may remain. */
	assert_int_equal(get_page_type(f, PGT_writable), 0);
	assert_int_equal(get_page_type(g, PGT_writable), 0);
	put_page_type(f);
	put_page_type(g);
	assert_int_equal(get_page_type(f, PGT_l1), 0);
	assert_int_equal(flushes, 1);
	/* That flush covered g too. */
	assert_int_equal(get_page_type(g, PGT_seg_desc), 0);
	assert_int_equal(flushes, 1);
	/* A page table may still sit in paging-structure caches: writable again
	 * only after a flush. */
	put_page_type(f);
	assert_int_equal(get_page_type(f, PGT_writable), 0);
	assert_int_equal(flushes, 2);
	/* The same type again needs no flush. */
	put_page_type(fresh);
	assert_int_equal(get_page_type(fresh, PGT_l1), 0);
	assert_int_equal(flushes, 2);
	put_page_type(g);
	put_page_type(fresh);
	put_page_type(f);
}

/* Every drop of a writable mapping may leave a stale TLB entry, not only the
 * last: only one invalidated at its only address (mm_update_l1e_invlpg) is
 * known not to. */
static void only_invalidated_writable_mappings_spare_the_retype_flush(void **state)
{
	(void)state;
	uint32_t data = alloc(DOM);
	struct tree t = make_tree(data);
	mem[t.l1][1] = e(data, P | RW); /* a second writable mapping */
	assert_int_equal(mm_pin(t.l3, DOM, PGT_l3), 0);
	assert_int_equal(pg(data)->type_count, 2);
	mm_flush_tlb(); /* what came before is flushed */
	unsigned base = flushes;

	/* The first drop is not invalidated, the last one is: still a flush. */
	assert_int_equal(mm_update_l1e(t.l1, 1, 0, DOM, DOM), 0);
	assert_int_equal(mm_update_l1e_invlpg(t.l1, 0, e(data, P), DOM), 0);
	assert_int_equal(pg(data)->type_count, 0);
	assert_int_equal(get_page_type(data, PGT_l1), 0);
	assert_int_equal(flushes, base + 1);
	put_page_type(data);
	mm_flush_tlb(); /* a switch: the L1 type is no longer cached */
	base = flushes;

	/* Writable again, then dropped with its one address invalidated: no flush. */
	assert_int_equal(mm_update_l1e(t.l1, 0, e(data, P | RW), DOM, DOM), 0);
	assert_int_equal(mm_update_l1e_invlpg(t.l1, 0, e(data, P), DOM), 0);
	assert_false(frames.drop_invalidated);
	assert_int_equal(get_page_type(data, PGT_l1), 0);
	assert_int_equal(flushes, base);
	put_page_type(data);
	assert_int_equal(mm_unpin(t.l3, DOM), 0);
}

/* NEW_BASEPTR's put of the L3 it just flushed off the CPU. */
static void tables_dropped_after_a_switch_need_no_second_flush(void **state)
{
	(void)state;
	uint32_t data = alloc(DOM);
	struct tree t = make_tree(data);
	mem[t.l1][0] = e(data, P); /* read-only: the L1 is its only table */
	assert_int_equal(mm_pin(t.l3, DOM, PGT_l3), 0);
	assert_int_equal(get_page_and_type(t.l3, DOM, PGT_l3), 0); /* as CR3 */
	assert_int_equal(mm_unpin(t.l3, DOM), 0);		   /* CR3 keeps it */
	assert_true(pg(t.l1)->flags & PGF_VALIDATED);
	mm_flush_tlb(); /* the switch's CR3 load */
	put_unloaded_l3(t.l3);
	assert_int_equal(pg(t.l1)->type_count, 0);
	assert_int_equal(pg(data)->count, 1);
	/* The L1 becomes writable memory with no flush of its own. */
	assert_int_equal(get_page_type(t.l1, PGT_writable), 0);
	assert_int_equal(flushes, 1);
	put_page_type(t.l1);
	/* Dropped any other way, it may still be cached: a flush first (and one
	 * when it is pinned again, as it was writable memory just before). */
	assert_int_equal(mm_pin(t.l3, DOM, PGT_l3), 0);
	assert_int_equal(flushes, 2);
	assert_int_equal(mm_unpin(t.l3, DOM), 0);
	assert_int_equal(get_page_type(t.l1, PGT_writable), 0);
	assert_int_equal(flushes, 3);
	put_page_type(t.l1);
}

static void freed_frames_are_flushed_before_reuse(void **state)
{
	(void)state;
	uint32_t f = alloc(DOM);
	mm_flush_freed();
	assert_int_equal(flushes, 0);
	put_page(f); /* freed: some TLB may still map it */
	mm_flush_freed();
	assert_int_equal(flushes, 1);
	mm_flush_freed();
	assert_int_equal(flushes, 1);
}

static void descriptor_frames(void **state)
{
	(void)state;
	uint32_t gdt = alloc(DOM), l1 = alloc(DOM);
	((uint32_t *)mem[gdt])[3] = 0x00009A00; /* entry 1: present DPL 0 code */
	assert_int_equal(get_page_and_type(gdt, DOM, PGT_seg_desc), -XEN_EINVAL);
	((uint32_t *)mem[gdt])[3] = 0x0000BA00; /* DPL 1 */
	assert_int_equal(get_page_and_type(gdt, DOM, PGT_seg_desc), 0);
	/* A descriptor frame is never writable through a mapping. */
	assert_int_equal(mm_pin(l1, DOM, PGT_l1), 0);
	assert_int_equal(mm_update_l1e(l1, 0, e(gdt, P | RW), DOM, DOM), -XEN_EPERM);
	assert_int_equal(mm_update_l1e(l1, 0, e(gdt, P), DOM, DOM), 0);
	assert_int_equal(mm_unpin(l1, DOM), 0);
	put_page_and_type(gdt);
	assert_int_equal(pg(gdt)->count, 1);
}

static void dying_domain_frames_are_freed_or_orphaned(void **state)
{
	(void)state;
	uint32_t data = alloc(DOM), shared = alloc(DOM), other_l1 = alloc(OTHER);
	struct tree t = make_tree(data);
	uint32_t free_before = frames.nr_free;
	mem[t.l1][1] = e(shared, P | RW);
	assert_int_equal(mm_pin(t.l3, DOM, PGT_l3), 0);
	assert_int_equal(get_page_and_type(t.l3, DOM, PGT_l3), 0); /* as a CR3 */
	/* OTHER (privileged) maps `shared` writable. */
	assert_int_equal(mm_pin(other_l1, OTHER, PGT_l1), 0);
	assert_int_equal(mm_update_l1e(other_l1, 0, e(shared, P | RW), OTHER, DOM), 0);

	put_page_and_type(t.l3); /* the CR3 reference goes first */
	assert_int_equal(mm_release_frames(DOM), 1);
	assert_int_equal(frame_count_owned(DOM), 0);
	assert_int_equal(frames.nr_free, free_before + 4); /* data, l3, l2, l1 */
	assert_true(pg(shared)->flags & PGF_ORPHAN);
	assert_int_equal(pg(shared)->owner, OWNER_XEN);
	assert_int_equal(pg(shared)->count, 1);
	/* The orphan cannot be mapped again, and goes with its last mapping. */
	assert_int_equal(mm_update_l1e(other_l1, 1, e(shared, P), OTHER, DOM), -XEN_EPERM);
	assert_int_equal(mm_update_l1e(other_l1, 0, 0, OTHER, OTHER), 0);
	assert_true(pg(shared)->flags & PGF_FREE);
	assert_int_equal(frames.nr_free, free_before + 5);
	assert_int_equal(mm_unpin(other_l1, OTHER), 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(general_references_need_the_owner),
		T(one_type_at_a_time),
		T(l1_validation_takes_and_gives_back_references),
		T(devalidation_finds_entries_added_after_validation),
		T(failed_validation_leaves_nothing_behind),
		T(a_table_cannot_map_itself_writable),
		T(l2_entries_name_only_l1_tables),
		T(hypervisor_slots_are_filled_and_fixed),
		T(slot_3_l2_is_shared_only_as_slot_3),
		T(tables_dropped_after_a_switch_need_no_second_flush),
		T(l3_entries_carry_only_present_and_address),
		T(updates_swap_references),
		T(rw_flips_move_only_the_writable_type),
		T(pin_rules),
		T(retyping_a_cached_frame_flushes_the_tlb),
		T(only_invalidated_writable_mappings_spare_the_retype_flush),
		T(freed_frames_are_flushed_before_reuse),
		T(descriptor_frames),
		T(dying_domain_frames_are_freed_or_orphaned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
