/*
 * The PV MMU hypercalls: update_va_mapping, mmu_update (L1, L2 and L3 entries,
 * M2P updates) and mmuext_op (pins, new base pointer, TLB maintenance). The
 * rules live in mm_types.c; this file finds the entries, keeps the counters and
 * splits long batches so that other domains still get the CPU.
 */
#include <hv.h>
#include <hypercalls.h>
#include <mm_types.h>
#include <pte.h>
#include <string.h>
#include <x86.h>

/* mm_types.h: a full flush on behalf of the current domain. */
void mm_flush_tlb(void)
{
	flush_tlb_local();
	mm_tlb_flushed();
	cpu0.flush_owed = false;
	if (current)
		current->domain->stats.tlb_flushes++;
}

/*
 * mm_types.h: a frame that may still be written through a stale TLB entry has
 * become a page table. Until something writes through a guest address, the
 * stale entry is harmless (reads see what the guest may read anyway), so the
 * flush waits: a new base pointer in the same batch (fork's pin and the
 * child's first switch) loads CR3 then, and one flush does for both.
 */
void mm_retype_flush(void)
{
	cpu0.flush_owed = true;
}

void flush_owed_pay(void)
{
	if (cpu0.baseptr_pending)
		baseptr_load(); /* its CR3 load is the flush */
	else
		mm_flush_tlb();
}

/* Where the L1 entry that maps va lives in v's address space (false: no L1),
 * and whether va is the only address it maps. That it is a validated L1
 * mm_update_l1e checks, as it does for any caller. */
static bool find_l1e(const struct vcpu *v, uint32_t va, uint32_t *l1_mfn, unsigned *idx,
		     bool *one_address)
{
	const uint64_t *l3 = frame_map(v->cr3 >> PAGE_SHIFT);
	uint64_t l3e = l3[va >> L3_SHIFT];
	frame_unmap(l3);
	if (!(l3e & _PAGE_PRESENT))
		return false;
	uint32_t l2_mfn = pte_mfn(l3e);
	const uint64_t *l2 = frame_map(l2_mfn);
	uint64_t l2e = l2[(va >> L2_SHIFT) & (PT_ENTRIES - 1)];
	frame_unmap(l2);
	if (!(l2e & _PAGE_PRESENT) || !frame_owned_by(pte_mfn(l2e), v->domain->id))
		return false;
	*l1_mfn = pte_mfn(l2e);
	*idx = (va >> PAGE_SHIFT) & (PT_ENTRIES - 1);
	/*
	 * The L1 hangs from this L2 entry alone (its one type reference), and the
	 * L2 from this L3 slot alone, or it is the slot-3 L2, which every L3 that
	 * shares it has under slot 3. Other L3s' TLB entries went with the CR3
	 * load that left them: one CPU, and guests make no global mappings.
	 */
	const struct page_info *l1pg = frame_info(*l1_mfn), *l2pg = frame_info(l2_mfn);
	*one_address =
	    l1pg->type_count == 1 && (l2pg->type_count == 1 || (l2pg->type & PGT_PAE_XEN_L2));
	return true;
}

long do_update_va_mapping(uint32_t va, uint32_t pte_lo, uint32_t pte_hi, uint32_t flags)
{
	struct vcpu *v = current;
	struct domain *d = v->domain;
	uint64_t pte = ((uint64_t)pte_hi << 32) | pte_lo;
	uint32_t l1;
	unsigned idx, flush = flags & UVMF_FLUSHTYPE_MASK;
	bool one_address;

	if (va >= HYPERVISOR_VIRT_START || (flags & ~(UVMF_FLUSHTYPE_MASK | UVMF_ALL)) ||
	    flush == 3)
		return -XEN_EINVAL;
	/* As Xen: the L1 first, then the entry (mm_update_l1e checks it). */
	if (!find_l1e(v, va, &l1, &idx, &one_address))
		return -XEN_EINVAL;
	/* An entry of one address that is invalidated next leaves nothing stale:
	 * a frame it mapped writable may become a page table with no flush. */
	int rc = flush == UVMF_INVLPG && one_address ? mm_update_l1e_invlpg(l1, idx, pte, d->id)
						     : mm_update_l1e(l1, idx, pte, d->id, d->id);
	if (rc)
		return rc;
	d->stats.pt_updates++;
	/* One CPU: UVMF_ALL is the same as local. */
	if (flush == UVMF_TLB_FLUSH)
		mm_flush_tlb();
	else if (flush == UVMF_INVLPG)
		invlpg(va);
	return 0;
}

static long pt_update(struct domain *d, domid_t foreign, uint32_t maddr, uint64_t val,
		      bool preserve_ad)
{
	uint32_t mfn = maddr >> PAGE_SHIFT;
	unsigned idx = (maddr & (PAGE_SIZE - 1)) / sizeof(uint64_t);
	if ((maddr & 7) || !frame_owned_by(mfn, d->id))
		return -XEN_EINVAL;
	unsigned level = mm_table_level(mfn);
	if (preserve_ad && level) {
		const uint64_t *table = frame_map(mfn);
		uint64_t old = table[idx];
		frame_unmap(table);
		val = (val & ~(_PAGE_ACCESSED | _PAGE_DIRTY)) |
		      (old & (_PAGE_ACCESSED | _PAGE_DIRTY));
	}
	int rc;
	switch (level) {
	case 1:
		rc = mm_update_l1e_batched(mfn, idx, val, d->id, foreign);
		break;
	case 2:
		rc = mm_update_l2e(mfn, idx, val, d->id);
		break;
	case 3:
		rc = mm_update_l3e(mfn, idx, val, d->id);
		/* The CPU reads L3 entries only when CR3 is loaded. */
		if (!rc && mfn == current->cr3 >> PAGE_SHIFT) {
			write_cr3(current->cr3);
			mm_tlb_flushed();
			cpu0.flush_owed = false;
			d->stats.tlb_flushes++;
		}
		break;
	default:
		return -XEN_EINVAL; /* not a validated page table */
	}
	if (!rc)
		d->stats.pt_updates++;
	return rc;
}

static long mmu_update_one(struct domain *d, domid_t foreign, const void *item)
{
	const struct mmu_update *req = item;
	unsigned cmd = req->ptr & 3;
	if (req->ptr >> 32)
		return -XEN_EINVAL; /* all our RAM is below 4 GiB */
	uint32_t maddr = (uint32_t)req->ptr & ~3u;
	uint32_t mfn = maddr >> PAGE_SHIFT;

	switch (cmd) {
	case MMU_MACHPHYS_UPDATE:
		if (!frame_owned_by(mfn, d->id))
			return -XEN_EPERM;
		if (req->val >= d->max_pages)
			return -XEN_EINVAL;
		m2p_set(mfn, (uint32_t)req->val);
		return 0;
	case MMU_NORMAL_PT_UPDATE:
	case MMU_PT_UPDATE_PRESERVE_AD:
		return pt_update(d, foreign, maddr, req->val, cmd == MMU_PT_UPDATE_PRESERVE_AD);
	}
	return -XEN_ENOSYS;
}

/*
 * Switch the vCPU to the L3 at mfn; its CR3 reference moves to the new table.
 * The CR3 load itself waits (baseptr_settle) for the first thing that needs
 * the new address space: under TCG a load empties the soft TLB, and every
 * page the hypervisor touches after it must be walked again, so the later the
 * better; a process switch's stack_switch and the multicall's own bookkeeping
 * (the kernel's slot is the same in both) need nothing of it. Until the load,
 * the old L3 keeps its reference, so CR3 never holds a table without its type.
 */
static long new_baseptr(struct vcpu *v, uint32_t mfn)
{
	if (mfn >= (1u << (32 - PAGE_SHIFT)))
		return -XEN_EINVAL; /* PAE without extended CR3: below 4 GiB */
	int rc = get_page_and_type(mfn, v->domain->id, PGT_l3);
	if (rc)
		return rc;
	uint32_t old = v->cr3 >> PAGE_SHIFT;
	v->cr3 = mfn << PAGE_SHIFT;
	cpu0.stale_l3 = old;
	/* Both are validated L3s (a CR3 reference, a new type reference). */
	cpu0.stale_kernel_same = frame_info(old)->kernel_l2 == frame_info(mfn)->kernel_l2;
	cpu0.baseptr_pending = true;
	return 0;
}

void baseptr_load(void)
{
	struct vcpu *v = current;
	cpu0.baseptr_pending = false;
	cpu0.flush_owed = false;
	write_cr3(v->cr3);
	mm_tlb_flushed();
	v->domain->stats.tlb_flushes++;
	put_unloaded_l3(cpu0.stale_l3);
}

/*
 * MMUEXT_SET_LDT: Paravane guests use no LDT (every selector they need is in
 * the GDT), so only "no LDT" (nr_ents 0) is accepted; anything else is -EINVAL.
 */
static long set_ldt(uint32_t linear_addr, uint32_t nr_ents)
{
	if ((linear_addr & (PAGE_SIZE - 1)) || linear_addr >= HYPERVISOR_VIRT_START ||
	    nr_ents > 8192 || nr_ents)
		return -XEN_EINVAL;
	return 0;
}

/*
 * The _MULTI flushes name vCPUs by a bitmap in guest memory (arg2). A domain
 * has one vCPU here: bit 0 is the caller itself, and bits for vCPUs that do
 * not exist are ignored, so a mask without bit 0 flushes nothing.
 */
#define RARE __attribute__((noinline, cold)) /* kept out of the hot batch loop's pages */

static RARE long for_vcpu_mask(uint32_t mask_addr, bool *self)
{
	uint32_t mask;
	if (copy_from_guest(&mask, mask_addr, sizeof(mask)))
		return -XEN_EFAULT;
	*self = mask & 1;
	return 0;
}

/* CLEAR_PAGE and COPY_PAGE write a frame of the caller's that may be mapped
 * writable (not a page table or descriptor table): the writable type is
 * held while the hypervisor writes it, and the source only needs to be the
 * caller's. The hypervisor's own mapping writes them (frame_map). */
static RARE long clear_page(uint32_t mfn, domid_t domid)
{
	int rc = get_page_and_type(mfn, domid, PGT_writable);
	if (rc)
		return rc;
	void *page = frame_map(mfn);
	memset(page, 0, PAGE_SIZE);
	frame_unmap(page);
	put_page_and_type(mfn);
	return 0;
}

static RARE long copy_page(uint32_t dst, uint32_t src, domid_t domid)
{
	int rc = get_page(src, domid);
	if (rc)
		return rc;
	if (!(rc = get_page_and_type(dst, domid, PGT_writable))) {
		void *to = frame_map(dst);
		const void *from = frame_map(src);
		if (dst != src)
			memcpy(to, from, PAGE_SIZE);
		frame_unmap(from);
		frame_unmap(to);
		put_page_and_type(dst);
	}
	put_page(src);
	return rc;
}

/* FLUSH_CACHE writes back and invalidates the caches: for a domain that
 * drives devices (dom0) only, as it stalls the whole machine. */
static RARE long flush_cache(const struct domain *d)
{
	if (!d->privileged)
		return -XEN_EPERM;
	__asm__ volatile("wbinvd" ::: "memory");
	return 0;
}

/* One CPU: the _ALL variants are the local ones. */
static long mmuext_one(struct domain *d, domid_t foreign, const void *item)
{
	static const uint8_t pin_type[] = { [MMUEXT_PIN_L1_TABLE] = PGT_l1,
					    [MMUEXT_PIN_L2_TABLE] = PGT_l2,
					    [MMUEXT_PIN_L3_TABLE] = PGT_l3 };
	const struct mmuext_op *op = item;
	(void)foreign; /* tables are always the caller's own */
	switch (op->cmd) {
	case MMUEXT_PIN_L1_TABLE:
	case MMUEXT_PIN_L2_TABLE:
	case MMUEXT_PIN_L3_TABLE:
		return mm_pin(op->arg1, d->id, pin_type[op->cmd]);
	case MMUEXT_PIN_L4_TABLE:
		return -XEN_EINVAL; /* PAE has no L4 */
	case MMUEXT_UNPIN_TABLE:
		return mm_unpin(op->arg1, d->id);
	case MMUEXT_NEW_BASEPTR:
		return new_baseptr(current, op->arg1);
	case MMUEXT_TLB_FLUSH_LOCAL:
	case MMUEXT_TLB_FLUSH_ALL:
		mm_flush_tlb();
		return 0;
	case MMUEXT_INVLPG_LOCAL:
	case MMUEXT_INVLPG_ALL:
		if (op->arg1 >= HYPERVISOR_VIRT_START)
			return -XEN_EINVAL;
		invlpg(op->arg1);
		return 0;
	case MMUEXT_TLB_FLUSH_MULTI:
	case MMUEXT_INVLPG_MULTI: {
		bool self;
		long rc = for_vcpu_mask(op->arg2, &self);
		if (rc)
			return rc;
		if (op->cmd == MMUEXT_TLB_FLUSH_MULTI) {
			if (self)
				mm_flush_tlb();
			return 0;
		}
		if (op->arg1 >= HYPERVISOR_VIRT_START)
			return -XEN_EINVAL;
		if (self)
			invlpg(op->arg1);
		return 0;
	}
	case MMUEXT_FLUSH_CACHE:
		return flush_cache(d);
	case MMUEXT_SET_LDT:
		return set_ldt(op->arg1, op->arg2);
	case MMUEXT_CLEAR_PAGE:
		return clear_page(op->arg1, d->id);
	case MMUEXT_COPY_PAGE:
		return copy_page(op->arg1, op->arg2, d->id);
	}
	return -XEN_ENOSYS;
}

/*
 * Long batches give way: every BATCH_CHECK_EVERY items the CPU takes any
 * pending interrupt (the code holds no half-made state between items), and if
 * the scheduler then wants the CPU, the call becomes a continuation: the
 * guest's registers are set to re-issue it for the rest of the array, its
 * `int $0x82` is re-executed on return, and other vCPUs (and the guest's own
 * event upcalls) run in between. BATCH_PREEMPTED in the count says the done
 * count so far is in *pdone. Inside a multicall there is no guest register
 * to rewind, so a batch there runs to its end.
 */
#define BATCH_CHECK_EVERY 64
#define BATCH_PREEMPTED 0x80000000u

static bool preempt_check(void)
{
	if (cpu0.in_multicall)
		return false;
	__asm__ volatile("sti; nop; cli" ::: "memory"); /* an interrupt window */
	return cpu0.need_resched;
}

static long continuation(unsigned nr, uint32_t reqs, uint32_t left, uint32_t pdone,
			 uint32_t foreigndom)
{
	struct cpu_regs *r = guest_regs();
	r->ebx = reqs;
	r->ecx = left | BATCH_PREEMPTED;
	r->edx = pdone;
	r->esi = foreigndom;
	r->eip -= 2; /* back onto the `int $0x82` */
	return nr;   /* the dispatcher stores it in EAX: the number again */
}

_Static_assert(sizeof(struct mmu_update) <= 16 && sizeof(struct mmuext_op) <= 16, "batch buffer");

/*
 * Run `count` requests of `size` bytes from guest array `reqs` through `one`,
 * stopping at the first failure; *pdone (if given) learns how many completed.
 * Inline in its two callers, where size and `one` are constants: each copy
 * is then a few movs (copy_from_guest), and each call a direct one.
 */
static inline __attribute__((always_inline)) long
run_batch(unsigned nr, uint32_t reqs, uint32_t count, size_t size, uint32_t pdone,
	  uint32_t foreigndom, long (*one)(struct domain *, domid_t, const void *))
{
	struct domain *d = current->domain;
	uint64_t buf[2];
	uint32_t done = 0, i;
	long rc = 0;
	domid_t foreign = d->id;

	if (count & BATCH_PREEMPTED) {
		count &= ~BATCH_PREEMPTED;
		if (pdone && copy_from_guest(&done, pdone, sizeof(done)))
			return -XEN_EFAULT;
	}
	/* Only a privileged domain may map another domain's frames. */
	if (foreigndom != DOMID_SELF && foreigndom != d->id) {
		if (!d->privileged)
			return -XEN_EPERM;
		if (!domain_lookup((domid_t)foreigndom))
			return -XEN_ESRCH;
		foreign = (domid_t)foreigndom;
	}
	for (i = 0; i < count; i++) {
		if (i && i % BATCH_CHECK_EVERY == 0 && preempt_check()) {
			done += i;
			if (pdone && copy_to_guest(pdone, &done, sizeof(done)))
				return -XEN_EFAULT;
			return continuation(nr, reqs + i * size, count - i, pdone, foreigndom);
		}
		if (count > HYPERVISOR_VIRT_START / size ||
		    copy_from_guest(buf, reqs + i * size, size)) {
			rc = -XEN_EFAULT;
			break;
		}
		baseptr_settle(); /* an earlier item's new base pointer applies to this one */
		if ((rc = one(d, foreign, buf)))
			break;
	}
	done += i;
	if (pdone && copy_to_guest(pdone, &done, sizeof(done)))
		return -XEN_EFAULT;
	return rc;
}

long do_mmu_update(uint32_t reqs, uint32_t count, uint32_t pdone, uint32_t foreigndom)
{
	return run_batch(__HYPERVISOR_mmu_update, reqs, count, sizeof(struct mmu_update), pdone,
			 foreigndom, mmu_update_one);
}

long do_mmuext_op(uint32_t ops, uint32_t count, uint32_t pdone, uint32_t foreigndom)
{
	return run_batch(__HYPERVISOR_mmuext_op, ops, count, sizeof(struct mmuext_op), pdone,
			 foreigndom, mmuext_one);
}
