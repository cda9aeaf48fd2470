/*
 * What the two x86 ports (arch-pv/ in ring 1, arch-native/ in ring 0) share:
 * the register frame of an entry from user mode, the PAE entry format, and the
 * code in this directory that is the same on both. Each port's own header
 * (pv.h, native.h) includes this one.
 */
#ifndef GUEST_ARCH_X86_H
#define GUEST_ARCH_X86_H

#include <kernel.h>
#include <x86.h> /* lib/: the instructions (in ring 1 the privileged ones trap) */

/*
 * The ring-3 selectors (the PV ABI's FLAT_RING3_CS/DS, where the native GDT
 * puts its user segments too) and the system-call vector: the same on both
 * ports, so a program sees the same registers on either.
 */
#define USER_CS 0xe02b
#define USER_DS 0xe033
#define SYSCALL_VECTOR 0x80 /* UAPI_SYSCALL_VECTOR: a gate of DPL 3 */

/*
 * What the trap stubs save: pusha order, the data segments, the vector and
 * error code, then the CPU's frame. An entry from ring 3 leaves it at the very
 * top of the thread's kernel stack (native: TSS.esp0; PV: the stack_switch one).
 */
struct arch_regs {
	uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax;
	uint32_t ds, es;
	uint32_t vector, error_code;
	uint32_t eip, cs, eflags;
	uint32_t esp, ss; /* only when the trap came from ring 3 */
};

/* entry.c: an exception in user mode, handed to the core (page faults to the
 * VM with the faulting address cr2, the rest as signals). */
void x86_user_fault(struct arch_regs *f, uint32_t cr2);

/* ---- PAE page-table entries ------------------------------------------------ */

#define PTE_P 0x001ull
#define PTE_RW 0x002ull
#define PTE_USER 0x004ull
#define PTE_PWT 0x008ull
#define PTE_PCD 0x010ull
#define PTE_A 0x020ull
#define PTE_D 0x040ull
#define PTE_PS 0x080ull /* a 2 MiB page in an L2; PAT in an L1 */
#define PTE_G 0x100ull
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000FFFFFFFFFF000ull
#define L2_SLOT(va) (((va) >> 21) & 511)
#define L1_SLOT(va) (((va) >> 12) & 511)

/* The frame an entry points at (PV: a machine frame). */
static inline uint32_t pte_frame(uint64_t e)
{
	return (uint32_t)((e & PTE_ADDR) >> PAGE_SHIFT);
}

/* A user page's L1 entry for frame number `frame` with ARCH_PROT_* rights
 * (prot not 0); nx is PTE_NX, or 0 where the CPU has no NX. */
static inline uint64_t pte_user(uint32_t frame, unsigned prot, uint64_t nx)
{
	uint64_t pte = ((uint64_t)frame << PAGE_SHIFT) | PTE_P | PTE_USER | PTE_A;
	if (prot & ARCH_PROT_WRITE)
		pte |= PTE_RW | PTE_D;
	if (!(prot & ARCH_PROT_EXEC))
		pte |= nx;
	return pte;
}

/* The ARCH_PROT_* rights of a present user entry (without NX: all executable). */
static inline unsigned pte_prot(uint64_t pte)
{
	return ARCH_PROT_READ | ((pte & PTE_RW) ? ARCH_PROT_WRITE : 0) |
	       ((pte & PTE_NX) ? 0 : ARCH_PROT_EXEC);
}

/* A dying address space's user frame loses the reference its entry held: a
 * frame never mapped executable goes back warm (frame_put_warm), one that may
 * hold code does not. */
static inline void put_user_frame(uint32_t pfn, uint64_t pte)
{
	if (pte_prot(pte) & ARCH_PROT_EXEC)
		frame_put(pfn);
	else
		frame_put_warm(pfn);
}

/*
 * A new address space's L3, zeroed but for slot 3 (kernel_l3e: the kernel's
 * L2, shared); the user slots' L2s (l2[0..2]) come with their first mapping.
 * False, with nothing taken, if no frame was free.
 */
static inline bool pae_l3_alloc(uint32_t *l3, uint32_t *l2, uint64_t kernel_l3e)
{
	if ((*l3 = frame_alloc_zeroed()) == PMEM_NONE)
		return false;
	l2[0] = l2[1] = l2[2] = PMEM_NONE;
	((uint64_t *)pfn_to_virt(*l3))[3] = kernel_l3e;
	return true;
}

/*
 * The first index in [i, n) of the L1 l1 whose entry is present, or n. Only
 * the low words are read (P is bit 0), and an empty run costs one test per 8
 * entries: fork and munmap look for the few mapped pages of mostly empty
 * tables, and under TCG every entry looked at costs (bench/HISTORY.md).
 */
static inline unsigned pae_next_present(const uint64_t *l1, unsigned i, unsigned n)
{
	const uint32_t *low = (const uint32_t *)l1;
	while (i < n) {
		if (!(i & 7) && i + 8 <= n) {
			const uint32_t *w = &low[2 * i];
			if (!((w[0] | w[2] | w[4] | w[6] | w[8] | w[10] | w[12] | w[14]) & PTE_P)) {
				i += 8;
				continue;
			}
		}
		if (low[2 * i] & PTE_P)
			return i;
		i++;
	}
	return n;
}

/* How many of the L1 entries of va's span lie below end (va < end). */
static inline unsigned pae_span_limit(uint32_t va, uint32_t end)
{
	uint32_t left = end - (va & ~(ARCH_AS_SPAN - 1));
	return left >= ARCH_AS_SPAN ? 512 : left >> PAGE_SHIFT;
}

/*
 * The L2 indices of a user slot that may hold an L1: [lo, hi). Walks over an
 * address space's tables (teardown, pinning) look there only, not at all 512
 * entries: a process uses a few 2 MiB spans, and under TCG every entry looked
 * at costs (bench/HISTORY.md).
 */
struct l2_span {
	uint16_t lo, hi;
};

static inline void l2_span_add(struct l2_span *s, unsigned idx)
{
	if (s->lo == s->hi) {
		s->lo = (uint16_t)idx;
		s->hi = (uint16_t)(idx + 1);
	} else if (idx < s->lo) {
		s->lo = (uint16_t)idx;
	} else if (idx >= s->hi) {
		s->hi = (uint16_t)(idx + 1);
	}
}

/*
 * The TLB invalidations that changes to the loaded address space need, kept
 * until the port's flush: up to TLB_BATCH_MAX pages, beyond that the whole TLB.
 */
#define TLB_BATCH_MAX 8
struct tlb_batch {
	uint32_t va[TLB_BATCH_MAX];
	unsigned n;
	bool all; /* flush everything; va[] no longer matters */
};

static inline void tlb_batch_add(struct tlb_batch *b, uint32_t va)
{
	if (b->all)
		return;
	if (b->n < TLB_BATCH_MAX)
		b->va[b->n++] = va;
	else
		b->all = true;
}

static inline void tlb_batch_clear(struct tlb_batch *b)
{
	b->n = 0;
	b->all = false;
}

#endif
