/*
 * Machine memory: at boot, carves the frame table, the M2P table and the heap
 * out of the RAM after the hypervisor image and the modules, then hands every
 * other usable frame to the frame allocator; at a domain's end, gives its
 * frames back.
 */
#include <hv.h>
#include <mm_types.h>
#include <string.h>

extern char __hv_end[];

#define HEAP_SIZE (2u << 20)

uint32_t *m2p;
static uint32_t boot_next; /* physical: next free byte for boot allocations */

static bool range_usable(uint32_t start, uint32_t end)
{
	for (unsigned i = 0; i < boot_info.nr_ranges; i++)
		if (start >= boot_info.ranges[i].start && end <= boot_info.ranges[i].end)
			return true;
	return false;
}

static void *boot_alloc(uint32_t bytes)
{
	uint32_t start = ROUND_UP(boot_next, PAGE_SIZE);
	uint32_t end = start + ROUND_UP(bytes, PAGE_SIZE);
	if (end < start || end > DIRECTMAP_SIZE || !range_usable(start, end))
		panic("out of boot memory (%u bytes at %#x)", bytes, start);
	boot_next = end;
	void *p = maddr_to_virt(start);
	memset(p, 0, end - start);
	return p;
}

void mm_init(void)
{
	boot_next = virt_to_maddr(__hv_end);
	for (unsigned i = 0; i < boot_info.nr_modules; i++)
		if (boot_info.modules[i].end > boot_next)
			boot_next = boot_info.modules[i].end;

	uint32_t nr_frames = boot_info.mem_end >> PAGE_SHIFT;
	struct page_info *table = boot_alloc(nr_frames * sizeof(struct page_info));
	m2p = boot_alloc(nr_frames * sizeof(uint32_t));
	memset(m2p, 0xFF, nr_frames * sizeof(uint32_t));
	heap_init(boot_alloc(HEAP_SIZE), HEAP_SIZE);

	frame_table_init(table, nr_frames);
	for (unsigned i = 0; i < boot_info.nr_ranges; i++)
		frame_add_free(ROUND_UP(boot_info.ranges[i].start, PAGE_SIZE) >> PAGE_SHIFT,
			       boot_info.ranges[i].end >> PAGE_SHIFT);
	frame_reserve(0, ROUND_UP(boot_next, PAGE_SIZE) >> PAGE_SHIFT, OWNER_XEN);
	paging_map_m2p(m2p, nr_frames);
	printk("hv: memory: %u MiB managed, %u frames free, heap %u KiB\n", boot_info.mem_end >> 20,
	       frames.nr_free, HEAP_SIZE >> 10);
}

void m2p_set(uint32_t mfn, uint32_t pfn)
{
	if (mfn < frames.nr_frames)
		m2p[mfn] = pfn;
}

uint32_t mm_domain_teardown(struct domain *d)
{
	struct vcpu *v = &d->vcpu0;
	gdt_release(v);
	if (v->cr3) {
		put_page_and_type(v->cr3 >> PAGE_SHIFT);
		v->cr3 = 0;
	}
	for (uint32_t mfn = 0; mfn < frames.nr_frames; mfn++)
		if (frame_owned_by(mfn, d->id))
			m2p_set(mfn, INVALID_MFN);
	return mm_release_frames(d->id);
}
