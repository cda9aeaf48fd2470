/*
 * Guest descriptor tables: set_gdt gives a vCPU its own GDT (frames typed
 * PGT_seg_desc, so validated and never writable by the guest) and
 * update_descriptor changes one descriptor. The rules are in desc_rules.c.
 * A vCPU's GDT is mapped at GDT_AREA(domain id): its 14 pages, then the
 * hypervisor's reserved page, so our selectors (and the TSS) work under it.
 */
#include <desc_rules.h>
#include <hv.h>
#include <hypercalls.h>
#include <mm_types.h>

_Static_assert(MAX_DOMAINS *GDT_AREA_PAGES <= PERDOMAIN_L1S * PT_ENTRIES, "GDT areas");

/* Behind the pages a guest gave no frame for: every entry not present. */
static uint64_t empty_gdt_page[PAGE_SIZE / 8] __attribute__((aligned(4096)));

static uint32_t area(const struct vcpu *v)
{
	return GDT_AREA(v->domain->id);
}

void gdt_load(const struct vcpu *v)
{
	desc_load_gdt(v->gdt_nr_frames ? area(v) : 0);
}

/* Map the vCPU's frames (or empty pages), then our page (the CPU writes it:
 * accessed and busy bits), then nothing. */
static void map_area(const struct vcpu *v)
{
	uint32_t va = area(v);
	for (unsigned i = 0; i < GDT_GUEST_FRAMES; i++, va += PAGE_SIZE) {
		if (i < v->gdt_nr_frames)
			paging_map_perdomain(va, v->gdt_frames[i], true);
		else
			paging_map_perdomain(va, virt_to_mfn(empty_gdt_page), false);
	}
	paging_map_perdomain(va, desc_reserved_gdt_mfn(), true);
}

void gdt_release(struct vcpu *v)
{
	if (!v->gdt_nr_frames)
		return;
	if (v == current)
		desc_load_gdt(0); /* off the frames before they go */
	for (unsigned i = 0; i < GDT_AREA_PAGES; i++)
		paging_map_perdomain(area(v) + i * PAGE_SIZE, INVALID_MFN, false);
	for (unsigned i = 0; i < v->gdt_nr_frames; i++)
		put_page_and_type(v->gdt_frames[i]);
	v->gdt_nr_frames = v->gdt_entries = 0;
}

/*
 * set_gdt(frame_list, entries): frame_list holds ceil(entries / 512) machine
 * frame numbers of the caller's, each of which must validate as a descriptor
 * page (and so must not be mapped writable anywhere). entries 0 goes back to
 * the hypervisor's GDT. 0; -EINVAL more than 7168 entries, or a frame holds
 * another type or a bad descriptor; -EPERM a frame is not the caller's;
 * -EFAULT the list cannot be read. On failure the old GDT stays.
 */
long do_set_gdt(uint32_t frame_list, uint32_t entries)
{
	struct vcpu *v = current;
	uint32_t mfns[GDT_GUEST_FRAMES];
	if (entries > FIRST_RESERVED_GDT_ENTRY)
		return -XEN_EINVAL;
	unsigned n = (entries + 511) / 512;
	if (copy_from_guest(mfns, frame_list, n * sizeof(uint32_t)))
		return -XEN_EFAULT;
	for (unsigned i = 0; i < n; i++) {
		int rc = get_page_and_type(mfns[i], v->domain->id, PGT_seg_desc);
		if (rc) {
			while (i--)
				put_page_and_type(mfns[i]);
			return rc;
		}
	}
	gdt_release(v);
	for (unsigned i = 0; i < n; i++)
		v->gdt_frames[i] = mfns[i];
	v->gdt_nr_frames = n;
	v->gdt_entries = entries;
	if (n) {
		map_area(v);
		gdt_load(v);
	}
	return 0;
}

/*
 * update_descriptor(ma, desc), each 64 bits in two slots: write one checked
 * descriptor at machine address ma, in a descriptor page of the caller's or in
 * any frame of its that may be writable (not a page table). 0; -EINVAL bad
 * address or descriptor, or a page-table frame; -EPERM not the caller's frame.
 */
long do_update_descriptor(uint32_t ma_lo, uint32_t ma_hi, uint32_t desc_lo, uint32_t desc_hi)
{
	struct domain *d = current->domain;
	uint32_t mfn = ma_lo >> PAGE_SHIFT;
	uint64_t desc = ((uint64_t)desc_hi << 32) | desc_lo;

	if (ma_hi || (ma_lo & 7))
		return -XEN_EINVAL;
	if (!frame_owned_by(mfn, d->id))
		return -XEN_EPERM;
	if (desc_check(desc))
		return -XEN_EINVAL;
	const struct page_info *pg = frame_info(mfn);
	bool in_gdt = pg->type_count && pg->type == PGT_seg_desc;
	if (!in_gdt && get_page_type(mfn, PGT_writable))
		return -XEN_EINVAL;
	volatile uint32_t *p = (volatile uint32_t *)((uint8_t *)frame_map(mfn) + (ma_lo & 0xFFF));
	p[1] = 0; /* not present while half written */
	p[0] = desc_lo;
	p[1] = desc_hi;
	frame_unmap((const void *)p);
	if (!in_gdt)
		put_page_type(mfn);
	return 0;
}
