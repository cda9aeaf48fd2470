/* Event channels: placeholder until the event-channel work lands (returns -ENOSYS). */
#include <event.h>
#include <hv.h>
#include <hypercalls.h>

int evtchn_domain_init(struct domain *d)
{
	(void)d;
	return 0;
}
void evtchn_domain_destroy(struct domain *d)
{
	(void)d;
}
void evtchn_send_virq(struct domain *d, unsigned virq)
{
	(void)d;
	(void)virq;
}
int evtchn_alloc_unbound_port(struct domain *d, uint16_t remote)
{
	(void)d;
	(void)remote;
	return -XEN_ENOSYS;
}
void evtchn_check_upcall(struct vcpu *v, struct cpu_regs *r)
{
	(void)v;
	(void)r;
}
bool evtchn_port_pending(const struct vcpu *v, uint32_t port)
{
	(void)v;
	(void)port;
	return false;
}
long do_event_channel_op(uint32_t cmd, uint32_t arg)
{
	(void)cmd;
	(void)arg;
	return -XEN_ENOSYS;
}
