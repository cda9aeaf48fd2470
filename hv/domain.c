/* Domain lifecycle: creation, crash, shutdown, and the counters shown at the end. */
#include <hv.h>

struct domain *dom0;
struct domain *domains[MAX_DOMAINS];

struct domain *domain_lookup(domid_t id)
{
	if (id == DOMID_SELF)
		return current ? current->domain : NULL;
	return id < MAX_DOMAINS ? domains[id] : NULL;
}

static const char *const shutdown_names[] = { "poweroff", "reboot", "suspend", "crash",
					      "watchdog" };

struct domain *domain_alloc(domid_t id, uint32_t max_pages)
{
	struct domain *d = xzalloc(sizeof(*d));
	if (!d)
		return NULL;
	d->id = id;
	d->max_pages = max_pages;
	d->state = DOM_RUNNING;
	d->vcpu0.domain = d;
	return d;
}

void domain_print_stats(const struct domain *d)
{
	printk("hv: d%u counters: hypercalls", d->id);
	for (unsigned i = 0; i < NR_HYPERCALLS; i++)
		if (d->stats.hypercalls[i])
			printk(" %s=%u", hypercall_names[i] ? hypercall_names[i] : "?",
			       d->stats.hypercalls[i]);
	printk("; exceptions");
	for (unsigned i = 0; i < 32; i++)
		if (d->stats.exceptions[i])
			printk(" v%u=%u", i, d->stats.exceptions[i]);
	printk("; interrupts=%u other=%u pt_updates=%u tlb_flushes=%u\n", d->stats.interrupts,
	       d->stats.other_entries, d->stats.pt_updates, d->stats.tlb_flushes);
}

noreturn void domain_crash(struct domain *d, const char *why, const struct cpu_regs *r)
{
	printk("hv: d%u crashed: %s\n", d->id, why);
	if (r)
		dump_regs(r);
	d->state = DOM_CRASHED;
	domain_print_stats(d);
	schedule_idle();
}

noreturn void domain_shutdown(struct domain *d, unsigned reason)
{
	printk("hv: d%u shut down: %s\n", d->id,
	       reason < ARRAY_SIZE(shutdown_names) ? shutdown_names[reason] : "?");
	d->state = DOM_SHUTDOWN;
	d->shutdown_reason = reason;
	domain_print_stats(d);
	if (d == dom0)
		machine_exit(reason); /* the machine ends with dom0 */
	schedule_idle();
}
