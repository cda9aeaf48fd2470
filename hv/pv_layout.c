/*
 * The PV boot protocol's initial region and bootstrap page tables (see
 * pv_layout.h). Pure logic; tests/unit/test_pv_layout.c walks the tables.
 */
#include <layout.h>
#include <pte.h>
#include <pv_layout.h>
#include <public/errno.h>
#include <string.h>

#define MB2 (1u << L2_SHIFT)
#define MB4 (4u << 20)
#define SPARE (512u << 10)

static uint32_t pages(uint32_t bytes)
{
	return (bytes + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* L2 pages needed: one per 1 GiB slot the region touches, and always slot 3. */
static uint32_t count_l2(uint32_t start, uint32_t end)
{
	uint32_t first = start >> L3_SHIFT, last = (end - 1) >> L3_SHIFT;
	return last - first + 1 + (last < 3);
}

static uint32_t count_l1(uint32_t start, uint32_t end)
{
	return (((end - 1) >> L2_SHIFT) - (start >> L2_SHIFT)) + 1;
}

int pv_layout_compute(uint32_t virt_base, uint32_t image_end, uint32_t mod_len, uint32_t nr_pages,
		      bool domu, struct pv_layout *l)
{
	memset(l, 0, sizeof(*l));
	if ((virt_base & (PAGE_SIZE - 1)) || image_end <= virt_base ||
	    image_end > HYPERVISOR_VIRT_START || mod_len > HYPERVISOR_VIRT_START)
		return -XEN_EINVAL;
	/* 64-bit cursor: a huge module or P2M cannot wrap around. */
	uint64_t c = pages(image_end);
	l->virt_base = virt_base;
	l->image_end = (uint32_t)c;
	l->mod_start = (uint32_t)c;
	c += pages(mod_len);
	l->mod_end = (uint32_t)c;
	l->p2m_start = (uint32_t)c;
	c += ((uint64_t)nr_pages * 4 + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
	l->p2m_end = (uint32_t)c;
	l->start_info = (uint32_t)c;
	c += PAGE_SIZE;
	if (c > HYPERVISOR_VIRT_START)
		return -XEN_ENOMEM;
	if (domu) {
		l->store_page = (uint32_t)c;
		l->console_page = (uint32_t)c + PAGE_SIZE;
		c += 2 * PAGE_SIZE;
	}
	if (c > HYPERVISOR_VIRT_START)
		return -XEN_ENOMEM;
	l->pt_start = (uint32_t)c;

	/* The tables' own size changes the region's end: iterate to a fixed point. */
	uint32_t nr_pt = 1, need;
	for (;;) {
		uint64_t end = c + (uint64_t)nr_pt * PAGE_SIZE + PAGE_SIZE + SPARE;
		end = (end + MB4 - 1) & ~(uint64_t)(MB4 - 1);
		if (end > HYPERVISOR_VIRT_START)
			return -XEN_ENOMEM;
		l->v_end = (uint32_t)end;
		l->nr_l2 = count_l2(virt_base, l->v_end);
		l->nr_l1 = count_l1(virt_base, l->v_end);
		need = 1 + l->nr_l2 + l->nr_l1;
		if (need <= nr_pt)
			break;
		nr_pt = need;
	}
	l->pt_end = l->pt_start + nr_pt * PAGE_SIZE;
	l->stack_start = l->pt_end;
	l->stack_end = l->stack_start + PAGE_SIZE;
	l->nr_pages = (l->v_end - virt_base) >> PAGE_SHIFT;
	if (l->nr_pages > nr_pages)
		return -XEN_ENOMEM;
	return 0;
}

#define PDE_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_USER)
#define PTE_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

uint32_t pv_build_pagetables(const struct pv_layout *l, const uint32_t *p2m,
			     void *(*frame)(void *ctx, uint32_t pfn),
			     void (*unframe)(void *ctx, void *page), void *ctx,
			     const uint64_t *hv_l2)
{
	uint32_t vb = l->virt_base;
	uint32_t pfn = (l->pt_start - vb) >> PAGE_SHIFT;
	uint32_t l3_pfn = pfn++;
	uint64_t *l3 = frame(ctx, l3_pfn);
	uint64_t *l2_of_slot[4] = { 0 };

	memset(l3, 0, PAGE_SIZE);
	for (unsigned slot = 0; slot < 4; slot++) {
		bool used =
		    slot == 3 || (slot >= (vb >> L3_SHIFT) && slot <= ((l->v_end - 1) >> L3_SHIFT));
		if (!used)
			continue;
		l2_of_slot[slot] = frame(ctx, pfn);
		memset(l2_of_slot[slot], 0, PAGE_SIZE);
		l3[slot] = ((uint64_t)p2m[pfn] << PAGE_SHIFT) | _PAGE_PRESENT;
		pfn++;
	}
	memcpy(&l2_of_slot[3][HV_L2_FIRST_SLOT], hv_l2,
	       (PT_ENTRIES - HV_L2_FIRST_SLOT) * sizeof(uint64_t));

	for (uint32_t va = vb & ~(MB2 - 1); va < l->v_end; va += MB2) {
		uint64_t *l1 = frame(ctx, pfn);
		memset(l1, 0, PAGE_SIZE);
		l2_of_slot[va >> L3_SHIFT][(va >> L2_SHIFT) & (PT_ENTRIES - 1)] =
		    ((uint64_t)p2m[pfn] << PAGE_SHIFT) | PDE_FLAGS;
		pfn++;
		for (unsigned i = 0; i < PT_ENTRIES; i++) {
			uint32_t a = va + i * PAGE_SIZE;
			if (a < vb || a >= l->v_end)
				continue;
			uint64_t pte =
			    ((uint64_t)p2m[(a - vb) >> PAGE_SHIFT] << PAGE_SHIFT) | PTE_FLAGS;
			if (a >= l->pt_start && a < l->pt_end)
				pte &= ~_PAGE_RW;
			l1[i] = pte;
		}
		unframe(ctx, l1);
	}
	for (unsigned slot = 0; slot < 4; slot++)
		if (l2_of_slot[slot])
			unframe(ctx, l2_of_slot[slot]);
	unframe(ctx, l3);
	return p2m[l3_pfn];
}
