/*
 * The one path by which the hypervisor reads or writes guest memory: the range
 * must lie wholly below HYPERVISOR_VIRT_START, and a fault on the access (page
 * not present, or read-only: CR0.WP is set) becomes -EFAULT, never a crash.
 */
#include <hv.h>

size_t raw_copy(void *dst, const void *src, size_t n);

bool guest_range_ok(uint32_t addr, size_t n)
{
	return n <= HYPERVISOR_VIRT_START && addr <= HYPERVISOR_VIRT_START - n;
}

int copy_from_guest(void *dst, uint32_t guest_src, size_t n)
{
	if (!guest_range_ok(guest_src, n))
		return -XEN_EFAULT;
	return raw_copy(dst, (const void *)guest_src, n) ? -XEN_EFAULT : 0;
}

int copy_to_guest(uint32_t guest_dst, const void *src, size_t n)
{
	if (!guest_range_ok(guest_dst, n))
		return -XEN_EFAULT;
	return raw_copy((void *)guest_dst, src, n) ? -XEN_EFAULT : 0;
}
