/*
 * Event-channel bookkeeping: port allocation, the state of each port, the links
 * between the two ends of a channel, and the 2-level bits in shared_info.
 * Pure logic shared with the host unit tests (tests/unit/test_evtchn.c).
 */
#include <evtchn_table.h>
#include <public/errno.h>

/* ---- Atomic bit operations on words the guest also writes -------------------- */

#if defined(__i386__) || defined(__x86_64__)
static bool bit_test_and_set(volatile uint32_t *w, unsigned bit)
{
	uint8_t old;
	__asm__ volatile("lock btsl %2, %0\n\tsetc %1"
			 : "+m"(*w), "=qm"(old)
			 : "Ir"(bit)
			 : "memory");
	return old;
}
static bool bit_test_and_clear(volatile uint32_t *w, unsigned bit)
{
	uint8_t old;
	__asm__ volatile("lock btrl %2, %0\n\tsetc %1"
			 : "+m"(*w), "=qm"(old)
			 : "Ir"(bit)
			 : "memory");
	return old;
}
#else
static bool bit_test_and_set(volatile uint32_t *w, unsigned bit)
{
	return __atomic_fetch_or(w, 1u << bit, __ATOMIC_SEQ_CST) & (1u << bit);
}
static bool bit_test_and_clear(volatile uint32_t *w, unsigned bit)
{
	return __atomic_fetch_and(w, ~(1u << bit), __ATOMIC_SEQ_CST) & (1u << bit);
}
#endif

static bool bit_test(const volatile uint32_t *w, unsigned bit)
{
	return (*w >> bit) & 1;
}

/* ---- The port table -------------------------------------------------------- */

static bool port_in_range(uint32_t port)
{
	return port != 0 && port < EVTCHN_NR_PORTS;
}

void evtchn_table_init(struct evtchn_domain *t, domid_t domid, void *owner)
{
	*t = (struct evtchn_domain){ .owner = owner, .domid = domid };
}

struct evtchn *evtchn_table_get(struct evtchn_domain *t, uint32_t port)
{
	if (!port_in_range(port) || t->port[port].state == ECS_FREE)
		return NULL;
	return &t->port[port];
}

/* The lowest free port, or 0 if none (port 0 itself is never handed out). */
static uint32_t find_free(const struct evtchn_domain *t)
{
	for (uint32_t p = 1; p < EVTCHN_NR_PORTS; p++)
		if (t->port[p].state == ECS_FREE)
			return p;
	return 0;
}

int evtchn_table_alloc_unbound(struct evtchn_domain *t, domid_t remote)
{
	uint32_t p = find_free(t);
	if (!p)
		return -XEN_ENOSPC;
	t->port[p] = (struct evtchn){ .state = ECS_UNBOUND, .remote_dom = remote };
	return (int)p;
}

int evtchn_table_bind_interdomain(struct evtchn_domain *t, struct evtchn_domain *peer,
				  uint32_t peer_port)
{
	struct evtchn *r = evtchn_table_get(peer, peer_port);
	if (!r || r->state != ECS_UNBOUND || r->remote_dom != t->domid)
		return -XEN_EINVAL;
	uint32_t p = find_free(t); /* never peer_port: that one is in use */
	if (!p)
		return -XEN_ENOSPC;
	t->port[p] =
	    (struct evtchn){ .state = ECS_INTERDOMAIN, .peer = peer, .peer_port = peer_port };
	*r =
	    (struct evtchn){ .state = ECS_INTERDOMAIN, .vcpu = r->vcpu, .peer = t, .peer_port = p };
	return (int)p;
}

int evtchn_table_bind_virq(struct evtchn_domain *t, uint32_t virq, uint32_t vcpu)
{
	if (virq >= NR_VIRQS)
		return -XEN_EINVAL;
	if (vcpu >= EVTCHN_NR_VCPUS)
		return -XEN_ENOENT;
	if (t->virq_port[virq])
		return -XEN_EEXIST;
	uint32_t p = find_free(t);
	if (!p)
		return -XEN_ENOSPC;
	t->port[p] = (struct evtchn){ .state = ECS_VIRQ, .vcpu = (uint8_t)vcpu, .virq = virq };
	t->virq_port[virq] = p;
	return (int)p;
}

int evtchn_table_bind_ipi(struct evtchn_domain *t, uint32_t vcpu)
{
	if (vcpu >= EVTCHN_NR_VCPUS)
		return -XEN_ENOENT;
	uint32_t p = find_free(t);
	if (!p)
		return -XEN_ENOSPC;
	t->port[p] = (struct evtchn){ .state = ECS_IPI, .vcpu = (uint8_t)vcpu };
	return (int)p;
}

int evtchn_table_close(struct evtchn_domain *t, uint32_t port)
{
	struct evtchn *c = evtchn_table_get(t, port);
	if (!c)
		return -XEN_EINVAL;
	if (c->state == ECS_VIRQ)
		t->virq_port[c->virq] = 0;
	if (c->state == ECS_INTERDOMAIN) {
		/* The other end waits for us again, as if freshly allocated for us. */
		struct evtchn *r = &c->peer->port[c->peer_port];
		*r = (struct evtchn){ .state = ECS_UNBOUND,
				      .vcpu = r->vcpu,
				      .remote_dom = t->domid };
	}
	*c = (struct evtchn){ .state = ECS_FREE };
	return 0;
}

void evtchn_table_reset(struct evtchn_domain *t)
{
	for (uint32_t p = 1; p < EVTCHN_NR_PORTS; p++)
		if (t->port[p].state != ECS_FREE)
			evtchn_table_close(t, p);
}

int evtchn_table_send(struct evtchn_domain *t, uint32_t port, struct evtchn_domain **to,
		      uint32_t *to_port)
{
	struct evtchn *c = evtchn_table_get(t, port);
	if (!c)
		return -XEN_EINVAL;
	switch (c->state) {
	case ECS_INTERDOMAIN:
		*to = c->peer;
		*to_port = c->peer_port;
		return 0;
	case ECS_IPI:
		*to = t;
		*to_port = port;
		return 0;
	case ECS_UNBOUND:
		*to = NULL; /* nobody listens yet: the event is dropped, as in Xen */
		*to_port = 0;
		return 0;
	}
	return -XEN_EINVAL; /* VIRQs are raised by the hypervisor only */
}

int evtchn_table_status(struct evtchn_domain *t, uint32_t port, struct evtchn_status *st)
{
	if (!port_in_range(port))
		return -XEN_EINVAL;
	const struct evtchn *c = &t->port[port];
	st->vcpu = c->vcpu;
	st->u.interdomain.dom = 0;
	st->u.interdomain.pad = 0;
	st->u.interdomain.port = 0;
	switch (c->state) {
	case ECS_FREE:
		st->status = EVTCHNSTAT_closed;
		break;
	case ECS_UNBOUND:
		st->status = EVTCHNSTAT_unbound;
		st->u.unbound.dom = c->remote_dom;
		break;
	case ECS_INTERDOMAIN:
		st->status = EVTCHNSTAT_interdomain;
		st->u.interdomain.dom = c->peer->domid;
		st->u.interdomain.port = c->peer_port;
		break;
	case ECS_VIRQ:
		st->status = EVTCHNSTAT_virq;
		st->u.virq = c->virq;
		break;
	case ECS_IPI:
		st->status = EVTCHNSTAT_ipi;
		break;
	}
	return 0;
}

int evtchn_table_bind_vcpu(struct evtchn_domain *t, uint32_t port, uint32_t vcpu)
{
	if (vcpu >= EVTCHN_NR_VCPUS)
		return -XEN_ENOENT;
	struct evtchn *c = evtchn_table_get(t, port);
	if (!c)
		return -XEN_EINVAL;
	c->vcpu = (uint8_t)vcpu;
	return 0;
}

uint32_t evtchn_table_virq_port(const struct evtchn_domain *t, uint32_t virq)
{
	return virq < NR_VIRQS ? t->virq_port[virq] : 0;
}

/* ---- The 2-level bits -------------------------------------------------------- */

/* The port is pending: unless masked, flag its word and the vCPU. */
static bool mark_upcall(struct shared_info *s, struct vcpu_info *vi, uint32_t port)
{
	if (bit_test(&s->evtchn_mask[port / 32], port % 32))
		return false;
	if (bit_test_and_set(&vi->evtchn_pending_sel, port / 32))
		return false;
	*(volatile uint8_t *)&vi->evtchn_upcall_pending = 1;
	return true;
}

bool evtchn_bits_raise(struct shared_info *s, struct vcpu_info *vi, uint32_t port)
{
	if (port >= EVTCHN_NR_PORTS || bit_test_and_set(&s->evtchn_pending[port / 32], port % 32))
		return false; /* already pending: it was marked when first raised */
	return mark_upcall(s, vi, port);
}

bool evtchn_bits_unmask(struct shared_info *s, struct vcpu_info *vi, uint32_t port)
{
	if (port >= EVTCHN_NR_PORTS)
		return false;
	bit_test_and_clear(&s->evtchn_mask[port / 32], port % 32);
	if (!bit_test(&s->evtchn_pending[port / 32], port % 32))
		return false;
	return mark_upcall(s, vi, port);
}

void evtchn_bits_clear_pending(struct shared_info *s, uint32_t port)
{
	if (port < EVTCHN_NR_PORTS)
		bit_test_and_clear(&s->evtchn_pending[port / 32], port % 32);
}

bool evtchn_bits_pending(const struct shared_info *s, uint32_t port)
{
	return port < EVTCHN_NR_PORTS && bit_test(&s->evtchn_pending[port / 32], port % 32);
}
