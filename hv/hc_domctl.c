/*
 * domctl: Paravane's own control operations for domain 0 (public/domctl.h):
 * create, build, pause, unpause, destroy, inspect and list domains.
 */
#include <hv.h>
#include <hypercalls.h>
#include <public/domctl.h>
#include <string.h>

#define MIN_DOMAIN_PAGES 1024 /* the PV boot region alone needs 4 MiB */

static long create(struct pv_domctl *op)
{
	const struct pv_domain_create *c = &op->u.create;
	if (c->max_pages < MIN_DOMAIN_PAGES || c->max_pages > PV_DOMAIN_MAX_PAGES ||
	    c->weight > 65535)
		return -XEN_EINVAL;
	domid_t id = 1;
	while (id < MAX_DOMAINS && domains[id])
		id++;
	if (id == MAX_DOMAINS)
		return -XEN_ENOSPC;
	struct domain *d = domain_alloc(id, c->max_pages);
	if (!d)
		return -XEN_ENOMEM;
	if (c->weight)
		d->weight = c->weight;
	d->paused = true;
	op->domain = id;
	return 0;
}

/*
 * The image is copied out of the caller first (it could change it while we
 * parse), into frames of the hypervisor's own mapped at the staging window:
 * up to PV_IMAGE_MAX bytes, without taking them from the small heap.
 */
static uint32_t staged[STAGING_PAGES];
_Static_assert(STAGING_PAGES *PAGE_SIZE >= PV_IMAGE_MAX, "the staging window holds an image");

static void unstage(unsigned pages)
{
	for (unsigned i = 0; i < pages; i++) {
		paging_map_staging(i, INVALID_MFN);
		frame_free(staged[i]);
	}
}

static const void *stage(uint32_t guest_image, uint32_t len, long *rc)
{
	unsigned pages = (len + PAGE_SIZE - 1) / PAGE_SIZE;
	for (unsigned i = 0; i < pages; i++) {
		if ((staged[i] = frame_alloc(OWNER_XEN)) == INVALID_MFN) {
			unstage(i);
			*rc = -XEN_ENOMEM;
			return NULL;
		}
		paging_map_staging(i, staged[i]);
	}
	void *image = (void *)(uintptr_t)STAGING_VIRT_START;
	if ((*rc = copy_from_guest(image, guest_image, len))) {
		unstage(pages);
		return NULL;
	}
	return image;
}

/* Copy the image out of the caller, then build the domain from it. */
static long build(struct domain *d, struct pv_domain_build *b)
{
	char err[160];
	long rc;
	if (d->built)
		return -XEN_EBUSY;
	if (!b->image_len || b->image_len > PV_IMAGE_MAX)
		return -XEN_EINVAL;
	const void *image = stage(b->image, b->image_len, &rc);
	if (!image)
		return rc;
	b->cmdline[sizeof(b->cmdline) - 1] = '\0';
	rc = build_pv_domain(d, image, b->image_len, NULL, 0, b->cmdline, err, sizeof(err));
	if (rc)
		printk("hv: d%u: image refused: %s (error %ld)\n", d->id, err, rc);
	unstage((b->image_len + PAGE_SIZE - 1) / PAGE_SIZE);
	if (rc)
		return rc;
	d->built = true;
	b->console_mfn = d->console_mfn;
	b->console_port = d->console_port;
	b->store_mfn = d->store_mfn;
	b->store_port = d->store_port;
	return 0;
}

static uint8_t info_state(const struct domain *d)
{
	if (d->state == DOM_SHUTDOWN)
		return PV_DOMSTATE_SHUTDOWN;
	if (d->state == DOM_CRASHED)
		return PV_DOMSTATE_CRASHED;
	if (!d->built)
		return PV_DOMSTATE_BUILDING;
	if (d->paused)
		return PV_DOMSTATE_PAUSED;
	return d->vcpu0.state == VCPU_BLOCKED ? PV_DOMSTATE_BLOCKED : PV_DOMSTATE_RUNNING;
}

static void get_info(const struct domain *d, struct pv_domain_info *i)
{
	*i = (struct pv_domain_info){
		.domain = d->id,
		.state = info_state(d),
		.shutdown_reason = (uint8_t)d->shutdown_reason,
		.nr_pages = d->nr_pages,
		.max_pages = d->max_pages,
		.weight = d->weight,
		.cap = d->cap,
		.cpu_ns = vcpu_cpu_time(&d->vcpu0),
		.created_ns = d->created_ns,
		.console_mfn = d->console_mfn,
		.console_port = d->console_port,
		.store_mfn = d->store_mfn,
		.store_port = d->store_port,
	};
}

static long global_op(struct pv_domctl *op)
{
	if (op->cmd == PV_DOMCTL_createdomain)
		return create(op);
	if (op->cmd == PV_DOMCTL_physinfo) {
		op->u.phys = (struct pv_physinfo){ frames.nr_frames, frames.nr_free,
						   (uint32_t)heap_free_bytes(), 0 };
		for (unsigned i = 0; i < MAX_DOMAINS; i++)
			op->u.phys.nr_domains += domains[i] != NULL;
		return 0;
	}
	/* PV_DOMCTL_list */
	op->u.list.count = 0;
	for (unsigned i = 0; i < MAX_DOMAINS; i++)
		if (domains[i])
			op->u.list.ids[op->u.list.count++] = (uint16_t)i;
	return 0;
}

static long domain_op(struct pv_domctl *op, struct domain *d)
{
	switch (op->cmd) {
	case PV_DOMCTL_getcounters:
		op->u.counters = d->stats;
		return 0;
	case PV_DOMCTL_build:
		return build(d, &op->u.build);
	case PV_DOMCTL_unpause:
		if (!d->built || d->state != DOM_RUNNING)
			return -XEN_EINVAL;
		d->paused = false;
		cpu0.need_resched = true;
		return 0;
	case PV_DOMCTL_pause:
		if (d == dom0)
			return -XEN_EPERM;
		d->paused = true;
		return 0;
	case PV_DOMCTL_destroy:
		return domain_destroy(d);
	case PV_DOMCTL_getinfo:
		get_info(d, &op->u.info);
		return 0;
	case PV_DOMCTL_setweight:
		if (!op->u.sched.weight || op->u.sched.weight > 65535 || op->u.sched.cap > 100)
			return -XEN_EINVAL;
		d->weight = op->u.sched.weight;
		d->cap = op->u.sched.cap;
		return 0;
	case PV_DOMCTL_setmaxmem:
		if (d->built)
			return -XEN_EBUSY;
		if (op->u.create.max_pages < MIN_DOMAIN_PAGES ||
		    op->u.create.max_pages > PV_DOMAIN_MAX_PAGES)
			return -XEN_EINVAL;
		d->max_pages = op->u.create.max_pages;
		return 0;
	}
	return -XEN_ENOSYS;
}

long do_domctl(uint32_t arg)
{
	static struct pv_domctl op; /* one CPU, no preemption inside the hypervisor */
	if (!current->domain->privileged)
		return -XEN_EPERM;
	/* Read, and prove we can write back, before anything changes. */
	if (copy_from_guest(&op, arg, sizeof(op)) || copy_to_guest(arg, &op, sizeof(op)))
		return -XEN_EFAULT;
	if (op.interface_version != PV_DOMCTL_INTERFACE_VERSION)
		return -XEN_EINVAL;
	long rc;
	if (op.cmd == PV_DOMCTL_createdomain || op.cmd == PV_DOMCTL_physinfo ||
	    op.cmd == PV_DOMCTL_list) {
		rc = global_op(&op);
	} else {
		struct domain *d = domain_lookup(op.domain);
		if (!d)
			return -XEN_ESRCH;
		rc = domain_op(&op, d);
		if (op.cmd == PV_DOMCTL_destroy)
			return rc; /* d is gone: nothing to copy back */
	}
	if (rc)
		return rc;
	return copy_to_guest(arg, &op, sizeof(op));
}
