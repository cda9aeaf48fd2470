/*
 * Page types and reference counts: the direct-paging rules (DESIGN.md section 4).
 * Pure logic over the frame table and the frames' contents (hv/mm_types.c);
 * tests/unit/test_mm_types.c runs it on the host.
 *
 * Every frame has a general count (the allocation's reference, each mapping,
 * each page-table entry that names it, a pin, a vCPU's CR3, a GDT slot) and a
 * typed count. The type may change only while the type count is 0; taking a
 * page-table or descriptor type validates the frame's contents, and dropping
 * the last type reference "devalidates" it: the references its entries held
 * go too. Who holds a type reference:
 *   L1 entry mapping a frame writable   -> PGT_writable on that frame
 *   L2 entry                            -> PGT_l1 on its L1
 *   L3 entry in slot 0..2 / slot 3      -> PGT_l2 / PGT_l2|PGT_PAE_XEN_L2 (may be
 *                                          shared by several L3s)
 *   a pin (MMUEXT_PIN_Lx_TABLE)         -> the pinned type
 *   a vCPU's CR3                        -> PGT_l3
 *   a vCPU's GDT                        -> PGT_seg_desc
 * Each of these also holds a general reference, and so does every present L1
 * entry, so a frame is freed only when nothing maps or uses it.
 */
#ifndef HV_MM_TYPES_H
#define HV_MM_TYPES_H

#include <stdbool.h>
#include <stdint.h>
#include <frame.h>

/* ---- Supplied by the hypervisor (mapcache.c, paging.c, hc_mm.c), or by the unit tests ---- */
/* A pointer to the page of machine frame mfn (one the hypervisor manages),
 * valid until frame_unmap of it (any pointer into the page); every frame_map
 * needs its frame_unmap. */
void *frame_map(uint32_t mfn);
void frame_unmap(const void *p);
const uint64_t *paging_hv_l2_entries(void); /* slots HV_L2_FIRST_SLOT..511 */
/* Flush this CPU's whole TLB (and paging-structure caches), for the current
 * domain; must call mm_tlb_flushed(). */
void mm_flush_tlb(void);
/* The same, owed by a change of type: it may wait until something could
 * write through a stale entry (a guest address), but no longer; the
 * hypervisor's flush must call mm_tlb_flushed() when it happens. */
void mm_retype_flush(void);

/* Every full TLB flush moves the epoch on (see struct frame_table). */
static inline void mm_tlb_flushed(void)
{
	frames.tlb_epoch++;
}
/* Before frames are handed out again: flush if a frame freed since the last
 * flush could still be reached through a stale TLB entry. */
void mm_flush_freed(void);

/* ---- General references ---- */
/* 0, or -XEN_EPERM if the frame is not owner's (free, not RAM, someone else's). */
int get_page(uint32_t mfn, uint16_t owner);
/* Drop one; the last one frees the frame. */
void put_page(uint32_t mfn);

/*
 * ---- Type references ----
 * get_page_type: 0; -XEN_EINVAL if the frame holds another type (or is being
 * validated: a page table cannot contain itself); or the error that made its
 * contents fail validation. A change of type flushes the TLB first when the
 * frame may still be cached under its old type.
 */
int get_page_type(uint32_t mfn, unsigned type);
void put_page_type(uint32_t mfn);
int get_page_and_type(uint32_t mfn, uint16_t owner, unsigned type);
void put_page_and_type(uint32_t mfn);
/* The put for an L3 that a full flush just took off the CPU (one CPU: no
 * other can hold it): the tables it alone kept typed are stamped as flushed. */
void put_unloaded_l3(uint32_t mfn);

/* ---- Entries: check (pte.h), then take or drop the references they hold ---- */
int l1e_get(uint64_t e, uint16_t domid, uint16_t foreign);
void l1e_put(uint64_t e);
int l2e_get(uint64_t e, uint16_t domid);
void l2e_put(uint64_t e);
int l3e_get(uint64_t e, unsigned slot, uint16_t domid);
void l3e_put(uint64_t e);

/*
 * ---- Updates of one entry of a validated table ----
 * The new entry's references are taken before it is written and the old
 * one's dropped after, so a failure changes nothing. 0 or a negated errno:
 * -XEN_EINVAL if the frame is not a validated table of that level, or for the
 * L3's slot 3 and index >= 4; -XEN_EPERM for the hypervisor's L2 slots.
 */
int mm_update_l1e(uint32_t mfn, unsigned idx, uint64_t val, uint16_t domid, uint16_t foreign);
/* mm_update_l1e inline in mmu_update's loop (hc_mm.c's only caller). */
int mm_update_l1e_batched(uint32_t mfn, unsigned idx, uint64_t val, uint16_t domid,
			  uint16_t foreign);
/* The same for an entry that maps one address only, which the caller then
 * invalidates in the TLB (update_va_mapping with UVMF_INVLPG): a writable
 * mapping it replaces leaves no stale TLB entry behind, so a later change of
 * that frame's type need not flush on its account. */
int mm_update_l1e_invlpg(uint32_t mfn, unsigned idx, uint64_t val, uint16_t domid);
int mm_update_l2e(uint32_t mfn, unsigned idx, uint64_t val, uint16_t domid);
int mm_update_l3e(uint32_t mfn, unsigned idx, uint64_t val, uint16_t domid);
/* The level (1..3) of a validated page table, 0 if mfn is none. Inline: every
 * mmu_update entry asks, twice. */
static inline unsigned mm_table_level(uint32_t mfn)
{
	const struct page_info *pg = frame_info(mfn);
	if (!pg || !pg->type_count || !(pg->flags & PGF_VALIDATED))
		return 0;
	unsigned t = pg->type & PGT_TYPE_MASK;
	return t == PGT_l1 || t == PGT_l2 || t == PGT_l3 ? t : 0; /* PGT_l1..PGT_l3 are 1..3 */
}

/* ---- Pins ---- */
/* 0; -XEN_EPERM not the domain's frame; -XEN_EINVAL already pinned; or as get_page_type. */
int mm_pin(uint32_t mfn, uint16_t domid, unsigned type);
int mm_unpin(uint32_t mfn, uint16_t domid); /* 0, -XEN_EINVAL not pinned or not ours */

/*
 * ---- The end of a domain ----
 * Unpin everything the domain pinned (its CR3 and GDT references must be gone
 * already), so every table it built is devalidated, then drop each frame's
 * allocation reference: frames nobody else uses are freed; frames still
 * mapped by another domain become orphans (owner OWNER_XEN, PGF_ORPHAN),
 * freed when their last mapping goes. Returns the number of orphans.
 */
uint32_t mm_release_frames(uint16_t domid);

#endif
