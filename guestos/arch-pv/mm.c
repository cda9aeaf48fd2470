/* Small MMU helpers of the PV port: find our own L1 entries, map foreign frames. */
#include "pv.h"

#define PTE_P 0x001ull
#define PTE_RW 0x002ull
#define PTE_A 0x020ull
#define PTE_D 0x040ull

/* The machine address of the L1 entry that maps va (walks our bootstrap tables). */
uint64_t pv_l1e_maddr(uint32_t va)
{
	const uint64_t *l3 = (const uint64_t *)start_info->pt_base;
	uint32_t l2_mfn = (uint32_t)(l3[va >> 30] >> 12);
	for (uint32_t i = 0; i < start_info->nr_pt_frames; i++) {
		uint32_t tva = start_info->pt_base + i * PAGE_SIZE;
		if (pv_va_to_mfn(tva) != l2_mfn)
			continue;
		uint64_t l2e = ((const uint64_t *)tva)[(va >> 21) & 511];
		return (l2e & 0xFFFFFF000ull) + ((va >> 12) & 511) * 8;
	}
	return 0;
}

/* dom0: map machine frame mfn of domain domid at va (mfn 0: unmap). */
int pv_map_foreign(uint32_t va, uint16_t domid, uint32_t mfn)
{
	struct mmu_update req = { pv_l1e_maddr(va) | MMU_NORMAL_PT_UPDATE,
				  mfn ? ((uint64_t)mfn << 12) | PTE_P | PTE_RW | PTE_A | PTE_D
				      : 0 };
	long rc = HYPERVISOR_mmu_update((uint32_t)&req, 1, 0, domid);
	if (!rc)
		arch_flush_tlb();
	return (int)rc;
}
