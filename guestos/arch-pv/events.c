/*
 * Event channels in the PV guest: the dispatcher behind the event callback
 * (events.S) and the helpers that bind ports to handlers. Ports start masked;
 * binding a handler unmasks its port.
 */
#include "events.h"
#include "pv.h"
#include <public/errno.h>

#define NR_WORDS (EVTCHN_NR_PORTS / 32)

static struct {
	evtchn_handler_t fn;
	void *data;
} handlers[EVTCHN_NR_PORTS];

volatile uint32_t evtchn_unhandled;
volatile uint32_t evtchn_upcalls __hot_data;
volatile uint32_t evtchn_upcalls_from_user __hot_data;

/* What the hypervisor pushed when it entered the callback. */
struct event_frame {
	uint32_t eip;
	uint32_t cs; /* bits 16+: the upcall mask before the callback */
	uint32_t eflags;
};

extern char hypervisor_callback[], failsafe_callback[];
void evtchn_do_upcall(const struct event_frame *f);
noreturn void evtchn_failsafe(void);

/* Atomic bit operations: the hypervisor changes these words too. */
static void sync_set_bit(volatile uint32_t *w, unsigned bit)
{
	__asm__ volatile("lock btsl %1, %0" : "+m"(*w) : "Ir"(bit) : "memory");
}
static void sync_clear_bit(volatile uint32_t *w, unsigned bit)
{
	__asm__ volatile("lock btrl %1, %0" : "+m"(*w) : "Ir"(bit) : "memory");
}
static uint32_t sync_xchg(volatile uint32_t *w, uint32_t v)
{
	__asm__ volatile("xchgl %0, %1" : "+r"(v), "+m"(*w) : : "memory");
	return v;
}

static bool port_ok(uint32_t port)
{
	return port != 0 && port < EVTCHN_NR_PORTS;
}

static long evtchn_op(unsigned cmd, void *arg)
{
	return HYPERVISOR_event_channel_op(cmd, (uint32_t)arg);
}

int evtchn_set_callbacks(void)
{
	return (int)HYPERVISOR_set_callbacks(FLAT_RING1_CS, (uint32_t)hypervisor_callback,
					     FLAT_RING1_CS, (uint32_t)failsafe_callback);
}

void events_init(void)
{
	for (unsigned w = 0; w < NR_WORDS; w++)
		sync_xchg(&shared_info->evtchn_mask[w], ~0u);
	int rc = evtchn_set_callbacks();
	if (rc)
		panic("set_callbacks: %d", rc);
}

static void dispatch(uint32_t port)
{
	evtchn_handler_t fn = handlers[port].fn;
	if (fn)
		fn(port, handlers[port].data);
	else
		evtchn_unhandled++;
}

/*
 * Called from hypervisor_callback with upcalls masked. Clear the flag first,
 * then take the selector: anything raised after that sets both again and
 * the loop goes round once more.
 */
void evtchn_do_upcall(const struct event_frame *f)
{
	volatile struct vcpu_info *vi = &shared_info->vcpu_info[0];
	volatile uint32_t *pending = shared_info->evtchn_pending;
	volatile uint32_t *mask = shared_info->evtchn_mask;

	evtchn_upcalls++;
	if ((f->cs & 3) == 3)
		evtchn_upcalls_from_user++;
	while (vi->evtchn_upcall_pending) {
		vi->evtchn_upcall_pending = 0;
		uint32_t sel = sync_xchg(&vi->evtchn_pending_sel, 0); /* a full barrier too */
		while (sel) {
			unsigned w = (unsigned)__builtin_ctz(sel);
			sel &= sel - 1;
			uint32_t bits = pending[w] & ~mask[w];
			while (bits) {
				unsigned b = (unsigned)__builtin_ctz(bits);
				bits &= bits - 1;
				sync_clear_bit(&pending[w], b);
				dispatch(w * 32 + b);
			}
		}
	}
	if ((f->cs & 3) == 3)
		pv_upcall_return_to_user();
}

noreturn void evtchn_failsafe(void)
{
	panic("failsafe callback: bad segment on return from the hypervisor");
}

void evtchn_mask(uint32_t port)
{
	if (port < EVTCHN_NR_PORTS)
		sync_set_bit(&shared_info->evtchn_mask[port / 32], port % 32);
}

int evtchn_unmask(uint32_t port)
{
	if (!port_ok(port))
		return -XEN_EINVAL;
	sync_clear_bit(&shared_info->evtchn_mask[port / 32], port % 32);
	/* Raised while masked: the hypervisor marks it for the upcall (cheap to
	 * skip when nothing is pending, the common case). */
	if ((shared_info->evtchn_pending[port / 32] >> (port % 32)) & 1) {
		struct evtchn_unmask op = { port };
		return (int)evtchn_op(EVTCHNOP_unmask, &op);
	}
	return 0;
}

int evtchn_bind(uint32_t port, evtchn_handler_t handler, void *data)
{
	if (!port_ok(port))
		return -XEN_EINVAL;
	handlers[port].fn = handler;
	handlers[port].data = data;
	__asm__ volatile("" ::: "memory");
	if (handler)
		return evtchn_unmask(port);
	evtchn_mask(port);
	return 0;
}

int evtchn_close(uint32_t port)
{
	struct evtchn_close op = { port };
	evtchn_mask(port);
	long rc = evtchn_op(EVTCHNOP_close, &op);
	if (!rc)
		handlers[port].fn = NULL;
	return (int)rc;
}

int evtchn_reset(void)
{
	struct evtchn_reset op = { DOMID_SELF };
	long rc = evtchn_op(EVTCHNOP_reset, &op);
	if (rc)
		return (int)rc;
	for (uint32_t p = 0; p < EVTCHN_NR_PORTS; p++) {
		evtchn_mask(p);
		handlers[p].fn = NULL;
	}
	return 0;
}

/* A port the hypervisor just made: give it its handler (and unmask it). */
static int bound(long rc, uint32_t port, evtchn_handler_t handler, void *data)
{
	if (rc)
		return (int)rc;
	if (!port_ok(port))
		panic("event_channel_op returned port %u", port);
	evtchn_bind(port, handler, data);
	return (int)port;
}

int evtchn_bind_virq(uint32_t virq, evtchn_handler_t handler, void *data)
{
	struct evtchn_bind_virq op = { .virq = virq, .vcpu = 0 };
	long rc = evtchn_op(EVTCHNOP_bind_virq, &op);
	return bound(rc, op.port, handler, data);
}

int evtchn_bind_ipi(evtchn_handler_t handler, void *data)
{
	struct evtchn_bind_ipi op = { .vcpu = 0 };
	long rc = evtchn_op(EVTCHNOP_bind_ipi, &op);
	return bound(rc, op.port, handler, data);
}

int evtchn_alloc_unbound(domid_t remote)
{
	struct evtchn_alloc_unbound op = { .dom = DOMID_SELF, .remote_dom = remote };
	long rc = evtchn_op(EVTCHNOP_alloc_unbound, &op);
	return bound(rc, op.port, NULL, NULL);
}

int evtchn_bind_interdomain(domid_t remote_dom, uint32_t remote_port, evtchn_handler_t handler,
			    void *data)
{
	struct evtchn_bind_interdomain op = { .remote_dom = remote_dom,
					      .remote_port = remote_port };
	long rc = evtchn_op(EVTCHNOP_bind_interdomain, &op);
	return bound(rc, op.local_port, handler, data);
}

int evtchn_send(uint32_t port)
{
	struct evtchn_send op = { port };
	return (int)evtchn_op(EVTCHNOP_send, &op);
}
