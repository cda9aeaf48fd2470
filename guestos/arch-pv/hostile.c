/*
 * The "hostile" group, run by an unprivileged domU: every privileged
 * operation must be refused with -EPERM (or -EINVAL for another domain's
 * ports), and nothing may change.
 */
#include "events.h"
#include "pv.h"
#include <public/domctl.h>
#include <public/errno.h>
#include <public/sched.h>

KTEST(hostile, no_domctl)
{
	static struct pv_domctl op = { .cmd = PV_DOMCTL_list,
				       .interface_version = PV_DOMCTL_INTERFACE_VERSION };
	CHECK_EQ(HYPERVISOR_domctl((uint32_t)&op), -XEN_EPERM);
	op.cmd = PV_DOMCTL_destroy;
	op.domain = 0;
	CHECK_EQ(HYPERVISOR_domctl((uint32_t)&op), -XEN_EPERM);
}

KTEST(hostile, no_console_read)
{
	char buf[4];
	CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), (uint32_t)buf), -XEN_EPERM);
}

KTEST(hostile, no_dom_exc_virq)
{
	static struct evtchn_bind_virq bv = { .virq = VIRQ_DOM_EXC };
	CHECK_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, (uint32_t)&bv), -XEN_EPERM);
}

KTEST(hostile, no_ports_in_other_domains)
{
	static struct evtchn_alloc_unbound au = { .dom = 0, .remote_dom = 0 };
	CHECK_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, (uint32_t)&au), -XEN_EPERM);
	/* dom0's ports are not reserved for us. */
	static struct evtchn_bind_interdomain bi;
	for (uint32_t port = 1; port < 8; port++) {
		bi = (struct evtchn_bind_interdomain){ .remote_dom = 0, .remote_port = port };
		CHECK_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, (uint32_t)&bi),
			 -XEN_EINVAL);
	}
	static struct evtchn_send sd = { .port = 1000 };
	CHECK_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_send, (uint32_t)&sd), -XEN_EINVAL);
}

KTEST(hostile, no_foreign_mappings)
{
	uint32_t va = pv_alloc_page();
	struct mmu_update req = { pv_l1e_maddr(va) | MMU_NORMAL_PT_UPDATE, (0x100ull << 12) | 1 };
	CHECK_EQ(HYPERVISOR_mmu_update((uint32_t)&req, 1, 0, 0), -XEN_EPERM);
	CHECK_EQ(HYPERVISOR_mmu_update((uint32_t)&req, 1, 0, DOMID_SELF), -XEN_EPERM);
}

KTEST(hostile, no_cache_flush_or_foreign_page_writes)
{
	static struct mmuext_op op;
	op = (struct mmuext_op){ MMUEXT_FLUSH_CACHE, 0, 0 };
	CHECK_EQ(HYPERVISOR_mmuext_op((uint32_t)&op, 1, 0, DOMID_SELF), -XEN_EPERM);
	uint32_t mine = pv_va_to_mfn(pv_alloc_page());
	op = (struct mmuext_op){ MMUEXT_CLEAR_PAGE, 0x100, 0 }; /* the hypervisor's frame */
	CHECK_EQ(HYPERVISOR_mmuext_op((uint32_t)&op, 1, 0, DOMID_SELF), -XEN_EPERM);
	op = (struct mmuext_op){ MMUEXT_COPY_PAGE, mine, 0x100 }; /* reading it, too */
	CHECK_EQ(HYPERVISOR_mmuext_op((uint32_t)&op, 1, 0, DOMID_SELF), -XEN_EPERM);
}

KTEST(hostile, no_machine_exit_by_crash)
{
	/* A shutdown reason out of range is refused; a real one would end only us. */
	static struct sched_shutdown bad = { 7 };
	CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown, (uint32_t)&bad), -XEN_EINVAL);
}
