/*
 * The PV MMU self-test (group "selftest", run by dom0): for every rule of
 * validated direct paging a hostile attempt to break it, each checking the
 * documented error and that nothing changed (the entry read back, or the
 * frame's type probed by a follow-up operation); then the positive cases: a
 * second address space built from spare frames, a GDT of our own, and a
 * 100000-request batch that the hypervisor splits while our timer keeps firing.
 * docs/hostile-tests.md lists each test with the rule it proves.
 */
#include "events.h"
#include "domctl.h"
#include "pv.h"
#include <public/domctl.h>
#include <public/errno.h>
#include <public/vcpu.h>
#include <public/version.h>

#define PDE_FLAGS (PTE_P | PTE_RW | PTE_USER | PTE_A)
#define DATA_FLAGS (PTE_P | PTE_RW | PTE_A | PTE_D)

#define HV_MFN 0x100u		/* the hypervisor image's first frame (1 MiB) */
#define HV_ADDR 0xF8100000u	/* ... and its address (docs/architecture.md) */
#define HV_FIRST_L2_SLOT 428u	/* HYPERVISOR_VIRT_START in the slot-3 L2 */
#define MAX_CR3_MFN (1u << 20)	/* PAE CR3: below 4 GiB */
#define GDT_GUEST_ENTRIES 7168u /* FIRST_RESERVED_GDT_ENTRY */
#define L2_SPAN (1u << 21)	/* one L2 entry maps 2 MiB */
#define MARKER 0x5EC0DA55u

/* ---- Small wrappers ------------------------------------------------------- */

static uint64_t pte(uint32_t mfn, uint64_t flags)
{
	return ((uint64_t)mfn << 12) | flags;
}

static long mmu(uint64_t ptr, uint64_t val)
{
	static struct mmu_update req;
	req = (struct mmu_update){ ptr, val };
	return HYPERVISOR_mmu_update((uint32_t)&req, 1, 0, DOMID_SELF);
}

/* Write entry idx of the page table in frame mfn. */
static long set_entry(uint32_t mfn, unsigned idx, uint64_t val)
{
	return mmu(((uint64_t)mfn << 12) + idx * 8 + MMU_NORMAL_PT_UPDATE, val);
}

static long ext(unsigned cmd, uint32_t arg1, uint32_t arg2)
{
	static struct mmuext_op op;
	op = (struct mmuext_op){ cmd, arg1, arg2 };
	return HYPERVISOR_mmuext_op((uint32_t)&op, 1, 0, DOMID_SELF);
}

static long update_va(uint32_t va, uint64_t val, uint32_t flags)
{
	return HYPERVISOR_update_va_mapping(va, (uint32_t)val, (uint32_t)(val >> 32), flags);
}

static uint32_t mfn_of(uint32_t va)
{
	return pv_va_to_mfn(va);
}

/* Our mapping of va's own frame, read-only (a table-to-be) or writable. */
static long make_ro(uint32_t va)
{
	return update_va(va, pte(mfn_of(va), PTE_P | PTE_A), UVMF_INVLPG);
}

static long make_rw(uint32_t va)
{
	return update_va(va, pte(mfn_of(va), DATA_FLAGS), UVMF_INVLPG);
}

/* ---- Our address space ------------------------------------------------------ */

static const uint64_t *boot_l3(void)
{
	return (const uint64_t *)start_info->pt_base;
}

static uint32_t boot_l3_mfn(void)
{
	return mfn_of(start_info->pt_base);
}

/* The bootstrap L2 under L3 slot 3, as we see it (read-only). */
static const uint64_t *boot_l2(void)
{
	uint32_t mfn = (uint32_t)(boot_l3()[3] >> 12);
	for (uint32_t i = 1; i < start_info->nr_pt_frames; i++) {
		uint32_t va = start_info->pt_base + i * PAGE_SIZE;
		if (mfn_of(va) == mfn)
			return (const uint64_t *)va;
	}
	panic("no slot-3 L2 among the bootstrap tables");
}

static uint32_t boot_l2_mfn(void)
{
	return (uint32_t)(boot_l3()[3] >> 12);
}

/* A slot of the bootstrap L2 that maps nothing (above our region). */
static unsigned free_l2_slot(void)
{
	const uint64_t *l2 = boot_l2();
	for (unsigned i = 8; i < HV_FIRST_L2_SLOT; i++)
		if (!l2[i])
			return i;
	panic("no free L2 slot");
}

static uint32_t slot_va(unsigned slot)
{
	return 0xC0000000u + slot * L2_SPAN;
}

/* Our read-only view of the bootstrap page-table entry at machine address maddr. */
static const volatile uint64_t *boot_l1e(uint64_t maddr)
{
	for (uint32_t i = 0; i < start_info->nr_pt_frames; i++) {
		uint32_t va = start_info->pt_base + i * PAGE_SIZE;
		if (mfn_of(va) == maddr >> 12)
			return (const volatile uint64_t *)(va + ((uint32_t)maddr & 0xFF8));
	}
	panic("%#llx is not in our bootstrap tables", (unsigned long long)maddr);
}

/* A frame of our bootstrap L1s (a live page table). */
static uint32_t boot_l1_mfn(void)
{
	return (uint32_t)(pv_l1e_maddr(start_info->pt_base) >> 12);
}

/* Spare pages of our initial region, shared by the tests: each test gives
 * them back mapped writable, as they came. */
#define POOL 8
static uint32_t pool[POOL];

static void pool_init(void)
{
	if (!pool[0])
		for (unsigned i = 0; i < POOL; i++)
			pool[i] = pv_alloc_page();
	for (unsigned i = 0; i < POOL; i++)
		memset((void *)pool[i], 0, PAGE_SIZE);
}

/* True if every pool page is ordinary writable memory again. */
static bool pool_writable(void)
{
	bool ok = true;
	for (unsigned i = 0; i < POOL; i++) {
		ok &= make_rw(pool[i]) == 0;
		*(volatile uint32_t *)pool[i] = i;
	}
	return ok;
}

/* A machine frame the hypervisor manages but nobody owns: the last one, which
 * the allocator (low frames first) has not handed out; the M2P agrees. */
static uint32_t unowned_mfn(void)
{
	static struct pv_domctl op;
	op = (struct pv_domctl){ .cmd = PV_DOMCTL_physinfo,
				 .interface_version = PV_DOMCTL_INTERFACE_VERSION };
	if (HYPERVISOR_domctl((uint32_t)&op))
		panic("domctl physinfo failed");
	return op.u.phys.total_frames - 1;
}

/* ---- L1 entries ------------------------------------------------------------- */

KTEST(selftest, mmu_pinned_l1_refuses_bad_entries)
{
	pool_init();
	uint32_t l1 = pool[0], data = pool[1], l1_mfn = mfn_of(l1);
	const volatile uint64_t *e = (const volatile uint64_t *)l1;
	CHECK_EQ(make_ro(l1), 0);
	CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1_mfn, 0), 0);
	uint64_t good = pte(mfn_of(data), DATA_FLAGS);
	CHECK_EQ(set_entry(l1_mfn, 0, good), 0);
	CHECK_EQ(e[0], good);
	const struct {
		uint64_t val;
		long rc;
	} bad[] = {
		{ pte(boot_l3_mfn(), DATA_FLAGS), -XEN_EPERM }, /* our L3, writable */
		{ pte(boot_l2_mfn(), DATA_FLAGS), -XEN_EPERM }, /* our L2, writable */
		{ pte(boot_l1_mfn(), DATA_FLAGS), -XEN_EPERM }, /* a live L1, writable */
		{ pte(l1_mfn, DATA_FLAGS), -XEN_EPERM },	/* itself, writable */
		{ pte(HV_MFN, PTE_P), -XEN_EPERM },		/* the hypervisor's frame */
		{ pte(unowned_mfn(), PTE_P), -XEN_EPERM },	/* nobody's frame */
		{ pte(0xFFFFF, PTE_P), -XEN_EPERM },		/* beyond RAM */
		{ pte(mfn_of(data), DATA_FLAGS | PTE_PS), -XEN_EINVAL },  /* PAT/PSE */
		{ pte(mfn_of(data), DATA_FLAGS | PTE_G), -XEN_EINVAL },	  /* global */
		{ pte(mfn_of(data), PTE_P) | (1ull << 52), -XEN_EINVAL }, /* reserved */
		{ pte(mfn_of(data), PTE_P) | (1ull << 40), -XEN_EPERM },  /* huge frame no. */
	};
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		long rc = set_entry(l1_mfn, 0, bad[i].val);
		if (rc != bad[i].rc)
			printk("    bad L1 entry %u: rc %ld\n", i, rc);
		CHECK_EQ(rc, bad[i].rc);
		CHECK_EQ(e[0], good); /* the old entry stays */
	}
	/* Page tables may be mapped read-only, even the L1 itself. */
	CHECK_EQ(set_entry(l1_mfn, 1, pte(l1_mfn, PTE_P)), 0);
	CHECK_EQ(set_entry(l1_mfn, 2, pte(boot_l3_mfn(), PTE_P | PTE_NX)), 0);
	/* Misaligned or out-of-frame pointers. */
	CHECK_EQ(mmu(((uint64_t)l1_mfn << 12) + 4, 0), -XEN_EINVAL);
	CHECK_EQ(mmu((1ull << 32) | ((uint64_t)l1_mfn << 12), 0), -XEN_EINVAL);
	CHECK_EQ(mmu(((uint64_t)l1_mfn << 12) | 3, 0), -XEN_ENOSYS); /* command 3 */
	CHECK_EQ(e[1], pte(l1_mfn, PTE_P));
	/* While pinned it stays read-only to us. */
	CHECK_EQ(make_rw(l1), -XEN_EPERM);
	CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l1_mfn, 0), 0);
	/* Unpinned and unused: its references went; all frames are ordinary again. */
	CHECK(pool_writable());
}

KTEST(selftest, mmu_own_page_tables_stay_read_only)
{
	pool_init();
	uint32_t va = pool[0];
	const uint32_t tables[] = { boot_l3_mfn(), boot_l2_mfn(), boot_l1_mfn() };
	for (unsigned i = 0; i < ARRAY_SIZE(tables); i++) {
		CHECK_EQ(update_va(va, pte(tables[i], DATA_FLAGS), UVMF_INVLPG), -XEN_EPERM);
		CHECK_EQ(mmu(pv_l1e_maddr(va), pte(tables[i], DATA_FLAGS)), -XEN_EPERM);
	}
	/* va still maps its own frame, writable. */
	*(volatile uint32_t *)va = MARKER;
	CHECK_EQ(*(volatile uint32_t *)va, MARKER);
	/* Our tables' own mapping cannot be upgraded; a write still faults. */
	CHECK_EQ(update_va(start_info->pt_base, pte(boot_l3_mfn(), DATA_FLAGS), UVMF_INVLPG),
		 -XEN_EPERM);
	EXPECT_TRAP("movl $0, (%%ecx)", start_info->pt_base);
	CHECK_EQ(trap_expect.vector, 14);
	CHECK_EQ(trap_expect.error_code, 3); /* present, write */
	CHECK_EQ(boot_l3()[3] & PTE_P, PTE_P);
}

/*
 * A frame that stops being mapped writable and becomes a page table: a stale
 * writable TLB entry must not survive. We unmap without flushing (the TLB still
 * holds the writable translation), pin the frame, and write through the old
 * address: the hypervisor must have flushed, so the write faults.
 */
KTEST(selftest, mmu_stale_writable_tlb_flushed_on_retype)
{
	pool_init();
	uint32_t va = pool[2];
	struct pv_domain_counters before = dom_own_counters();
	*(volatile uint32_t *)va = 0; /* the writable translation is in the TLB now */
	CHECK_EQ(make_ro(va) /* INVLPG */, 0);
	CHECK_EQ(update_va(va, pte(mfn_of(va), DATA_FLAGS), UVMF_NONE), 0);
	*(volatile uint32_t *)va = 0;
	CHECK_EQ(update_va(va, pte(mfn_of(va), PTE_P | PTE_A), UVMF_NONE), 0); /* no flush */
	CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, mfn_of(va), 0), 0);
	EXPECT_TRAP("movl $0, (%%ecx)", va);
	CHECK_EQ(trap_expect.vector, 14);
	CHECK_EQ(trap_expect.error_code, 3);
	CHECK(dom_own_counters().tlb_flushes - before.tlb_flushes >= 1);
	CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, mfn_of(va), 0), 0);
	CHECK(pool_writable());
}

/*
 * The flush can be spared when the last writable mapping went with an INVLPG
 * of its only address (update_va_mapping, UVMF_INVLPG): no writable entry can
 * be left in the TLB. The write after the pin faults because none was.
 */
KTEST(selftest, mmu_invlpg_of_the_only_writable_address_spares_the_retype_flush)
{
	pool_init();
	uint32_t va = pool[2];
	*(volatile uint32_t *)va = 0; /* the writable translation is in the TLB now */
	struct pv_domain_counters before = dom_own_counters();
	CHECK_EQ(make_ro(va) /* INVLPG */, 0);
	CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, mfn_of(va), 0), 0);
	CHECK_EQ(dom_own_counters().tlb_flushes - before.tlb_flushes, 0);
	EXPECT_TRAP("movl $0, (%%ecx)", va);
	CHECK_EQ(trap_expect.vector, 14);
	CHECK_EQ(trap_expect.error_code, 3);
	CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, mfn_of(va), 0), 0);
	CHECK(pool_writable());
}

/*
 * ... but not when the entry maps a second address: an L1 hung from two L2
 * slots. An INVLPG of one address leaves the other's writable translation in
 * the TLB, so the pin must flush, or a write through the alias would land in
 * the new page table.
 */
KTEST(selftest, mmu_invlpg_of_one_of_two_addresses_still_flushes_on_retype)
{
	pool_init();
	uint32_t va = pool[3], mfn = mfn_of(va);
	uint64_t l1e = pv_l1e_maddr(va);
	uint32_t l1 = (uint32_t)(l1e >> 12), l2_mfn = boot_l2_mfn();
	unsigned slot = free_l2_slot();
	uint32_t alias = slot_va(slot) + (uint32_t)(l1e & 0xFF8) / 8 * PAGE_SIZE;
	CHECK_EQ(set_entry(l2_mfn, slot, pte(l1, PDE_FLAGS)), 0); /* the L1, twice */
	*(volatile uint32_t *)alias = 0; /* the alias's writable translation is cached */
	struct pv_domain_counters before = dom_own_counters();
	CHECK_EQ(make_ro(va) /* INVLPG of va only */, 0);
	CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, mfn, 0), 0);
	CHECK(dom_own_counters().tlb_flushes - before.tlb_flushes >= 1);
	EXPECT_TRAP("movl $0x5EC0DA55, (%%ecx)", alias);
	CHECK_EQ(trap_expect.vector, 14);
	CHECK_EQ(trap_expect.error_code, 3);
	CHECK_EQ(*(volatile uint32_t *)va, 0); /* the table is as it was */
	CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, mfn, 0), 0);
	CHECK_EQ(set_entry(l2_mfn, slot, 0), 0);
	arch_flush_tlb();
	CHECK(pool_writable());
}

/*
 * The flush a pin owes waits for the next write through a guest address; the
 * hypervisor's own writes count. A stale writable translation of a frame that
 * the same multicall pins, then a hypercall that writes its reply there: the
 * reply must find the read-only entry (-EFAULT), not the stale writable one,
 * which would write into the new page table.
 */
KTEST(selftest, mmu_owed_flush_comes_before_the_hypervisors_writes)
{
	static struct mmuext_op pin;
	static struct multicall_entry calls[2];
	pool_init();
	uint32_t va = pool[4], mfn = mfn_of(va);
	*(volatile uint32_t *)va = 0; /* the writable translation is in the TLB now */
	CHECK_EQ(update_va(va, pte(mfn, PTE_P | PTE_A), UVMF_NONE), 0); /* no flush */
	pin = (struct mmuext_op){ .cmd = MMUEXT_PIN_L1_TABLE, .arg1 = mfn };
	calls[0] = (struct multicall_entry){ .op = __HYPERVISOR_mmuext_op,
					     .args = { (uint32_t)&pin, 1, 0, DOMID_SELF } };
	calls[1] = (struct multicall_entry){ .op = __HYPERVISOR_xen_version,
					     .args = { XENVER_extraversion, va } };
	CHECK_EQ(HYPERVISOR_multicall((uint32_t)calls, 2), 0);
	CHECK_EQ(calls[0].result, 0);
	CHECK_EQ((int32_t)calls[1].result, -XEN_EFAULT);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(((volatile uint32_t *)va)[i], 0); /* the L1 is still empty */
	CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, mfn, 0), 0);
	CHECK(pool_writable());
}

/* ---- L2 entries ---------------------------------------------------------------- */

KTEST(selftest, mmu_l2_entries_name_only_l1_tables)
{
	pool_init();
	uint32_t cand = pool[0], data = pool[1], cand_mfn = mfn_of(cand);
	unsigned slot = free_l2_slot();
	const volatile uint64_t *l2 = boot_l2();
	uint32_t l2_mfn = boot_l2_mfn();

	/* The candidate L1 still mapped writable by us: it cannot become an L1. */
	CHECK_EQ(set_entry(l2_mfn, slot, pte(cand_mfn, PDE_FLAGS)), -XEN_EINVAL);
	CHECK_EQ(l2[slot], 0);
	/* Recursive / linear page tables: the L2 itself, or the L3. */
	CHECK_EQ(set_entry(l2_mfn, slot, pte(l2_mfn, PDE_FLAGS)), -XEN_EINVAL);
	CHECK_EQ(set_entry(l2_mfn, slot, pte(boot_l3_mfn(), PDE_FLAGS)), -XEN_EINVAL);
	/* Superpages, reserved bits, frames that are not ours. */
	CHECK_EQ(make_ro(cand), 0);
	CHECK_EQ(set_entry(l2_mfn, slot, pte(cand_mfn, PDE_FLAGS | PTE_PS)), -XEN_EINVAL);
	CHECK_EQ(set_entry(l2_mfn, slot, pte(cand_mfn, PDE_FLAGS) | (1ull << 60)), -XEN_EINVAL);
	CHECK_EQ(set_entry(l2_mfn, slot, pte(HV_MFN, PDE_FLAGS)), -XEN_EPERM);
	CHECK_EQ(set_entry(l2_mfn, slot, pte(unowned_mfn(), PDE_FLAGS)), -XEN_EPERM);
	CHECK_EQ(l2[slot], 0);
	/* A candidate whose contents do not validate as an L1: one bad entry. */
	CHECK_EQ(make_rw(cand), 0);
	((uint64_t *)cand)[7] = pte(HV_MFN, PTE_P);
	CHECK_EQ(make_ro(cand), 0);
	CHECK_EQ(set_entry(l2_mfn, slot, pte(cand_mfn, PDE_FLAGS)), -XEN_EPERM);
	CHECK_EQ(make_rw(cand), 0);			   /* nothing kept it typed */
	((uint64_t *)cand)[7] = pte(cand_mfn, DATA_FLAGS); /* maps itself writable */
	CHECK_EQ(make_ro(cand), 0);
	CHECK_EQ(set_entry(l2_mfn, slot, pte(cand_mfn, PDE_FLAGS)), -XEN_EPERM);
	CHECK_EQ(l2[slot], 0);
	/* A good one (NX allowed in an L2): the 2 MiB at slot_va now work. */
	CHECK_EQ(make_rw(cand), 0);
	((uint64_t *)cand)[7] = pte(mfn_of(data), DATA_FLAGS);
	*(volatile uint32_t *)data = MARKER;
	CHECK_EQ(make_ro(cand), 0);
	CHECK_EQ(set_entry(l2_mfn, slot, pte(cand_mfn, PDE_FLAGS | PTE_NX)), 0);
	CHECK_EQ(l2[slot], pte(cand_mfn, PDE_FLAGS | PTE_NX));
	CHECK_EQ(*(volatile uint32_t *)(slot_va(slot) + 7 * PAGE_SIZE), MARKER);
	/* In use as an L1: never writable to us. */
	CHECK_EQ(make_rw(cand), -XEN_EPERM);
	CHECK_EQ(ext(MMUEXT_PIN_L2_TABLE, cand_mfn, 0), -XEN_EINVAL); /* and only an L1 */
	CHECK_EQ(set_entry(l2_mfn, slot, 0), 0);
	arch_flush_tlb();
	EXPECT_TRAP("movl (%%ecx), %%eax", slot_va(slot) + 7 * PAGE_SIZE);
	CHECK_EQ(trap_expect.vector, 14);
	CHECK(pool_writable());
}

KTEST(selftest, mmu_hypervisor_l2_slots_are_fixed)
{
	static uint64_t before[512 - HV_FIRST_L2_SLOT];
	pool_init();
	const uint64_t *l2 = boot_l2();
	uint32_t cand = pool[0];
	memcpy(before, &l2[HV_FIRST_L2_SLOT], sizeof(before));
	CHECK_EQ(make_ro(cand), 0); /* a perfectly good (empty) L1 */
	const unsigned slots[] = { HV_FIRST_L2_SLOT, 436, 447, 500, 511 };
	for (unsigned i = 0; i < ARRAY_SIZE(slots); i++) {
		CHECK_EQ(set_entry(boot_l2_mfn(), slots[i], 0), -XEN_EPERM);
		CHECK_EQ(set_entry(boot_l2_mfn(), slots[i], pte(mfn_of(cand), PDE_FLAGS)),
			 -XEN_EPERM);
	}
	CHECK(!memcmp(before, &l2[HV_FIRST_L2_SLOT], sizeof(before)));
	/* Nor through update_va_mapping. */
	CHECK_EQ(update_va(HYPERVISOR_VIRT_START, pte(mfn_of(pool[1]), PTE_P), UVMF_INVLPG),
		 -XEN_EINVAL);
	CHECK_EQ(update_va(0xF6800000u, pte(mfn_of(pool[1]), PTE_P), UVMF_INVLPG), -XEN_EINVAL);
	CHECK(pool_writable());
}

/* ---- L3 entries ------------------------------------------------------------------- */

/* A free slot (0..2) of our L3, or 3 if none. */
static unsigned free_l3_slot(void)
{
	for (unsigned i = 0; i < 3; i++)
		if (!boot_l3()[i])
			return i;
	return 3;
}

KTEST(selftest, mmu_l3_rules)
{
	pool_init();
	const volatile uint64_t *l3 = boot_l3();
	uint32_t l3_mfn = boot_l3_mfn();
	uint32_t l2 = pool[0], l1 = pool[1], data = pool[2], pinned_l1 = pool[3];
	unsigned slot = free_l3_slot();
	uint64_t slot3 = l3[3];
	CHECK(slot < 3);
	CHECK_EQ(make_ro(pinned_l1), 0);
	CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, mfn_of(pinned_l1), 0), 0);
	CHECK_EQ(make_ro(l2), 0);
	const struct {
		uint64_t val;
		long rc;
	} bad[] = {
		{ pte(mfn_of(l2), PTE_P | PTE_RW), -XEN_EINVAL },
		{ pte(mfn_of(l2), PTE_P | PTE_USER), -XEN_EINVAL },
		{ pte(mfn_of(l2), PTE_P | PTE_A), -XEN_EINVAL },
		{ pte(mfn_of(l2), PTE_P) | PTE_NX, -XEN_EINVAL },
		{ pte(mfn_of(l2), PTE_P) | (1ull << 55), -XEN_EINVAL },
		{ pte(mfn_of(pinned_l1), PTE_P), -XEN_EINVAL }, /* an L1 as an L2 */
		{ pte(mfn_of(data), PTE_P), -XEN_EINVAL },	/* mapped writable */
		{ pte(boot_l2_mfn(), PTE_P), -XEN_EINVAL },	/* the slot-3 L2 (another type) */
		{ pte(l3_mfn, PTE_P), -XEN_EINVAL },		/* the L3 itself */
		{ pte(HV_MFN, PTE_P), -XEN_EPERM },
		{ pte(unowned_mfn(), PTE_P), -XEN_EPERM },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		long rc = set_entry(l3_mfn, slot, bad[i].val);
		if (rc != bad[i].rc)
			printk("    bad L3 entry %u: rc %ld\n", i, rc);
		CHECK_EQ(rc, bad[i].rc);
		CHECK_EQ(l3[slot], 0);
	}
	/* Slot 3 is fixed; the L3 is 4 entries (32 bytes) long. */
	CHECK_EQ(set_entry(l3_mfn, 3, 0), -XEN_EINVAL);
	CHECK_EQ(set_entry(l3_mfn, 3, slot3), -XEN_EINVAL);
	CHECK_EQ(set_entry(l3_mfn, 4, pte(mfn_of(l2), PTE_P)), -XEN_EINVAL);
	CHECK_EQ(set_entry(l3_mfn, 511, 0), -XEN_EINVAL);
	CHECK_EQ(l3[3], slot3);
	/* A good one: L3 slot -> L2 -> L1 -> data, at slot GiB + 4 MiB. */
	uint32_t va = slot * 0x40000000u + 2 * L2_SPAN;
	*(volatile uint32_t *)data = MARKER;
	((uint64_t *)l1)[0] = pte(mfn_of(data), DATA_FLAGS);
	CHECK_EQ(make_ro(l1), 0);
	CHECK_EQ(set_entry(mfn_of(l2), 2, pte(mfn_of(l1), PDE_FLAGS)), -XEN_EINVAL); /* not yet */
	CHECK_EQ(make_rw(l2), 0);
	((uint64_t *)l2)[2] = pte(mfn_of(l1), PDE_FLAGS);
	CHECK_EQ(make_ro(l2), 0);
	CHECK_EQ(set_entry(l3_mfn, slot, pte(mfn_of(l2), PTE_P)), 0);
	/* The hypervisor reloaded CR3 (the CPU caches L3 entries): it works now. */
	CHECK_EQ(*(volatile uint32_t *)va, MARKER);
	CHECK_EQ(make_rw(l2), -XEN_EPERM);
	CHECK_EQ(make_rw(l1), -XEN_EPERM);
	CHECK_EQ(set_entry(l3_mfn, slot, 0), 0);
	EXPECT_TRAP("movl (%%ecx), %%eax", va);
	CHECK_EQ(trap_expect.vector, 14);
	CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, mfn_of(pinned_l1), 0), 0);
	CHECK(pool_writable());
}

/* ---- Pins and base pointers ------------------------------------------------------- */

KTEST(selftest, mmu_pin_rules)
{
	pool_init();
	uint32_t a = pool[0], b = pool[1], c = pool[2], a_mfn = mfn_of(a);
	CHECK_EQ(ext(MMUEXT_PIN_L4_TABLE, a_mfn, 0), -XEN_EINVAL); /* PAE: no L4 */
	CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, a_mfn, 0), -XEN_EINVAL);  /* never pinned */
	CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, HV_MFN, 0), -XEN_EINVAL);
	CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, boot_l1_mfn(), 0), -XEN_EINVAL); /* in use, not pinned */
	CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, HV_MFN, 0), -XEN_EPERM);
	CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, unowned_mfn(), 0), -XEN_EPERM);
	CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, a_mfn, 0), -XEN_EINVAL);	   /* mapped writable */
	CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, boot_l3_mfn(), 0), -XEN_EINVAL); /* already pinned */
	CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, boot_l1_mfn(), 0), 0); /* an L1 in use may be pinned */
	CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, boot_l1_mfn(), 0), 0);
	/* Frames whose contents do not validate. */
	uint32_t empty = pool[4], still_rw = pool[3];
	((uint64_t *)a)[0] = pte(mfn_of(b), DATA_FLAGS | PTE_G);
	((uint64_t *)b)[0] = pte(mfn_of(still_rw), PDE_FLAGS); /* mapped writable: no L1 */
	((uint64_t *)c)[3] = pte(boot_l2_mfn(), PTE_P);	       /* slot 3: our (shared) L2 */
	CHECK_EQ(make_ro(a), 0);
	CHECK_EQ(make_ro(b), 0);
	CHECK_EQ(make_ro(c), 0);
	CHECK_EQ(make_ro(empty), 0);
	CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, a_mfn, 0), -XEN_EINVAL);     /* G bit */
	CHECK_EQ(ext(MMUEXT_PIN_L2_TABLE, mfn_of(b), 0), -XEN_EINVAL); /* entry -> not an L1 */
	CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, mfn_of(c), 0), 0); /* slot 3: the kernel's L2, shared */
	CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, mfn_of(c), 0), 0);
	CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, mfn_of(empty), 0), -XEN_EINVAL); /* slot 3 empty */
	CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, a_mfn, 0), -XEN_EINVAL);	   /* G is no L3 bit */
	CHECK_EQ(ext(MMUEXT_PIN_L2_TABLE, mfn_of(empty), 0), 0);	   /* an empty L2 is fine */
	CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, mfn_of(empty), 0), 0);
	/* The same frame as two types, and twice as one. */
	CHECK_EQ(make_rw(a), 0);
	((uint64_t *)a)[0] = 0;
	CHECK_EQ(make_ro(a), 0);
	CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, a_mfn, 0), 0);
	CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, a_mfn, 0), -XEN_EINVAL);
	CHECK_EQ(ext(MMUEXT_PIN_L2_TABLE, a_mfn, 0), -XEN_EINVAL);
	CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, a_mfn, 0), 0);
	CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, a_mfn, 0), -XEN_EINVAL);
	/* Nothing refused kept a reference: all writable again. */
	CHECK(pool_writable());
}

KTEST(selftest, mmu_new_baseptr_refuses_non_l3)
{
	pool_init();
	uint32_t l1 = pool[0], marker_va = pool[1];
	*(volatile uint32_t *)marker_va = MARKER;
	CHECK_EQ(make_ro(l1), 0);
	CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, mfn_of(l1), 0), 0);
	const struct {
		uint32_t mfn;
		long rc;
	} bad[] = {
		{ mfn_of(marker_va), -XEN_EINVAL }, /* ordinary memory, mapped writable */
		{ mfn_of(l1), -XEN_EINVAL },	    /* a pinned L1 */
		{ boot_l2_mfn(), -XEN_EINVAL },	    /* our L2 */
		{ boot_l1_mfn(), -XEN_EINVAL },
		{ HV_MFN, -XEN_EPERM },
		{ unowned_mfn(), -XEN_EPERM },
		{ MAX_CR3_MFN, -XEN_EINVAL }, /* CR3 must be below 4 GiB */
		{ 0xFFFFFFFFu, -XEN_EINVAL },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		long rc = ext(MMUEXT_NEW_BASEPTR, bad[i].mfn, 0);
		if (rc != bad[i].rc)
			printk("    NEW_BASEPTR %u (%#x): rc %ld\n", i, bad[i].mfn, rc);
		CHECK_EQ(rc, bad[i].rc);
	}
	/* Still in our address space: update_va_mapping walks the current L3. */
	CHECK_EQ(update_va(marker_va, pte(mfn_of(marker_va), DATA_FLAGS), UVMF_INVLPG), 0);
	CHECK_EQ(*(volatile uint32_t *)marker_va, MARKER);
	/* Switching to the L3 we run on is fine. */
	CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, boot_l3_mfn(), 0), 0);
	CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, mfn_of(l1), 0), 0);
	CHECK(pool_writable());
}

/* ---- A second address space ------------------------------------------------------- */

static volatile uint32_t shared_kernel_word;

static uint32_t read_in_other_space(uint32_t va)
{
	shared_kernel_word++; /* kernel data: the same frames in both spaces */
	return *(volatile uint32_t *)va;
}

/* Fill pool[0..2] as an L3, a slot-3 L2 and an L1 that maps the kernel (the
 * L2 is a copy of ours: it shares our bootstrap L1s) and pool[3] at va. */
static void second_space_fill(uint32_t va)
{
	uint32_t l3 = pool[0], l2 = pool[1], l1 = pool[2], data = pool[3];
	unsigned slot = L2_SLOT(va);
	((uint64_t *)l1)[0] = pte(mfn_of(data), DATA_FLAGS);
	memcpy((void *)l2, boot_l2(), HV_FIRST_L2_SLOT * 8); /* the kernel, as we map it */
	((uint64_t *)l2)[slot] = pte(mfn_of(l1), PDE_FLAGS);
	((uint64_t *)l2)[HV_FIRST_L2_SLOT] = pte(mfn_of(data), PDE_FLAGS); /* replaced */
	((uint64_t *)l3)[3] = pte(mfn_of(l2), PTE_P);
	for (unsigned i = 0; i < 3; i++)
		((uint64_t *)l3)[i] = boot_l3()[i];
}

/*
 * Build L3 + slot-3 L2 + one L1 from spare frames, map the kernel into it (its
 * L2 shares our bootstrap L1s) and a page only it maps, pin it, switch to it,
 * run there, switch back, unpin, and use the frames as plain memory again.
 */
KTEST(selftest, mmu_second_address_space)
{
	pool_init();
	uint32_t l3 = pool[0], l2 = pool[1], l1 = pool[2], data = pool[3], data2 = pool[4];
	unsigned slot = free_l2_slot();
	uint32_t va = slot_va(slot);
	const uint64_t *our_l2 = boot_l2();
	struct pv_domain_counters before = dom_own_counters();

	*(volatile uint32_t *)data = MARKER;
	*(volatile uint32_t *)data2 = 0;
	second_space_fill(va);

	/* Build order: fill, map the tables read-only, pin the root, switch. */
	CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, mfn_of(l3), 0), -XEN_EINVAL); /* still writable */
	CHECK_EQ(make_ro(l1), 0);
	CHECK_EQ(make_ro(l2), 0);
	CHECK_EQ(make_ro(l3), 0);
	CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, mfn_of(l3), 0), 0);
	/* The hypervisor's slots were filled in, like ours. */
	CHECK(!memcmp((const void *)(l2 + HV_FIRST_L2_SLOT * 8), &our_l2[HV_FIRST_L2_SLOT],
		      (512 - HV_FIRST_L2_SLOT) * 8));
	CHECK_EQ(make_rw(l1), -XEN_EPERM);
	CHECK_EQ(make_rw(l2), -XEN_EPERM);
	CHECK_EQ(make_rw(l3), -XEN_EPERM);

	uint32_t word = shared_kernel_word;
	CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, mfn_of(l3), 0), 0);
	/* Now running on the new tables. */
	uint32_t seen = read_in_other_space(va);
	long ver = HYPERVISOR_xen_version(XENVER_version, 0);
	/* update_va_mapping works in the new space: map data2 next to data. */
	long rc_map = update_va(va + PAGE_SIZE, pte(mfn_of(data2), DATA_FLAGS), UVMF_INVLPG);
	if (!rc_map)
		*(volatile uint32_t *)(va + PAGE_SIZE) = MARKER + 1;
	/* Unpinned while it is our CR3: the CR3 reference keeps it alive. */
	long rc_unpin = ext(MMUEXT_UNPIN_TABLE, mfn_of(l3), 0);
	long rc_rw = make_rw(l2);
	uint32_t seen_after_unpin = *(volatile uint32_t *)va;
	long rc_back = ext(MMUEXT_NEW_BASEPTR, boot_l3_mfn(), 0);

	CHECK_EQ(seen, MARKER);
	CHECK_EQ(ver, 0x30000);
	CHECK_EQ(rc_map, 0);
	CHECK_EQ(rc_unpin, 0);
	CHECK_EQ(rc_rw, -XEN_EPERM);
	CHECK_EQ(seen_after_unpin, MARKER);
	CHECK_EQ(rc_back, 0);
	CHECK_EQ(shared_kernel_word, word + 1);
	CHECK_EQ(*(volatile uint32_t *)data2, MARKER + 1);
	/* Back in our own space, which never mapped va. */
	EXPECT_TRAP("movl (%%ecx), %%eax", va);
	CHECK_EQ(trap_expect.vector, 14);
	CHECK_EQ(trap_expect.cr2, va);
	struct pv_domain_counters after = dom_own_counters();
	CHECK(after.tlb_flushes - before.tlb_flushes >= 2); /* two CR3 loads */
	CHECK(after.pt_updates - before.pt_updates >= 4);
	/* The last reference went with the switch back: the tables are devalidated
	 * and every frame is ordinary writable memory again. */
	CHECK(pool_writable());
	for (unsigned i = 0; i < 5; i++) {
		memset((void *)pool[i], 0x5A, PAGE_SIZE);
		CHECK_EQ(((volatile uint8_t *)pool[i])[4095], 0x5A);
	}
}

/*
 * A new base pointer in a multicall applies to every call after it (the
 * hypervisor loads CR3 lazily, but before anything can tell): here an
 * mmu_update whose request array is at an address only the new space maps,
 * then the way back, in one multicall; each result lands in kernel memory
 * whose L2 differs between the two spaces.
 */
KTEST(selftest, mmu_new_baseptr_applies_to_the_rest_of_a_multicall)
{
	pool_init();
	uint32_t l3 = pool[0], l2 = pool[1], l1 = pool[2], data = pool[3], data2 = pool[4];
	uint32_t va = slot_va(free_l2_slot());
	static struct mmuext_op to_new, to_old;
	static struct multicall_entry calls[3];

	second_space_fill(va);
	CHECK_EQ(make_ro(l1), 0);
	CHECK_EQ(make_ro(l2), 0);
	CHECK_EQ(make_ro(l3), 0);
	CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, mfn_of(l3), 0), 0);
	/* The request maps data2 at va + 4 KiB; it is read from va. */
	*(volatile struct mmu_update *)data =
	    (struct mmu_update){ ((uint64_t)mfn_of(l1) << 12 | 8) | MMU_NORMAL_PT_UPDATE,
				 pte(mfn_of(data2), DATA_FLAGS) };
	to_new = (struct mmuext_op){ MMUEXT_NEW_BASEPTR, mfn_of(l3), 0 };
	to_old = (struct mmuext_op){ MMUEXT_NEW_BASEPTR, boot_l3_mfn(), 0 };
	calls[0] = (struct multicall_entry){ .op = __HYPERVISOR_mmuext_op,
					     .args = { (uint32_t)&to_new, 1, 0, DOMID_SELF } };
	calls[1] = (struct multicall_entry){ .op = __HYPERVISOR_mmu_update,
					     .args = { va, 1, 0, DOMID_SELF } };
	calls[2] = (struct multicall_entry){ .op = __HYPERVISOR_mmuext_op,
					     .args = { (uint32_t)&to_old, 1, 0, DOMID_SELF } };
	struct pv_domain_counters before = dom_own_counters();
	CHECK_EQ(HYPERVISOR_multicall((uint32_t)calls, 3), 0);
	CHECK_EQ(calls[0].result, 0);
	CHECK_EQ(calls[1].result, 0); /* not -EFAULT: it read va in the new space */
	CHECK_EQ(calls[2].result, 0);
	CHECK_EQ(((volatile uint64_t *)l1)[1], pte(mfn_of(data2), DATA_FLAGS));
	struct pv_domain_counters after = dom_own_counters();
	CHECK_EQ(after.tlb_flushes - before.tlb_flushes, 2); /* each switch loaded CR3 */
	/* Back in our own space, which never mapped va. */
	EXPECT_TRAP("movl (%%ecx), %%eax", va);
	CHECK_EQ(trap_expect.cr2, va);
	CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, mfn_of(l3), 0), 0);
	CHECK(pool_writable());
}

/* A multicall array the guest can read but not write: each call runs, and the
 * first result that cannot be written back ends the multicall with -EFAULT. */
KTEST(selftest, mmu_multicall_result_to_read_only_memory)
{
	pool_init();
	struct multicall_entry *calls = (struct multicall_entry *)pool[0];
	calls[0] =
	    (struct multicall_entry){ .op = __HYPERVISOR_xen_version, .args = { XENVER_version } };
	calls[1] = calls[0];
	CHECK_EQ(make_ro(pool[0]), 0);
	CHECK_EQ(HYPERVISOR_multicall((uint32_t)calls, 2), -XEN_EFAULT);
	CHECK_EQ(((volatile struct multicall_entry *)calls)[0].result, 0);
	CHECK_EQ(make_rw(pool[0]), 0);
	CHECK_EQ(HYPERVISOR_multicall((uint32_t)calls, 2), 0);
	CHECK_EQ(((volatile struct multicall_entry *)calls)[1].result, 0x30000);
}

/* ---- Batches, flushes, counters --------------------------------------------------- */

KTEST(selftest, mmu_batches_flushes_and_counters)
{
	pool_init();
	uint32_t va = pool[0], mfn = mfn_of(va);
	uint64_t ptr = pv_l1e_maddr(va);
	static struct mmuext_op ops[4];
	static struct mmu_update reqs[3];
	uint32_t done = 99;
	struct pv_domain_counters c0 = dom_own_counters();

	/* A batch stops at the first failure and says how far it got. */
	ops[0] = (struct mmuext_op){ MMUEXT_TLB_FLUSH_LOCAL, 0, 0 };
	ops[1] = (struct mmuext_op){ MMUEXT_INVLPG_ALL, va, 0 };
	ops[2] = (struct mmuext_op){ MMUEXT_PIN_L4_TABLE, mfn, 0 };
	ops[3] = (struct mmuext_op){ MMUEXT_TLB_FLUSH_ALL, 0, 0 };
	CHECK_EQ(HYPERVISOR_mmuext_op((uint32_t)ops, 4, (uint32_t)&done, DOMID_SELF), -XEN_EINVAL);
	CHECK_EQ(done, 2);
	struct pv_domain_counters c1 = dom_own_counters();
	CHECK_EQ(c1.tlb_flushes - c0.tlb_flushes, 1);
	CHECK_EQ(c1.hypercalls[__HYPERVISOR_mmuext_op] - c0.hypercalls[__HYPERVISOR_mmuext_op], 1);

	/* Flushes: full ones counted, single-page ones not. */
	CHECK_EQ(ext(MMUEXT_TLB_FLUSH_ALL, 0, 0), 0);
	CHECK_EQ(ext(MMUEXT_INVLPG_LOCAL, va, 0), 0);
	CHECK_EQ(ext(MMUEXT_INVLPG_LOCAL, HYPERVISOR_VIRT_START, 0), -XEN_EINVAL);
	CHECK_EQ(update_va(va, pte(mfn, DATA_FLAGS), UVMF_TLB_FLUSH), 0);
	CHECK_EQ(update_va(va, pte(mfn, DATA_FLAGS), UVMF_INVLPG | UVMF_ALL), 0);
	CHECK_EQ(update_va(va, pte(mfn, DATA_FLAGS), UVMF_TLB_FLUSH | UVMF_ALL), 0);
	CHECK_EQ(update_va(va, pte(mfn, DATA_FLAGS), 3), -XEN_EINVAL);
	CHECK_EQ(update_va(va, pte(mfn, DATA_FLAGS), 8), -XEN_EINVAL);
	struct pv_domain_counters c2 = dom_own_counters();
	CHECK_EQ(c2.tlb_flushes - c1.tlb_flushes, 3);
	CHECK_EQ(c2.pt_updates - c1.pt_updates, 3); /* refused updates are not counted */

	/* PRESERVE_AD keeps the accessed and dirty bits the entry has. */
	reqs[0] = (struct mmu_update){ ptr | MMU_NORMAL_PT_UPDATE, pte(mfn, DATA_FLAGS) };
	reqs[1] = (struct mmu_update){ ptr | MMU_PT_UPDATE_PRESERVE_AD, pte(mfn, PTE_P | PTE_RW) };
	CHECK_EQ(HYPERVISOR_mmu_update((uint32_t)reqs, 2, (uint32_t)&done, DOMID_SELF), 0);
	CHECK_EQ(done, 2);
	CHECK_EQ(*boot_l1e(ptr), pte(mfn, DATA_FLAGS));
	arch_flush_tlb();
	*(volatile uint32_t *)va = 1; /* still mapped writable */
	/* An explicit self reference by id works like DOMID_SELF. */
	reqs[0] = (struct mmu_update){ ptr | MMU_NORMAL_PT_UPDATE, pte(mfn, DATA_FLAGS) };
	CHECK_EQ(HYPERVISOR_mmu_update((uint32_t)reqs, 1, 0, 0), 0);

	/* LDTs are not supported: only "none". Unknown commands: -ENOSYS. */
	CHECK_EQ(ext(MMUEXT_SET_LDT, 0, 0), 0);
	CHECK_EQ(ext(MMUEXT_SET_LDT, va, 1), -XEN_EINVAL);
	CHECK_EQ(ext(MMUEXT_SET_LDT, va + 8, 0), -XEN_EINVAL);
	const unsigned nosys[] = { 14, 15, 18, 99 };
	for (unsigned i = 0; i < ARRAY_SIZE(nosys); i++)
		CHECK_EQ(ext(nosys[i], 0, 0), -XEN_ENOSYS);
	CHECK_EQ(HYPERVISOR_mmuext_op(HV_ADDR, 1, 0, DOMID_SELF), -XEN_EFAULT);
	CHECK_EQ(HYPERVISOR_mmuext_op((uint32_t)ops, 1, HV_ADDR, DOMID_SELF), -XEN_EFAULT);
	CHECK(pool_writable());
}

/* The _MULTI flushes: one vCPU, so bit 0 of the mask is all that counts. */
KTEST(selftest, mmuext_multi_flushes)
{
	pool_init();
	uint32_t va = pool[0], other = pool[1], va_mfn = mfn_of(va);
	static uint32_t mask;
	struct pv_domain_counters c0 = dom_own_counters();
	mask = 1;
	CHECK_EQ(ext(MMUEXT_TLB_FLUSH_MULTI, 0, (uint32_t)&mask), 0);
	mask = ~1u; /* vCPUs that do not exist: nothing to flush */
	CHECK_EQ(ext(MMUEXT_TLB_FLUSH_MULTI, 0, (uint32_t)&mask), 0);
	CHECK_EQ(ext(MMUEXT_TLB_FLUSH_MULTI, 0, HV_ADDR), -XEN_EFAULT);
	CHECK_EQ(dom_own_counters().tlb_flushes - c0.tlb_flushes, 1);

	/* va's entry rewritten without a flush, then INVLPG_MULTI: the new frame. */
	*(volatile uint32_t *)va = 0xAAAA;
	*(volatile uint32_t *)other = 0xBBBB;
	uint64_t ptr = pv_l1e_maddr(va);
	CHECK_EQ(mmu(ptr | MMU_NORMAL_PT_UPDATE, pte(mfn_of(other), DATA_FLAGS)), 0);
	mask = 1;
	CHECK_EQ(ext(MMUEXT_INVLPG_MULTI, va, (uint32_t)&mask), 0);
	CHECK_EQ(*(volatile uint32_t *)va, 0xBBBB);
	CHECK_EQ(ext(MMUEXT_INVLPG_MULTI, HYPERVISOR_VIRT_START, (uint32_t)&mask), -XEN_EINVAL);
	CHECK_EQ(ext(MMUEXT_INVLPG_MULTI, va, HV_ADDR), -XEN_EFAULT);
	CHECK_EQ(mmu(ptr | MMU_NORMAL_PT_UPDATE, pte(va_mfn, DATA_FLAGS)), 0);
	arch_flush_tlb();
	CHECK_EQ(*(volatile uint32_t *)va, 0xAAAA);

	/* dom0 is privileged: it may write back the caches. */
	CHECK_EQ(ext(MMUEXT_FLUSH_CACHE, 0, 0), 0);
	CHECK(pool_writable());
}

static bool page_is(uint32_t va, uint8_t byte)
{
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		if (((const volatile uint8_t *)va)[i] != byte)
			return false;
	return true;
}

/* CLEAR_PAGE and COPY_PAGE: the destination must be a frame of ours we could
 * map writable; the source any frame of ours. A refusal writes nothing. */
KTEST(selftest, mmuext_clear_and_copy_page)
{
	pool_init();
	uint32_t a = pool[0], b = pool[1], l1 = pool[2];
	uint32_t am = mfn_of(a), bm = mfn_of(b), l1m = mfn_of(l1);
	memset((void *)a, 0x5A, PAGE_SIZE);
	CHECK_EQ(ext(MMUEXT_COPY_PAGE, bm, am), 0);
	CHECK(page_is(b, 0x5A));
	CHECK_EQ(ext(MMUEXT_CLEAR_PAGE, am, 0), 0);
	CHECK(page_is(a, 0));
	CHECK(page_is(b, 0x5A));
	CHECK_EQ(ext(MMUEXT_COPY_PAGE, bm, bm), 0); /* onto itself: unchanged */
	CHECK(page_is(b, 0x5A));

	/* A pinned L1 may be copied from, never written. */
	CHECK_EQ(make_ro(l1), 0);
	CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, l1m, 0), 0);
	CHECK_EQ(ext(MMUEXT_CLEAR_PAGE, l1m, 0), -XEN_EINVAL);
	CHECK_EQ(ext(MMUEXT_COPY_PAGE, l1m, bm), -XEN_EINVAL);
	CHECK(page_is(l1, 0));
	CHECK_EQ(ext(MMUEXT_COPY_PAGE, bm, l1m), 0);
	CHECK(page_is(b, 0));
	CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, l1m, 0), 0);

	/* Frames that are not ours, either way round. */
	memset((void *)b, 0x77, PAGE_SIZE);
	CHECK_EQ(ext(MMUEXT_CLEAR_PAGE, HV_MFN, 0), -XEN_EPERM);
	CHECK_EQ(ext(MMUEXT_CLEAR_PAGE, unowned_mfn(), 0), -XEN_EPERM);
	CHECK_EQ(ext(MMUEXT_CLEAR_PAGE, 0xFFFFF, 0), -XEN_EPERM);
	CHECK_EQ(ext(MMUEXT_COPY_PAGE, bm, HV_MFN), -XEN_EPERM);
	CHECK_EQ(ext(MMUEXT_COPY_PAGE, bm, unowned_mfn()), -XEN_EPERM);
	CHECK_EQ(ext(MMUEXT_COPY_PAGE, HV_MFN, bm), -XEN_EPERM);
	CHECK(page_is(b, 0x77));
	CHECK(pool_writable()); /* no type or reference was left behind */
}

KTEST(selftest, mmu_machphys_update_rules)
{
	pool_init();
	uint32_t mfn = mfn_of(pool[0]), pfn = m2p[mfn];
	CHECK_EQ(mmu(((uint64_t)mfn << 12) | MMU_MACHPHYS_UPDATE, pfn + 1), 0);
	CHECK_EQ(m2p[mfn], pfn + 1);
	CHECK_EQ(mmu(((uint64_t)mfn << 12) | MMU_MACHPHYS_UPDATE, pfn), 0);
	CHECK_EQ(m2p[mfn], pfn);
	CHECK_EQ(mmu(((uint64_t)HV_MFN << 12) | MMU_MACHPHYS_UPDATE, 0), -XEN_EPERM);
	CHECK_EQ(mmu(((uint64_t)unowned_mfn() << 12) | MMU_MACHPHYS_UPDATE, 0), -XEN_EPERM);
	CHECK_EQ(mmu(((uint64_t)mfn << 12) | MMU_MACHPHYS_UPDATE, start_info->nr_pages),
		 -XEN_EINVAL);
	CHECK_EQ(m2p[mfn], pfn);
	CHECK_EQ(m2p[unowned_mfn()], 0xFFFFFFFFu); /* nobody's frame: no M2P entry */
}

/*
 * 100000 requests in one mmu_update: the hypervisor must give the CPU up
 * (continuations) without losing a request, and our timer must keep firing.
 * The array is one page of 256 requests seen 391 times: an L1 of ours maps
 * that page read-only again and again, hooked into a free L2 slot. Even
 * requests map a scratch page, odd ones unmap it: 50000 of each.
 */
#define BIG_BATCH 100000u
#define REQS_PER_PAGE (PAGE_SIZE / sizeof(struct mmu_update))

struct tick_count {
	uint32_t n;
};
static void count_tick(uint32_t port, void *data)
{
	(void)port;
	((struct tick_count *)data)->n++;
}

KTEST(selftest, mmu_big_batch_is_preempted)
{
	static struct tick_count ticks;
	static struct vcpu_set_periodic_timer per = { 1000000 }; /* 1 ms */
	pool_init();
	uint32_t alias_l1 = pool[0], page = pool[1], scratch = pool[2];
	uint32_t pages = (BIG_BATCH + REQS_PER_PAGE - 1) / REQS_PER_PAGE;
	unsigned slot = free_l2_slot();
	uint64_t scratch_e = pv_l1e_maddr(scratch);
	struct mmu_update *req = (struct mmu_update *)page;

	for (unsigned i = 0; i < REQS_PER_PAGE; i++)
		req[i] = (struct mmu_update){ scratch_e | MMU_NORMAL_PT_UPDATE,
					      i % 2 ? 0 : pte(mfn_of(scratch), DATA_FLAGS) };
	for (unsigned i = 0; i < pages; i++)
		((uint64_t *)alias_l1)[i] = pte(mfn_of(page), PTE_P | PTE_A);
	CHECK_EQ(make_ro(alias_l1), 0);
	CHECK_EQ(set_entry(boot_l2_mfn(), slot, pte(mfn_of(alias_l1), PDE_FLAGS)), 0);
	CHECK_EQ(((volatile struct mmu_update *)(slot_va(slot) + 390 * PAGE_SIZE))[5].ptr,
		 req[5].ptr);

	ticks.n = 0;
	int port = evtchn_bind_virq(VIRQ_TIMER, count_tick, &ticks);
	CHECK(port > 0);
	struct pv_domain_counters before = dom_own_counters();
	CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, (uint32_t)&per), 0);
	uint32_t done = 0;
	uint64_t t0 = arch_time_ns();
	arch_irq_restore(0); /* events arrive while the batch runs */
	long rc = HYPERVISOR_mmu_update(slot_va(slot), BIG_BATCH, (uint32_t)&done, DOMID_SELF);
	arch_irq_save();
	uint64_t t1 = arch_time_ns();
	CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, 0), 0);
	struct pv_domain_counters after = dom_own_counters();
	uint32_t calls =
	    after.hypercalls[__HYPERVISOR_mmu_update] - before.hypercalls[__HYPERVISOR_mmu_update];
	uint32_t seen_ticks = ticks.n;
	CHECK_EQ(evtchn_close((uint32_t)port), 0);

	printk("    %u requests in %u ms: %u entries into mmu_update, %u timer events "
	       "meanwhile\n",
	       done, (uint32_t)((t1 - t0) / 1000000), calls, seen_ticks);
	CHECK_EQ(rc, 0);
	CHECK_EQ(done, BIG_BATCH);
	CHECK_EQ(after.pt_updates - before.pt_updates, BIG_BATCH);
	CHECK(calls > 1); /* it was split */
	CHECK(seen_ticks > 0);
	/* The last request (odd) unmapped the scratch page, and no reference is
	 * left over from 100000 updates: the frame can even become an L1. */
	EXPECT_TRAP("movl (%%ecx), %%eax", scratch);
	CHECK_EQ(trap_expect.vector, 14);
	CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, mfn_of(scratch), 0), 0);
	CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, mfn_of(scratch), 0), 0);
	CHECK_EQ(set_entry(boot_l2_mfn(), slot, 0), 0);
	arch_flush_tlb();
	CHECK(pool_writable());
}

/* A multicall cannot be rewound, so a batch inside one runs to its end. */
KTEST(selftest, mmu_batch_in_multicall_completes)
{
	static struct mmu_update reqs[200];
	static struct multicall_entry mc;
	static uint32_t done;
	pool_init();
	uint32_t va = pool[0];
	for (unsigned i = 0; i < ARRAY_SIZE(reqs); i++)
		reqs[i] = (struct mmu_update){ pv_l1e_maddr(va) | MMU_NORMAL_PT_UPDATE,
					       pte(mfn_of(va), DATA_FLAGS) };
	mc = (struct multicall_entry){ .op = __HYPERVISOR_mmu_update,
				       .args = { (uint32_t)reqs, ARRAY_SIZE(reqs), (uint32_t)&done,
						 DOMID_SELF } };
	CHECK_EQ(HYPERVISOR_multicall((uint32_t)&mc, 1), 0);
	CHECK_EQ((int32_t)mc.result, 0);
	CHECK_EQ(done, ARRAY_SIZE(reqs));
	CHECK(pool_writable());
}

/* ---- Descriptor tables ----------------------------------------------------------- */

/* A code/data descriptor: present, S set. */
static uint64_t seg_desc(uint32_t base, uint32_t limit, unsigned type, unsigned dpl, uint32_t flags)
{
	uint32_t a = (limit & 0xFFFF) | (base << 16);
	uint32_t b = ((base >> 16) & 0xFF) | (type << 8) | (1u << 12) | (dpl << 13) | (1u << 15) |
		     (limit & 0xF0000) | flags | (base & 0xFF000000);
	return ((uint64_t)b << 32) | a;
}

static uint64_t call_gate(uint16_t sel, uint32_t offset, unsigned dpl)
{
	uint32_t a = (offset & 0xFFFF) | ((uint32_t)sel << 16);
	uint32_t b = (offset & 0xFFFF0000) | (1u << 15) | (dpl << 13) | (0xC << 8);
	return ((uint64_t)b << 32) | a;
}

#define SEG_DATA_RW 0x3 /* read/write, accessed */
#define SEG_CODE_RX 0xB
#define SEG_G (1u << 23)
#define SEG_DB (1u << 22)

static long set_gdt(const uint32_t *frames, uint32_t entries)
{
	return HYPERVISOR_set_gdt((uint32_t)frames, entries);
}

static long update_desc(uint64_t maddr, uint64_t desc)
{
	return HYPERVISOR_update_descriptor((uint32_t)maddr, (uint32_t)(maddr >> 32),
					    (uint32_t)desc, (uint32_t)(desc >> 32));
}

static volatile uint32_t fs_word = MARKER;

KTEST(selftest, gdt_set_gdt_rules)
{
	static uint32_t frames[15];
	pool_init();
	uint32_t gdt = pool[0], bad = pool[1];
	uint64_t *d = (uint64_t *)gdt;
	d[1] = seg_desc((uint32_t)&fs_word, 3, SEG_DATA_RW, 1, SEG_DB); /* selector 0x09 */
	d[2] = seg_desc(0, 0xF57FF, SEG_CODE_RX, 3, SEG_G | SEG_DB);
	((uint64_t *)bad)[5] = seg_desc(0, 0xFFFFF, SEG_DATA_RW, 1, SEG_G | SEG_DB); /* 4 GiB */
	frames[0] = mfn_of(gdt);

	/* Still mapped writable: refused, and still writable to us. */
	CHECK_EQ(set_gdt(frames, 512), -XEN_EINVAL);
	d[3] = 0;
	CHECK_EQ(make_ro(gdt), 0);
	CHECK_EQ(set_gdt(frames, GDT_GUEST_ENTRIES + 1), -XEN_EINVAL);
	CHECK_EQ(HYPERVISOR_set_gdt(HV_ADDR, 512), -XEN_EFAULT);
	frames[0] = HV_MFN;
	CHECK_EQ(set_gdt(frames, 512), -XEN_EPERM);
	frames[0] = unowned_mfn();
	CHECK_EQ(set_gdt(frames, 512), -XEN_EPERM);
	frames[0] = boot_l1_mfn(); /* a page table */
	CHECK_EQ(set_gdt(frames, 512), -XEN_EINVAL);
	CHECK_EQ(make_ro(bad), 0);
	frames[0] = mfn_of(bad); /* a descriptor reaching the hypervisor */
	CHECK_EQ(set_gdt(frames, 512), -XEN_EINVAL);
	frames[0] = mfn_of(gdt);
	frames[1] = mfn_of(bad); /* one bad frame spoils the lot */
	CHECK_EQ(set_gdt(frames, 513), -XEN_EINVAL);
	CHECK_EQ(make_rw(bad), 0); /* refused: no type was kept */

	/* Our own GDT: load a selector from it and read through the segment. */
	CHECK_EQ(set_gdt(frames, 16), 0);
	uint32_t old_fs, val;
	__asm__ volatile("mov %%fs, %0" : "=r"(old_fs));
	__asm__ volatile("mov %1, %%fs\n\tmovl %%fs:0, %0\n\tmov %2, %%fs"
			 : "=&r"(val)
			 : "r"(0x09), "r"(old_fs));
	CHECK_EQ(val, MARKER);
	/* The hypervisor's selectors still work beside ours (we run on them). */
	uint32_t cs;
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	CHECK_EQ(cs & 0xFFFF, FLAT_RING1_CS);
	/* In use as a GDT: never writable, never a page table. */
	CHECK_EQ(make_rw(gdt), -XEN_EPERM);
	CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, mfn_of(gdt), 0), -XEN_EINVAL);
	/* Back to the hypervisor's GDT: the frame is ordinary memory again. */
	CHECK_EQ(set_gdt(frames, 0), 0);
	EXPECT_TRAP("mov %%ecx, %%fs", 0x09); /* our selector is gone */
	CHECK_EQ(trap_expect.vector, 13);
	CHECK(pool_writable());
}

KTEST(selftest, gdt_update_descriptor_rules)
{
	static uint32_t frames[1];
	pool_init();
	uint32_t gdt = pool[0], plain = pool[1];
	const volatile uint64_t *d = (const volatile uint64_t *)gdt;
	uint64_t gdt_ma = (uint64_t)mfn_of(gdt) << 12, plain_ma = (uint64_t)mfn_of(plain) << 12;
	uint64_t good = seg_desc(0x10000, 0xFFFF, SEG_DATA_RW, 3, 0);
	CHECK_EQ(make_ro(gdt), 0);
	frames[0] = mfn_of(gdt);
	CHECK_EQ(set_gdt(frames, 512), 0);
	const struct {
		uint64_t desc;
		const char *what;
	} bad[] = {
		{ seg_desc(0, 0xFFFF, SEG_DATA_RW, 0, 0), "DPL 0 data" },
		{ seg_desc(0, 0xFFFF, SEG_CODE_RX, 0, 0), "DPL 0 code" },
		{ seg_desc(0, 0xFFFFF, SEG_CODE_RX, 1, SEG_G | SEG_DB), "flat 4 GiB code" },
		{ seg_desc(0, 0xF5800, SEG_DATA_RW, 1, SEG_G | SEG_DB), "one page too far" },
		{ seg_desc(HYPERVISOR_VIRT_START - 0x100, 0x100, SEG_DATA_RW, 1, 0), "byte limit" },
		{ seg_desc(0xFFFFF000, 0x1FFF, SEG_DATA_RW, 3, 0), "wraps round" },
		{ seg_desc(0, 0x1000, 0x7 /* expand-down */, 1, SEG_DB), "expand-down to 4 GiB" },
		{ call_gate(0xe008, 0x1000, 3), "call gate to ring 0" },
		{ call_gate(0xe040, 0x1000, 3), "call gate to the TSS" },
		{ ((uint64_t)0xE900 << 32) | 0x67, "a TSS" },
		{ ((uint64_t)0xA200 << 32) | 0xFF, "an LDT" },
		{ ((uint64_t)0xEE00 << 32) | (0xe019u << 16), "an interrupt gate" },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		long rc = update_desc(gdt_ma + 8 * 3, bad[i].desc);
		if (rc != -XEN_EINVAL)
			printk("    %s: rc %ld\n", bad[i].what, rc);
		CHECK_EQ(rc, -XEN_EINVAL);
		CHECK_EQ(d[3], 0);
		CHECK_EQ(update_desc(plain_ma + 8 * 3, bad[i].desc), -XEN_EINVAL);
		CHECK_EQ(((volatile uint64_t *)plain)[3], 0);
	}
	/* Addresses: misaligned, not ours, a page table. */
	CHECK_EQ(update_desc(gdt_ma + 4, good), -XEN_EINVAL);
	CHECK_EQ(update_desc(((uint64_t)HV_MFN << 12) + 8, good), -XEN_EPERM);
	CHECK_EQ(update_desc(((uint64_t)unowned_mfn() << 12) + 8, good), -XEN_EPERM);
	CHECK_EQ(update_desc(((uint64_t)boot_l1_mfn() << 12) + 8, 0), -XEN_EINVAL);
	CHECK_EQ(update_desc((1ull << 32) + 8, good), -XEN_EINVAL);
	/* Good ones: in the GDT (read back through our read-only mapping), and in
	 * an ordinary frame of ours. */
	CHECK_EQ(update_desc(gdt_ma + 8 * 3, good), 0);
	CHECK_EQ(d[3], good);
	uint64_t gate = call_gate(FLAT_RING1_CS, 0xC0001000u, 3);
	CHECK_EQ(update_desc(gdt_ma + 8 * 4, gate), 0);
	CHECK_EQ(d[4], gate);
	CHECK_EQ(update_desc(gdt_ma + 8 * 5, seg_desc(0, 0xFFFF, 0x7, 1, 0)), 0); /* 64 KiB down */
	CHECK_EQ(update_desc(plain_ma + 8 * 3, good), 0);
	CHECK_EQ(((volatile uint64_t *)plain)[3], good);
	CHECK_EQ(set_gdt(frames, 0), 0);
	CHECK(pool_writable());
}
