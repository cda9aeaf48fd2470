/* dom0's wrappers for Paravane's domctl hypercall (public/domctl.h). */
#ifndef PV_DOMCTL_H
#define PV_DOMCTL_H

#include <public/domctl.h>
#include <stddef.h>
#include <stdint.h>

/* Each returns 0 (or the new id for dom_create) or a negated XEN_E* errno. */
int dom_create(uint32_t max_pages, uint32_t weight);
int dom_build(uint16_t domid, const void *image, size_t len, const char *cmdline,
	      struct pv_domain_build *out);
int dom_unpause(uint16_t domid);
int dom_pause(uint16_t domid);
int dom_destroy(uint16_t domid);
int dom_getinfo(uint16_t domid, struct pv_domain_info *info);
int dom_setweight(uint16_t domid, uint32_t weight, uint32_t cap);
int dom_physinfo(struct pv_physinfo *p);
int dom_list(struct pv_domain_list *l);
/* This domain's own hypervisor counters (panics if they cannot be read). */
struct pv_domain_counters dom_own_counters(void);
/* The raw call, for tests that send malformed requests. */
long dom_call(struct pv_domctl *op);

#endif
