/*
 * The PV MMU. The kernel reaches every frame through its direct map (built at
 * boot beyond the initial region); each user address space is an L3 with an
 * L2 per user 1 GiB slot it uses, and under slot 3 the kernel's own L2, shared by
 * every address space as the native port shares it (Paravane lets one L2 with
 * the hypervisor's entries serve many L3s: public/xen.h).
 * Page-table frames are mapped read-only in the direct map while they are page
 * tables, and the L3 is pinned. Updates to live tables wait in a queue and
 * reach the hypervisor as one mmu_update, joined with the TLB flush, a new
 * base pointer or a stack switch in one multicall when those come too.
 */
#include "pv.h"
#include <public/errno.h>

#define L2_HV_FIRST L2_SLOT(HYPERVISOR_VIRT_START) /* the hypervisor's L2 slots */
#define PDE_USER_FLAGS (PTE_P | PTE_RW | PTE_USER | PTE_A)
#define PDE_KERNEL_FLAGS (PTE_P | PTE_RW | PTE_USER | PTE_A | PTE_D) /* as the builder's */

#define QUEUE_MAX 64 /* updates in one mmu_update */

struct arch_as {
	uint32_t l3;		/* PFN of the L3 (PAE's 4 entries in a frame of its own) */
	uint32_t l3_mfn;	/* ... and its MFN, which every switch names */
	uint32_t l2[4];		/* PFN of the L2 under each L3 slot (PMEM_NONE: none yet);
				 * slot 3's is the kernel's */
	struct l2_span span[3]; /* where each user L2 may hold L1s */
	bool live;		/* typed and pinned: changes go through the hypervisor */
	bool pin_pending;	/* ready, to be pinned when first loaded (arch_as_ready) */
};

static struct arch_as kernel_as __hot_data; /* the bootstrap tables (pinned by the builder) */
static struct arch_as *loaded __hot_data;   /* the one the CPU uses */
static uint32_t loaded_sp __hot_data;	    /* the ring-1 stack for entries from ring 3 */
static uint32_t region_frames __hot_data;   /* the initial region: frames 0 .. region_frames - 1 */
static uint32_t direct_frames;		    /* frames the direct map reaches */
static uint32_t kernel_l1[L2_HV_FIRST];	    /* PFN of the kernel L1 for each 2 MiB */

static struct mmu_update queue[QUEUE_MAX] __hot_data;
static unsigned queued __hot_data;
/* A bit per queued entry (queue_bit), L1 entries and L2/L3 entries apart: an
 * L1 lookup then never collides with the L2 entry every lookup of a range
 * reads (munmap of 1 MiB did 600 queue scans when one did). Most miss. */
static uint32_t queued_filter __hot_data, queued_filter_upper __hot_data;
static uint32_t only_va __hot_data;	/* while queued == 1: the loaded address it maps, or 0 */
static bool queued_fresh __hot_data;	/* an L1 entry queued present was not (arch_as_next) */
static struct tlb_batch tlb __hot_data; /* what the queued updates need */
struct pv_mmu_stats pv_mmu_stats __hot_data;

static uint64_t *table(uint32_t pfn)
{
	return pfn_to_virt(pfn);
}

static uint64_t entry_maddr(uint32_t pfn, unsigned idx)
{
	return ((uint64_t)pv_pfn_to_mfn(pfn) << 12) + idx * 8;
}

/* The direct map's entry for frame pfn, read-only or writable. Machine
 * frames are below 4 GiB, so the address is one word and NX the other:
 * 64-bit shifts cost several instructions each on i386, twice per table
 * at every fork. */
static uint64_t dmap_pte(uint32_t pfn, bool writable)
{
	uint32_t lo = pv_pfn_to_mfn(pfn) << 12 | PTE_P | PTE_A | PTE_D;
	if (writable)
		lo |= PTE_RW;
	uint32_t hi = pfn >= region_frames ? (uint32_t)(PTE_NX >> 32) : 0; /* code only there */
	return (uint64_t)hi << 32 | lo;
}

/* The machine address of frame pfn's direct-map entry: the L1 of its 2 MiB
 * (dmap_l1_maddr) plus its index. */
static uint32_t dmap_l1_maddr[L2_HV_FIRST];
static uint64_t dmap_maddr(uint32_t pfn)
{
	return dmap_l1_maddr[pfn / 512] + (pfn % 512) * 8;
}

/*
 * One hypervisor entry: the calls added since the last run, in order, as one
 * multicall (a single call goes straight through). Returns 0 or the first
 * failure; batch_done is how many updates of the first mmu_update completed.
 */
#define BATCH_MAX 8
static struct multicall_entry batch[BATCH_MAX] __hot_data;
static unsigned batched __hot_data;
static uint32_t batch_done[BATCH_MAX] __hot_data;

static void batch_add(unsigned op, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
	if (batched == BATCH_MAX)
		panic("mmu: batch overflow");
	struct multicall_entry *e = &batch[batched];
	batch_done[batched++] = 0;
	/* Field by field: a struct literal would be zeroed first, in a loop.
	 * The hypervisor writes the result and reads args[0..4]. */
	e->op = op;
	e->args[0] = a0;
	e->args[1] = a1;
	e->args[2] = a2;
	e->args[3] = a3;
	e->args[4] = 0;
}

static void batch_updates(struct mmu_update *reqs, unsigned n)
{
	if (n) {
		batch_add(__HYPERVISOR_mmu_update, (uint32_t)reqs, n,
			  (uint32_t)&batch_done[batched], DOMID_SELF);
		pv_mmu_stats.updates += n;
	}
}

static void batch_ext(struct mmuext_op *ops, unsigned n)
{
	if (n)
		batch_add(__HYPERVISOR_mmuext_op, (uint32_t)ops, n, (uint32_t)&batch_done[batched],
			  DOMID_SELF);
}

/* The queue goes first into the batch, which sends it from where it is:
 * nothing is queued again until the batch has run. */
static void batch_queue(void)
{
	batch_updates(queue, queued);
	queued = 0;
	queued_filter = queued_filter_upper = 0;
	queued_fresh = false;
}

static int batch_run(void)
{
	unsigned n = batched;
	batched = 0;
	if (n == 0)
		return 0;
	if (n == 1)
		return (int)hypercall5(batch[0].op, batch[0].args[0], batch[0].args[1],
				       batch[0].args[2], batch[0].args[3], batch[0].args[4]);
	pv_mmu_stats.multicall_inner += n;
	if (HYPERVISOR_multicall((uint32_t)batch, n))
		return -XEN_EFAULT;
	for (unsigned i = 0; i < n; i++)
		if (batch[i].result)
			return (int)batch[i].result;
	return 0;
}

/* The TLB invalidations the queued updates need, as mmuext ops (then forgotten). */
static unsigned take_tlb_work(struct mmuext_op *out)
{
	unsigned n = 0;
	if (tlb.all)
		out[n++] = (struct mmuext_op){ .cmd = MMUEXT_TLB_FLUSH_LOCAL };
	for (unsigned i = 0; !tlb.all && i < tlb.n; i++)
		out[n++] = (struct mmuext_op){ .cmd = MMUEXT_INVLPG_LOCAL, .arg1 = tlb.va[i] };
	pv_mmu_stats.tlb_flushes += n != 0;
	tlb_batch_clear(&tlb);
	return n;
}

/*
 * One queued entry that maps a known address of the loaded space (a page
 * fault's new page, a copy-on-write copy), with no TLB work but that address's:
 * update_va_mapping does it with less hypervisor work than a batch (no array to
 * copy and walk, no count to write back). Returns false if the case is not that.
 */
static bool flush_single(void)
{
	if (queued != 1 || !only_va || batched || (!tlb.all && tlb.n > 1) ||
	    (tlb.n == 1 && tlb.va[0] != only_va))
		return false;
	uint32_t flags = tlb.all ? UVMF_TLB_FLUSH : tlb.n ? UVMF_INVLPG : UVMF_NONE;
	uint64_t val = queue[0].val;
	queued = 0;
	queued_filter = queued_filter_upper = 0;
	queued_fresh = false;
	pv_mmu_stats.updates++;
	pv_mmu_stats.tlb_flushes += flags != UVMF_NONE;
	tlb_batch_clear(&tlb);
	long rc =
	    HYPERVISOR_update_va_mapping(only_va, (uint32_t)val, (uint32_t)(val >> 32), flags);
	if (rc)
		panic("mmu: update_va_mapping(%#x) refused: %ld", only_va, rc);
	return true;
}

static void flush_or_panic(const char *what)
{
	static struct mmuext_op ops[TLB_BATCH_MAX];
	if (flush_single())
		return;
	batch_queue();
	batch_ext(ops, take_tlb_work(ops));
	int rc = batch_run();
	if (rc)
		panic("mmu: %s: refused after %u updates: %d", what, batch_done[0], rc);
}

/* A Bloom filter of one hash over the queued entries (table PFN, index): a
 * lookup whose bit is clear needs no scan of the queue (munmap looks up every
 * page of the range after queueing the first one's removal). */
static inline uint32_t queue_bit(uint32_t pfn, unsigned idx)
{
	uint32_t e = pfn * 512 + idx;
	return 1u << ((e ^ (e >> 5)) & 31);
}

static inline void queue_push(struct mmu_update u, uint32_t pfn, unsigned idx, bool upper)
{
	if (queued == QUEUE_MAX)
		flush_or_panic("full queue");
	only_va = 0;
	queue[queued++] = u;
	if (upper)
		queued_filter_upper |= queue_bit(pfn, idx);
	else
		queued_filter |= queue_bit(pfn, idx);
}

/* Entry idx of the page table at pfn becomes val once the queue is sent. */
static inline void q_add_level(uint32_t pfn, unsigned idx, uint64_t val, bool upper)
{
	queue_push((struct mmu_update){ entry_maddr(pfn, idx) | MMU_NORMAL_PT_UPDATE, val }, pfn,
		   idx, upper);
}

/* An L1 entry; q_add_upper: an L2 or L3 entry. */
static inline void q_add(uint32_t pfn, unsigned idx, uint64_t val)
{
	q_add_level(pfn, idx, val, false);
}

static inline void q_add_upper(uint32_t pfn, unsigned idx, uint64_t val)
{
	q_add_level(pfn, idx, val, true);
}

/* The direct map's entry for frame pfn (read-only or writable) is queued. */
__page_contained(512) static void q_dmap(uint32_t pfn, bool writable)
{
	queue_push(
	    (struct mmu_update){ dmap_maddr(pfn) | MMU_NORMAL_PT_UPDATE, dmap_pte(pfn, writable) },
	    kernel_l1[pfn / 512], pfn % 512, false);
}

/* The newest queued value for an entry, or its value in memory. */
static uint64_t __attribute__((noinline)) queued_value(uint32_t pfn, unsigned idx)
{
	uint64_t ptr = entry_maddr(pfn, idx) | MMU_NORMAL_PT_UPDATE;
	for (unsigned i = queued; i-- > 0;)
		if (queue[i].ptr == ptr)
			return queue[i].val;
	return ((volatile uint64_t *)table(pfn))[idx];
}

/* An entry of a page table as it will be once the queue is applied. Inline:
 * fork looks up every page this way, and under TCG each call and return costs
 * more than the lookup itself (bench/HISTORY.md). */
static inline uint64_t pt_get(uint32_t pfn, unsigned idx)
{
	if (queued && (queued_filter & queue_bit(pfn, idx)))
		return queued_value(pfn, idx);
	return ((volatile uint64_t *)table(pfn))[idx];
}

/* The same for an entry of an L2 or L3. */
static inline uint64_t pt_get_upper(uint32_t pfn, unsigned idx)
{
	if (queued && (queued_filter_upper & queue_bit(pfn, idx)))
		return queued_value(pfn, idx);
	return ((volatile uint64_t *)table(pfn))[idx];
}

/* An entry of an L2 or L3 (arch_as_map writes L1 entries itself). */
static void pt_set_upper(const struct arch_as *as, uint32_t pfn, unsigned idx, uint64_t val)
{
	if (as->live)
		q_add_upper(pfn, idx, val);
	else
		table(pfn)[idx] = val; /* not a page table yet: ordinary memory */
}

/* On every return to user mode: usually there is nothing to send, and under
 * TCG the calls of a full flush_or_panic would cost more than the system call
 * itself (bench/HISTORY.md). */
__page_contained(128) void arch_mmu_flush(void)
{
	if ((queued || tlb.all || tlb.n) && !flush_single())
		flush_or_panic("flush");
}

/* ---- Address spaces ----------------------------------------------------- */

static struct arch_as *dead __hot_data; /* destroyed while loaded: taken down at the next switch */

struct arch_as *arch_as_create(void)
{
	struct arch_as *as = kzalloc(sizeof(*as));
	if (!as)
		return NULL;
	as->l2[3] = kernel_as.l2[3];
	if (!pae_l3_alloc(&as->l3, as->l2, ((uint64_t)pv_pfn_to_mfn(as->l2[3]) << 12) | PTE_P)) {
		kfree(as);
		return NULL;
	}
	as->l3_mfn = pv_pfn_to_mfn(as->l3);
	return as;
}

/* The first mapping in a user slot: its L2, which for a live address space
 * becomes a page table at once (read-only first; the hypervisor reloads CR3
 * when the L3 is the loaded one). */
static int add_l2(struct arch_as *as, unsigned slot)
{
	uint32_t l2 = frame_alloc_zeroed();
	if (l2 == PMEM_NONE)
		return -UAPI_ENOMEM;
	if (as->live)
		q_dmap(l2, false);
	pt_set_upper(as, as->l3, slot, ((uint64_t)pv_pfn_to_mfn(l2) << 12) | PTE_P);
	as->l2[slot] = l2;
	return 0;
}

__page_contained(2048) int arch_as_map(struct arch_as *as, uint32_t va, uint32_t pfn, unsigned prot)
{
	if (va >= USER_END)
		panic("mmu: user mapping at %#x", va);
	unsigned slot = va >> 30, i2 = L2_SLOT(va), i1 = L1_SLOT(va);
	if (as->l2[slot] == PMEM_NONE) {
		if (!prot)
			return 0;
		int rc = add_l2(as, slot);
		if (rc)
			return rc;
	}
	/* A building space's tables are plain memory: nothing of theirs is
	 * queued, and none is loaded (fork builds its child's this way). */
	uint32_t l2 = as->l2[slot], l1;
	uint64_t l2e = as->live ? pt_get_upper(l2, i2) : table(l2)[i2];
	if (l2e & PTE_P) {
		l1 = m2p[pte_frame(l2e)];
	} else {
		if (!prot)
			return 0;
		if ((l1 = frame_alloc_zeroed()) == PMEM_NONE)
			return -UAPI_ENOMEM;
		if (as->live) /* a page table from now on: read-only first */
			q_dmap(l1, false);
		pt_set_upper(as, l2, i2, ((uint64_t)pv_pfn_to_mfn(l1) << 12) | PDE_USER_FLAGS);
		l2_span_add(&as->span[slot], i2);
		pv_mmu_stats.l1_tables++;
	}
	uint64_t pte = prot ? pte_user(pv_pfn_to_mfn(pfn), prot, PTE_NX) : 0;
	if (!as->live) {
		table(l1)[i1] = pte;
		return 0;
	}
	uint64_t old = pt_get(l1, i1);
	q_add(l1, i1, pte);
	if ((pte & PTE_P) && !(old & PTE_P))
		queued_fresh = true;
	if (as == loaded && queued == 1)
		only_va = va;		   /* the queue is just this entry (see flush_single) */
	if (as == loaded && (old & PTE_P)) /* the TLB may hold the old entry */
		tlb_batch_add(&tlb, va);
	return 0;
}

__page_contained(512) int arch_as_lookup(struct arch_as *as, uint32_t va, uint32_t *pfn,
					 unsigned *prot)
{
	if (as->l2[va >> 30] == PMEM_NONE)
		return ARCH_AS_NO_TABLE;
	uint64_t l2e = pt_get_upper(as->l2[va >> 30], L2_SLOT(va));
	if (!(l2e & PTE_P))
		return ARCH_AS_NO_TABLE;
	uint64_t pte = pt_get(m2p[pte_frame(l2e)], L1_SLOT(va));
	if (!(pte & PTE_P))
		return 0;
	*pfn = m2p[pte_frame(pte)];
	*prot = pte_prot(pte);
	return 1;
}

__page_contained(1024) uint32_t
    arch_as_next(struct arch_as *as, uint32_t va, uint32_t end, uint32_t *pfn, unsigned *prot)
{
	if (queued_fresh) /* the tables in memory would miss a queued mapping */
		flush_or_panic("walk");
	while (va < end) {
		uint32_t span_end = (va & ~(ARCH_AS_SPAN - 1)) + ARCH_AS_SPAN;
		if (as->l2[va >> 30] == PMEM_NONE) {
			va = (va & 0xC0000000u) + 0x40000000u; /* the next 1 GiB slot */
			continue;
		}
		uint64_t l2e = pt_get_upper(as->l2[va >> 30], L2_SLOT(va));
		if (l2e & PTE_P) {
			uint32_t l1 = m2p[pte_frame(l2e)];
			unsigned n = pae_span_limit(va, end);
			for (unsigned i = L1_SLOT(va); (i = pae_next_present(table(l1), i, n)) < n;
			     i++) {
				uint64_t pte = pt_get(l1, i); /* a queued unmap may clear it */
				if (pte & PTE_P) {
					*pfn = m2p[pte_frame(pte)];
					*prot = pte_prot(pte);
					return (span_end - ARCH_AS_SPAN) + i * PAGE_SIZE;
				}
			}
		}
		va = span_end;
	}
	return end;
}

/* Call fn on every page-table frame as owns: its L1s, its user L2s, its L3.
 * Inline, so that fn is too: a fork calls it twice, with a call per table. */
static inline __attribute__((always_inline)) void
each_table(struct arch_as *as, void (*fn)(uint32_t pfn, void *ctx), void *ctx)
{
	for (unsigned s = 0; s < 3; s++) {
		if (as->l2[s] == PMEM_NONE)
			continue;
		const uint64_t *l2 = table(as->l2[s]);
		for (unsigned i = as->span[s].lo; i < as->span[s].hi; i++)
			if (l2[i] & PTE_P)
				fn(m2p[pte_frame(l2[i])], ctx);
		fn(as->l2[s], ctx);
	}
	fn(as->l3, ctx);
}

static inline __attribute__((always_inline)) void make_readonly(uint32_t pfn, void *ctx)
{
	(void)ctx;
	q_dmap(pfn, false);
}

/*
 * The pin waits for the first switch to as (a fork's child runs when its
 * parent waits), so that it goes in the same hypervisor entry: its tables
 * become read-only at the head of that batch, and the pin goes with the new
 * base pointer. The hypervisor must flush before frames that were writable
 * become page tables (a stale writable TLB entry), but that flush may wait
 * until something could write through one, and the base pointer's CR3 load
 * pays it. Until then the tables are ordinary memory, written directly.
 */
int arch_as_ready(struct arch_as *as)
{
	as->pin_pending = true;
	return 0;
}

/* Into the teardown batch's remap list (n counts); past its end, only once
 * the batch has run (remap_rest). */
#define REMAP_MAX 32
static struct mmu_update remap[REMAP_MAX] __hot_data;
static inline __attribute__((always_inline)) void remap_writable(uint32_t pfn, void *ctx)
{
	unsigned *n = ctx;
	if (*n < REMAP_MAX)
		remap[*n] = (struct mmu_update){ dmap_maddr(pfn) | MMU_NORMAL_PT_UPDATE,
						 dmap_pte(pfn, true) };
	++*n;
}

static inline __attribute__((always_inline)) void remap_rest(uint32_t pfn, void *ctx)
{
	unsigned *n = ctx;
	if (++*n > REMAP_MAX)
		q_dmap(pfn, true);
}

/*
 * Taking down a live address space is three steps in one batch: the unpin (the
 * hypervisor drops the types of its tables once nothing else holds them), a
 * full TLB flush (a new base pointer is one), then its tables back to writable
 * memory in the direct map. With the flush between them, no TLB entry made
 * through the tables survives, so the hypervisor need not flush again before
 * the frames become writable; and nothing can have cached the read-only
 * mappings that become writable.
 */
static void batch_unpin(struct arch_as *as)
{
	static struct mmuext_op unpin[1];
	unpin[0] = (struct mmuext_op){ .cmd = MMUEXT_UNPIN_TABLE, .arg1 = as->l3_mfn };
	batch_ext(unpin, 1);
}

/* Returns how many tables as has (for remap_the_rest). */
__page_contained(512) static unsigned batch_remap_writable(struct arch_as *as)
{
	unsigned n = 0;
	each_table(as, remap_writable, &n);
	batch_updates(remap, MIN(n, REMAP_MAX));
	return n;
}

/* After the batch: the tables beyond the remap list (of the `tables` that
 * batch_remap_writable counted), writable too. */
static void remap_the_rest(struct arch_as *as, unsigned tables)
{
	if (tables <= REMAP_MAX)
		return;
	unsigned n = 0;
	each_table(as, remap_rest, &n);
	flush_or_panic("tables back to memory");
}

/* Every user frame the L1s map loses the reference its mapping held; then
 * the tables themselves are freed (the L1s first: the L2s list them). */
static void put_mapped(uint32_t pfn, void *ctx)
{
	(void)ctx;
	if (pfn == PMEM_NONE)
		return;
	const uint64_t *e = table(pfn);
	for (unsigned i = 0; (i = pae_next_present(e, i, 512)) < 512; i++)
		put_user_frame(m2p[pte_frame(e[i])], e[i]);
}

static void free_tables(struct arch_as *as)
{
	for (unsigned s = 0; s < 3; s++) {
		if (as->l2[s] == PMEM_NONE)
			continue;
		const uint64_t *l2 = table(as->l2[s]);
		for (unsigned i = as->span[s].lo; i < as->span[s].hi; i++) {
			if (l2[i] & PTE_P) {
				uint32_t l1 = m2p[pte_frame(l2[i])];
				put_mapped(l1, NULL);
				frame_put_warm(l1);
			}
		}
		frame_put_warm(as->l2[s]);
	}
	frame_put_warm(as->l3);
	kfree(as);
}

/*
 * Load as (and the ring-1 stack sp, unless 0) in one hypervisor entry. An
 * address space destroyed while loaded goes down in the same batch: unpinned
 * while still loaded (the CR3 reference keeps its types), so that its tables
 * lose their types right after the new base pointer's flush.
 */
/*
 * The common switch between two processes: nothing queued, no TLB work,
 * nothing to take down. A prebuilt multicall (the base pointer, then the
 * stack) saves building a batch at every switch.
 */
static struct mmuext_op switch_op __hot_data = { .cmd = MMUEXT_NEW_BASEPTR };
static struct multicall_entry switch_calls[2] __hot_data = {
	{ .op = __HYPERVISOR_mmuext_op, .args = { (uint32_t)&switch_op, 1, 0, DOMID_SELF } },
	{ .op = __HYPERVISOR_stack_switch, .args = { FLAT_RING1_DS } },
};

static bool load_plain(struct arch_as *as, uint32_t sp)
{
	if (queued || batched || dead || tlb.all || tlb.n || as == loaded || !sp ||
	    sp == loaded_sp || as->pin_pending)
		return false;
	switch_op.arg1 = as->l3_mfn;
	switch_calls[1].args[1] = sp;
	if (HYPERVISOR_multicall((uint32_t)switch_calls, 2) || switch_calls[0].result ||
	    switch_calls[1].result)
		panic("mmu: cannot switch to the tables at frame %#x (stack %#x)", as->l3, sp);
	pv_mmu_stats.switches++;
	pv_mmu_stats.multicall_inner += 2;
	loaded = as;
	loaded_sp = sp;
	return true;
}

static void load(struct arch_as *as, uint32_t sp)
{
	static struct mmuext_op ops[3], flush[TLB_BATCH_MAX];
	unsigned nops = 0;
	if (load_plain(as, sp))
		return;
	bool switch_sp = sp && sp != loaded_sp, pin = as->pin_pending;
	struct arch_as *gone = dead != as ? dead : NULL; /* then dead == loaded */
	if (pin && as == loaded)
		panic("mmu: the loaded tables were never pinned");
	if (pin)
		each_table(as, make_readonly, NULL); /* arch_as_ready */
	batch_queue(); /* aimed at the tables loaded now: before the switch */
	/* The dead space's unpin: in the switch's mmuext_op, just before it. */
	if (gone)
		ops[nops++] = (struct mmuext_op){ .cmd = MMUEXT_UNPIN_TABLE, .arg1 = gone->l3_mfn };
	if (as != loaded) {
		if (pin)
			ops[nops++] =
			    (struct mmuext_op){ .cmd = MMUEXT_PIN_L3_TABLE, .arg1 = as->l3_mfn };
		ops[nops++] = (struct mmuext_op){ .cmd = MMUEXT_NEW_BASEPTR, .arg1 = as->l3_mfn };
		tlb_batch_clear(&tlb); /* a new base pointer flushes the TLB */
		pv_mmu_stats.switches++;
	}
	batch_ext(ops, nops);
	batch_ext(flush, take_tlb_work(flush));
	unsigned gone_tables = gone ? batch_remap_writable(gone) : 0;
	if (switch_sp)
		batch_add(__HYPERVISOR_stack_switch, FLAT_RING1_DS, sp, 0, 0);
	int rc = batch_run();
	if (rc)
		panic("mmu: cannot switch to the tables at frame %#x (stack %#x): %d", as->l3, sp,
		      rc);
	loaded = as;
	if (switch_sp)
		loaded_sp = sp;
	if (pin) {
		as->live = true;
		as->pin_pending = false;
		pv_mmu_stats.pins++;
	}
	if (gone) {
		dead = NULL;
		remap_the_rest(gone, gone_tables);
		free_tables(gone);
	}
}

void arch_as_switch(struct arch_as *as)
{
	load(as ? as : &kernel_as, 0);
}

void arch_switch_prepare(struct arch_as *as, uint32_t user_entry_sp)
{
	load(as ? as : &kernel_as, user_entry_sp ? user_entry_sp : pv_boot_entry_sp);
}

__page_contained(512) void arch_as_destroy(struct arch_as *as)
{
	if (as == loaded) {
		/* In use until the next switch, which tears it down in its own batch. */
		if (dead)
			panic("mmu: two address spaces destroyed while loaded");
		dead = as;
		return;
	}
	if (as->live) {
		static struct mmuext_op flush[1] = { { .cmd = MMUEXT_TLB_FLUSH_LOCAL } };
		batch_queue(); /* they may be aimed at these tables */
		batch_unpin(as);
		batch_ext(flush, 1);
		pv_mmu_stats.tlb_flushes++;
		unsigned tables = batch_remap_writable(as);
		int rc = batch_run();
		if (rc)
			panic("mmu: taking down the tables at frame %#x: %d", as->l3, rc);
		remap_the_rest(as, tables);
	}
	free_tables(as);
}

/* ---- Boot: the direct map ------------------------------------------------ */

/* Frames mapped by the initial region: its L1s, counted in the kernel L2. */
static uint32_t count_region(const uint64_t *kl2)
{
	uint32_t n = 0;
	while (n < L2_HV_FIRST && (kl2[n] & PTE_P)) {
		kernel_l1[n] = m2p[pte_frame(kl2[n])];
		dmap_l1_maddr[n] = (uint32_t)pte_frame(kl2[n]) << 12;
		n++;
	}
	return n * 512;
}

/*
 * Map frames [region_frames, direct_frames) with new L1s hooked into the
 * kernel's L2 (an L2 update). A hypervisor that refuses it leaves the kernel
 * with the initial region only.
 */
static void extend_direct_map(void)
{
	uint32_t first = region_frames / 512, last = (direct_frames + 511) / 512, n = last - first;
	if (n == 0 || pmem_free_frames() < n + 16) {
		direct_frames = region_frames;
		return;
	}
	uint32_t l1s[L2_HV_FIRST];
	for (uint32_t i = 0; i < n; i++) {
		l1s[i] = frame_alloc_zeroed();
		uint64_t *e = table(l1s[i]);
		for (uint32_t j = 0; j < 512; j++) {
			uint32_t pfn = (first + i) * 512 + j;
			if (pfn < direct_frames)
				e[j] = dmap_pte(pfn, true);
		}
		q_dmap(l1s[i], false);
	}
	for (uint32_t i = 0; i < n; i++)
		q_add_upper(kernel_as.l2[3], first + i,
			    ((uint64_t)pv_pfn_to_mfn(l1s[i]) << 12) | PDE_KERNEL_FLAGS);
	batch_queue();
	int rc = batch_run();
	if (rc) {
		if (batch_done[0] > n)
			panic("mmu: the direct map is half built (%u of %u updates): %d",
			      batch_done[0], 2 * n, rc);
		printk("pv: direct map: the hypervisor refused an L2 update (%d): the kernel "
		       "keeps the initial region's %u frames\n",
		       rc, region_frames);
		for (uint32_t i = 0; i < n; i++)
			q_dmap(l1s[i], true);
		flush_or_panic("undoing the direct map");
		for (uint32_t i = 0; i < n; i++)
			frame_put(l1s[i]);
		direct_frames = region_frames;
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		kernel_l1[first + i] = l1s[i];
		dmap_l1_maddr[first + i] = pv_pfn_to_mfn(l1s[i]) << 12;
	}
	pmem_add_free(region_frames, direct_frames);
	printk("pv: direct map: %u frames (%u MiB) through %u new L1 tables\n", direct_frames,
	       direct_frames >> 8, n);
}

/* First use of memory: pmem gets the region's spare frames, then the rest. */
void pv_mm_init(void)
{
	const uint64_t *l3 = (const uint64_t *)start_info->pt_base;
	kernel_as.l3 = virt_to_pfn((void *)start_info->pt_base);
	kernel_as.l3_mfn = pv_pfn_to_mfn(kernel_as.l3);
	for (unsigned s = 0; s < 4; s++)
		kernel_as.l2[s] = (l3[s] & PTE_P) ? m2p[pte_frame(l3[s])] : PMEM_NONE;
	kernel_as.live = true;
	loaded = &kernel_as;
	region_frames = count_region(table(kernel_as.l2[3]));
	direct_frames = MIN(start_info->nr_pages, KERNEL_MAX_FRAMES);

	/* Spare frames: after the bootstrap tables and stack, to the region's end. */
	uint32_t spare = virt_to_pfn((void *)start_info->pt_base) + start_info->nr_pt_frames + 1;
	uint32_t meta_pages = (uint32_t)PAGE_ROUND_UP(pmem_meta_bytes(direct_frames)) / PAGE_SIZE;
	if (spare + meta_pages >= region_frames)
		panic("mm: no spare frames in the initial region");
	pmem_init(pfn_to_virt(spare), direct_frames);
	pmem_add_free(spare + meta_pages, region_frames);
	extend_direct_map();
	printk("pv: memory: %u frames free for the kernel (initial region %u frames)\n",
	       pmem_free_frames(), region_frames);
}

/* The machine address of the kernel L1 entry that maps va (0 below the kernel). */
uint64_t pv_l1e_maddr(uint32_t va)
{
	if (va < KERNEL_BASE || va >= HYPERVISOR_VIRT_START)
		return 0;
	uint64_t l2e = table(kernel_as.l2[3])[L2_SLOT(va)];
	if (!(l2e & PTE_P))
		return 0;
	return ((uint64_t)pte_frame(l2e) << 12) + L1_SLOT(va) * 8;
}
