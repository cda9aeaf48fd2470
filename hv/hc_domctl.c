/* domctl: Paravane's own control operations for domain 0 (public/domctl.h). */
#include <hv.h>
#include <hypercalls.h>
#include <public/domctl.h>

static struct domain *domain_by_id(domid_t id)
{
	if (id == DOMID_SELF)
		return current->domain;
	return dom0 && dom0->id == id ? dom0 : NULL;
}

long do_domctl(uint32_t arg)
{
	struct pv_domctl op;
	if (!current->domain->privileged)
		return -XEN_EPERM;
	if (copy_from_guest(&op, arg, sizeof(op)))
		return -XEN_EFAULT;
	if (op.interface_version != PV_DOMCTL_INTERFACE_VERSION)
		return -XEN_EINVAL;
	struct domain *d = domain_by_id(op.domain);
	if (!d)
		return -XEN_ESRCH;
	switch (op.cmd) {
	case PV_DOMCTL_getcounters:
		op.u.counters = d->stats;
		return copy_to_guest(arg, &op, sizeof(op));
	}
	return -XEN_ENOSYS;
}
