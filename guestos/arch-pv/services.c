/*
 * arch_services for the PV port. dom0: boot=FILE:ARGS;... creates a domU from
 * each initrd member FILE with command line ARGS ('+' stands for a space),
 * attaches its console, reports how each ended, destroys it, and recreates it
 * restart=N times (entries separated by ';': QEMU splits modules at ','). A domU: its console ring,
 * and the roles spin and pingpong.
 */
#include "domctl.h"
#include "events.h"
#include "pv.h"
#include <public/errno.h>
#include <public/sched.h>

#define DOMU_PAGES 1024 /* 4 MiB: the smallest the PV boot region allows */

static volatile uint32_t dom_exc_events;

static void on_dom_exc(uint32_t port, void *data)
{
	(void)port;
	(void)data;
	dom_exc_events++;
}

/* Listen for VIRQ_DOM_EXC: before the first domU starts, so none is missed. */
static void watch_dom_exc(void)
{
	static bool bound;
	if (!bound && evtchn_bind_virq(VIRQ_DOM_EXC, on_dom_exc, NULL) < 0)
		panic("cannot bind VIRQ_DOM_EXC");
	bound = true;
}

/* Block until VIRQ_DOM_EXC has come more than `seen` times (upcalls on meanwhile). */
uint32_t dom0_wait_dom_exc(uint32_t seen)
{
	while (dom_exc_events == seen)
		HYPERVISOR_sched_op(SCHEDOP_block, 0);
	return dom_exc_events;
}

static const char *const reasons[] = { "poweroff", "reboot", "suspend", "crash", "watchdog" };

const char *dom0_ending(const struct pv_domain_info *i)
{
	if (i->state == PV_DOMSTATE_CRASHED)
		return "crashed";
	if (i->state == PV_DOMSTATE_SHUTDOWN)
		return i->shutdown_reason < 5 ? reasons[i->shutdown_reason] : "shutdown";
	return NULL;
}

/* Build an empty (created) domain from an initrd member, attach its console,
 * unpause it. 0 or a negated errno (the domain is destroyed on failure). */
int dom0_launch_domu(uint16_t id, const char *file, const char *args)
{
	size_t len;
	const void *image = initrd_find(file, &len);
	struct pv_domain_build b;
	watch_dom_exc();
	int rc = image ? dom_build(id, image, len, args, &b) : -XEN_ENOENT;
	if (!rc)
		rc = consback_attach(id, b.console_mfn, b.console_port);
	if (!rc)
		rc = dom_unpause(id);
	if (rc) {
		consback_detach(id);
		dom_destroy(id);
	}
	return rc;
}

/* Create and launch: the new id or a negated errno. */
int dom0_start_domu(const char *file, const char *args, uint32_t pages, uint32_t weight)
{
	int id = dom_create(pages, weight);
	if (id < 0)
		return id;
	int rc = dom0_launch_domu((uint16_t)id, file, args);
	return rc ? rc : id;
}

void dom0_destroy_domu(uint16_t id)
{
	consback_detach(id);
	int rc = dom_destroy(id);
	if (rc)
		printk("dom0: destroy d%u failed: %d\n", id, rc);
}

struct boot_entry {
	char file[32], args[96];
	int id;
	unsigned restarts;
};

static unsigned parse_boot(const char *list, struct boot_entry *e, unsigned max)
{
	unsigned n = 0;
	while (*list && n < max) {
		const char *end = strchr(list, ';');
		size_t len = end ? (size_t)(end - list) : strlen(list);
		const char *colon = memchr(list, ':', len);
		size_t flen = colon ? (size_t)(colon - list) : len;
		memset(&e[n], 0, sizeof(e[n]));
		memcpy(e[n].file, list, flen < sizeof(e[n].file) ? flen : sizeof(e[n].file) - 1);
		if (colon) {
			size_t alen = len - flen - 1;
			memcpy(e[n].args, colon + 1,
			       alen < sizeof(e[n].args) ? alen : sizeof(e[n].args) - 1);
			for (char *c = e[n].args; *c; c++)
				if (*c == '+')
					*c = ' ';
		}
		n++;
		list += len + (end != NULL);
	}
	return n;
}

static void boot_domus(const char *list, unsigned restarts)
{
	struct boot_entry e[8];
	unsigned n = parse_boot(list, e, 8), live = 0;
	for (unsigned i = 0; i < n; i++) {
		e[i].id = dom0_start_domu(e[i].file, e[i].args, DOMU_PAGES, 0);
		printk("dom0: booted %s \"%s\" as d%d\n", e[i].file, e[i].args, e[i].id);
		live += e[i].id > 0;
	}
	uint32_t seen = 0;
	while (live) {
		for (unsigned i = 0; i < n; i++) {
			struct pv_domain_info info;
			if (e[i].id <= 0 || dom_getinfo((uint16_t)e[i].id, &info) ||
			    !dom0_ending(&info))
				continue;
			printk("dom0: d%d (%s) ended: %s\n", e[i].id, e[i].file,
			       dom0_ending(&info));
			dom0_destroy_domu((uint16_t)e[i].id);
			printk("dom0: d%d destroyed\n", e[i].id);
			e[i].id = 0;
			live--;
			if (e[i].restarts++ < restarts) {
				e[i].id = dom0_start_domu(e[i].file, e[i].args, DOMU_PAGES, 0);
				printk("dom0: restarted %s as d%d\n", e[i].file, e[i].id);
				live += e[i].id > 0;
			}
		}
		if (live)
			seen = dom0_wait_dom_exc(seen);
	}
	arch_irq_save(); /* back to masked upcalls for what follows */
}

static void dom0_services(const char *cmdline)
{
	char list[160], num[8];
	initrd_set((const void *)start_info->mod_start, start_info->mod_len);
	if (!cmdline_copy_value(cmdline, "boot", list, sizeof(list)))
		return;
	unsigned restarts = 0;
	if (cmdline_copy_value(cmdline, "restart", num, sizeof(num)))
		restarts = (unsigned)(num[0] - '0');
	boot_domus(list, restarts);
}

void arch_services(const char *cmdline)
{
	if (start_info->flags & SIF_INITDOMAIN)
		dom0_services(cmdline);
	else
		domu_services(cmdline);
}
