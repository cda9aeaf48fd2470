/*
 * What a guest may write into a page-table entry, one entry at a time. Pure
 * logic over the frame table; tests/unit/test_pte_rules.c tries each way to
 * break it. The type rules (what an entry's frame must be) are in mm_types.c.
 */
#include <frame.h>
#include <pte.h>
#include <public/errno.h>

/* The entry's frame number, or INVALID_MFN if the address does not fit. */
static uint32_t entry_mfn(uint64_t e)
{
	uint64_t mfn = (e & PTE_ADDR_MASK) >> 12;
	return mfn > 0xFFFFFFFEull ? INVALID_MFN : (uint32_t)mfn;
}

int pte_l1_check_foreign(uint16_t domid, uint16_t foreign, uint64_t pte)
{
	if (!(pte & _PAGE_PRESENT))
		return 0; /* not-present entries carry no rights */
	if (pte & PTE_RESERVED_MASK)
		return -XEN_EINVAL;
	if (pte & (_PAGE_PSE | _PAGE_GLOBAL))
		return -XEN_EINVAL; /* no PAT-indexed or global guest mappings */
	uint32_t mfn = entry_mfn(pte);
	if (!frame_owned_by(mfn, domid) && !frame_owned_by(mfn, foreign))
		return -XEN_EPERM;
	if (pte & _PAGE_RW) {
		const struct page_info *pg = frame_info(mfn);
		/* The writable type can be taken only if no other type holds the frame. */
		if (pg->type_count && pg->type != PGT_writable)
			return -XEN_EPERM; /* page tables stay read-only to their guest */
	}
	return 0;
}

int pte_l2_check(uint16_t domid, uint64_t l2e)
{
	if (!(l2e & _PAGE_PRESENT))
		return 0;
	if (l2e & (PTE_RESERVED_MASK | _PAGE_PSE))
		return -XEN_EINVAL;
	return frame_owned_by(entry_mfn(l2e), domid) ? 0 : -XEN_EPERM;
}

int pte_l3_check(uint16_t domid, unsigned slot, uint64_t l3e)
{
	if (slot >= L3_ENTRIES)
		return -XEN_EINVAL;
	if (!(l3e & _PAGE_PRESENT))
		return slot == L3_XEN_SLOT ? -XEN_EINVAL : 0;
	if (l3e & ~(PTE_ADDR_MASK | _PAGE_PRESENT))
		return -XEN_EINVAL; /* PAE L3 entries: no other bit may be set */
	return frame_owned_by(entry_mfn(l3e), domid) ? 0 : -XEN_EPERM;
}
