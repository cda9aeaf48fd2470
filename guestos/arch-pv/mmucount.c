/*
 * What each kernel operation costs in hypervisor work (command-line word
 * "mmucount"; needs /mmucount in the initrd). The ring-3 program repeats one
 * operation N times; the hypervisor's counters for this domain are read before
 * and after the whole process, and the same run with N = 0 is subtracted, so
 * the process's own start and exit cancel out. Printed per operation: the
 * hypercalls (those inside a multicall counted one by one) and the entries
 * into the hypervisor (a multicall is one; exceptions bounced count too).
 * The same sums serve ring 3 through the hv_counters system call (bench/).
 */
#include "domctl.h"
#include "pv.h"
#include <public/domctl.h>
#include <public/errno.h>

#define PROGRAM "/mmucount"

struct cost {
	uint32_t hypercalls[64];
	uint32_t exceptions, interrupts, entries, total_hypercalls;
};

/* The hv_counters system call: the totals, less every domctl made to answer it
 * (this one included), so that readings differ only by what happened between. */
int arch_hv_counters(struct uapi_hv_counters *out)
{
	static struct pv_domctl op;
	static uint32_t reads;
	op = (struct pv_domctl){ .cmd = PV_DOMCTL_getcounters,
				 .interface_version = PV_DOMCTL_INTERFACE_VERSION,
				 .domain = DOMID_SELF };
	long rc = HYPERVISOR_domctl((uint32_t)&op);
	if (rc)
		return rc == -XEN_EPERM ? -UAPI_EPERM : -UAPI_ENOSYS;
	const struct pv_domain_counters *c = &op.u.counters;
	uint32_t hypercalls = 0, exceptions = 0;
	for (int i = 0; i < 64; i++)
		hypercalls += c->hypercalls[i];
	for (int i = 0; i < 32; i++)
		exceptions += c->exceptions[i];
	hypercalls -= ++reads;
	*out = (struct uapi_hv_counters){
		.entries =
		    hypercalls - pv_mmu_stats.multicall_inner + exceptions + c->other_entries,
		.hypercalls = hypercalls,
		.exceptions = exceptions,
		.interrupts = c->interrupts,
		.pt_updates = c->pt_updates,
		.tlb_flushes = c->tlb_flushes,
	};
	return 0;
}

/* Counter deltas over one run of the program, without the domctl that reads them. */
static struct cost run(const char *op, unsigned n)
{
	char num[16];
	snprintf(num, sizeof(num), "%u", n);
	const char *argv[] = { "mmucount", op, num, NULL };
	struct cost c;
	memset(&c, 0, sizeof(c));
	uint32_t inner0 = pv_mmu_stats.multicall_inner;
	struct pv_domain_counters before = dom_own_counters();
	int pid = proc_spawn(PROGRAM, 3, argv), status = -1;
	if (pid > 0)
		proc_wait(&kproc, pid, &status, 0);
	struct pv_domain_counters after = dom_own_counters();
	if (status != 0)
		printk("mmucount: \"%s %u\" failed (pid %d, status %#x)\n", op, n, pid, status);
	for (int i = 0; i < 64; i++) {
		c.hypercalls[i] = after.hypercalls[i] - before.hypercalls[i];
		c.total_hypercalls += c.hypercalls[i];
	}
	c.hypercalls[__HYPERVISOR_domctl]--; /* the read of `after` */
	c.total_hypercalls--;
	for (int i = 0; i < 32; i++)
		c.exceptions += after.exceptions[i] - before.exceptions[i];
	c.interrupts = after.interrupts - before.interrupts;
	uint32_t inner = pv_mmu_stats.multicall_inner - inner0;
	c.entries =
	    c.total_hypercalls - inner + c.exceptions + after.other_entries - before.other_entries;
	return c;
}

/* base += with - without */
static void add_difference(struct cost *base, const struct cost *with, const struct cost *without)
{
	for (int i = 0; i < 64; i++)
		base->hypercalls[i] += with->hypercalls[i] - without->hypercalls[i];
	base->exceptions += with->exceptions - without->exceptions;
	base->interrupts += with->interrupts - without->interrupts;
	base->entries += with->entries - without->entries;
	base->total_hypercalls += with->total_hypercalls - without->total_hypercalls;
}

static const char *const names[64] = {
#define NAME_(num, name, argc) [num] = #name,
	XEN_HYPERCALLS(NAME_)
#undef NAME_
};

/* "12.34" for delta / per, both counts. */
static void ratio(char *buf, size_t len, int64_t delta, unsigned per)
{
	int64_t h = delta * 100 / (int64_t)per;
	snprintf(buf, len, "%s%lld.%02lld", h < 0 ? "-" : "", (long long)(h < 0 ? -h : h) / 100,
		 (long long)(h < 0 ? -h : h) % 100);
}

/* Prints the cost of one operation; returns hypervisor entries x 100 per operation. */
static int64_t report(const char *label, const struct cost *with, const struct cost *base,
		      unsigned per)
{
	char hc[24], en[24], ex[24], line[256];
	size_t at = 0;
	ratio(hc, sizeof(hc), (int64_t)with->total_hypercalls - base->total_hypercalls, per);
	ratio(en, sizeof(en), (int64_t)with->entries - base->entries, per);
	ratio(ex, sizeof(ex), (int64_t)with->exceptions - base->exceptions, per);
	line[0] = '\0';
	for (int i = 0; i < 64; i++) {
		int64_t d = (int64_t)with->hypercalls[i] - base->hypercalls[i];
		if (d <= 0 || !names[i] || at >= sizeof(line) - 40)
			continue;
		char r[24];
		ratio(r, sizeof(r), d, per);
		at += (size_t)snprintf(line + at, sizeof(line) - at, " %s %s", names[i], r);
	}
	printk("mmucount: %s: %s hypercalls, %s hypervisor entries (%s exceptions);%s\n", label, hc,
	       en, ex, line);
	return ((int64_t)with->entries - base->entries) * 100 / (int64_t)per;
}

KTEST(mmucount, per_operation)
{
	static const struct {
		const char *op;
		unsigned n, per; /* per: operations in one repetition */
	} ops[] = {
		{ "null", 1000, 1 }, { "fault", 500, 1 }, { "cow", 500, 1 },
		{ "fork", 100, 1 },  { "exec", 100, 1 },  { "switch", 500, 2 },
	};
	int64_t entries[ARRAY_SIZE(ops)];
	struct cost fork_cost = { 0 }, fault_with = { 0 }, fault_base = { 0 };
	CHECK(vfs_program(PROGRAM, &(size_t){ 0 }) != NULL);
	for (unsigned i = 0; i < ARRAY_SIZE(ops); i++) {
		struct cost base = run(ops[i].op, 0), with = run(ops[i].op, ops[i].n);
		const char *label = ops[i].op;
		if (!strcmp(label, "fork")) {
			label = "fork";
			fork_cost = with;
		}
		if (!strcmp(label, "exec")) /* exec alone: minus the fork and wait around it */
			base = fork_cost;
		if (!strcmp(label, "cow")) /* minus the first touches, demand-zero faults */
			add_difference(&base, &fault_with, &fault_base);
		if (!strcmp(label, "fault"))
			fault_with = with, fault_base = base;
		entries[i] = report(label, &with, &base, ops[i].n * ops[i].per);
	}
	/* What must hold whatever the emulator: a system call never enters the
	 * hypervisor; a demand-zero fault is the bounce plus one update. */
	CHECK_EQ(entries[0], 0);
	CHECK(entries[1] <= 200);
	printk("mmucount: (fork = fork + exit + wait; exec = exec of the same program, whose "
	       "start-up faults included; switch = one switch between processes)\n");
}
