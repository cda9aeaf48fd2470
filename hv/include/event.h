/*
 * Event channels inside the hypervisor (event_channel.c): Xen's 2-level ABI,
 * 1024 ports per domain. The hypercall is do_event_channel_op (hypercalls.h).
 */
#ifndef HV_EVENT_H
#define HV_EVENT_H

#include <stdbool.h>
#include <stdint.h>

struct domain;
struct vcpu;
struct cpu_regs;

/* Set up / tear down a domain's port table. destroy closes every port, so
 * the remote ends of interdomain channels see them closed. */
int evtchn_domain_init(struct domain *d); /* 0 or -XEN_ENOMEM */
void evtchn_domain_destroy(struct domain *d);

/* Raise a virtual IRQ (public/event_channel.h VIRQ_*) if the domain bound it. */
void evtchn_send_virq(struct domain *d, unsigned virq);

/* For the domain builder: a port in d, unbound, that `remote` may bind to.
 * Returns the port or a negated errno. */
int evtchn_alloc_unbound_port(struct domain *d, uint16_t remote);

/* Called on every return to a guest: if an event is pending and upcalls are
 * not masked, bounce the vCPU into its event callback (masking upcalls). */
void evtchn_check_upcall(struct vcpu *v, struct cpu_regs *r);

/* Is `port` of v's domain pending (for SCHEDOP_poll)? */
bool evtchn_port_pending(const struct vcpu *v, uint32_t port);

#endif
