/* PAE page-table entry bits and the rules a guest's entries must follow. */
#ifndef HV_PTE_H
#define HV_PTE_H

#include <stdint.h>

#define _PAGE_PRESENT 0x001ull
#define _PAGE_RW 0x002ull
#define _PAGE_USER 0x004ull
#define _PAGE_PWT 0x008ull
#define _PAGE_PCD 0x010ull
#define _PAGE_ACCESSED 0x020ull
#define _PAGE_DIRTY 0x040ull
#define _PAGE_PSE 0x080ull /* 2 MiB page in an L2; PAT in an L1 */
#define _PAGE_GLOBAL 0x100ull
#define _PAGE_NX (1ull << 63)
#define PTE_ADDR_MASK 0x000FFFFFFFFFF000ull
#define PTE_RESERVED_MASK 0x7FF0000000000000ull /* bits 52-62 */

/* PAE L3 entries: 4 of them, the first 32 bytes of the L3 frame. */
#define L3_ENTRIES 4
#define L3_XEN_SLOT 3 /* its L2 carries the hypervisor's entries */

static inline uint32_t pte_mfn(uint64_t pte)
{
	return (uint32_t)((pte & PTE_ADDR_MASK) >> 12);
}

/*
 * The rules for one entry, before any reference is taken (mm_types.c takes
 * them). Not-present entries carry no rights and always pass, except L3 slot 3.
 * Frame rules use the frame table: "owned" means owned by that domain, not free.
 *
 * L1: may domain `domid` install this entry, mapping its own frames or those
 * of `foreign` (a privileged caller's target; pass domid when there is none)?
 * 0, -XEN_EINVAL (reserved, PSE or G bits), -XEN_EPERM (frame belongs to
 * neither, is free or not RAM, or a writable mapping of a frame that cannot
 * take the writable type: a page table or descriptor frame in use).
 */
int pte_l1_check_foreign(uint16_t domid, uint16_t foreign, uint64_t pte);
static inline int pte_l1_check(uint16_t domid, uint64_t pte)
{
	return pte_l1_check_foreign(domid, domid, pte);
}
/* L2: -XEN_EINVAL for reserved bits or PSE (no guest superpages; NX is fine),
 * -XEN_EPERM if the L1 it names is not the domain's own. That the frame can
 * be an L1 is for the type rules (mm_types.c) to decide. */
int pte_l2_check(uint16_t domid, uint64_t l2e);
/* L3 entry in `slot` (0..3): only the present bit and an address, slot 3
 * always present (-XEN_EINVAL otherwise); -XEN_EPERM if the L2 is not ours. */
int pte_l3_check(uint16_t domid, unsigned slot, uint64_t l3e);

#endif
