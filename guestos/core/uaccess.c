/*
 * The current process's memory, seen from the kernel. Every range is checked
 * against user space and its pages faulted in (demand-zero, copy-on-write)
 * before the kernel touches it, so a bad pointer becomes -UAPI_EFAULT and the
 * kernel itself never takes a page fault on user memory.
 */
#include <kernel.h>

int user_prepare(uint32_t va, uint32_t len, bool write)
{
	struct vm *vm = proc_current()->vm;
	if (len == 0)
		return 0;
	if (!vm || va < USER_MIN || va >= USER_END || len > USER_END - va)
		return -UAPI_EFAULT;
	bool changed = false;
	for (uint32_t page = PAGE_ROUND_DOWN(va); page < va + len; page += PAGE_SIZE) {
		uint32_t pfn;
		unsigned prot;
		int r = arch_as_lookup(vm->as, page, &pfn, &prot);
		if (r == 1 && (!write || (prot & ARCH_PROT_WRITE)))
			continue;
		unsigned access = (write ? VM_FAULT_WRITE : 0) | (r == 1 ? VM_FAULT_PRESENT : 0);
		if (vm_fault(vm, page, access))
			return -UAPI_EFAULT;
		changed = true;
	}
	if (changed)
		arch_mmu_flush();
	return 0;
}

int copy_from_user(void *dst, uint32_t src, uint32_t n)
{
	int rc = user_prepare(src, n, false);
	if (!rc)
		memcpy(dst, (const void *)(uintptr_t)src, n);
	return rc;
}

int copy_to_user(uint32_t dst, const void *src, uint32_t n)
{
	int rc = user_prepare(dst, n, true);
	if (!rc)
		memcpy((void *)(uintptr_t)dst, src, n);
	return rc;
}

long strncpy_from_user(char *dst, uint32_t src, uint32_t max)
{
	uint32_t n = 0;
	while (n < max) {
		uint32_t va = src + n, chunk = MIN(PAGE_SIZE - va % PAGE_SIZE, max - n);
		if (va < src || user_prepare(va, chunk, false))
			return -UAPI_EFAULT;
		const char *s = (const char *)(uintptr_t)va;
		for (uint32_t i = 0; i < chunk; i++) {
			dst[n + i] = s[i];
			if (!s[i])
				return (long)(n + i);
		}
		n += chunk;
	}
	return -UAPI_ENAMETOOLONG;
}
