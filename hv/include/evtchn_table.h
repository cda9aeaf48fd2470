/*
 * Event-channel bookkeeping (evtchn_table.c): a domain's port table, the state
 * of each port and the links between the two ends of a channel, plus the
 * 2-level pending/mask/selector bits in shared_info. Pure logic: no domain
 * lookups, no scheduler, so the host unit tests exercise this same source.
 * event_channel.c adds the hypercall, privilege checks and wake-ups.
 */
#ifndef HV_EVTCHN_TABLE_H
#define HV_EVTCHN_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/event_channel.h>
#include <public/xen.h>

/* vCPUs a port may notify: only vCPU 0 exists for now. */
#define EVTCHN_NR_VCPUS 1

enum evtchn_state {
	ECS_FREE,	 /* not in use (port 0 stays free: it is never handed out) */
	ECS_UNBOUND,	 /* waiting for remote_dom to bind */
	ECS_INTERDOMAIN, /* connected to peer:peer_port */
	ECS_VIRQ,	 /* raised by virq */
	ECS_IPI,	 /* raised by a send on itself */
};

struct evtchn_domain;

/* One port: 12 bytes on i386, so a domain's 1024 ports take 12 KiB of heap. */
struct evtchn {
	uint8_t state;	    /* enum evtchn_state */
	uint8_t vcpu;	    /* the vCPU it notifies */
	domid_t remote_dom; /* ECS_UNBOUND: the only domain that may bind */
	union {
		uint32_t virq;	    /* ECS_VIRQ */
		uint32_t peer_port; /* ECS_INTERDOMAIN: the other end's port */
	};
	struct evtchn_domain *peer; /* ECS_INTERDOMAIN: the other end's table */
};

/* One per domain (struct domain.evtchn). */
struct evtchn_domain {
	void *owner;		      /* the struct domain; opaque to this file */
	domid_t domid;		      /* the owner's id */
	uint32_t virq_port[NR_VIRQS]; /* port bound to each VIRQ (vCPU 0), 0 if none */
	struct evtchn port[EVTCHN_NR_PORTS];
};

/* ---- The port table. Errors are negated XEN_E* values; a failure changes nothing. */

void evtchn_table_init(struct evtchn_domain *t, domid_t domid, void *owner);
/* The port's entry if it is in use, else NULL (port 0, out of range, free). */
struct evtchn *evtchn_table_get(struct evtchn_domain *t, uint32_t port);
/* A new port, unbound, reserved for `remote`. Port number or -ENOSPC. */
int evtchn_table_alloc_unbound(struct evtchn_domain *t, domid_t remote);
/* A new port of t connected to peer_port of peer (which may be t itself), which
 * must be unbound and reserved for t. Port number, -EINVAL or -ENOSPC. */
int evtchn_table_bind_interdomain(struct evtchn_domain *t, struct evtchn_domain *peer,
				  uint32_t peer_port);
/* A new port raised by virq on vcpu. Port, -EINVAL, -ENOENT, -EEXIST, -ENOSPC. */
int evtchn_table_bind_virq(struct evtchn_domain *t, uint32_t virq, uint32_t vcpu);
/* A new port that notifies vcpu of t itself. Port, -ENOENT, -ENOSPC. */
int evtchn_table_bind_ipi(struct evtchn_domain *t, uint32_t vcpu);
/* Free a port; an interdomain peer goes back to unbound, reserved for t. 0, -EINVAL. */
int evtchn_table_close(struct evtchn_domain *t, uint32_t port);
/* Close every port. */
void evtchn_table_reset(struct evtchn_domain *t);
/* Where a send on port lands: *to, *to_port (to NULL: dropped, the port is
 * unbound). 0, or -EINVAL (not in use, or a VIRQ port). */
int evtchn_table_send(struct evtchn_domain *t, uint32_t port, struct evtchn_domain **to,
		      uint32_t *to_port);
/* Fill st's status, vcpu and u for port (a free port is EVTCHNSTAT_closed).
 * 0, or -EINVAL (port 0 or out of range). */
int evtchn_table_status(struct evtchn_domain *t, uint32_t port, struct evtchn_status *st);
/* Notify vcpu from now on. 0, -ENOENT (no such vCPU), -EINVAL (port not in use). */
int evtchn_table_bind_vcpu(struct evtchn_domain *t, uint32_t port, uint32_t vcpu);
/* The port bound to virq, 0 if none (or virq out of range). */
uint32_t evtchn_table_virq_port(const struct evtchn_domain *t, uint32_t virq);

/* ---- The 2-level bits. Atomic read-modify-writes: the guest changes them too. */

/* Set port pending; if it was clear and the port is unmasked, mark its word in
 * the selector and, if that was new, set evtchn_upcall_pending. True when the
 * vCPU should be woken (the selector bit was newly set). */
bool evtchn_bits_raise(struct shared_info *s, struct vcpu_info *vi, uint32_t port);
/* Clear the mask bit; if the port is pending, mark as evtchn_bits_raise does
 * (so an event raised while masked is not lost). True when the vCPU should be woken. */
bool evtchn_bits_unmask(struct shared_info *s, struct vcpu_info *vi, uint32_t port);
void evtchn_bits_clear_pending(struct shared_info *s, uint32_t port);
bool evtchn_bits_pending(const struct shared_info *s, uint32_t port);

#endif
