/*
 * Paravane guest ABI: sched_op(cmd, arg), hypercall 29.
 */
#ifndef PUBLIC_SCHED_H
#define PUBLIC_SCHED_H

#include <stdint.h>

#define SCHEDOP_yield 0 /* give up the CPU; arg unused; returns 0 */
#define SCHEDOP_block 1 /* sleep until an event or timer is pending; returns 0 */
#define SCHEDOP_shutdown                                                   \
	2	       /* arg: struct sched_shutdown *; does not return on \
			* success; -EFAULT, -EINVAL for an unknown reason */
#define SCHEDOP_poll 3 /* not yet supported: -ENOSYS */

struct sched_poll {
	uint32_t ports;	   /* guest address of an array of uint32_t ports */
	uint32_t nr_ports; /* at most SCHED_POLL_MAX_PORTS */
	uint64_t timeout;  /* absolute system time (ns), 0 = wait forever */
};
#define SCHED_POLL_MAX_PORTS 128

struct sched_shutdown {
	uint32_t reason; /* SHUTDOWN_* */
};

#define SHUTDOWN_poweroff 0 /* clean halt */
#define SHUTDOWN_reboot 1   /* restart */
#define SHUTDOWN_suspend 2  /* save state */
#define SHUTDOWN_crash 3    /* the guest detected a fatal error */
#define SHUTDOWN_watchdog 4 /* a watchdog fired */
#define SHUTDOWN_MAX 4

/*
 * Paravane: when domain 0 shuts down, the machine powers off and (under QEMU with
 * isa-debug-exit) QEMU's exit status is (reason << 1) | 1: poweroff 1, reboot 3,
 * suspend 5, crash 7, watchdog 9.
 */

#endif
