/*
 * Page-table updates a guest may make: update_va_mapping and mmu_update, for
 * L1 entries (the full PV MMU with L2/L3 updates and pinning comes next).
 * Every new entry passes pte_l1_check; only L1 frames the guest owns change.
 */
#include <hv.h>
#include <hypercalls.h>
#include <pte.h>
#include <x86.h>

/* Write a 64-bit entry so the CPU never sees a present half-update. */
static void pte_write(uint64_t *p, uint64_t v)
{
	volatile uint32_t *w = (volatile uint32_t *)p;
	w[0] = 0;
	w[1] = (uint32_t)(v >> 32);
	w[0] = (uint32_t)v;
}

/*
 * A mapping of another domain's frame holds a reference on it, so destroying
 * that domain cannot free the frame while it is still mapped here.
 */
static void foreign_get(const struct domain *d, uint64_t pte)
{
	struct page_info *pg = frame_info(pte_mfn(pte));
	if ((pte & _PAGE_PRESENT) && pg && pg->owner != d->id)
		pg->count++;
}

static void foreign_put(const struct domain *d, uint64_t pte)
{
	struct page_info *pg = frame_info(pte_mfn(pte));
	if (!(pte & _PAGE_PRESENT) || !pg || pg->owner == d->id)
		return;
	if (--pg->count == 0 && (pg->flags & PGF_ORPHAN)) {
		pg->flags &= ~PGF_ORPHAN;
		frame_free(pte_mfn(pte));
	}
}

/* Every validated L1 write: swap the references, then the entry. */
static void l1_write(struct domain *d, uint64_t *e, uint64_t val)
{
	uint64_t old = *e;
	foreign_get(d, val);
	pte_write(e, val);
	foreign_put(d, old);
	d->stats.pt_updates++;
}

static bool is_own_l1(const struct domain *d, uint32_t mfn)
{
	return frame_owned_by(mfn, d->id) && frame_info(mfn)->type == PGT_l1;
}

/* The L1 entry that maps va in the current address space, or NULL. */
static uint64_t *find_l1e(const struct vcpu *v, uint32_t va)
{
	const uint64_t *l3 =
	    (const uint64_t *)((uint8_t *)frame_map(v->cr3 >> PAGE_SHIFT) + (v->cr3 & 0xFE0));
	uint64_t l3e = l3[va >> L3_SHIFT];
	if (!(l3e & _PAGE_PRESENT))
		return NULL;
	const uint64_t *l2 = frame_map(pte_mfn(l3e));
	uint64_t l2e = l2[(va >> L2_SHIFT) & (PT_ENTRIES - 1)];
	if (!(l2e & _PAGE_PRESENT) || (l2e & _PAGE_PSE) || !is_own_l1(v->domain, pte_mfn(l2e)))
		return NULL;
	return (uint64_t *)frame_map(pte_mfn(l2e)) + ((va >> PAGE_SHIFT) & (PT_ENTRIES - 1));
}

long do_update_va_mapping(uint32_t va, uint32_t pte_lo, uint32_t pte_hi, uint32_t flags)
{
	struct vcpu *v = current;
	uint64_t pte = ((uint64_t)pte_hi << 32) | pte_lo;

	if (va >= HYPERVISOR_VIRT_START || (flags & ~(UVMF_FLUSHTYPE_MASK | UVMF_ALL)) ||
	    (flags & UVMF_FLUSHTYPE_MASK) == 3)
		return -XEN_EINVAL;
	int rc = pte_l1_check(v->domain->id, pte);
	if (rc)
		return rc;
	uint64_t *l1e = find_l1e(v, va);
	if (!l1e)
		return -XEN_EINVAL;
	l1_write(v->domain, l1e, pte);
	if ((flags & UVMF_FLUSHTYPE_MASK) == UVMF_TLB_FLUSH) {
		flush_tlb_local();
		v->domain->stats.tlb_flushes++;
	} else if ((flags & UVMF_FLUSHTYPE_MASK) == UVMF_INVLPG) {
		invlpg(va);
	}
	return 0;
}

static long mmu_update_one(struct domain *d, domid_t foreign, const void *item)
{
	const struct mmu_update *req = item;
	unsigned cmd = req->ptr & 3;
	if (req->ptr >> 32)
		return -XEN_EINVAL; /* all our RAM is below 4 GiB */
	uint32_t maddr = (uint32_t)req->ptr & ~3u;
	uint32_t mfn = maddr >> PAGE_SHIFT;

	if (cmd == MMU_MACHPHYS_UPDATE) {
		if (!frame_owned_by(mfn, d->id))
			return -XEN_EPERM;
		if (req->val >= d->max_pages)
			return -XEN_EINVAL;
		m2p_set(mfn, (uint32_t)req->val);
		return 0;
	}
	if (cmd != MMU_NORMAL_PT_UPDATE && cmd != MMU_PT_UPDATE_PRESERVE_AD)
		return -XEN_ENOSYS;
	if ((maddr & 7) || !is_own_l1(d, mfn))
		return -XEN_EINVAL;
	int rc = pte_l1_check_foreign(d->id, foreign, req->val);
	if (rc)
		return rc;
	uint64_t *e = (uint64_t *)((uint8_t *)frame_map(mfn) + (maddr & (PAGE_SIZE - 1)));
	uint64_t val = req->val;
	if (cmd == MMU_PT_UPDATE_PRESERVE_AD)
		val =
		    (val & ~(_PAGE_ACCESSED | _PAGE_DIRTY)) | (*e & (_PAGE_ACCESSED | _PAGE_DIRTY));
	l1_write(d, e, val);
	return 0;
}

/*
 * Run `count` requests of `size` bytes from guest array `reqs` through `one`,
 * stopping at the first failure; *pdone (if given) learns how many completed.
 */
_Static_assert(sizeof(struct mmu_update) <= 16 && sizeof(struct mmuext_op) <= 16, "batch buffer");

static long run_batch(uint32_t reqs, uint32_t count, size_t size, uint32_t pdone,
		      uint32_t foreigndom, long (*one)(struct domain *, domid_t, const void *))
{
	struct domain *d = current->domain;
	uint64_t buf[2];
	uint32_t done = 0;
	long rc = 0;
	domid_t foreign = d->id;

	/* Only a privileged domain may map another domain's frames. */
	if (foreigndom != DOMID_SELF && foreigndom != d->id) {
		if (!d->privileged)
			return -XEN_EPERM;
		if (!domain_lookup((domid_t)foreigndom))
			return -XEN_ESRCH;
		foreign = (domid_t)foreigndom;
	}
	for (; done < count; done++) {
		if (count > HYPERVISOR_VIRT_START / size ||
		    copy_from_guest(buf, reqs + done * size, size)) {
			rc = -XEN_EFAULT;
			break;
		}
		if ((rc = one(d, foreign, buf)))
			break;
	}
	if (pdone && copy_to_guest(pdone, &done, sizeof(done)))
		return -XEN_EFAULT;
	return rc;
}

long do_mmu_update(uint32_t reqs, uint32_t count, uint32_t pdone, uint32_t foreigndom)
{
	return run_batch(reqs, count, sizeof(struct mmu_update), pdone, foreigndom, mmu_update_one);
}

/* TLB maintenance for now; pinning, new base pointers and the rest come with
 * the full PV MMU and answer -ENOSYS until then. One CPU: ALL means local. */
static long mmuext_one(struct domain *d, domid_t foreign, const void *item)
{
	const struct mmuext_op *op = item;
	(void)foreign;
	switch (op->cmd) {
	case MMUEXT_TLB_FLUSH_LOCAL:
	case MMUEXT_TLB_FLUSH_ALL:
		flush_tlb_local();
		d->stats.tlb_flushes++;
		return 0;
	case MMUEXT_INVLPG_LOCAL:
	case MMUEXT_INVLPG_ALL:
		if (op->arg1 >= HYPERVISOR_VIRT_START)
			return -XEN_EINVAL;
		invlpg(op->arg1);
		return 0;
	}
	return -XEN_ENOSYS;
}

long do_mmuext_op(uint32_t ops, uint32_t count, uint32_t pdone, uint32_t foreigndom)
{
	return run_batch(ops, count, sizeof(struct mmuext_op), pdone, foreigndom, mmuext_one);
}
