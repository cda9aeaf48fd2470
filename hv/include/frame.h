/*
 * The frame table: one struct page_info per machine frame, saying who owns the
 * frame and what it is used as, plus the free-frame allocator built on it.
 * Pure logic (no hardware access): the host unit tests use it as it is.
 * mm_types.h holds the reference-counting rules built on these fields.
 */
#ifndef HV_FRAME_H
#define HV_FRAME_H

#include <stdbool.h>
#include <stdint.h>

/* What a frame is used as. A frame's type changes only when its type count is 0. */
enum page_type {
	PGT_none,     /* ordinary memory, or not yet typed */
	PGT_l1,	      /* PAE L1 page table */
	PGT_l2,	      /* PAE L2 page table */
	PGT_l3,	      /* PAE L3 page table (the 32-byte root lives in a whole frame) */
	PGT_seg_desc, /* GDT/LDT frame */
	PGT_writable, /* mapped writable somewhere */
};
#define PGT_TYPE_MASK 0x0F
/* With PGT_l2: the L2 under L3 slot 3, which carries the hypervisor's entries.
 * It is a different type from a plain L2: neither can stand in for the other. */
#define PGT_PAE_XEN_L2 0x80

#define PGF_FREE 1	/* on the free list */
#define PGF_VALIDATED 2 /* contents checked against its type's rules */
#define PGF_PINNED 4	/* the guest asked to keep the type (pin) */
#define PGF_ORPHAN 8	/* its domain is gone; freed when the last reference goes */

#define OWNER_XEN 0x7FF2u  /* DOMID_XEN: the hypervisor's own frames */
#define OWNER_NONE 0x7FF4u /* DOMID_INVALID: free or not RAM */
#define INVALID_MFN 0xFFFFFFFFu

struct page_info {
	uint32_t count;	     /* general references: allocation, mappings, pins, CR3 */
	uint32_t type_count; /* references that depend on the type */
	uint16_t owner;	     /* domain id, OWNER_XEN or OWNER_NONE */
	uint8_t type;	     /* enum page_type, maybe | PGT_PAE_XEN_L2 */
	uint8_t flags;	     /* PGF_* */
	union {
		uint32_t next_free; /* free list link (an MFN), while PGF_FREE */
		uint32_t tlb_stamp; /* frames.tlb_epoch when a TLB entry may last have gone stale */
		struct {	    /* while a validated L1 or L2: every present entry */
			uint16_t lo, hi; /* is in lo .. hi - 1 (lo == hi: none) */
		} span;
		uint32_t kernel_l2; /* while a validated L3: its slot-3 L2's MFN */
	};
};

struct frame_table {
	struct page_info *pages;
	uint32_t nr_frames; /* frames the table describes: MFN 0 .. nr_frames - 1 */
	uint32_t free_head; /* first free MFN or INVALID_MFN */
	uint32_t nr_free;
	/*
	 * TLB bookkeeping. tlb_epoch counts full TLB flushes (mm_types.h). A frame
	 * whose tlb_stamp equals tlb_epoch may still be reachable through stale TLB
	 * or paging-structure-cache entries; freed_epoch is the epoch of the last
	 * frame freed, so a flush is due before frames are handed out again.
	 */
	uint32_t tlb_epoch;
	uint32_t freed_epoch;
	/* While put_unloaded_l3 runs: what loses its last type reference has not
	 * been reachable since the last flush, so it is stamped older. */
	bool flushed_since_unreachable;
	/* While mm_update_l1e_invlpg runs: the writable mapping it drops is
	 * invalidated at its one address right after, so it stamps nothing. */
	bool drop_invalidated;
};

extern struct frame_table frames;

/* All frames start as not-RAM (owner OWNER_NONE, not free). */
void frame_table_init(struct page_info *pages, uint32_t nr_frames);
/* Hand [first, last) to the allocator; frames outside the table are ignored. */
void frame_add_free(uint32_t first, uint32_t last);
/* Remove [first, last) from the allocator and give it to `owner` (boot use). */
void frame_reserve(uint32_t first, uint32_t last, uint16_t owner);
/* One free frame, now owned by `owner` with count 1 and no type; INVALID_MFN if none. */
uint32_t frame_alloc(uint16_t owner);
/* Return a frame to the allocator; false (and nothing changes) if it is free already,
 * out of range, not RAM (never handed out), or still typed. */
bool frame_free(uint32_t mfn);
static inline struct page_info *frame_info(uint32_t mfn)
{
	return mfn < frames.nr_frames ? &frames.pages[mfn] : 0;
}
static inline bool frame_owned_by(uint32_t mfn, uint16_t domid)
{
	struct page_info *pg = frame_info(mfn);
	return pg && !(pg->flags & PGF_FREE) && pg->owner == domid;
}
/* Frames owned by `owner` (a full scan: for accounting checks and tests). */
uint32_t frame_count_owned(uint16_t owner);

#endif
