/* Mapping other domains' frames into our own address space (dom0's back ends). */
#include "pv.h"

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
