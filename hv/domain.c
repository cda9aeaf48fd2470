/*
 * Domain lifecycle: creation, crash, shutdown, destruction, and the counters
 * shown at the end. Domain 0 is special in one way: the machine ends with it.
 */
#include <event.h>
#include <hv.h>
#include <mm_types.h>
#include <public/event_channel.h>
#include <public/sched.h>

#define DEFAULT_WEIGHT 256
/* After dom0 ends, the hypervisor shows it is still alive for this many ticks. */
#define TICKS_AFTER_DOM0 10

struct domain *dom0;
struct domain *domains[MAX_DOMAINS];
uint64_t domains_present;
static bool dom0_ended;
static uint64_t dom0_end_tick;

static const char *const shutdown_names[] = { "poweroff", "reboot", "suspend", "crash",
					      "watchdog" };

struct domain *domain_lookup(domid_t id)
{
	if (id == DOMID_SELF)
		return current ? current->domain : NULL;
	return id < MAX_DOMAINS ? domains[id] : NULL;
}

struct domain *domain_alloc(domid_t id, uint32_t max_pages)
{
	if (id >= MAX_DOMAINS || domains[id])
		return NULL;
	struct domain *d = xzalloc(sizeof(*d));
	if (!d)
		return NULL;
	d->id = id;
	d->max_pages = max_pages;
	d->state = DOM_RUNNING;
	d->weight = DEFAULT_WEIGHT;
	d->created_ns = now_ns();
	d->vcpu0.domain = d;
	d->vcpu0.state = VCPU_RUNNABLE;
	d->log_at_line_start = true;
	if (evtchn_domain_init(d)) {
		xfree(d);
		return NULL;
	}
	domains[id] = d;
	domains_present |= 1ull << id;
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

/* The domain stops for good: nothing of it runs again until dom0 destroys it. */
static void domain_end(struct domain *d, enum domain_state state, unsigned reason)
{
	d->state = state;
	d->shutdown_reason = reason;
	d->vcpu0.state = VCPU_DOWN;
	domain_print_stats(d);
	if (d == dom0) {
		dom0_ended = true;
		dom0_end_tick = cpu0.ticks;
	} else if (dom0 && dom0->state == DOM_RUNNING) {
		evtchn_send_virq(dom0, VIRQ_DOM_EXC);
	}
}

noreturn void domain_crash(struct domain *d, const char *why, const struct cpu_regs *r)
{
	printk("hv: d%u crashed: %s\n", d->id, why);
	if (r)
		dump_regs(r);
	domain_end(d, DOM_CRASHED, SHUTDOWN_crash);
	schedule_away();
}

noreturn void domain_shutdown(struct domain *d, unsigned reason)
{
	printk("hv: d%u shut down: %s\n", d->id,
	       reason < ARRAY_SIZE(shutdown_names) ? shutdown_names[reason] : "?");
	domain_end(d, DOM_SHUTDOWN, reason);
	if (d == dom0)
		machine_exit(reason); /* the machine ends with dom0 */
	schedule_away();
}

/* Once dom0 has crashed (or never started), show the hypervisor still runs, then stop. */
void domain_watchdog(void)
{
	if (!dom0_ended || cpu0.ticks - dom0_end_tick < TICKS_AFTER_DOM0)
		return;
	unsigned code = !dom0 ? HV_EXIT_NO_DOM0 : dom0->shutdown_reason;
	printk("hv: idle: still running %u timer ticks after dom0 ended; powering off\n",
	       (unsigned)(cpu0.ticks - dom0_end_tick));
	machine_exit(code);
}

void domain_no_dom0(void)
{
	dom0_ended = true;
	dom0_end_tick = cpu0.ticks;
}

/* Free a domain that holds no frames (or whose build failed and released them). */
void domain_free(struct domain *d)
{
	evtchn_domain_destroy(d);
	if (d->shared_info)
		frame_unmap(d->shared_info); /* builder.c kept it mapped */
	d->shared_info = NULL;
	domains[d->id] = NULL;
	domains_present &= ~(1ull << d->id);
	xfree(d->p2m);
	xfree(d);
}

/*
 * Tear a domain down and give every frame back. Returns 0, -EPERM for dom0,
 * -EBUSY for the caller's own domain.
 */
int domain_destroy(struct domain *d)
{
	if (d == dom0)
		return -XEN_EPERM;
	if (current && d == current->domain)
		return -XEN_EBUSY;
	if (d->state == DOM_RUNNING) {
		d->state = DOM_SHUTDOWN;
		d->vcpu0.state = VCPU_DOWN;
	}
	evtchn_domain_destroy(d); /* peers see their channels unbound; before the frames go */
	/* Frames another domain still maps stay (orphans) until it unmaps them. */
	uint32_t orphans = mm_domain_teardown(d);
	uint32_t left = frame_count_owned(d->id);
	if (left)
		printk("hv: BUG: d%u destroyed but still owns %u frames\n", d->id, left);
	if (orphans)
		printk("hv: d%u destroyed; %u frames stay until dom0 unmaps them\n", d->id,
		       orphans);
	domain_free(d);
	return 0;
}
