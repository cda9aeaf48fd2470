/*
 * Paravane guest ABI: vcpu_op(cmd, vcpuid, arg), hypercall 24, and
 * set_timer_op(timeout_lo, timeout_hi), hypercall 15.
 *
 * set_timer_op: a one-shot timer at the given system time (ns since boot, as
 * in vcpu_time_info); 0 cancels. A time in the past fires at once. VIRQ_TIMER
 * is raised and a blocked vCPU wakes. Returns 0.
 *
 * vcpu_op errors: -ENOENT no such vCPU (only vCPU 0 exists), -EFAULT bad arg,
 * -EINVAL bad value, -ETIME the requested time has passed, -ENOSYS unknown cmd.
 */
#ifndef PUBLIC_VCPU_H
#define PUBLIC_VCPU_H

#include <stdint.h>

#define VCPUOP_is_up 3		       /* returns 1 if the vCPU exists and runs */
#define VCPUOP_set_periodic_timer 6    /* arg: struct vcpu_set_periodic_timer */
#define VCPUOP_stop_periodic_timer 7   /* arg unused */
#define VCPUOP_set_singleshot_timer 8  /* arg: struct vcpu_set_singleshot_timer */
#define VCPUOP_stop_singleshot_timer 9 /* arg unused */

struct vcpu_set_periodic_timer {
	uint64_t period_ns; /* at least 1 ms (-EINVAL otherwise) */
};

struct vcpu_set_singleshot_timer {
	uint64_t timeout_abs_ns; /* system time to fire at */
	uint32_t flags;		 /* VCPU_SSHOTTMR_* */
	uint32_t pad;
};
#define VCPU_SSHOTTMR_future 1 /* refuse (-ETIME) a time already past */

#define XEN_ETIME 62 /* public/errno.h style: the requested time has passed */

#endif
