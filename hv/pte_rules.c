/*
 * What a guest may write into an L1 page-table entry. Pure logic over the frame
 * table; tests/unit/test_pte_rules.c tries each way to break it.
 */
#include <frame.h>
#include <pte.h>
#include <public/errno.h>

int pte_l1_check_foreign(uint16_t domid, uint16_t foreign, uint64_t pte)
{
	if (!(pte & _PAGE_PRESENT))
		return 0; /* not-present entries carry no rights */
	if (pte & PTE_RESERVED_MASK)
		return -XEN_EINVAL;
	if (pte & (_PAGE_PSE | _PAGE_GLOBAL))
		return -XEN_EINVAL; /* no PAT-indexed or global guest mappings */
	uint32_t mfn = pte_mfn(pte);
	if ((pte & PTE_ADDR_MASK) >> 12 != mfn ||
	    (!frame_owned_by(mfn, domid) && !frame_owned_by(mfn, foreign)))
		return -XEN_EPERM;
	if (pte & _PAGE_RW) {
		uint8_t type = frame_info(mfn)->type;
		if (type == PGT_l1 || type == PGT_l2 || type == PGT_l3 || type == PGT_seg_desc)
			return -XEN_EPERM; /* page tables stay read-only to their guest */
	}
	return 0;
}
