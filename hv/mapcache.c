/*
 * The mapping cache: how the hypervisor reaches a machine frame above its
 * direct map (the first 96 MiB). Below that, frame_map is an addition and
 * frame_unmap nothing. Above, a frame borrows one of MAPCACHE_SLOTS pages of
 * hypervisor address space: its home slot (mfn modulo the slots) if that is
 * idle or already its own, else the next idle one. A slot keeps its mapping
 * after its last unmap, so a frame used again soon costs no PTE write and no
 * TLB invalidation. A hypercall holds only a few frames at once (a table, the
 * one it validates beneath, a copy's two), far fewer than the slots. One CPU:
 * the TLB invalidated here is the only one (SMP will want a cache per CPU).
 */
#include <hv.h>
#include <mm_types.h>

static struct {
	uint32_t mfn;  /* what the slot maps (0: nothing; frame 0 is direct) */
	uint32_t refs; /* frame_maps not yet unmapped */
} slots[MAPCACHE_SLOTS];

static void *slot_va(unsigned s)
{
	return (void *)(uintptr_t)(MAPCACHE_VIRT_START + s * PAGE_SIZE);
}

static __attribute__((noinline, cold)) void *mapcache_map(uint32_t mfn)
{
	if (mfn >= frames.nr_frames)
		panic("frame_map: frame %#x is not managed", mfn);
	unsigned home = mfn % MAPCACHE_SLOTS, s = home;
	while (slots[s].mfn != mfn && slots[s].refs) {
		s = (s + 1) % MAPCACHE_SLOTS;
		if (s == home)
			panic("mapcache: all %u slots in use", MAPCACHE_SLOTS);
	}
	if (slots[s].mfn != mfn) {
		slots[s].mfn = mfn;
		paging_map_mapcache(s, mfn);
	}
	slots[s].refs++;
	return slot_va(s);
}

/* Inline everywhere (LTO): on the page-table paths a call to another page
 * of the hypervisor costs more under TCG than the test (bench/HISTORY.md). */
__attribute__((always_inline)) inline void *frame_map(uint32_t mfn)
{
	if (mfn < MAX_DIRECT_MFN)
		return mfn_to_virt(mfn);
	return mapcache_map(mfn);
}

static __attribute__((noinline, cold)) void mapcache_unmap(uint32_t va)
{
	unsigned s = (va - MAPCACHE_VIRT_START) >> PAGE_SHIFT;
	if (va < MAPCACHE_VIRT_START || s >= MAPCACHE_SLOTS || !slots[s].refs)
		panic("frame_unmap: %#x is not a mapped frame", va);
	slots[s].refs--;
}

__attribute__((always_inline)) inline void frame_unmap(const void *p)
{
	uint32_t va = (uint32_t)(uintptr_t)p;
	if (va < DIRECTMAP_BASE)
		mapcache_unmap(va);
}
