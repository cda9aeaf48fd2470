/* Guest timers: set_timer_op and the vcpu_op timer calls (placeholder). */
#include <hv.h>
#include <hypercalls.h>

long do_set_timer_op(uint32_t timeout_lo, uint32_t timeout_hi)
{
	(void)timeout_lo;
	(void)timeout_hi;
	return -XEN_ENOSYS;
}

long do_vcpu_op(uint32_t cmd, uint32_t vcpuid, uint32_t arg)
{
	(void)cmd;
	(void)vcpuid;
	(void)arg;
	return -XEN_ENOSYS;
}
