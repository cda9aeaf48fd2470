/*
 * The PV boot protocol's initial virtual region and its bootstrap page tables
 * (pure logic, host-tested). Pieces from virt_base, each page-aligned, in order:
 * kernel image, initrd, P2M list, start_info, [xenstore ring, console ring],
 * bootstrap page tables, bootstrap stack; the region ends on a 4 MiB boundary
 * with at least 512 KiB spare and maps pseudo-physical frames 0.. 1:1.
 */
#ifndef HV_PV_LAYOUT_H
#define HV_PV_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

struct pv_layout {
	uint32_t virt_base;
	uint32_t image_end;	     /* kernel image rounded up to a page */
	uint32_t mod_start, mod_end; /* initrd (mod_start == mod_end: none) */
	uint32_t p2m_start, p2m_end;
	uint32_t start_info;
	uint32_t store_page, console_page; /* 0 for dom0 */
	uint32_t pt_start, pt_end;	   /* L3 first, then L2s, then L1s */
	uint32_t nr_l2, nr_l1;
	uint32_t stack_start, stack_end;
	uint32_t v_end;	   /* end of the initial mapping */
	uint32_t nr_pages; /* frames mapped: (v_end - virt_base) / 4 KiB */
};

/* 0, or -XEN_ENOMEM/-XEN_EINVAL when the region does not fit in nr_pages or in
 * the guest's half of the address space. image_end is the image's last byte + 1. */
int pv_layout_compute(uint32_t virt_base, uint32_t image_end, uint32_t mod_len, uint32_t nr_pages,
		      bool domu, struct pv_layout *l);

/*
 * Fill the bootstrap page tables. frame(ctx, pfn) gives a pointer to the page
 * of pseudo-physical frame pfn, and unframe(ctx, page) is told when it is no
 * longer used (once per frame call); p2m maps pfn -> mfn. hv_l2 holds the hypervisor's
 * entries for L2 slots HV_L2_FIRST_SLOT..511 of the L2 under L3 slot 3.
 * Page-table pages are mapped read-only. Returns the L3's MFN.
 */
uint32_t pv_build_pagetables(const struct pv_layout *l, const uint32_t *p2m,
			     void *(*frame)(void *ctx, uint32_t pfn),
			     void (*unframe)(void *ctx, void *page), void *ctx,
			     const uint64_t *hv_l2);

#endif
