/*
 * The kernel's memory, wired together: the heap takes its pages from the frame
 * allocator (which the arch start code filled with the frames of the direct
 * map), and frames come zeroed for page tables and user pages.
 */
#include <kernel.h>

static void *heap_page_alloc(uint32_t n)
{
	uint32_t pfn = pmem_alloc_run(n);
	return pfn == PMEM_NONE ? NULL : pfn_to_virt(pfn);
}

static void heap_page_free(void *p, uint32_t n)
{
	if (pmem_free_run(virt_to_pfn(p), n))
		panic("heap: freeing %u frames at %p that are not the heap's", n, p);
}

static void heap_corrupt(const char *what, const void *p)
{
	panic("heap: %s (%p)", what, p);
}

void mem_init(void)
{
	heap_init(heap_page_alloc, heap_page_free, heap_corrupt);
}

uint32_t frame_alloc_zeroed(void)
{
	uint32_t pfn = pmem_alloc();
	if (pfn != PMEM_NONE)
		memset(pfn_to_virt(pfn), 0, PAGE_SIZE);
	return pfn;
}

void frame_put(uint32_t pfn)
{
	if (pmem_put(pfn) < 0)
		panic("frame %#x: reference dropped that was never taken", pfn);
}

void frame_put_warm(uint32_t pfn)
{
	if (pmem_put_warm(pfn) < 0)
		panic("frame %#x: reference dropped that was never taken", pfn);
}
