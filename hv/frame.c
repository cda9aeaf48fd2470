/* The frame table and the free-frame allocator (see frame.h). Pure logic. */
#include <frame.h>

struct frame_table frames;

void frame_table_init(struct page_info *pages, uint32_t nr_frames)
{
	frames.pages = pages;
	frames.nr_frames = nr_frames;
	frames.free_head = INVALID_MFN;
	frames.nr_free = 0;
	frames.tlb_epoch = 1;
	frames.freed_epoch = 0;
	for (uint32_t i = 0; i < nr_frames; i++)
		pages[i] = (struct page_info){ .owner = OWNER_NONE, .next_free = INVALID_MFN };
}

static void push_free(uint32_t mfn)
{
	struct page_info *pg = &frames.pages[mfn];
	*pg = (struct page_info){ .owner = OWNER_NONE,
				  .flags = PGF_FREE,
				  .next_free = frames.free_head };
	frames.free_head = mfn;
	frames.nr_free++;
}

void frame_add_free(uint32_t first, uint32_t last)
{
	if (last > frames.nr_frames)
		last = frames.nr_frames;
	/* Push high to low so allocation hands out low frames first. */
	for (uint32_t mfn = last; mfn-- > first;)
		if (!(frames.pages[mfn].flags & PGF_FREE))
			push_free(mfn);
}

void frame_reserve(uint32_t first, uint32_t last, uint16_t owner)
{
	if (last > frames.nr_frames)
		last = frames.nr_frames;
	/* One pass over the free list, dropping every frame in the range. */
	uint32_t *link = &frames.free_head;
	while (*link != INVALID_MFN) {
		uint32_t mfn = *link;
		if (mfn >= first && mfn < last) {
			*link = frames.pages[mfn].next_free;
			frames.nr_free--;
		} else {
			link = &frames.pages[mfn].next_free;
		}
	}
	for (uint32_t mfn = first; mfn < last; mfn++)
		frames.pages[mfn] =
		    (struct page_info){ .owner = owner, .count = 1, .next_free = INVALID_MFN };
}

uint32_t frame_alloc(uint16_t owner)
{
	uint32_t mfn = frames.free_head;
	if (mfn == INVALID_MFN)
		return INVALID_MFN;
	struct page_info *pg = &frames.pages[mfn];
	frames.free_head = pg->next_free;
	frames.nr_free--;
	*pg = (struct page_info){
		.owner = owner, .count = 1, .type = PGT_none, .next_free = INVALID_MFN
	};
	return mfn;
}

bool frame_free(uint32_t mfn)
{
	struct page_info *pg = frame_info(mfn);
	/* Only RAM that was handed out, and no longer typed, goes back. */
	if (!pg || (pg->flags & PGF_FREE) || pg->owner == OWNER_NONE || pg->type_count)
		return false;
	push_free(mfn);
	frames.freed_epoch = frames.tlb_epoch; /* someone may still have it in a TLB */
	return true;
}

uint32_t frame_count_owned(uint16_t owner)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < frames.nr_frames; i++)
		if (!(frames.pages[i].flags & PGF_FREE) && frames.pages[i].owner == owner)
			n++;
	return n;
}
