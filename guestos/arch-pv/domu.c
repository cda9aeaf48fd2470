/*
 * What a domU does before its test groups run: send its console to its ring,
 * then take the role its command line names:
 *   spin                     burn CPU forever (scheduler tests)
 *   idle                     block forever (capacity tests)
 *   flood                    write 64 KiB through console_io (its rate limit)
 *   report-boottime          print when it entered and reached main
 *   pingpong-a port=P        echo every event on port P (bound for the peer)
 *   pingpong-b peer=D port=P rounds=N
 *                            bind to domain D's port P, make N round trips,
 *                            print their times, and go on (then power off)
 */
#include "events.h"
#include "pv.h"
#include <public/sched.h>

#define MAX_ROUNDS 1000

static volatile uint32_t events_seen;

static uint32_t number(const char *cmdline, const char *key, uint32_t dflt)
{
	char buf[12];
	if (!cmdline_copy_value(cmdline, key, buf, sizeof(buf)))
		return dflt;
	uint32_t v = 0;
	for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (uint32_t)(*p - '0');
	return v;
}

static void echo(uint32_t port, void *data)
{
	(void)data;
	events_seen++;
	evtchn_send(port);
}

static void count(uint32_t port, void *data)
{
	(void)port;
	(void)data;
	events_seen++;
}

static noreturn void pingpong_a(uint32_t port)
{
	if (evtchn_bind(port, echo, NULL))
		panic("pingpong-a: cannot bind port %u", port);
	printk("pingpong-a: echoing on port %u\n", port);
	for (;;)
		HYPERVISOR_sched_op(SCHEDOP_block, 0);
}

static void pingpong_b(uint16_t peer, uint32_t port, uint32_t rounds)
{
	static uint32_t ns[MAX_ROUNDS];
	int local = evtchn_bind_interdomain(peer, port, count, NULL);
	if (local < 0)
		panic("pingpong-b: bind to d%u port %u: %d", peer, port, local);
	if (rounds > MAX_ROUNDS)
		rounds = MAX_ROUNDS;
	for (uint32_t i = 0; i < rounds; i++) {
		uint32_t before = events_seen;
		uint64_t t0 = arch_time_ns();
		evtchn_send((uint32_t)local);
		while (events_seen == before)
			HYPERVISOR_sched_op(SCHEDOP_block, 0);
		ns[i] = (uint32_t)(arch_time_ns() - t0);
	}
	arch_irq_save();
	/* Insertion sort: a few hundred values. */
	for (uint32_t i = 1; i < rounds; i++)
		for (uint32_t j = i; j && ns[j - 1] > ns[j]; j--) {
			uint32_t t = ns[j];
			ns[j] = ns[j - 1];
			ns[j - 1] = t;
		}
	printk("pingpong-b: %u round trips with d%u; min %u us, median %u us, max %u us\n", rounds,
	       peer, ns[0] / 1000, ns[rounds / 2] / 1000, ns[rounds - 1] / 1000);
}

static void flood(void)
{
	static char line[64];
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	for (int i = 0; i < 1024; i++)
		HYPERVISOR_console_io(CONSOLEIO_write, sizeof(line), (uint32_t)line);
}

void domu_services(const char *cmdline)
{
	uint64_t main_ns = arch_time_ns();
	console_front_init();
	printk("domU: up with %u pages, command line \"%s\"\n", start_info->nr_pages, cmdline);
	if (cmdline_has(cmdline, "report-boottime"))
		printk("boottime: entry %u us, main %u us\n", (uint32_t)(pv_entry_ns / 1000),
		       (uint32_t)(main_ns / 1000));
	if (cmdline_has(cmdline, "flood"))
		flood();
	if (cmdline_has(cmdline, "spin"))
		for (;;)
			__asm__ volatile("" ::: "memory");
	if (cmdline_has(cmdline, "idle"))
		for (;;)
			HYPERVISOR_sched_op(SCHEDOP_block, 0);
	if (cmdline_has(cmdline, "pingpong-a"))
		pingpong_a(number(cmdline, "port", 0));
	if (cmdline_has(cmdline, "pingpong-b"))
		pingpong_b((uint16_t)number(cmdline, "peer", 0), number(cmdline, "port", 0),
			   number(cmdline, "rounds", 100));
}
