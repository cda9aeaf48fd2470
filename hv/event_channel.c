/*
 * Event channels: the event_channel_op hypercall, VIRQs, and the upcall into a
 * guest's event callback. The port bookkeeping and the 2-level bits live in
 * evtchn_table.c; this file adds guest memory, domains, privilege and wake-ups.
 */
#include <event.h>
#include <evtchn_table.h>
#include <hv.h>
#include <hypercalls.h>

int evtchn_domain_init(struct domain *d)
{
	if (d->evtchn)
		return 0;
	struct evtchn_domain *t = xzalloc(sizeof(*t));
	if (!t)
		return -XEN_ENOMEM;
	evtchn_table_init(t, d->id, d);
	d->evtchn = t;
	return 0;
}

void evtchn_domain_destroy(struct domain *d)
{
	if (!d->evtchn)
		return;
	/* Peers go back to unbound. Our own shared_info is left alone: the domain's
	 * frames may already be freed. */
	evtchn_table_reset(d->evtchn);
	xfree(d->evtchn);
	d->evtchn = NULL;
}

/* Forget that a port of d was pending (a domain not yet built, or ended, has
 * no shared_info to touch). */
static void clear_pending(struct domain *d, uint32_t port)
{
	if (d->state == DOM_RUNNING && d->shared_info)
		evtchn_bits_clear_pending(d->shared_info, port);
}

/* Raise a port of d (the vCPU it notifies is vCPU 0: the only one). */
static void raise_port(struct domain *d, uint32_t port)
{
	struct vcpu *v = &d->vcpu0;
	if (d->state != DOM_RUNNING || !d->shared_info || !v->info)
		return; /* an ended domain's shared_info may be gone */
	/* A vCPU in SCHEDOP_poll wakes for any event: its poll call re-checks. */
	if (evtchn_bits_raise(d->shared_info, v->info, port) || v->polling)
		vcpu_wake(v);
}

void evtchn_send_virq(struct domain *d, unsigned virq)
{
	if (!d || !d->evtchn)
		return;
	uint32_t port = evtchn_table_virq_port(d->evtchn, virq);
	if (port)
		raise_port(d, port);
}

int evtchn_alloc_unbound_port(struct domain *d, uint16_t remote)
{
	if (!d->evtchn)
		return -XEN_ENOMEM;
	return evtchn_table_alloc_unbound(d->evtchn, remote);
}

void evtchn_check_upcall(struct vcpu *v, struct cpu_regs *r)
{
	if (!v || !v->info || !v->event_eip)
		return;
	const volatile struct vcpu_info *vi = v->info;
	if (!vi->evtchn_upcall_pending || vi->evtchn_upcall_mask)
		return;
	if (!bounce_frame(v, r, v->event_cs, v->event_eip, false, 0, true))
		domain_crash(v->domain, "fault while delivering an event", r);
}

bool evtchn_port_pending(const struct vcpu *v, uint32_t port)
{
	const struct shared_info *s = v->domain->shared_info;
	return s && evtchn_bits_pending(s, port);
}

/* ---- event_channel_op ---------------------------------------------------------- */

/* `dom` as an operation's target: the caller's own, or (privileged callers
 * only) another live domain. NULL with *err set otherwise. */
static struct domain *target_domain(domid_t dom, long *err)
{
	struct domain *self = current->domain;
	if (dom != DOMID_SELF && dom != self->id && !self->privileged) {
		*err = -XEN_EPERM;
		return NULL;
	}
	struct domain *d = domain_lookup(dom);
	if (!d || !d->evtchn) {
		*err = -XEN_ESRCH;
		return NULL;
	}
	return d;
}

/*
 * Tell the caller the port it got (written at guest address `field`); if that
 * write fails, close the port again so that nothing changes. 0 or an error.
 */
static long give_port(struct domain *d, int port, uint32_t field)
{
	if (port < 0)
		return port;
	uint32_t p = (uint32_t)port;
	if (copy_to_guest(field, &p, sizeof(p))) {
		evtchn_table_close(d->evtchn, p);
		return -XEN_EFAULT;
	}
	return 0;
}

static long op_alloc_unbound(uint32_t arg)
{
	struct evtchn_alloc_unbound a;
	long err;
	if (copy_from_guest(&a, arg, sizeof(a)))
		return -XEN_EFAULT;
	struct domain *d = target_domain(a.dom, &err);
	if (!d)
		return err;
	struct domain *remote = domain_lookup(a.remote_dom);
	if (!remote)
		return -XEN_ESRCH;
	int port = evtchn_table_alloc_unbound(d->evtchn, remote->id);
	return give_port(d, port, arg + offsetof(struct evtchn_alloc_unbound, port));
}

static long op_bind_interdomain(uint32_t arg)
{
	struct evtchn_bind_interdomain a;
	struct domain *self = current->domain;
	if (copy_from_guest(&a, arg, sizeof(a)))
		return -XEN_EFAULT;
	struct domain *remote = domain_lookup(a.remote_dom);
	if (!remote || !remote->evtchn)
		return -XEN_ESRCH;
	int port = evtchn_table_bind_interdomain(self->evtchn, remote->evtchn, a.remote_port);
	long rc = give_port(self, port, arg + offsetof(struct evtchn_bind_interdomain, local_port));
	if (rc)
		return rc; /* (closing it made the remote end unbound again) */
	/* The remote end may have signalled before we were connected: deliver once. */
	raise_port(self, (uint32_t)port);
	return 0;
}

static long op_bind_virq(uint32_t arg)
{
	struct evtchn_bind_virq a;
	struct domain *self = current->domain;
	if (copy_from_guest(&a, arg, sizeof(a)))
		return -XEN_EFAULT;
	if (a.virq >= NR_VIRQS)
		return -XEN_EINVAL;
	if (a.virq == VIRQ_DOM_EXC && !self->privileged)
		return -XEN_EPERM;
	int port = evtchn_table_bind_virq(self->evtchn, a.virq, a.vcpu);
	return give_port(self, port, arg + offsetof(struct evtchn_bind_virq, port));
}

static long op_bind_ipi(uint32_t arg)
{
	struct evtchn_bind_ipi a;
	struct domain *self = current->domain;
	if (copy_from_guest(&a, arg, sizeof(a)))
		return -XEN_EFAULT;
	int port = evtchn_table_bind_ipi(self->evtchn, a.vcpu);
	return give_port(self, port, arg + offsetof(struct evtchn_bind_ipi, port));
}

static long op_close(uint32_t arg)
{
	struct evtchn_close a;
	struct domain *self = current->domain;
	if (copy_from_guest(&a, arg, sizeof(a)))
		return -XEN_EFAULT;
	int rc = evtchn_table_close(self->evtchn, a.port);
	if (rc)
		return rc;
	clear_pending(self, a.port);
	return 0;
}

static long op_send(uint32_t arg)
{
	struct evtchn_send a;
	struct evtchn_domain *to;
	uint32_t to_port;
	if (copy_from_guest(&a, arg, sizeof(a)))
		return -XEN_EFAULT;
	int rc = evtchn_table_send(current->domain->evtchn, a.port, &to, &to_port);
	if (rc)
		return rc;
	if (to)
		raise_port(to->owner, to_port);
	return 0;
}

static long op_status(uint32_t arg)
{
	struct evtchn_status a;
	long err;
	if (copy_from_guest(&a, arg, sizeof(a)))
		return -XEN_EFAULT;
	struct domain *d = target_domain(a.dom, &err);
	if (!d)
		return err;
	int rc = evtchn_table_status(d->evtchn, a.port, &a);
	if (rc)
		return rc;
	return copy_to_guest(arg, &a, sizeof(a)) ? -XEN_EFAULT : 0;
}

static long op_bind_vcpu(uint32_t arg)
{
	struct evtchn_bind_vcpu a;
	if (copy_from_guest(&a, arg, sizeof(a)))
		return -XEN_EFAULT;
	return evtchn_table_bind_vcpu(current->domain->evtchn, a.port, a.vcpu);
}

static long op_unmask(uint32_t arg)
{
	struct evtchn_unmask a;
	struct vcpu *v = current;
	if (copy_from_guest(&a, arg, sizeof(a)))
		return -XEN_EFAULT;
	if (!evtchn_table_get(v->domain->evtchn, a.port))
		return -XEN_EINVAL;
	if (evtchn_bits_unmask(v->domain->shared_info, v->info, a.port))
		vcpu_wake(v);
	return 0; /* if upcalls are enabled, return_to_guest delivers it now */
}

static long op_reset(uint32_t arg)
{
	struct evtchn_reset a;
	long err;
	if (copy_from_guest(&a, arg, sizeof(a)))
		return -XEN_EFAULT;
	struct domain *d = target_domain(a.dom, &err);
	if (!d)
		return err;
	for (uint32_t p = 1; p < EVTCHN_NR_PORTS; p++)
		if (evtchn_table_close(d->evtchn, p) == 0)
			clear_pending(d, p);
	return 0;
}

long do_event_channel_op(uint32_t cmd, uint32_t arg)
{
	if (!current->domain->evtchn || !current->domain->shared_info)
		return -XEN_ENOSYS; /* not set up (evtchn_domain_init was not called) */
	switch (cmd) {
	case EVTCHNOP_bind_interdomain:
		return op_bind_interdomain(arg);
	case EVTCHNOP_bind_virq:
		return op_bind_virq(arg);
	case EVTCHNOP_close:
		return op_close(arg);
	case EVTCHNOP_send:
		return op_send(arg);
	case EVTCHNOP_status:
		return op_status(arg);
	case EVTCHNOP_alloc_unbound:
		return op_alloc_unbound(arg);
	case EVTCHNOP_bind_ipi:
		return op_bind_ipi(arg);
	case EVTCHNOP_bind_vcpu:
		return op_bind_vcpu(arg);
	case EVTCHNOP_unmask:
		return op_unmask(arg);
	case EVTCHNOP_reset:
		return op_reset(arg);
	}
	return -XEN_ENOSYS; /* bind_pirq (no physical IRQs yet), FIFO ABI, unknown */
}
