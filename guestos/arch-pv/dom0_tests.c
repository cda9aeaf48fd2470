/*
 * dom0's tests of the domain lifecycle (command-line words lifecycle, cycles,
 * pingpong, fairness). They need the initrd member "domu.elf" (this same
 * kernel, booted as a domU with a role on its command line).
 */
#include "domctl.h"
#include "events.h"
#include "pv.h"
#include <public/errno.h>
#include <public/sched.h>

#define DOMU "domu.elf"
#define PAGES 1024
#define HV_ADDR 0xF8100000u

static uint32_t exc_seen;

/* Wait until domain id has ended; its final info in *info. */
static void wait_end(uint16_t id, struct pv_domain_info *info)
{
	while (!dom_getinfo(id, info) && !dom0_ending(info))
		exc_seen = dom0_wait_dom_exc(exc_seen);
	arch_irq_save();
}

static void sleep_ms(uint32_t ms)
{
	uint64_t until = arch_time_ns() + (uint64_t)ms * 1000000;
	while (arch_time_ns() < until) {
		HYPERVISOR_set_timer_op((uint32_t)until, (uint32_t)(until >> 32));
		HYPERVISOR_sched_op(SCHEDOP_block, 0);
	}
	arch_irq_save();
}

static uint32_t free_frames(void)
{
	struct pv_physinfo p;
	return dom_physinfo(&p) ? 0 : p.free_frames;
}

KTEST(lifecycle, create_run_destroy)
{
	uint32_t before = free_frames();
	int id = dom0_start_domu(DOMU, "hello", PAGES, 0);
	CHECK(id > 0);
	struct pv_domain_info info;
	wait_end((uint16_t)id, &info);
	CHECK_EQ(info.state, PV_DOMSTATE_SHUTDOWN);
	CHECK_EQ(info.shutdown_reason, SHUTDOWN_poweroff);
	CHECK_EQ(info.nr_pages, PAGES);
	CHECK(info.cpu_ns > 0);
	dom0_destroy_domu((uint16_t)id);
	CHECK(strstr(consback_history((uint16_t)id), "domU: up with 1024 pages") != NULL);
	CHECK_EQ(dom_getinfo((uint16_t)id, &info), -XEN_ESRCH);
	CHECK_EQ(free_frames(), before); /* every frame came back */
}

KTEST(lifecycle, domctl_refuses_bad_arguments)
{
	static struct pv_domctl op;
	struct pv_domain_list l0, l1;
	struct pv_domain_info info;
	size_t len;
	const void *image = initrd_find(DOMU, &len);
	uint32_t before = free_frames();
	CHECK(image != NULL);
	CHECK_EQ(dom_list(&l0), 0);

	CHECK_EQ(dom_create(0, 0), -XEN_EINVAL);
	CHECK_EQ(dom_create(1023, 0), -XEN_EINVAL);
	CHECK_EQ(dom_create(PV_DOMAIN_MAX_PAGES + 1, 0), -XEN_EINVAL);
	CHECK_EQ(dom_create(PAGES, 70000), -XEN_EINVAL);
	CHECK_EQ(dom_list(&l1), 0);
	CHECK_EQ(l1.count, l0.count); /* no refusal created anything */

	int id = dom_create(PAGES, 0);
	CHECK(id > 0);
	uint16_t d = (uint16_t)id;
	CHECK_EQ(dom_getinfo(d, &info), 0);
	CHECK_EQ(info.state, PV_DOMSTATE_BUILDING);
	CHECK_EQ(dom_unpause(d), -XEN_EINVAL); /* nothing to run yet */
	CHECK_EQ(dom_build(d, "not an ELF image", 16, "", NULL), -XEN_EINVAL);
	CHECK_EQ(dom_build(d, image, 0, "", NULL), -XEN_EINVAL);
	CHECK_EQ(dom_build(d, image, PV_IMAGE_MAX + 1, "", NULL), -XEN_EINVAL);
	CHECK_EQ(dom_build(d, (const void *)HV_ADDR, 4096, "", NULL), -XEN_EFAULT);
	CHECK_EQ(dom_build(d, image, 1024, "", NULL), -XEN_EINVAL); /* truncated */
	CHECK_EQ(dom_setweight(d, 0, 0), -XEN_EINVAL);
	CHECK_EQ(dom_setweight(d, 256, 101), -XEN_EINVAL);
	CHECK_EQ(dom_getinfo(d, &info), 0);
	CHECK_EQ(info.state, PV_DOMSTATE_BUILDING); /* still empty after every refusal */
	CHECK_EQ(info.nr_pages, 0);
	CHECK_EQ(dom_build(d, image, len, "hello", NULL), 0);
	CHECK_EQ(dom_build(d, image, len, "hello", NULL), -XEN_EBUSY);
	CHECK_EQ(dom_destroy(d), 0);
	CHECK_EQ(dom_destroy(d), -XEN_ESRCH);
	CHECK_EQ(dom_unpause(d), -XEN_ESRCH);
	CHECK_EQ(dom_unpause(999), -XEN_ESRCH);

	CHECK_EQ(dom_destroy(0), -XEN_EPERM);
	CHECK_EQ(dom_destroy(DOMID_SELF), -XEN_EPERM);
	CHECK_EQ(dom_pause(0), -XEN_EPERM);
	op = (struct pv_domctl){ .cmd = PV_DOMCTL_getinfo, .interface_version = 99 };
	CHECK_EQ(dom_call(&op), -XEN_EINVAL);
	op.interface_version = PV_DOMCTL_INTERFACE_VERSION;
	op.cmd = 999;
	CHECK_EQ(dom_call(&op), -XEN_ENOSYS);
	CHECK_EQ(HYPERVISOR_domctl(HV_ADDR), -XEN_EFAULT);
	CHECK_EQ(free_frames(), before);
}

/* The largest image the ABI allows (PV_IMAGE_MAX bytes: the domU's ELF and
 * zeros after it) builds: the hypervisor has room to stage it. */
KTEST(lifecycle, largest_image_builds)
{
	size_t len;
	const void *image = initrd_find(DOMU, &len);
	CHECK(image != NULL && len <= PV_IMAGE_MAX);
	uint32_t pfn = pmem_alloc_run(PV_IMAGE_MAX / PAGE_SIZE);
	CHECK(pfn != PMEM_NONE);
	if (pfn == PMEM_NONE)
		return;
	uint8_t *big = pfn_to_virt(pfn);
	memcpy(big, image, len);
	memset(big + len, 0, PV_IMAGE_MAX - len);
	uint32_t before = free_frames();
	int id = dom_create(PAGES, 0);
	CHECK(id > 0);
	CHECK_EQ(dom_build((uint16_t)id, big, PV_IMAGE_MAX, "hello", NULL), 0);
	CHECK_EQ(dom_destroy((uint16_t)id), 0);
	CHECK_EQ(free_frames(), before);
	CHECK_EQ(pmem_free_run(pfn, PV_IMAGE_MAX / PAGE_SIZE), 0);
}

/* A domU bigger than the old 64 MiB limit, as big as free memory allows (up
 * to PV_DOMAIN_MAX_PAGES), builds, boots with all its pages and gives them
 * back. On a big machine its frames lie above the direct map. */
KTEST(lifecycle, big_domain_runs)
{
	uint32_t before = free_frames();
	uint32_t pages = MIN(before - 2048, PV_DOMAIN_MAX_PAGES) & ~1023u;
	CHECK(pages > 16384);
	int id = dom0_start_domu(DOMU, "hello", pages, 0);
	CHECK(id > 0);
	if (id <= 0)
		return;
	struct pv_domain_info info;
	wait_end((uint16_t)id, &info);
	CHECK_EQ(info.state, PV_DOMSTATE_SHUTDOWN);
	CHECK_EQ(info.nr_pages, pages);
	dom0_destroy_domu((uint16_t)id);
	char want[48];
	snprintf(want, sizeof(want), "domU: up with %u pages", pages);
	CHECK(strstr(consback_history((uint16_t)id), want) != NULL);
	CHECK_EQ(free_frames(), before);
}

KTEST(lifecycle, crash_leaves_others_running)
{
	uint32_t before = free_frames();
	int spinner = dom0_start_domu(DOMU, "spin", PAGES, 0);
	int crasher = dom0_start_domu(DOMU, "crash=nohandler", PAGES, 0);
	CHECK(spinner > 0 && crasher > 0);
	struct pv_domain_info info, s0, s1;
	wait_end((uint16_t)crasher, &info);
	CHECK_EQ(info.state, PV_DOMSTATE_CRASHED);
	CHECK_EQ(dom_getinfo((uint16_t)spinner, &s0), 0);
	sleep_ms(50);
	CHECK_EQ(dom_getinfo((uint16_t)spinner, &s1), 0);
	CHECK(s1.state == PV_DOMSTATE_RUNNING);
	CHECK(s1.cpu_ns > s0.cpu_ns); /* it kept running */
	dom0_destroy_domu((uint16_t)crasher);
	dom0_destroy_domu((uint16_t)spinner);
	CHECK_EQ(free_frames(), before);
}

KTEST(lifecycle, unprivileged_domu_is_refused)
{
	int id = dom0_start_domu(DOMU, "hostile", PAGES, 0);
	CHECK(id > 0);
	struct pv_domain_info info;
	wait_end((uint16_t)id, &info);
	/* The domU's own test group decides: poweroff if every refusal held. */
	CHECK_EQ(info.state, PV_DOMSTATE_SHUTDOWN);
	CHECK_EQ(info.shutdown_reason, SHUTDOWN_poweroff);
	dom0_destroy_domu((uint16_t)id);
	CHECK(strstr(consback_history((uint16_t)id), "hostile: 7 passed, 0 failed") != NULL);
}

KTEST(cycles, create_run_destroy_many)
{
	char buf[8];
	uint32_t n = 500;
	if (cmdline_copy_value(start_info->cmd_line, "cycles", buf, sizeof(buf)))
		n = (uint32_t)(buf[0] - '0') * 100;
	struct pv_physinfo p0, p1;
	CHECK_EQ(dom_physinfo(&p0), 0);
	uint32_t ok = 0;
	uint64_t t0 = arch_time_ns();
	for (uint32_t i = 0; i < n; i++) {
		int id = dom0_start_domu(DOMU, "", PAGES, 0);
		struct pv_domain_info info;
		if (id <= 0)
			break;
		wait_end((uint16_t)id, &info);
		ok += info.state == PV_DOMSTATE_SHUTDOWN && info.shutdown_reason == 0;
		dom0_destroy_domu((uint16_t)id);
	}
	uint64_t ms = (arch_time_ns() - t0) / 1000000;
	CHECK_EQ(dom_physinfo(&p1), 0);
	printk("cycles: %u domains created, run and destroyed in %u ms; free frames %u -> %u, "
	       "heap %u -> %u bytes\n",
	       ok, (uint32_t)ms, p0.free_frames, p1.free_frames, p0.heap_free_bytes,
	       p1.heap_free_bytes);
	CHECK_EQ(ok, n);
	CHECK_EQ(p1.free_frames, p0.free_frames);
	CHECK_EQ(p1.heap_free_bytes, p0.heap_free_bytes);
	CHECK_EQ(p1.nr_domains, p0.nr_domains);
}

KTEST(pingpong, two_domus_over_an_interdomain_channel)
{
	char args[96];
	uint32_t before = free_frames();
	int a = dom_create(PAGES, 0), b = dom_create(PAGES, 0);
	CHECK(a > 0 && b > 0);
	/* A port in A, reserved for B: dom0 may allocate it for another domain. */
	static struct evtchn_alloc_unbound au;
	au = (struct evtchn_alloc_unbound){ .dom = (domid_t)a, .remote_dom = (domid_t)b };
	CHECK_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, (uint32_t)&au), 0);
	snprintf(args, sizeof(args), "pingpong-a port=%u", au.port);
	CHECK_EQ(dom0_launch_domu((uint16_t)a, DOMU, args), 0);
	snprintf(args, sizeof(args), "pingpong-b peer=%d port=%u rounds=200", a, au.port);
	CHECK_EQ(dom0_launch_domu((uint16_t)b, DOMU, args), 0);
	struct pv_domain_info info;
	wait_end((uint16_t)b, &info);
	CHECK_EQ(info.state, PV_DOMSTATE_SHUTDOWN);
	CHECK_EQ(info.shutdown_reason, SHUTDOWN_poweroff);
	CHECK_EQ(dom_getinfo((uint16_t)a, &info), 0);
	CHECK_EQ(info.state, PV_DOMSTATE_BLOCKED); /* A waits for more pings */
	dom0_destroy_domu((uint16_t)a);
	dom0_destroy_domu((uint16_t)b);
	const char *h = consback_history((uint16_t)b);
	CHECK(strstr(h, "pingpong-b: 200 round trips") != NULL);
	const char *line = strstr(h, "pingpong-b:");
	if (line) /* for the record: the times themselves are the emulator's */
		printk("pingpong: %s", line);
	CHECK_EQ(free_frames(), before);
}

KTEST(fairness, weights_one_to_two)
{
	uint32_t before = free_frames();
	int a = dom0_start_domu(DOMU, "spin", PAGES, 256);
	int b = dom0_start_domu(DOMU, "spin", PAGES, 512);
	CHECK(a > 0 && b > 0);
	struct pv_domain_info ia0, ib0, ia1, ib1;
	dom_getinfo((uint16_t)a, &ia0);
	dom_getinfo((uint16_t)b, &ib0);
	sleep_ms(1000);
	dom_getinfo((uint16_t)a, &ia1);
	dom_getinfo((uint16_t)b, &ib1);
	uint64_t ca = ia1.cpu_ns - ia0.cpu_ns, cb = ib1.cpu_ns - ib0.cpu_ns;
	uint32_t ratio100 = ca ? (uint32_t)(cb * 100 / ca) : 0;
	printk("fairness: weight 256 got %u ms, weight 512 got %u ms: ratio %u.%02u (want 2.00 +- "
	       "10%%)\n",
	       (uint32_t)(ca / 1000000), (uint32_t)(cb / 1000000), ratio100 / 100, ratio100 % 100);
	CHECK(ratio100 >= 180 && ratio100 <= 220);
	CHECK(ca + cb > 800000000ull); /* dom0 slept: the spinners had the CPU */
	dom0_destroy_domu((uint16_t)a);
	dom0_destroy_domu((uint16_t)b);
	CHECK_EQ(free_frames(), before);
}

/* The first number after `key` in text, or 0. */
static uint32_t number_after(const char *text, const char *key)
{
	const char *p = text ? strstr(text, key) : NULL;
	uint32_t v = 0;
	if (!p)
		return 0;
	for (p += strlen(key); *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (uint32_t)(*p - '0');
	return v;
}

KTEST(lifecycle, cap_limits_a_spinner)
{
	int id = dom0_start_domu(DOMU, "spin", PAGES, 0);
	CHECK(id > 0);
	CHECK_EQ(dom_setweight((uint16_t)id, 256, 25), 0);
	struct pv_domain_info i0, i1;
	dom_getinfo((uint16_t)id, &i0);
	sleep_ms(1000);
	dom_getinfo((uint16_t)id, &i1);
	uint32_t ms = (uint32_t)((i1.cpu_ns - i0.cpu_ns) / 1000000);
	printk("lifecycle: a spinner capped at 25%% got %u ms of 1000 ms\n", ms);
	/* 250 ms; the 100 ms cap periods need not line up with our second. */
	CHECK(ms >= 200 && ms <= 300);
	dom0_destroy_domu((uint16_t)id);
}

KTEST(lifecycle, pause_stops_a_domain)
{
	int id = dom0_start_domu(DOMU, "spin", PAGES, 0);
	CHECK(id > 0);
	struct pv_domain_info i0, i1, i2;
	CHECK_EQ(dom_pause((uint16_t)id), 0);
	dom_getinfo((uint16_t)id, &i0);
	CHECK_EQ(i0.state, PV_DOMSTATE_PAUSED);
	sleep_ms(50);
	dom_getinfo((uint16_t)id, &i1);
	CHECK_EQ(i1.cpu_ns, i0.cpu_ns); /* not one nanosecond while paused */
	CHECK_EQ(dom_unpause((uint16_t)id), 0);
	sleep_ms(50);
	dom_getinfo((uint16_t)id, &i2);
	CHECK(i2.cpu_ns > i1.cpu_ns);
	CHECK_EQ(i2.state, PV_DOMSTATE_RUNNING);
	dom0_destroy_domu((uint16_t)id);
}

static volatile uint32_t console_events;

static void on_console(uint32_t port, void *data)
{
	(void)port;
	(void)data;
	console_events++;
}

KTEST(console, input_raises_virq_console)
{
	char buf[64];
	int port = evtchn_bind_virq(VIRQ_CONSOLE, on_console, NULL);
	CHECK(port > 0);
	uint64_t until = arch_time_ns() + 5000000000ull; /* the harness types within 5 s */
	while (!console_events && arch_time_ns() < until) {
		HYPERVISOR_set_timer_op((uint32_t)until, (uint32_t)(until >> 32));
		HYPERVISOR_sched_op(SCHEDOP_block, 0);
	}
	arch_irq_save();
	CHECK(console_events > 0);
	long n = HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf) - 1, (uint32_t)buf);
	CHECK(n > 0);
	buf[n > 0 ? n : 0] = '\0';
	for (long i = 0; i < n; i++)
		if (buf[i] == '\n' || buf[i] == '\r')
			buf[i] = '\0';
	printk("console: read \"%s\"\n", buf);
	evtchn_close((uint32_t)port);
}

KTEST(capacity, idle_domains_that_fit)
{
	struct pv_physinfo p0, p1;
	static uint16_t ids[64];
	uint32_t n = 0;
	CHECK_EQ(dom_physinfo(&p0), 0);
	for (; n < 64; n++) {
		int id = dom0_start_domu(DOMU, "idle", PAGES, 0);
		if (id < 0)
			break;
		ids[n] = (uint16_t)id;
	}
	CHECK_EQ(dom_physinfo(&p1), 0);
	CHECK(n > 0);
	if (n)
		printk(
		    "capacity: %u idle domains of %u pages fit; each took %u frames and %u bytes "
		    "of hypervisor heap; %u frames were left\n",
		    n, PAGES, (p0.free_frames - p1.free_frames) / n,
		    (p0.heap_free_bytes - p1.heap_free_bytes) / n, p1.free_frames);
	for (uint32_t i = 0; i < n; i++)
		dom0_destroy_domu(ids[i]);
	CHECK_EQ(free_frames(), p0.free_frames);
}

KTEST(boottime, create_to_first_code_and_main)
{
	uint64_t t0 = arch_time_ns();
	int id = dom0_start_domu(DOMU, "report-boottime", PAGES, 0);
	CHECK(id > 0);
	struct pv_domain_info info;
	wait_end((uint16_t)id, &info);
	dom0_destroy_domu((uint16_t)id);
	const char *h = consback_history((uint16_t)id);
	uint32_t entry = number_after(h, "boottime: entry "), main = number_after(h, ", main ");
	uint32_t t0_us = (uint32_t)(t0 / 1000);
	CHECK(entry > t0_us && main >= entry);
	printk("boottime: create -> first C code %u us, create -> main %u us\n", entry - t0_us,
	       main - t0_us);
}
