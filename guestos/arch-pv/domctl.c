/* dom0's domctl wrappers: fill a struct pv_domctl, make the hypercall. */
#include "domctl.h"
#include "pv.h"

static struct pv_domctl op; /* one at a time: the kernel is single-threaded */

static void prepare(uint32_t cmd, uint16_t domid)
{
	memset(&op, 0, sizeof(op));
	op.cmd = cmd;
	op.interface_version = PV_DOMCTL_INTERFACE_VERSION;
	op.domain = domid;
}

long dom_call(struct pv_domctl *o)
{
	return HYPERVISOR_domctl((uint32_t)o);
}

int dom_create(uint32_t max_pages, uint32_t weight)
{
	prepare(PV_DOMCTL_createdomain, 0);
	op.u.create = (struct pv_domain_create){ max_pages, weight };
	long rc = dom_call(&op);
	return rc ? (int)rc : op.domain;
}

int dom_build(uint16_t domid, const void *image, size_t len, const char *cmdline,
	      struct pv_domain_build *out)
{
	prepare(PV_DOMCTL_build, domid);
	op.u.build.image = (uint32_t)image;
	op.u.build.image_len = (uint32_t)len;
	strlcpy(op.u.build.cmdline, cmdline, sizeof(op.u.build.cmdline));
	long rc = dom_call(&op);
	if (!rc && out)
		*out = op.u.build;
	return (int)rc;
}

#define SIMPLE(fn, cmd)                    \
	int fn(uint16_t domid)             \
	{                                  \
		prepare(cmd, domid);       \
		return (int)dom_call(&op); \
	}
SIMPLE(dom_unpause, PV_DOMCTL_unpause)
SIMPLE(dom_pause, PV_DOMCTL_pause)
SIMPLE(dom_destroy, PV_DOMCTL_destroy)

int dom_getinfo(uint16_t domid, struct pv_domain_info *info)
{
	prepare(PV_DOMCTL_getinfo, domid);
	long rc = dom_call(&op);
	if (!rc)
		*info = op.u.info;
	return (int)rc;
}

int dom_setweight(uint16_t domid, uint32_t weight, uint32_t cap)
{
	prepare(PV_DOMCTL_setweight, domid);
	op.u.sched = (struct pv_domain_sched){ weight, cap };
	return (int)dom_call(&op);
}

int dom_physinfo(struct pv_physinfo *p)
{
	prepare(PV_DOMCTL_physinfo, 0);
	long rc = dom_call(&op);
	if (!rc)
		*p = op.u.phys;
	return (int)rc;
}

int dom_list(struct pv_domain_list *l)
{
	prepare(PV_DOMCTL_list, 0);
	long rc = dom_call(&op);
	if (!rc)
		*l = op.u.list;
	return (int)rc;
}

struct pv_domain_counters dom_own_counters(void)
{
	prepare(PV_DOMCTL_getcounters, DOMID_SELF);
	if (dom_call(&op))
		panic("domctl getcounters failed");
	return op.u.counters;
}
