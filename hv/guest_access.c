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

/* A few whole words (a request, a multicall entry): a mov each with its own
 * fixup, where raw_copy's call and `rep movsl` cost about twice as much. */
static inline __attribute__((always_inline)) int get_words(uint32_t *dst, uint32_t src, size_t n)
{
	int rc = 0;
#pragma GCC unroll 8
	for (size_t i = 0; i < n / 4; i++) {
		__asm__ volatile("1: movl %[w], %[v]\n"
				 "2:\n"
				 ".pushsection .text.fixup, \"ax\"\n"
				 "3: movl %[fault], %[rc]\n"
				 "   xorl %[v], %[v]\n"
				 "   jmp 2b\n"
				 ".popsection\n"
				 ".pushsection __ex_table, \"a\"\n"
				 "   .long 1b, 3b\n"
				 ".popsection"
				 : [rc] "+r"(rc), [v] "=r"(dst[i])
				 : [w] "m"(*(const volatile uint32_t *)(uintptr_t)(src + 4 * i)),
				   [fault] "i"(-XEN_EFAULT)
				 : "memory");
	}
	return rc;
}

/* Inline everywhere (LTO): they are on every hypercall's path, and a call
 * costs more than their checks. */
__attribute__((always_inline)) inline int copy_from_guest(void *dst, uint32_t guest_src, size_t n)
{
	if (!guest_range_ok(guest_src, n))
		return -XEN_EFAULT;
	settle_for(guest_src);
	if (__builtin_constant_p(n) && n % 4 == 0 && n <= 32)
		return get_words(dst, guest_src, n);
	return raw_copy(dst, (const void *)guest_src, n) ? -XEN_EFAULT : 0;
}

/* One word (a result, a count): a single mov with its own fixup, where
 * raw_copy's call and string moves would cost several times as much. */
static inline int put_word(uint32_t guest_dst, uint32_t value)
{
	int rc = 0;
	__asm__ volatile("1: movl %[v], (%[d])\n"
			 "2:\n"
			 ".pushsection .text.fixup, \"ax\"\n"
			 "3: movl %[fault], %[rc]\n"
			 "   jmp 2b\n"
			 ".popsection\n"
			 ".pushsection __ex_table, \"a\"\n"
			 "   .long 1b, 3b\n"
			 ".popsection"
			 : [rc] "+r"(rc)
			 : [v] "r"(value), [d] "r"(guest_dst), [fault] "i"(-XEN_EFAULT)
			 : "memory");
	return rc;
}

__attribute__((always_inline)) inline int copy_to_guest(uint32_t guest_dst, const void *src,
							size_t n)
{
	if (!guest_range_ok(guest_dst, n))
		return -XEN_EFAULT;
	settle_for(guest_dst);
	flush_settle();
	if (__builtin_constant_p(n) && n == 4)
		return put_word(guest_dst, *(const uint32_t *)src);
	return raw_copy((void *)guest_dst, src, n) ? -XEN_EFAULT : 0;
}
