/*
 * The one path by which the hypervisor reads or writes guest memory: the range
 * must lie wholly below HYPERVISOR_VIRT_START, and a fault on the access (page
 * not present, or read-only: CR0.WP is set) becomes -EFAULT, never a crash.
 */
#include <hv.h>
#include <pte.h>

size_t raw_copy(void *dst, const void *src, size_t n);

bool guest_range_ok(uint32_t addr, size_t n)
{
	return n <= HYPERVISOR_VIRT_START && addr <= HYPERVISOR_VIRT_START - n;
}

/* A new base pointer waiting for its load (hc_mm.c) matters to an access
 * unless it lies in the kernel's slot and both L3s share that slot's L2. */
static inline void settle_for(uint32_t addr)
{
	if (cpu0.baseptr_pending &&
	    (addr < (uint32_t)L3_XEN_SLOT << L3_SHIFT || !cpu0.stale_kernel_same))
		baseptr_load();
}

int copy_from_guest(void *dst, uint32_t guest_src, size_t n)
{
	if (!guest_range_ok(guest_src, n))
		return -XEN_EFAULT;
	settle_for(guest_src);
	return raw_copy(dst, (const void *)guest_src, n) ? -XEN_EFAULT : 0;
}

int copy_to_guest(uint32_t guest_dst, const void *src, size_t n)
{
	if (!guest_range_ok(guest_dst, n))
		return -XEN_EFAULT;
	settle_for(guest_dst);
	return raw_copy((void *)guest_dst, src, n) ? -XEN_EFAULT : 0;
}
