/*
 * The hypervisor's memory layout: every address constant lives here.
 *
 *   0x00000000 - 0xF57FFFFF  guest (user below its kernel's virt_base, kernel above)
 *   0xF5800000 - 0xF67FFFFF  read-only M2P table, readable by guests (16 MiB)
 *   0xF6800000 - 0xF7DFFFFF  per-domain mappings: from 0xF6800000 each domain's GDT
 *                            area (64 KiB per domain id), the rest reserved
 *   0xF7E00000 - 0xF7FFFFFF  mapping cache: frames above the direct map (512 pages)
 *   0xF8000000 - 0xFDFFFFFF  direct map of machine memory 0 - 96 MiB
 *                            (the hypervisor image sits at 0xF8100000 = 1 MiB)
 *   0xFE000000 - 0xFE1FFFFF  staging: a domU's kernel image while it is built
 *   0xFE200000 - 0xFFDFFFFF  reserved
 *   0xFFE00000 - 0xFFFFFFFF  fixmap: device pages (LAPIC)
 *
 * Guest segments end at 0xF67FFFFF, so ring 1 can read the M2P but nothing above.
 */
#ifndef HV_LAYOUT_H
#define HV_LAYOUT_H

/* Constants usable from C and assembly (no u suffix in assembly). */
#ifdef __ASSEMBLER__
#define U(x) x
#else
#define U(x) x##u
#endif

#define PAGE_SHIFT 12
#define PAGE_SIZE U(4096)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define L2_SHIFT 21 /* one PAE L2 entry maps 2 MiB */
#define L3_SHIFT 30 /* one PAE L3 entry maps 1 GiB */
#define PT_ENTRIES 512

#define HV_VIRT_START U(0xF5800000) /* = HYPERVISOR_VIRT_START (checked below) */
#define M2P_VIRT_START U(0xF5800000)
#define M2P_VIRT_END U(0xF6800000)
#define GUEST_LIMIT_PAGES U(0xF67FF) /* segment limit in pages: ends at 0xF67FFFFF */

#define DIRECTMAP_BASE U(0xF8000000)
#define DIRECTMAP_SIZE (U(96) << 20)
#define DIRECTMAP_END (DIRECTMAP_BASE + DIRECTMAP_SIZE)
/* Frames below this are in the direct map; the ones above go through the
 * mapping cache (hv/mapcache.c). */
#define MAX_DIRECT_MFN (DIRECTMAP_SIZE >> PAGE_SHIFT)
/* The mapping cache: one L1's worth of pages just below the direct map. */
#define MAPCACHE_VIRT_START U(0xF7E00000)
#define MAPCACHE_SLOTS 512
/* Where domctl build stages a domU's kernel image (PV_IMAGE_MAX: one L1). */
#define STAGING_VIRT_START U(0xFE000000)
#define STAGING_PAGES 512
/* Machine memory the hypervisor manages: PAE frames below 4 GiB (an L3 must
 * be below 4 GiB, and frame numbers are 32 bits throughout). */
#define MAX_MANAGED_END U(0xFFFFF000)

#define HV_LOAD_PADDR U(0x100000) /* multiboot loads the image at 1 MiB */

#define FIXMAP_BASE U(0xFFE00000)
#define FIXMAP_LAPIC U(0xFFFFF000)

/*
 * Per-domain GDT areas: the GDT of domain id n's vCPU is mapped at
 * GDT_AREA(n): 14 pages for the guest's own frames (set_gdt; an empty page
 * where it gave none), then the hypervisor's reserved page, then a guard page.
 */
#define PERDOMAIN_VIRT_START U(0xF6800000)
#define GDT_AREA_PAGES 16
#define GDT_AREA(id) (PERDOMAIN_VIRT_START + (id)*GDT_AREA_PAGES * PAGE_SIZE)
#define PERDOMAIN_L1S 2 /* 64 domains x 64 KiB = 4 MiB: two L1 tables */

/* L2 slot (in the L2 under L3 slot 3) of the first hypervisor-owned entry. */
#define HV_L2_FIRST_SLOT ((HV_VIRT_START >> L2_SHIFT) & (PT_ENTRIES - 1))

/* Hypervisor GDT: 14 pages of guest entries, then the page of ours, of which
 * the GDT's limit takes in only the entries we use (the rest of the page holds
 * the hot per-CPU data: hv/linker.ld). */
#define GDT_FIRST_RESERVED 7168 /* FIRST_RESERVED_GDT_ENTRY */
#define GDT_ENTRIES (GDT_FIRST_RESERVED + 16)
#define GDT_GUEST_FRAMES (GDT_FIRST_RESERVED / 512) /* 14 */
#define HV_CS U(0xe008)				    /* ring-0 code */
#define HV_DS U(0xe010)				    /* ring-0 data */
#define HV_TSS U(0xe040)

#define HV_STACK_SIZE (4 * PAGE_SIZE)

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <public/xen.h>
_Static_assert(HV_VIRT_START == HYPERVISOR_VIRT_START, "layout");
_Static_assert(M2P_VIRT_START == MACH2PHYS_VIRT_START, "layout");
_Static_assert(M2P_VIRT_END == MACH2PHYS_VIRT_END, "layout");
_Static_assert(GDT_FIRST_RESERVED == FIRST_RESERVED_GDT_ENTRY, "layout");
_Static_assert((HV_TSS >> 3) < GDT_ENTRIES, "layout");
_Static_assert(PERDOMAIN_VIRT_START == M2P_VIRT_END, "layout");
_Static_assert(MAPCACHE_VIRT_START >= PERDOMAIN_VIRT_START + PERDOMAIN_L1S * (U(1) << L2_SHIFT) &&
		   MAPCACHE_VIRT_START + MAPCACHE_SLOTS * PAGE_SIZE <= DIRECTMAP_BASE &&
		   MAPCACHE_SLOTS == PT_ENTRIES,
	       "layout");
_Static_assert(STAGING_VIRT_START >= DIRECTMAP_END && STAGING_PAGES == PT_ENTRIES &&
		   STAGING_VIRT_START + STAGING_PAGES * PAGE_SIZE <= FIXMAP_BASE,
	       "layout");
_Static_assert(((GUEST_LIMIT_PAGES << 12) | 0xFFF) == GUEST_SEGMENT_LIMIT, "layout");
static inline void *maddr_to_virt(uint32_t maddr)
{
	return (void *)(uintptr_t)(maddr + DIRECTMAP_BASE);
}
static inline uint32_t virt_to_maddr(const void *va)
{
	return (uint32_t)(uintptr_t)va - DIRECTMAP_BASE;
}
static inline void *mfn_to_virt(uint32_t mfn)
{
	return maddr_to_virt(mfn << PAGE_SHIFT);
}
static inline uint32_t virt_to_mfn(const void *va)
{
	return virt_to_maddr(va) >> PAGE_SHIFT;
}
#endif

#endif
