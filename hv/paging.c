/*
 * The hypervisor's own page tables. The L2 under L3 slot 3 holds, from slot
 * HV_L2_FIRST_SLOT on, the hypervisor's entries; every guest's L2 for slot 3
 * carries copies of them, so the hypervisor is mapped in every address space.
 */
#include <hv.h>
#include <pte.h>
#include <string.h>
#include <x86.h>

extern char __text_start[], __text_end[], __hv_end[];

uint64_t pte_nx;

static uint64_t idle_l3[4] __attribute__((aligned(32)));
static uint64_t idle_l2[PT_ENTRIES] __attribute__((aligned(4096)));
static uint64_t low_l1[PT_ENTRIES] __attribute__((aligned(4096)));    /* 0-2 MiB */
static uint64_t m2p_l1[8][PT_ENTRIES] __attribute__((aligned(4096))); /* 16 MiB */
static uint64_t fixmap_l1[PT_ENTRIES] __attribute__((aligned(4096)));
static uint64_t perdomain_l1[PERDOMAIN_L1S][PT_ENTRIES] __attribute__((aligned(4096)));
static uint64_t mapcache_l1[PT_ENTRIES] __attribute__((aligned(4096)));
static uint64_t staging_l1[PT_ENTRIES] __attribute__((aligned(4096)));

#define L2_SLOT(va) (((va) >> L2_SHIFT) & (PT_ENTRIES - 1))
#define HV_PDE (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

static void enable_nx(void)
{
	uint32_t a, b, c, d;
	cpuid(0x80000000, &a, &b, &c, &d);
	if (a < 0x80000001)
		return;
	cpuid(0x80000001, &a, &b, &c, &d);
	if (!(d & (1u << 20)))
		return;
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	pte_nx = _PAGE_NX;
}

void paging_init(void)
{
	enable_nx();
	if (!pte_nx)
		printk("hv: warning: CPU has no NX; data pages stay executable\n");

	/* First 2 MiB of the direct map in 4 KiB pages: only the text is executable. */
	for (uint32_t i = 0; i < PT_ENTRIES; i++) {
		uint32_t va = DIRECTMAP_BASE + i * PAGE_SIZE;
		bool text = va >= (uint32_t)__text_start && va < (uint32_t)__text_end;
		low_l1[i] = (uint64_t)i * PAGE_SIZE | _PAGE_PRESENT | _PAGE_ACCESSED |
			    (text ? 0 : _PAGE_RW | _PAGE_DIRTY | pte_nx);
	}
	idle_l2[L2_SLOT(DIRECTMAP_BASE)] = virt_to_maddr(low_l1) | HV_PDE;
	for (uint32_t pa = 1u << L2_SHIFT; pa < DIRECTMAP_SIZE; pa += 1u << L2_SHIFT)
		idle_l2[L2_SLOT(DIRECTMAP_BASE + pa)] = pa | HV_PDE | _PAGE_PSE | pte_nx;
	if ((uint32_t)__hv_end - DIRECTMAP_BASE > (1u << L2_SHIFT))
		panic("hypervisor image does not fit in its first 2 MiB");

	for (unsigned i = 0; i < 8; i++)
		idle_l2[L2_SLOT(M2P_VIRT_START) + i] = virt_to_maddr(m2p_l1[i]) | HV_PDE;
	idle_l2[L2_SLOT(FIXMAP_BASE)] = virt_to_maddr(fixmap_l1) | HV_PDE;
	idle_l2[L2_SLOT(MAPCACHE_VIRT_START)] = virt_to_maddr(mapcache_l1) | HV_PDE;
	idle_l2[L2_SLOT(STAGING_VIRT_START)] = virt_to_maddr(staging_l1) | HV_PDE;
	/* Present from the start: guests' L2s copy these entries when validated. */
	for (unsigned i = 0; i < PERDOMAIN_L1S; i++)
		idle_l2[L2_SLOT(PERDOMAIN_VIRT_START) + i] =
		    virt_to_maddr(perdomain_l1[i]) | HV_PDE;

	idle_l3[3] = virt_to_maddr(idle_l2) | _PAGE_PRESENT;
	write_cr3(virt_to_maddr(idle_l3));
}

const uint64_t *paging_hv_l2_entries(void)
{
	return &idle_l2[HV_L2_FIRST_SLOT];
}

uint32_t paging_idle_cr3(void)
{
	return virt_to_maddr(idle_l3);
}

/* Map the M2P read-only at M2P_VIRT_START: guests read it, only we write it. */
void paging_map_m2p(uint32_t *table, uint32_t nr_frames)
{
	uint32_t pages = ROUND_UP(nr_frames * 4, PAGE_SIZE) / PAGE_SIZE;
	if (pages > 8 * PT_ENTRIES)
		panic("M2P too large");
	for (uint32_t i = 0; i < pages; i++)
		m2p_l1[i / PT_ENTRIES][i % PT_ENTRIES] = (virt_to_maddr(table) + i * PAGE_SIZE) |
							 _PAGE_PRESENT | _PAGE_ACCESSED | pte_nx;
	flush_tlb_local();
}

void paging_map_fixmap(uint32_t va, uint32_t paddr, bool uncached)
{
	fixmap_l1[(va - FIXMAP_BASE) >> PAGE_SHIFT] =
	    paddr | HV_PDE | pte_nx | (uncached ? _PAGE_PCD | _PAGE_PWT : 0);
	invlpg(va);
}

/* Map machine frame mfn (INVALID_MFN: nothing) at va in the per-domain area. */
void paging_map_perdomain(uint32_t va, uint32_t mfn, bool writable)
{
	uint32_t i = (va - PERDOMAIN_VIRT_START) >> PAGE_SHIFT;
	if (i >= PERDOMAIN_L1S * PT_ENTRIES)
		panic("per-domain address %#x out of range", va);
	perdomain_l1[i / PT_ENTRIES][i % PT_ENTRIES] =
	    mfn == INVALID_MFN ? 0
			       : (uint64_t)mfn << PAGE_SHIFT | _PAGE_PRESENT | _PAGE_ACCESSED |
				     (writable ? _PAGE_RW | _PAGE_DIRTY : 0) | pte_nx;
	invlpg(va);
}

void paging_map_staging(unsigned page, uint32_t mfn)
{
	staging_l1[page] = mfn == INVALID_MFN ? 0 : (uint64_t)mfn << PAGE_SHIFT | HV_PDE | pte_nx;
	invlpg(STAGING_VIRT_START + page * PAGE_SIZE);
}

void paging_map_mapcache(unsigned slot, uint32_t mfn)
{
	mapcache_l1[slot] = (uint64_t)mfn << PAGE_SHIFT | HV_PDE | pte_nx;
	invlpg(MAPCACHE_VIRT_START + slot * PAGE_SIZE);
}
