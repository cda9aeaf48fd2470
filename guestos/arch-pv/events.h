/*
 * Event channels in the PV guest (events.c): the event callback, the dispatcher
 * that runs a handler per pending port, and helpers to bind ports. Every helper
 * returns a port number (> 0) or 0 on success, else a negated XEN_E* errno.
 */
#ifndef PV_EVENTS_H
#define PV_EVENTS_H

#include <stdint.h>
#include <public/event_channel.h>

/* Runs with upcalls masked, once per delivery of port. */
typedef void (*evtchn_handler_t)(uint32_t port, void *data);

/* Register the event callback and mask every port (called once at start). */
void events_init(void);
/* Register our event and failsafe callbacks again (a test may have replaced them). */
int evtchn_set_callbacks(void);

/* Attach handler to a port we own and unmask it (NULL: detach and mask). */
int evtchn_bind(uint32_t port, evtchn_handler_t handler, void *data);
/* Mask the port, forget its handler and close it. */
int evtchn_close(uint32_t port);
/* Close every port of ours (EVTCHNOP_reset), mask them all, forget all handlers. */
int evtchn_reset(void);

int evtchn_bind_virq(uint32_t virq, evtchn_handler_t handler, void *data);
int evtchn_bind_ipi(evtchn_handler_t handler, void *data);
/* A port of ours, unbound (no handler, masked), that domain `remote` may bind. */
int evtchn_alloc_unbound(domid_t remote);
/* Connect to remote_port of remote_dom; the new local port gets handler. */
int evtchn_bind_interdomain(domid_t remote_dom, uint32_t remote_port, evtchn_handler_t handler,
			    void *data);
int evtchn_send(uint32_t port);
void evtchn_mask(uint32_t port);
/* Clear the mask bit; if the port is already pending, have it delivered. */
int evtchn_unmask(uint32_t port);

/* How many pending ports had no handler (they are cleared and dropped). */
extern volatile uint32_t evtchn_unhandled;
/* How many times the event callback ran, and how many of those interrupted ring 3. */
extern volatile uint32_t evtchn_upcalls;
extern volatile uint32_t evtchn_upcalls_from_user;

#endif
