/* Small hypercalls: xen_version, console_io, vm_assist, sched_op. */
#include <hv.h>
#include <event.h>
#include <hypercalls.h>
#include <public/sched.h>
#include <public/version.h>
#include <string.h>

long do_xen_version(uint32_t cmd, uint32_t arg)
{
	switch (cmd) {
	case XENVER_version:
		return (PARAVANE_XEN_MAJOR << 16) | PARAVANE_XEN_MINOR;
	case XENVER_extraversion: {
		xen_extraversion_t s = "-paravane";
		return copy_to_guest(arg, s, sizeof(s));
	}
	case XENVER_capabilities: {
		static const char caps[] = "xen-3.0-x86_32p";
		return copy_to_guest(arg, caps, sizeof(caps));
	}
	case XENVER_platform_parameters: {
		struct xen_platform_parameters p = { HYPERVISOR_VIRT_START };
		return copy_to_guest(arg, &p, sizeof(p));
	}
	case XENVER_get_features: {
		struct xen_feature_info fi;
		if (copy_from_guest(&fi, arg, sizeof(fi)))
			return -XEN_EFAULT;
		fi.submap = 0;
		return copy_to_guest(arg, &fi, sizeof(fi));
	}
	case XENVER_pagesize:
		return PAGE_SIZE;
	}
	return -XEN_ENOSYS;
}

/*
 * A domU's console_io output: each line tagged "(dN) ", at most
 * DOMU_LOG_BYTES_PER_SEC per domain so no guest can flood the hypervisor log.
 */
#define DOMU_LOG_BYTES_PER_SEC 4096

static void domu_log(struct domain *d, const char *s, size_t n)
{
	uint64_t now = now_ns();
	if (now - d->log_window_start >= 1000000000ull) {
		if (d->log_dropped)
			printk("(d%u) [%u bytes of console_io output dropped]\n", d->id,
			       d->log_dropped);
		d->log_window_start = now;
		d->log_bytes = d->log_dropped = 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (d->log_bytes >= DOMU_LOG_BYTES_PER_SEC) {
			if (!d->log_dropped)
				printk("%s(d%u) [console_io over %u bytes/s: dropping]\n",
				       d->log_at_line_start ? "" : "\n", d->id,
				       DOMU_LOG_BYTES_PER_SEC);
			d->log_at_line_start = true;
			d->log_dropped += (uint32_t)(n - i);
			return;
		}
		if (d->log_at_line_start)
			printk("(d%u) ", d->id);
		console_write(&s[i], 1);
		d->log_at_line_start = s[i] == '\n';
		d->log_bytes++;
	}
}

long do_console_io(uint32_t cmd, uint32_t count, uint32_t buffer)
{
	char buf[256];
	if (!guest_range_ok(buffer, count))
		return -XEN_EFAULT;
	switch (cmd) {
	case CONSOLEIO_write:
		for (uint32_t done = 0; done < count;) {
			uint32_t n = count - done < sizeof(buf) ? count - done : sizeof(buf);
			if (copy_from_guest(buf, buffer + done, n))
				return -XEN_EFAULT;
			if (current->domain->privileged)
				console_write(buf, n);
			else
				domu_log(current->domain, buf, n);
			done += n;
		}
		return 0;
	case CONSOLEIO_read: {
		if (!current->domain->privileged)
			return -XEN_EPERM;
		size_t n = console_read(buf, count < sizeof(buf) ? count : sizeof(buf));
		return copy_to_guest(buffer, buf, n) ? -XEN_EFAULT : (long)n;
	}
	}
	return -XEN_ENOSYS;
}

long do_vm_assist(uint32_t cmd, uint32_t type)
{
	if (type > MAX_VMASST_TYPE || type != VMASST_TYPE_pae_extended_cr3)
		return -XEN_EINVAL; /* unknown, or a mode we do not emulate */
	if (cmd == VMASST_CMD_enable)
		current->domain->vm_assist |= 1u << type;
	else if (cmd == VMASST_CMD_disable)
		current->domain->vm_assist &= ~(1u << type);
	else
		return -XEN_ENOSYS;
	return 0;
}

/*
 * SCHEDOP_poll: return at once if a port is pending; otherwise block, and
 * point the guest back at its `int $0x82` so that when any event or the
 * timeout wakes the vCPU, the same call runs again and re-checks.
 */
static long do_poll(struct vcpu *v, uint32_t arg)
{
	struct sched_poll p;
	uint32_t ports[SCHED_POLL_MAX_PORTS];
	v->polling = false;
	if (cpu0.in_multicall)
		return -XEN_EINVAL; /* it may have to re-issue itself: not from a batch */
	if (copy_from_guest(&p, arg, sizeof(p)))
		return -XEN_EFAULT;
	if (p.nr_ports > SCHED_POLL_MAX_PORTS)
		return -XEN_EINVAL;
	if (copy_from_guest(ports, p.ports, p.nr_ports * sizeof(uint32_t)))
		return -XEN_EFAULT;
	for (uint32_t i = 0; i < p.nr_ports; i++)
		if (ports[i] >= 1024)
			return -XEN_EINVAL;
	for (uint32_t i = 0; i < p.nr_ports; i++)
		if (evtchn_port_pending(v, ports[i]))
			return 0;
	if (p.timeout && now_ns() >= p.timeout)
		return 0;
	v->polling = true;
	v->poll_deadline = p.timeout;
	v->state = VCPU_BLOCKED;
	cpu0.need_resched = true;
	timers_reprogram(now_ns());
	guest_regs()->eip -= 2;	      /* re-issue the hypercall on wake-up ... */
	return __HYPERVISOR_sched_op; /* ... with EAX holding its number again */
}

long do_sched_op(uint32_t cmd, uint32_t arg)
{
	struct sched_shutdown s;
	switch (cmd) {
	case SCHEDOP_yield:
		vcpu_yield(current);
		return 0;
	case SCHEDOP_block:
		vcpu_block(current);
		return 0;
	case SCHEDOP_poll:
		return do_poll(current, arg);
	case SCHEDOP_shutdown:
		if (copy_from_guest(&s, arg, sizeof(s)))
			return -XEN_EFAULT;
		if (s.reason > SHUTDOWN_MAX)
			return -XEN_EINVAL;
		domain_shutdown(current->domain, s.reason);
	}
	return -XEN_ENOSYS;
}
