/*
 * The native MMU: PAE page tables the kernel writes itself. The kernel's part
 * (0xC0000000 up) is one L2 shared by every address space: the direct map of
 * RAM in 4 KiB pages (as the PV kernel has it, so both ports see the same TLB
 * behaviour; no global pages either, which the hypervisor refuses to guests),
 * the kernel image with W^X rights, and the LAPIC page. A user address space
 * is an L3 with its own L2 for each of the three lower 1 GiB slots it uses.
 *
 * Page tables are ordinary memory here: arch_as_map stores the entry at once
 * and arch_as_ready has nothing to do. Only the TLB invalidations a change to
 * the loaded address space needs wait, batched like the PV port's queue,
 * until arch_mmu_flush, a switch or a return to user mode.
 */
#include "native.h"
#include <pc/lapic.h>

#define PDE_KERNEL (PTE_P | PTE_RW | PTE_A)
#define PDE_USER (PTE_P | PTE_RW | PTE_USER | PTE_A)

struct arch_as {
	uint32_t l3;		/* PFN of the L3 (PAE's 4 entries in a frame of its own) */
	uint32_t l2[3];		/* PFN of the L2 under each user slot (PMEM_NONE: none yet);
				 * slot 3 is kernel_l2 */
	struct l2_span span[3]; /* where each L2 may hold L1s */
};

uint64_t pte_nx;
static uint32_t kernel_l2 __hot_data;	    /* PFN: the kernel's part, shared */
static struct arch_as kernel_as __hot_data; /* no user slots */
static struct arch_as *loaded __hot_data;   /* the one in CR3 */
static struct arch_as *dead __hot_data;	    /* destroyed while loaded: freed at the next switch */
static uint32_t nr_frames __hot_data;	    /* frames the direct map and pmem describe */

static struct tlb_batch tlb __hot_data; /* what changes to the loaded tables need */

struct native_mmu_stats {
	uint32_t invlpgs, tlb_flushes, switches;
} native_mmu_stats __hot_data;

static uint64_t *table(uint32_t pfn)
{
	return pfn_to_virt(pfn);
}

static uint64_t maddr(uint32_t pfn)
{
	return (uint64_t)pfn << PAGE_SHIFT;
}

uint32_t arch_pfn_to_mfn(uint32_t pfn)
{
	return pfn;
}

/* ---- TLB ------------------------------------------------------------------- */

__page_contained(128) void arch_mmu_flush(void)
{
	if (tlb.all) {
		write_cr3(read_cr3());
		native_mmu_stats.tlb_flushes++;
	} else {
		for (unsigned i = 0; i < tlb.n; i++)
			invlpg(tlb.va[i]);
		native_mmu_stats.invlpgs += tlb.n;
	}
	tlb_batch_clear(&tlb);
}

void arch_flush_tlb(void)
{
	tlb.all = true;
	arch_mmu_flush();
}

/* The entry that maps va in the loaded tables, or NULL if no L1 covers it. */
static uint64_t *loaded_pte(uint32_t va)
{
	uint32_t l2 = va >= KERNEL_BASE ? kernel_l2 : loaded->l2[va >> 30];
	if (l2 == PMEM_NONE)
		return NULL;
	uint64_t l2e = table(l2)[L2_SLOT(va)];
	if (!(l2e & PTE_P) || (l2e & PTE_PS))
		return NULL;
	return &table(pte_frame(l2e))[L1_SLOT(va)];
}

int arch_set_pte(uint32_t va, uint64_t pte, bool flush)
{
	uint64_t *e = loaded_pte(va);
	if (!e)
		return -UAPI_EINVAL;
	*e = pte;
	if (flush)
		invlpg(va);
	return 0;
}

/* ---- Address spaces -------------------------------------------------------- */

static void free_tables(struct arch_as *as)
{
	for (unsigned s = 0; s < 3; s++) {
		if (as->l2[s] == PMEM_NONE)
			continue;
		const uint64_t *l2 = table(as->l2[s]);
		for (unsigned i = as->span[s].lo; i < as->span[s].hi; i++) {
			if (!(l2[i] & PTE_P))
				continue;
			const uint64_t *l1 = table(pte_frame(l2[i]));
			for (unsigned j = 0; (j = pae_next_present(l1, j, 512)) < 512; j++)
				put_user_frame(pte_frame(l1[j]), l1[j]);
			frame_put_warm(pte_frame(l2[i]));
		}
		frame_put_warm(as->l2[s]);
	}
	frame_put_warm(as->l3);
	kfree(as);
}

struct arch_as *arch_as_create(void)
{
	struct arch_as *as = kzalloc(sizeof(*as));
	if (!as)
		return NULL;
	if (!pae_l3_alloc(&as->l3, as->l2, maddr(kernel_l2) | PTE_P)) {
		kfree(as);
		return NULL;
	}
	return as;
}

/*
 * The first mapping in a user slot: its L2. PAE's L3 entries take only P (and
 * caching bits): RW, U and NX are reserved. The CPU reads them when CR3 is
 * loaded, so a change to the loaded L3 needs a CR3 load (the flush before the
 * next return to user mode; the kernel reaches user pages only through its
 * direct map).
 */
static int add_l2(struct arch_as *as, unsigned slot)
{
	uint32_t l2 = frame_alloc_zeroed();
	if (l2 == PMEM_NONE)
		return -UAPI_ENOMEM;
	table(as->l3)[slot] = maddr(l2) | PTE_P;
	as->l2[slot] = l2;
	if (as == loaded)
		tlb.all = true;
	return 0;
}

__page_contained(1024) int arch_as_map(struct arch_as *as, uint32_t va, uint32_t pfn, unsigned prot)
{
	if (va >= USER_END)
		panic("mmu: user mapping at %#x", va);
	unsigned slot = va >> 30;
	if (as->l2[slot] == PMEM_NONE) {
		if (!prot)
			return 0;
		int rc = add_l2(as, slot);
		if (rc)
			return rc;
	}
	uint64_t *l2e = &table(as->l2[slot])[L2_SLOT(va)];
	if (!(*l2e & PTE_P)) {
		if (!prot)
			return 0;
		uint32_t l1 = frame_alloc_zeroed();
		if (l1 == PMEM_NONE)
			return -UAPI_ENOMEM;
		*l2e = maddr(l1) | PDE_USER; /* nothing was cached for a non-present entry */
		l2_span_add(&as->span[slot], L2_SLOT(va));
	}
	uint64_t *e = &table(pte_frame(*l2e))[L1_SLOT(va)], old = *e, pte = 0;
	if (prot)
		pte = pte_user(pfn, prot, pte_nx);
	*e = pte;
	if (as == loaded && (old & PTE_P) && old != pte) /* the TLB may hold the old entry */
		tlb_batch_add(&tlb, va);
	return 0;
}

__page_contained(256) int arch_as_lookup(struct arch_as *as, uint32_t va, uint32_t *pfn,
					 unsigned *prot)
{
	if (as->l2[va >> 30] == PMEM_NONE)
		return ARCH_AS_NO_TABLE;
	uint64_t l2e = table(as->l2[va >> 30])[L2_SLOT(va)];
	if (!(l2e & PTE_P))
		return ARCH_AS_NO_TABLE;
	uint64_t pte = table(pte_frame(l2e))[L1_SLOT(va)];
	if (!(pte & PTE_P))
		return 0;
	*pfn = pte_frame(pte);
	*prot = pte_prot(pte);
	return 1;
}

__page_contained(512) uint32_t
    arch_as_next(struct arch_as *as, uint32_t va, uint32_t end, uint32_t *pfn, unsigned *prot)
{
	while (va < end) {
		uint32_t span_end = (va & ~(ARCH_AS_SPAN - 1)) + ARCH_AS_SPAN;
		if (as->l2[va >> 30] == PMEM_NONE) {
			va = (va & 0xC0000000u) + 0x40000000u; /* the next 1 GiB slot */
			continue;
		}
		uint64_t l2e = table(as->l2[va >> 30])[L2_SLOT(va)];
		if (l2e & PTE_P) {
			const uint64_t *l1 = table(pte_frame(l2e));
			unsigned n = pae_span_limit(va, end),
				 i = pae_next_present(l1, L1_SLOT(va), n);
			if (i < n) {
				*pfn = pte_frame(l1[i]);
				*prot = pte_prot(l1[i]);
				return (span_end - ARCH_AS_SPAN) + i * PAGE_SIZE;
			}
		}
		va = span_end;
	}
	return end;
}

/* Natively the tables need no validation and no pinning. */
int arch_as_ready(struct arch_as *as)
{
	(void)as;
	return 0;
}

static void load(struct arch_as *as)
{
	if (as != loaded) {
		write_cr3((uint32_t)maddr(as->l3)); /* flushes the whole TLB: no global pages */
		tlb_batch_clear(&tlb);
		loaded = as;
		native_mmu_stats.switches++;
	} else {
		arch_mmu_flush();
	}
	if (dead && dead != loaded) {
		free_tables(dead);
		dead = NULL;
	}
}

void arch_as_switch(struct arch_as *as)
{
	load(as ? as : &kernel_as);
}

void arch_switch_prepare(struct arch_as *as, uint32_t user_entry_sp)
{
	load(as ? as : &kernel_as);
	if (user_entry_sp)
		arch_set_kernel_stack(user_entry_sp);
}

__page_contained(64) void arch_as_destroy(struct arch_as *as)
{
	if (!as)
		return;
	if (as == loaded) {
		/* In use until the next switch, which frees it. */
		if (dead)
			panic("mmu: two address spaces destroyed while loaded");
		dead = as;
		return;
	}
	free_tables(as);
}

/* ---- Boot: the kernel's tables and the frame allocator ---------------------- */

extern char __text_start[], __text_end[], __rodata_end[], _end[];

static uint32_t boot_next; /* the boot allocator: frames from here up */

static bool is_ram(uint32_t pfn)
{
	uint64_t a = maddr(pfn);
	for (unsigned i = 0; i < boot_info.nr_ranges; i++)
		if (a >= boot_info.ram[i].start && a + PAGE_SIZE <= boot_info.ram[i].end)
			return true;
	return false;
}

/* The initrd stays where the loader put it (anywhere above the image). */
static bool in_initrd(uint32_t pfn)
{
	uint64_t a = maddr(pfn);
	return a + PAGE_SIZE > boot_info.mod_start && a < boot_info.mod_end;
}

/* A zeroed frame before pmem exists (reached through head.S's boot tables). */
static uint32_t boot_alloc(void)
{
	while (boot_next < nr_frames && (!is_ram(boot_next) || in_initrd(boot_next)))
		boot_next++;
	if (boot_next >= nr_frames)
		panic("mmu: out of memory while building the page tables");
	memset(table(boot_next), 0, PAGE_SIZE);
	return boot_next++;
}

/* Frames [first, last) to pmem, but for the initrd's. */
static void add_free(uint32_t first, uint32_t last)
{
	uint32_t mod_first = boot_info.mod_start >> PAGE_SHIFT;
	uint32_t mod_last = (uint32_t)(PAGE_ROUND_UP(boot_info.mod_end) >> PAGE_SHIFT);
	if (mod_first >= mod_last || mod_last <= first || mod_first >= last) {
		pmem_add_free(first, last);
		return;
	}
	if (first < mod_first)
		pmem_add_free(first, mod_first);
	if (mod_last < last)
		pmem_add_free(mod_last, last);
}

static uint32_t phys_pfn(const void *linked)
{
	return virt_to_pfn(linked);
}

/* The direct map's entry for RAM frame pfn: the image's text read-only and
 * executable, its read-only data read-only, everything else writable data. */
static uint64_t dmap_pte(uint32_t pfn)
{
	uint64_t e = maddr(pfn) | PTE_P | PTE_A;
	if (pfn >= phys_pfn(__text_start) && pfn < phys_pfn(__text_end))
		return e;
	if (pfn >= phys_pfn(__text_start) - 1 && pfn < phys_pfn(__rodata_end))
		return e | pte_nx; /* the boot stub's page (used before these tables) too */
	return e | PTE_RW | PTE_D | pte_nx;
}

static void enable_nx(void)
{
	uint32_t a, b, c, d;
	cpuid(0x80000000, &a, &b, &c, &d);
	if (a >= 0x80000001) {
		cpuid(0x80000001, &a, &b, &c, &d);
		if (d & (1u << 20)) {
			wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
			pte_nx = PTE_NX;
			return;
		}
	}
	printk("native: the CPU has no NX: data pages stay executable\n");
}

static void map_lapic(uint64_t *kl2)
{
	uint32_t l1 = boot_alloc();
	kl2[L2_SLOT(LAPIC_VA)] = maddr(l1) | PDE_KERNEL;
	table(l1)[L1_SLOT(LAPIC_VA)] =
	    LAPIC_PADDR | PTE_P | PTE_RW | PTE_PWT | PTE_PCD | PTE_A | PTE_D | pte_nx;
}

/*
 * Build the kernel's tables (RAM only, 4 KiB pages), load them (dropping the
 * boot identity map), and give pmem every RAM frame above the image and what
 * this took, but for the initrd's.
 */
void mmu_init(void)
{
	uint64_t ram_end = 0;
	for (unsigned i = 0; i < boot_info.nr_ranges; i++)
		ram_end = MAX(ram_end, boot_info.ram[i].end);
	nr_frames = (uint32_t)MIN(ram_end >> PAGE_SHIFT, (uint64_t)KERNEL_MAX_FRAMES);
	boot_next = phys_pfn(_end);
	enable_nx();

	uint32_t l3 = boot_alloc();
	kernel_l2 = boot_alloc();
	uint64_t *kl2 = table(kernel_l2);
	for (uint32_t chunk = 0; chunk < (nr_frames + 511) / 512; chunk++) {
		uint32_t l1 = PMEM_NONE;
		for (uint32_t pfn = chunk * 512; pfn < MIN(nr_frames, chunk * 512 + 512); pfn++) {
			if (!is_ram(pfn))
				continue;
			if (l1 == PMEM_NONE) {
				l1 = boot_alloc();
				kl2[chunk] = maddr(l1) | PDE_KERNEL;
			}
			table(l1)[pfn % 512] = dmap_pte(pfn);
		}
	}
	map_lapic(kl2);
	table(l3)[3] = maddr(kernel_l2) | PTE_P;
	kernel_as = (struct arch_as){ .l3 = l3, .l2 = { PMEM_NONE, PMEM_NONE, PMEM_NONE } };
	loaded = &kernel_as;
	write_cr3((uint32_t)maddr(l3));

	size_t meta = pmem_meta_bytes(nr_frames);
	uint32_t meta_pfn = boot_alloc();
	for (size_t got = PAGE_SIZE; got < meta; got += PAGE_SIZE)
		if (boot_alloc() != meta_pfn + got / PAGE_SIZE) /* a hole in RAM */
			panic("mmu: no room for the frame table after %#x", meta_pfn);
	pmem_init(pfn_to_virt(meta_pfn), nr_frames);
	for (unsigned i = 0; i < boot_info.nr_ranges; i++) {
		uint64_t first = (boot_info.ram[i].start + PAGE_SIZE - 1) >> PAGE_SHIFT;
		uint64_t last = boot_info.ram[i].end >> PAGE_SHIFT;
		first = MAX(first, (uint64_t)boot_next);
		last = MIN(last, (uint64_t)nr_frames);
		if (first < last)
			add_free((uint32_t)first, (uint32_t)last);
	}
	printk("native: memory: %u MiB of RAM, %u frames free for the kernel (first %#x)\n",
	       (uint32_t)(ram_end >> 20), pmem_free_frames(), boot_next);
}
