/*
 * Paravane guest ABI: event channels, event_channel_op(cmd, arg), hypercall 32.
 * Xen's 2-level interface, written for Paravane from the published numbers and
 * layouts. Standard C only (stdint); the constants are visible to assembly too.
 *
 * A port is a number 1..EVTCHN_NR_PORTS-1 in one domain's port space (port 0 is
 * never handed out). Each port has a pending bit (shared_info.evtchn_pending)
 * and a mask bit (shared_info.evtchn_mask); the mask belongs to the guest.
 * Raising a port sets its pending bit; if the bit was clear and the port is not
 * masked, the hypervisor sets the port's word (port / 32) in the vCPU's
 * vcpu_info.evtchn_pending_sel and, if that bit was clear, sets
 * evtchn_upcall_pending and wakes the vCPU. On the next return to the guest
 * with evtchn_upcall_mask clear, the vCPU enters its event callback
 * (set_callbacks) with upcalls masked.
 *
 * Every operation returns 0 or a negated errno (public/errno.h). Common to all:
 *   -EFAULT  the argument struct cannot be read or written
 *   -ENOSYS  unknown cmd (also bind_pirq and the FIFO-ABI commands 11-13)
 * A failed operation changes nothing.
 */
#ifndef PUBLIC_EVENT_CHANNEL_H
#define PUBLIC_EVENT_CHANNEL_H

/* 2-level ABI on x86_32: 32 selector bits, each covering a word of 32 ports. */
#define EVTCHN_NR_PORTS 1024

/* ---- Commands (the cmd argument) ------------------------------------------------ */
#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq 1
#define EVTCHNOP_bind_pirq 2 /* no physical IRQs yet: -ENOSYS */
#define EVTCHNOP_close 3
#define EVTCHNOP_send 4
#define EVTCHNOP_status 5
#define EVTCHNOP_alloc_unbound 6
#define EVTCHNOP_bind_ipi 7
#define EVTCHNOP_bind_vcpu 8
#define EVTCHNOP_unmask 9
#define EVTCHNOP_reset 10
/* 11 init_control, 12 expand_array, 13 set_priority: Xen's FIFO ABI, -ENOSYS here. */

/* ---- Virtual IRQs (EVTCHNOP_bind_virq) ------------------------------------------- */
#define VIRQ_TIMER 0   /* this vCPU's timer fired (set_timer_op, vcpu_op timers) */
#define VIRQ_DEBUG 1   /* a debug request (Paravane does not raise it yet) */
#define VIRQ_CONSOLE 2 /* hypervisor console input (Paravane does not raise it yet) */
#define VIRQ_DOM_EXC 3 /* a domain crashed or shut down; privileged domains only */
/* 4..23 are Xen's other VIRQ numbers: they may be bound, Paravane never raises them. */
#define NR_VIRQS 24

/* ---- EVTCHNOP_status results ------------------------------------------------------ */
#define EVTCHNSTAT_closed 0	 /* not in use */
#define EVTCHNSTAT_unbound 1	 /* allocated, waiting for a remote domain to bind */
#define EVTCHNSTAT_interdomain 2 /* connected to a port of a (possibly the same) domain */
#define EVTCHNSTAT_pirq 3	 /* bound to a physical IRQ (never, for now) */
#define EVTCHNSTAT_virq 4	 /* bound to a virtual IRQ */
#define EVTCHNSTAT_ipi 5	 /* an inter-processor event within the domain */

#ifndef __ASSEMBLER__ /* the rest is C only */
#include <stdint.h>

typedef uint32_t evtchn_port_t;
typedef uint16_t domid_t; /* as in public/xen.h (C11 allows the repeat) */

/*
 * EVTCHNOP_alloc_unbound: a fresh port in `dom`, unbound, that only
 * `remote_dom` may bind to (EVTCHNOP_bind_interdomain). remote_dom DOMID_SELF
 * means the caller (a domain may bind to its own port: a loopback channel).
 *   -EPERM   dom is not DOMID_SELF or the caller, and the caller is not privileged
 *   -ESRCH   dom or remote_dom does not exist
 *   -ENOSPC  no free port left in dom
 */
struct evtchn_alloc_unbound {
	domid_t dom;	    /* @0 in: where the port is made (DOMID_SELF: the caller) */
	domid_t remote_dom; /* @2 in: who may bind to it */
	evtchn_port_t port; /* @4 out: the new port */
};			    /* 8 bytes */

/*
 * EVTCHNOP_bind_interdomain: connect a fresh local port to remote_port of
 * remote_dom, which must be unbound and reserved for the caller. Both ends
 * become interdomain; the new local port is set pending once, because the
 * remote end may have signalled before the connection existed.
 *   -ESRCH   remote_dom does not exist
 *   -EINVAL  remote_port is 0, out of range, not unbound, or reserved for
 *            another domain
 *   -ENOSPC  no free local port
 */
struct evtchn_bind_interdomain {
	domid_t remote_dom;	   /* @0 in (DOMID_SELF: the caller) */
	uint16_t pad;		   /* @2 */
	evtchn_port_t remote_port; /* @4 in */
	evtchn_port_t local_port;  /* @8 out */
};				   /* 12 bytes */

/*
 * EVTCHNOP_bind_virq: a fresh port that the virtual IRQ `virq` of vCPU `vcpu`
 * raises. One port per VIRQ per vCPU.
 *   -EINVAL  virq >= NR_VIRQS
 *   -ENOENT  no such vCPU (only vCPU 0 exists)
 *   -EPERM   VIRQ_DOM_EXC from an unprivileged domain
 *   -EEXIST  the VIRQ is already bound (close its port first)
 *   -ENOSPC  no free port
 */
struct evtchn_bind_virq {
	uint32_t virq;	    /* @0 in: VIRQ_* */
	uint32_t vcpu;	    /* @4 in */
	evtchn_port_t port; /* @8 out */
};			    /* 12 bytes */

/* EVTCHNOP_bind_pirq: accepted for layout only; always -ENOSYS. */
struct evtchn_bind_pirq {
	uint32_t pirq;	    /* @0 in */
	uint32_t flags;	    /* @4 in: BIND_PIRQ__WILL_SHARE */
	evtchn_port_t port; /* @8 out */
};
#define BIND_PIRQ__WILL_SHARE 1

/*
 * EVTCHNOP_bind_ipi: a fresh port that notifies vCPU `vcpu` of the caller's own
 * domain when sent.
 *   -ENOENT  no such vCPU
 *   -ENOSPC  no free port
 */
struct evtchn_bind_ipi {
	uint32_t vcpu;	    /* @0 in */
	evtchn_port_t port; /* @4 out */
};			    /* 8 bytes */

/*
 * EVTCHNOP_close: free a port of the caller. Its pending bit is cleared; a
 * VIRQ is unbound; the remote end of an interdomain channel becomes unbound
 * again, reserved for the caller (so it may bind once more).
 *   -EINVAL  port is 0, out of range or not in use
 */
struct evtchn_close {
	evtchn_port_t port; /* @0 in */
};

/*
 * EVTCHNOP_send: signal a port of the caller. Interdomain: the remote port is
 * raised; IPI: this port is raised; unbound: the event is dropped (returns 0).
 *   -EINVAL  port is 0, out of range, not in use, or a VIRQ/PIRQ port
 */
struct evtchn_send {
	evtchn_port_t port; /* @0 in */
};

/*
 * EVTCHNOP_status: what a port is bound to.
 *   -EPERM   dom is another domain and the caller is not privileged
 *   -ESRCH   dom does not exist
 *   -EINVAL  port is 0 or out of range (a free port reports EVTCHNSTAT_closed)
 */
struct evtchn_status {
	domid_t dom;	    /* @0 in (DOMID_SELF: the caller) */
	uint16_t pad;	    /* @2 */
	evtchn_port_t port; /* @4 in */
	uint32_t status;    /* @8 out: EVTCHNSTAT_* */
	uint32_t vcpu;	    /* @12 out: vCPU notified */
	union {		    /* @16 out */
		struct {
			domid_t dom; /* who may bind */
		} unbound;
		struct {
			domid_t dom;	    /* @16 the other end's domain */
			uint16_t pad;	    /* @18 */
			evtchn_port_t port; /* @20 the other end's port */
		} interdomain;
		uint32_t pirq;
		uint32_t virq;
	} u;
}; /* 24 bytes */

/*
 * EVTCHNOP_bind_vcpu: choose the vCPU a port notifies.
 *   -ENOENT  no such vCPU (only vCPU 0 exists)
 *   -EINVAL  port is 0, out of range or not in use
 */
struct evtchn_bind_vcpu {
	evtchn_port_t port; /* @0 in */
	uint32_t vcpu;	    /* @4 in */
};			    /* 8 bytes */

/*
 * EVTCHNOP_unmask: clear the port's mask bit; if the port is pending, mark the
 * selector and evtchn_upcall_pending as if it had just been raised, so an event
 * that arrived while masked is delivered. (A guest may clear the mask bit
 * itself; it then needs this call only when the port is pending.)
 *   -EINVAL  port is 0, out of range or not in use
 */
struct evtchn_unmask {
	evtchn_port_t port; /* @0 in */
};

/*
 * EVTCHNOP_reset: close every port of `dom`.
 *   -EPERM   dom is another domain and the caller is not privileged
 *   -ESRCH   dom does not exist
 */
struct evtchn_reset {
	domid_t dom; /* @0 in (DOMID_SELF: the caller) */
};

#endif /* __ASSEMBLER__ */

#endif
