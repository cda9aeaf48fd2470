/*
 * Page types and reference counts (see mm_types.h): the rules that keep every
 * guest page table, and every descriptor table, valid for as long as the CPU
 * may use it. Pure logic; tests/unit/test_mm_types.c drives it on the host.
 */
#include <desc_rules.h>
#include <layout.h>
#include <mm_types.h>
#include <pte.h>
#include <public/errno.h>
#include <string.h>

#define DESCS_PER_FRAME (PAGE_SIZE / 8)

/* A table's entries: frame_map'd, so each use ends with frame_unmap. */
static uint64_t *entries(uint32_t mfn)
{
	return frame_map(mfn);
}

/* Write a 64-bit entry so the CPU never sees a present half-update. */
static void entry_write(uint64_t *p, uint64_t v)
{
	volatile uint32_t *w = (volatile uint32_t *)p;
	w[0] = 0;
	w[1] = (uint32_t)(v >> 32);
	w[0] = (uint32_t)v;
}

void mm_flush_freed(void)
{
	if (frames.freed_epoch == frames.tlb_epoch)
		mm_flush_tlb();
}

/* ---- General references ---- */

__attribute__((always_inline)) inline int get_page(uint32_t mfn, uint16_t owner)
{
	struct page_info *pg = frame_info(mfn);
	/* Only domains hold references: never on the hypervisor's or non-RAM frames. */
	if (owner >= OWNER_XEN || !frame_owned_by(mfn, owner) || pg->count == UINT32_MAX)
		return -XEN_EPERM;
	pg->count++;
	return 0;
}

__attribute__((always_inline)) inline void put_page(uint32_t mfn)
{
	struct page_info *pg = frame_info(mfn);
	if (--pg->count == 0)
		frame_free(mfn); /* also clears PGF_ORPHAN */
}

/* ---- Validation: a frame's contents against a type ---- */

static unsigned l2_guest_slots(unsigned type)
{
	return (type & PGT_PAE_XEN_L2) ? HV_L2_FIRST_SLOT : PT_ENTRIES;
}

/* The OR of the low words (where the present bit is) of e[0..n-1]: one `or`
 * from memory per entry, which the compiler would split into a load and an or. */
#define LOW_WORDS_OR(n)                                           \
	static inline uint32_t low_words_or##n(const uint64_t *e) \
	{                                                         \
		uint32_t acc = (uint32_t)e[0];                    \
		__asm__("np_off = 8\n\t"                          \
			".rept " #n " - 1\n\t"                    \
			"or np_off(%1), %0\n\t"                   \
			"np_off = np_off + 8\n\t"                 \
			".endr"                                   \
			: "+r"(acc)                               \
			: "r"(e), "m"(*(const uint64_t(*)[n])e)); \
		return acc;                                       \
	}
LOW_WORDS_OR(32)
LOW_WORDS_OR(8)

/*
 * The first present entry of e[i..n), or n. Tables are mostly empty, and
 * under TCG every guest instruction costs: one test covers 32 entries,
 * after a look at the next entry alone (present ones come in runs).
 * (Non-present entries are skipped before l1e_get/l2e_get, which would
 * accept them and take nothing, so the calls are saved too.)
 */
static inline __attribute__((always_inline)) unsigned next_present(const uint64_t *e, unsigned i,
								   unsigned n)
{
	if (i < n && (e[i] & _PAGE_PRESENT))
		return i;
	for (; i + 32 <= n; i += 32)
		if (low_words_or32(&e[i]) & _PAGE_PRESENT)
			break;
	for (; i + 8 <= n; i += 8) /* then 8 at a time to the entry */
		if (low_words_or8(&e[i]) & _PAGE_PRESENT)
			break;
	while (i < n && !(e[i] & _PAGE_PRESENT))
		i++;
	return i;
}

/* Each present entry of e[lo..hi). */
#define for_each_present(i, e, lo, hi) \
	for (unsigned i = next_present(e, lo, hi); i < (hi); i = next_present(e, i + 1, hi))

/* Devalidation visits only the span validation found and updates widened. */
static void span_set(uint32_t mfn, unsigned lo, unsigned hi)
{
	struct page_info *pg = frame_info(mfn);
	pg->span.lo = (uint16_t)(lo < hi ? lo : 0);
	pg->span.hi = (uint16_t)(lo < hi ? hi : 0);
}

/* A present entry written at idx of a validated table (pg). */
static inline void span_widen(struct page_info *pg, unsigned idx)
{
	if (idx >= pg->span.lo && idx < pg->span.hi)
		return;
	if (pg->span.lo == pg->span.hi || idx < pg->span.lo)
		pg->span.lo = (uint16_t)idx;
	if (idx >= pg->span.hi)
		pg->span.hi = (uint16_t)(idx + 1);
}

/*
 * l1e_get's common case, inline in validation's loop: a present entry of the
 * owner's own frame with no reserved, PSE or global bit, read-only, or
 * writable with the writable type held already. That is one pass over the
 * frame's page_info; anything else, errors included, goes through l1e_get.
 * A fork validates every entry of the child's tables (bench/HISTORY.md).
 */
static inline __attribute__((always_inline)) int l1e_get_own(uint64_t e, uint16_t owner)
{
	if (owner >= OWNER_XEN) /* only domains hold references: get_page refuses */
		return l1e_get(e, owner, owner);
	uint32_t lo = (uint32_t)e, hi = (uint32_t)(e >> 32);
	uint32_t mfn = lo >> 12;
	/* Of the high word only NX may be set: address bits 32-51 would put
	 * the frame beyond the table, and bits 52-62 are reserved. */
	if ((hi & 0x7FFFFFFFu) || (lo & (_PAGE_PSE | _PAGE_GLOBAL)) || mfn >= frames.nr_frames)
		return l1e_get(e, owner, owner);
	struct page_info *pg = &frames.pages[mfn];
	if (pg->owner != owner || (pg->flags & PGF_FREE) || pg->count == UINT32_MAX)
		return l1e_get(e, owner, owner);
	if (lo & _PAGE_RW) {
		if (pg->type != PGT_writable || !pg->type_count || pg->type_count == UINT32_MAX)
			return l1e_get(e, owner, owner);
		pg->type_count++;
	}
	pg->count++;
	return 0;
}

/* l1e_put's common case inline: a read-only mapping of a frame that stays in
 * use. An entry of a validated L1 names a frame within the table. */
static inline __attribute__((always_inline)) void l1e_put_inline(uint64_t e)
{
	if ((e & (_PAGE_PRESENT | _PAGE_RW)) == _PAGE_PRESENT) {
		struct page_info *pg = &frames.pages[(uint32_t)e >> 12];
		if (pg->count > 1) {
			pg->count--;
			return;
		}
	}
	l1e_put(e);
}

static int validate_l1(uint32_t mfn, const uint64_t *e, uint16_t owner)
{
	unsigned lo = PT_ENTRIES, hi = 0;
	for_each_present (i, e, 0, PT_ENTRIES) {
		int rc = l1e_get_own(e[i], owner);
		if (rc) {
			while (i--)
				l1e_put(e[i]);
			return rc;
		}
		if (lo == PT_ENTRIES)
			lo = i;
		hi = i + 1;
	}
	span_set(mfn, lo, hi);
	return 0;
}

static int validate_l2(uint32_t mfn, uint64_t *e, uint16_t owner, unsigned type)
{
	unsigned n = l2_guest_slots(type), lo = PT_ENTRIES, hi = 0;
	for_each_present (i, e, 0, n) {
		int rc = l2e_get(e[i], owner);
		if (rc) {
			while (i--)
				l2e_put(e[i]);
			return rc;
		}
		if (lo == PT_ENTRIES)
			lo = i;
		hi = i + 1;
	}
	span_set(mfn, lo, hi);
	/* Whatever the guest left in the hypervisor's slots is replaced. */
	if (n < PT_ENTRIES)
		memcpy(&e[n], paging_hv_l2_entries(), (PT_ENTRIES - n) * sizeof(uint64_t));
	return 0;
}

static int validate_l3(uint32_t mfn, const uint64_t *e, uint16_t owner)
{
	for (unsigned i = 0; i < L3_ENTRIES; i++) {
		int rc = l3e_get(e[i], i, owner);
		if (rc) {
			while (i--)
				l3e_put(e[i]);
			return rc;
		}
	}
	/* Slot 3 is present (l3e_get) and cannot change while the type holds. */
	frame_info(mfn)->kernel_l2 = pte_mfn(e[L3_XEN_SLOT]);
	return 0;
}

static int validate_seg_desc(const uint64_t *d)
{
	for (unsigned i = 0; i < DESCS_PER_FRAME; i++)
		if (desc_check(d[i]))
			return -XEN_EINVAL;
	return 0;
}

static int validate(uint32_t mfn, unsigned type, uint16_t owner)
{
	if ((type & PGT_TYPE_MASK) == PGT_writable || (type & PGT_TYPE_MASK) == PGT_none)
		return 0;
	uint64_t *e = entries(mfn);
	int rc = 0;
	switch (type & PGT_TYPE_MASK) {
	case PGT_l1:
		rc = validate_l1(mfn, e, owner);
		break;
	case PGT_l2:
		rc = validate_l2(mfn, e, owner, type);
		break;
	case PGT_l3:
		rc = validate_l3(mfn, e, owner);
		break;
	case PGT_seg_desc:
		rc = validate_seg_desc(e);
		break;
	}
	frame_unmap(e);
	return rc;
}

/* The last type reference went: drop what the contents held. */
static void devalidate(uint32_t mfn, unsigned type)
{
	uint64_t *e = entries(mfn);
	const struct page_info *pg = frame_info(mfn);
	unsigned lo = pg->span.lo, hi = pg->span.hi;
	switch (type & PGT_TYPE_MASK) {
	case PGT_l1:
		for_each_present (i, e, lo, hi)
			l1e_put_inline(e[i]);
		break;
	case PGT_l2: {
		unsigned n = l2_guest_slots(type);
		for_each_present (i, e, lo, hi)
			l2e_put(e[i]);
		/* Do not leave the hypervisor's entries in a page the guest may
		 * map writable, or validate as an ordinary L2, later. */
		if (n < PT_ENTRIES) /* the kernel's L2 (a call to memset costs a page) */
			memset(&e[n], 0, (PT_ENTRIES - n) * sizeof(uint64_t));
		break;
	}
	case PGT_l3:
		for (unsigned i = 0; i < L3_ENTRIES; i++)
			l3e_put(e[i]);
		break;
	}
	frame_unmap(e);
}

/* ---- Type references ---- */

/* Another reference to a type the frame holds already: 0, or -XEN_EINVAL. */
static inline __attribute__((always_inline)) int more_of_type(struct page_info *pg, unsigned type)
{
	/* A frame still being validated has no VALIDATED flag: reaching it
	 * again means a table that contains itself. */
	if (pg->type != type || !(pg->flags & PGF_VALIDATED) || pg->type_count == UINT32_MAX)
		return -XEN_EINVAL;
	pg->type_count++;
	return 0;
}

/*
 * A frame with no type references takes a new type (not yet validated).
 * While its last type reference may still be cached (a writable TLB entry,
 * a page-table walk cached by the CPU), the frame must not become something
 * else: flush unless that happened since.
 */
static inline __attribute__((always_inline)) void first_of_type(struct page_info *pg, unsigned type)
{
	if (pg->type != type && pg->type != PGT_none && pg->tlb_stamp == frames.tlb_epoch)
		mm_retype_flush();
	pg->type = (uint8_t)type;
	pg->type_count = 1;
	pg->flags &= ~PGF_VALIDATED;
}

int get_page_type(uint32_t mfn, unsigned type)
{
	struct page_info *pg = frame_info(mfn);
	if (!pg || (pg->flags & PGF_FREE))
		return -XEN_EINVAL;
	if (pg->type_count)
		return more_of_type(pg, type);
	first_of_type(pg, type);
	int rc = validate(mfn, type, pg->owner);
	if (rc) {
		pg->type_count = 0;
		pg->type = PGT_none;
		return rc;
	}
	pg->flags |= PGF_VALIDATED;
	return 0;
}

/* A writable type reference goes: no contents to devalidate. */
static inline __attribute__((always_inline)) void put_writable_type(struct page_info *pg)
{
	/* Each writable mapping may outlive its entry in the TLB, so every drop
	 * stamps (the word is free while the type is held), not only the last;
	 * except one whose only address is invalidated right after. */
	if (!frames.drop_invalidated)
		pg->tlb_stamp = frames.tlb_epoch - frames.flushed_since_unreachable;
	if (--pg->type_count == 0)
		pg->flags &= ~(PGF_VALIDATED | PGF_PINNED);
}

void put_page_type(uint32_t mfn)
{
	struct page_info *pg = frame_info(mfn);
	if (pg->type == PGT_writable) {
		put_writable_type(pg);
		return;
	}
	uint32_t stamp = frames.tlb_epoch - frames.flushed_since_unreachable;
	if (--pg->type_count)
		return;
	pg->flags &= ~(PGF_VALIDATED | PGF_PINNED);
	devalidate(mfn, pg->type); /* reads the span, which the stamp replaces */
	pg->tlb_stamp = stamp;
}

__attribute__((always_inline)) inline int get_page_and_type(uint32_t mfn, uint16_t owner,
							    unsigned type)
{
	int rc = get_page(mfn, owner);
	if (rc)
		return rc;
	if ((rc = get_page_type(mfn, type)))
		put_page(mfn);
	return rc;
}

__attribute__((always_inline)) inline void put_page_and_type(uint32_t mfn)
{
	put_page_type(mfn);
	put_page(mfn);
}

void put_unloaded_l3(uint32_t mfn)
{
	frames.flushed_since_unreachable = true;
	put_page_and_type(mfn);
	frames.flushed_since_unreachable = false;
}

/* ---- Entries ---- */

int l1e_get(uint64_t e, uint16_t domid, uint16_t foreign)
{
	int rc = pte_l1_check_foreign(domid, foreign, e);
	if (rc || !(e & _PAGE_PRESENT))
		return rc;
	uint32_t mfn = pte_mfn(e);
	if ((rc = get_page(mfn, frame_info(mfn)->owner)))
		return rc;
	if ((e & _PAGE_RW) && get_page_type(mfn, PGT_writable)) {
		put_page(mfn);
		return -XEN_EPERM;
	}
	return 0;
}

void l1e_put(uint64_t e)
{
	if (!(e & _PAGE_PRESENT))
		return;
	if (e & _PAGE_RW)
		put_page_type(pte_mfn(e));
	put_page(pte_mfn(e));
}

int l2e_get(uint64_t e, uint16_t domid)
{
	int rc = pte_l2_check(domid, e);
	if (rc || !(e & _PAGE_PRESENT))
		return rc;
	return get_page_and_type(pte_mfn(e), domid, PGT_l1);
}

void l2e_put(uint64_t e)
{
	if (e & _PAGE_PRESENT)
		put_page_and_type(pte_mfn(e));
}

int l3e_get(uint64_t e, unsigned slot, uint16_t domid)
{
	int rc = pte_l3_check(domid, slot, e);
	if (rc || !(e & _PAGE_PRESENT))
		return rc;
	/*
	 * The L2 with the hypervisor's entries may serve several L3s (Xen allows
	 * one): ours are the same in every address space, so a guest can share its
	 * kernel's L2 between processes as a native kernel does.
	 */
	return get_page_and_type(pte_mfn(e), domid,
				 slot == L3_XEN_SLOT ? PGT_l2 | PGT_PAE_XEN_L2 : PGT_l2);
}

void l3e_put(uint64_t e)
{
	if (e & _PAGE_PRESENT)
		put_page_and_type(pte_mfn(e));
}

/* ---- Updates ---- */

/*
 * The same frame, present, with only RW changed: the entry's general
 * reference carries over, so only the writable type moves. That is how a
 * guest turns a frame it will pin read-only and back (its direct map entry),
 * and how copy-on-write write-protects a page: both at every fork. The old
 * entry passed validation, and the new one differs in RW alone, so it is
 * valid too.
 */
static inline __attribute__((always_inline)) int update_l1e_rw_flip(uint64_t *e, uint64_t val,
								    uint16_t domid)
{
	uint32_t mfn = pte_mfn(val);
	if (!frame_owned_by(mfn, domid))
		return -XEN_EPERM; /* as l1e_get: a foreign frame needs its mapping's rules */
	/* get_page_type and put_page_type for a writable type, inline: a
	 * fork+exit makes ten of these, and a call to them is a call to
	 * another page. Writable needs no validation. */
	struct page_info *pg = &frames.pages[mfn];
	if (val & _PAGE_RW) {
		if (!pg->type_count) {
			first_of_type(pg, PGT_writable);
			pg->flags |= PGF_VALIDATED;
		} else if (more_of_type(pg, PGT_writable)) {
			return -XEN_EPERM;
		}
		entry_write(e, val);
	} else {
		entry_write(e, val);
		if (pg->type == PGT_writable) /* the old entry was writable: always */
			put_writable_type(pg);
		else
			put_page_type(mfn);
	}
	return 0;
}

/* Entry idx of a validated L1 or L2 gets val, whose references are taken;
 * the span of present entries grows to cover it. */
static inline __attribute__((always_inline)) void table_entry_write(uint32_t mfn, uint64_t *e,
								    unsigned idx, uint64_t val)
{
	entry_write(e, val);
	if (val & _PAGE_PRESENT)
		span_widen(&frames.pages[mfn], idx); /* a table: mfn is in range */
}

static inline __attribute__((always_inline)) int
update_l1e(uint32_t mfn, unsigned idx, uint64_t val, uint16_t domid, uint16_t foreign)
{
	if (mm_table_level(mfn) != 1 || idx >= PT_ENTRIES)
		return -XEN_EINVAL;
	uint64_t *e = entries(mfn) + idx, old = *e;
	int rc;
	if ((old ^ val) == _PAGE_RW && (val & _PAGE_PRESENT) && domid == foreign) {
		rc = update_l1e_rw_flip(e, val, domid);
		frame_unmap(e);
		return rc;
	}
	rc = !(val & _PAGE_PRESENT) ? 0
	     : domid == foreign	    ? l1e_get_own(val, domid)
				    : l1e_get(val, domid, foreign);
	if (!rc)
		table_entry_write(mfn, e, idx, val);
	frame_unmap(e);
	if (!rc)
		l1e_put_inline(old);
	return rc;
}

int mm_update_l1e(uint32_t mfn, unsigned idx, uint64_t val, uint16_t domid, uint16_t foreign)
{
	return update_l1e(mfn, idx, val, domid, foreign);
}

/* The same, inlined into mmu_update's loop (LTO): ten of a fork+exit's
 * requests come through it, and under TCG a call and return between two
 * pages of the hypervisor cost more than the update (bench/HISTORY.md). */
__attribute__((always_inline)) inline int
mm_update_l1e_batched(uint32_t mfn, unsigned idx, uint64_t val, uint16_t domid, uint16_t foreign)
{
	return update_l1e(mfn, idx, val, domid, foreign);
}

int mm_update_l1e_invlpg(uint32_t mfn, unsigned idx, uint64_t val, uint16_t domid)
{
	frames.drop_invalidated = true;
	int rc = mm_update_l1e(mfn, idx, val, domid, domid);
	frames.drop_invalidated = false;
	return rc;
}

int mm_update_l2e(uint32_t mfn, unsigned idx, uint64_t val, uint16_t domid)
{
	if (mm_table_level(mfn) != 2 || idx >= PT_ENTRIES)
		return -XEN_EINVAL;
	if (idx >= l2_guest_slots(frame_info(mfn)->type))
		return -XEN_EPERM; /* the hypervisor's slots never change */
	uint64_t *e = entries(mfn) + idx, old = *e;
	int rc = l2e_get(val, domid);
	if (!rc)
		table_entry_write(mfn, e, idx, val);
	frame_unmap(e);
	if (!rc)
		l2e_put(old);
	return rc;
}

int mm_update_l3e(uint32_t mfn, unsigned idx, uint64_t val, uint16_t domid)
{
	/* Slot 3 stays as validated: its L2 carries the hypervisor's entries. */
	if (mm_table_level(mfn) != 3 || idx >= L3_XEN_SLOT)
		return -XEN_EINVAL;
	uint64_t *e = entries(mfn) + idx, old = *e;
	int rc = l3e_get(val, idx, domid);
	if (!rc)
		entry_write(e, val);
	frame_unmap(e);
	if (!rc)
		l3e_put(old);
	return rc;
}

/* ---- Pins ---- */

int mm_pin(uint32_t mfn, uint16_t domid, unsigned type)
{
	if (!frame_owned_by(mfn, domid))
		return -XEN_EPERM;
	if (frame_info(mfn)->flags & PGF_PINNED)
		return -XEN_EINVAL;
	int rc = get_page_and_type(mfn, domid, type);
	if (!rc)
		frame_info(mfn)->flags |= PGF_PINNED;
	return rc;
}

int mm_unpin(uint32_t mfn, uint16_t domid)
{
	if (!frame_owned_by(mfn, domid) || !(frame_info(mfn)->flags & PGF_PINNED))
		return -XEN_EINVAL;
	frame_info(mfn)->flags &= ~PGF_PINNED;
	put_page_and_type(mfn);
	return 0;
}

/* ---- The end of a domain ---- */

uint32_t mm_release_frames(uint16_t domid)
{
	uint32_t orphans = 0;
	for (uint32_t mfn = 0; mfn < frames.nr_frames; mfn++)
		if (frame_owned_by(mfn, domid) && (frames.pages[mfn].flags & PGF_PINNED))
			mm_unpin(mfn, domid);
	for (uint32_t mfn = 0; mfn < frames.nr_frames; mfn++) {
		struct page_info *pg = &frames.pages[mfn];
		if (!frame_owned_by(mfn, domid))
			continue;
		if (pg->count > 1) {
			/* Another domain still maps it: it goes with the last mapping. */
			pg->count--;
			pg->owner = OWNER_XEN;
			pg->flags |= PGF_ORPHAN;
			orphans++;
		} else {
			put_page(mfn);
		}
	}
	return orphans;
}
