/*
 * The PV domain builder: loads an ELF kernel into a fresh domain and lays out
 * everything the PV boot protocol promises at entry (see pv_layout.h): the P2M
 * list, start_info, shared_info, the hypercall page, bootstrap page tables
 * (typed, validated, the L3 pinned) and the initial registers.
 */
#include <elf.h>
#include <event.h>
#include <fmt.h>
#include <hv.h>
#include <mm_types.h>
#include <pv_layout.h>
#include <string.h>
#include <x86.h>

static void *pfn_frame(void *ctx, uint32_t pfn)
{
	struct domain *d = ctx;
	return frame_map(d->p2m[pfn]);
}

static void pfn_unframe(void *ctx, void *page)
{
	(void)ctx;
	frame_unmap(page);
}

/* Copy into the domain's initial region by virtual address, page by page. */
static void region_write(struct domain *d, const struct pv_layout *l, uint32_t va, const void *src,
			 uint32_t len)
{
	const uint8_t *s = src;
	while (len) {
		uint32_t off = va & (PAGE_SIZE - 1), n = PAGE_SIZE - off;
		if (n > len)
			n = len;
		uint8_t *page = pfn_frame(d, (va - l->virt_base) >> PAGE_SHIFT);
		memcpy(page + off, s, n);
		frame_unmap(page);
		va += n, s += n, len -= n;
	}
}

/* frame_map'd: frame_unmap it after use. */
static void *region_page(struct domain *d, const struct pv_layout *l, uint32_t va)
{
	return pfn_frame(d, (va - l->virt_base) >> PAGE_SHIFT);
}

static void release_frames(struct domain *d, uint32_t n)
{
	for (uint32_t pfn = 0; pfn < n; pfn++) {
		m2p_set(d->p2m[pfn], INVALID_MFN);
		frame_free(d->p2m[pfn]);
	}
	xfree(d->p2m);
	d->p2m = NULL;
	d->nr_pages = 0;
}

static int populate(struct domain *d, uint32_t nr)
{
	d->p2m = xzalloc(nr * sizeof(uint32_t));
	if (!d->p2m)
		return -XEN_ENOMEM;
	mm_flush_freed(); /* no stale TLB entry may reach the frames we hand out */
	for (uint32_t pfn = 0; pfn < nr; pfn++) {
		uint32_t mfn = frame_alloc(d->id);
		if (mfn == INVALID_MFN) {
			release_frames(d, pfn);
			return -XEN_ENOMEM;
		}
		void *page = frame_map(mfn);
		memset(page, 0, PAGE_SIZE); /* never leak old contents */
		frame_unmap(page);
		d->p2m[pfn] = mfn;
		m2p_set(mfn, pfn);
	}
	d->nr_pages = nr;
	return 0;
}

/*
 * The bootstrap tables go through the same rules as any the guest builds:
 * validating the L3 types every table under it and takes the references its
 * entries hold. Then the pin's and CR3's references on the L3.
 */
static int type_pagetables(struct domain *d, uint32_t l3_mfn)
{
	int rc = mm_pin(l3_mfn, d->id, PGT_l3);
	if (rc)
		return rc;
	return get_page_and_type(l3_mfn, d->id, PGT_l3);
}

/* Slot i: mov $i,%eax; int $0x82; ret. The iret slot jumps in: push %eax first. */
static void fill_hypercall_page(uint8_t *page)
{
	memset(page, 0xCC, PAGE_SIZE); /* int3 between slots */
	for (unsigned i = 0; i < PAGE_SIZE / HYPERCALL_SLOT_SIZE; i++) {
		uint8_t *p = page + i * HYPERCALL_SLOT_SIZE;
		if (i == __HYPERVISOR_iret)
			*p++ = 0x50;
		*p++ = 0xB8;
		memcpy(p, &i, 4);
		p += 4;
		*p++ = 0xCD;
		*p++ = HYPERCALL_VECTOR;
		if (i != __HYPERVISOR_iret)
			*p = 0xC3;
	}
}

static int setup_shared_info(struct domain *d)
{
	uint32_t mfn = frame_alloc(d->id);
	if (mfn == INVALID_MFN)
		return -XEN_ENOMEM;
	d->shared_info_mfn = mfn;
	d->shared_info = frame_map(mfn); /* for the domain's life: domain_free unmaps */
	memset(d->shared_info, 0, PAGE_SIZE);
	for (unsigned i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
		d->shared_info->vcpu_info[i].evtchn_upcall_mask = 1;
	d->shared_info->arch.max_pfn = d->nr_pages;
	/* Wall clock at boot (the guest adds system time); version even: stable. */
	d->shared_info->wc_sec = boot_wallclock();
	d->shared_info->wc_version = 2;
	d->vcpu0.info = &d->shared_info->vcpu_info[0];
	return 0;
}

/* A domU's console and xenstore rings, each with a port dom0 can bind to. */
static int setup_rings(struct domain *d, const struct pv_layout *l)
{
	if (!l->console_page)
		return 0;
	d->console_mfn = d->p2m[(l->console_page - l->virt_base) >> PAGE_SHIFT];
	d->store_mfn = d->p2m[(l->store_page - l->virt_base) >> PAGE_SHIFT];
	int cport = evtchn_alloc_unbound_port(d, 0);
	int sport = evtchn_alloc_unbound_port(d, 0);
	if (cport < 0 || sport < 0)
		return cport < 0 ? cport : sport;
	d->console_port = (uint32_t)cport;
	d->store_port = (uint32_t)sport;
	return 0;
}

static void fill_start_info(struct domain *d, const struct pv_layout *l, uint32_t initrd_len,
			    const char *cmdline)
{
	struct start_info *si = region_page(d, l, l->start_info);
	strlcpy(si->magic, START_INFO_MAGIC, sizeof(si->magic));
	si->nr_pages = d->nr_pages;
	si->shared_info = d->shared_info_mfn << PAGE_SHIFT;
	si->flags = d->privileged ? SIF_PRIVILEGED | SIF_INITDOMAIN : 0;
	if (!d->privileged) {
		si->store_mfn = d->store_mfn;
		si->store_evtchn = d->store_port;
		si->console.domU.mfn = d->console_mfn;
		si->console.domU.evtchn = d->console_port;
	}
	si->pt_base = l->pt_start;
	si->nr_pt_frames = (l->pt_end - l->pt_start) >> PAGE_SHIFT;
	si->mfn_list = l->p2m_start;
	si->mod_start = initrd_len ? l->mod_start : 0;
	si->mod_len = initrd_len;
	si->first_p2m_pfn = (l->p2m_start - l->virt_base) >> PAGE_SHIFT;
	si->nr_p2m_frames = (l->p2m_end - l->p2m_start) >> PAGE_SHIFT;
	strlcpy(si->cmd_line, cmdline ? cmdline : "", sizeof(si->cmd_line));
	frame_unmap(si);
}

static void setup_vcpu(struct domain *d, const struct pv_layout *l, uint32_t entry, uint32_t l3_mfn)
{
	struct vcpu *v = &d->vcpu0;
	struct cpu_regs *r = &v->regs;
	memset(r, 0, sizeof(*r));
	r->eip = entry;
	r->cs = FLAT_RING1_CS;
	r->ss = r->ds = r->es = r->fs = r->gs = FLAT_RING1_DS;
	r->esp = l->stack_end;
	r->esi = l->start_info;
	r->eflags = EFLAGS_IF | 0x2; /* real interrupts on; the guest's are the mask */
	v->cr3 = l3_mfn << PAGE_SHIFT;
	v->kernel_ss = FLAT_RING1_DS;
	v->kernel_sp = l->stack_end;
}

int build_pv_domain(struct domain *d, const void *image, size_t image_len, const void *initrd,
		    size_t initrd_len, const char *cmdline, char *err, size_t errlen)
{
	struct elf_image img;
	struct pv_layout l;
	int rc;

	if ((rc = elf_parse(image, image_len, &img, err, errlen)))
		return rc;
	rc = pv_layout_compute(img.virt_base, img.vend, (uint32_t)initrd_len, d->max_pages,
			       d->id != 0, &l);
	if (rc) {
		snprintf(err, errlen, "image %#x-%#x plus boot data does not fit in %u pages",
			 img.vstart, img.vend, d->max_pages);
		return rc;
	}
	if ((rc = populate(d, d->max_pages))) {
		snprintf(err, errlen, "out of memory for %u pages", d->max_pages);
		return rc;
	}
	if ((rc = setup_shared_info(d)) || (rc = setup_rings(d, &l))) {
		if (d->shared_info) {
			frame_unmap(d->shared_info);
			frame_free(d->shared_info_mfn);
		}
		d->shared_info = NULL;
		release_frames(d, d->nr_pages);
		snprintf(err, errlen, "out of memory for shared_info or ring ports");
		return rc;
	}

	for (unsigned i = 0; i < img.nr_segments; i++)
		region_write(d, &l, img.seg[i].vaddr, img.data + img.seg[i].offset,
			     img.seg[i].filesz);
	region_write(d, &l, l.mod_start, initrd, (uint32_t)initrd_len);
	region_write(d, &l, l.p2m_start, d->p2m, d->nr_pages * sizeof(uint32_t));
	uint32_t l3_mfn =
	    pv_build_pagetables(&l, d->p2m, pfn_frame, pfn_unframe, d, paging_hv_l2_entries());
	if ((rc = type_pagetables(d, l3_mfn))) {
		/* A failed validation took back every reference it took. */
		frame_unmap(d->shared_info);
		frame_free(d->shared_info_mfn);
		d->shared_info = NULL;
		release_frames(d, d->nr_pages);
		snprintf(err, errlen, "bootstrap page tables do not validate (%d)", rc);
		return rc;
	}
	if (img.hypercall_page) {
		uint8_t *page = region_page(d, &l, img.hypercall_page);
		fill_hypercall_page(page);
		frame_unmap(page);
	}
	fill_start_info(d, &l, (uint32_t)initrd_len, cmdline);
	setup_vcpu(d, &l, img.entry, l3_mfn);
	/* The guest has its own copy now, and the frame table says whose each
	 * frame is: the heap need not hold 4 bytes a page for the domain's life. */
	xfree(d->p2m);
	d->p2m = NULL;

	printk("hv: d%u: \"%s\" %#x-%#x entry %#x, %u pages, region %#x-%#x, "
	       "%u page-table frames\n",
	       d->id, img.guest_os, img.vstart, img.vend, img.entry, d->nr_pages, l.virt_base,
	       l.v_end, (l.pt_end - l.pt_start) >> PAGE_SHIFT);
	return 0;
}
