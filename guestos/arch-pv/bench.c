/*
 * Round-trip costs (command line word "bench"): a null hypercall (ring 1 ->
 * ring 0 -> ring 1), a direct system call (ring 3 -> ring 1 -> ring 3, no
 * hypervisor), and a bare int/iret in ring 1, all timed with rdtsc in one run.
 * Under TCG these are the emulator's cycles: compare them as ratios.
 */
#include "pv.h"
#include <public/version.h>

#define CALLS 20000
#define RUNS 5

static uint32_t per_call(uint64_t cycles)
{
	return (uint32_t)(cycles / CALLS);
}

static uint32_t time_hypercalls(void)
{
	uint64_t t0 = rdtsc();
	for (int i = 0; i < CALLS; i++)
		HYPERVISOR_xen_version(XENVER_version, 0);
	return per_call(rdtsc() - t0);
}

/* Vector 0x80 (a direct gate, DPL 3) points at a bare `iret` meanwhile. */
static uint32_t time_ring1_int(void)
{
	static struct trap_info bare[2] = { { SYSCALL_VECTOR, 3, FLAT_RING1_CS,
					      (uint32_t)bare_iret_entry } };
	static struct trap_info normal[2] = { { SYSCALL_VECTOR, 3, FLAT_RING1_CS,
						(uint32_t)syscall_entry } };
	if (HYPERVISOR_set_trap_table((uint32_t)bare))
		panic("bench: cannot install the bare int/iret gate");
	uint64_t t0 = rdtsc();
	for (int i = 0; i < CALLS; i++)
		__asm__ volatile("int $0x80" : : "a"(0) : "memory");
	uint64_t t1 = rdtsc();
	if (HYPERVISOR_set_trap_table((uint32_t)normal))
		panic("bench: cannot restore the system call gate");
	return per_call(t1 - t0);
}

static uint32_t time_syscalls(void)
{
	uint32_t stack, code = pv_user_setup(&stack);
	return user_enter(code + (uint32_t)(user_bench_loop - user_code_start), stack, CALLS) /
	       CALLS;
}

static uint32_t best_of(uint32_t (*fn)(void))
{
	uint32_t best = 0xFFFFFFFF;
	for (int i = 0; i < RUNS; i++) {
		uint32_t c = fn();
		if (c < best)
			best = c;
	}
	return best;
}

KTEST(bench, round_trips)
{
	uint32_t hc = best_of(time_hypercalls);
	uint32_t sc = best_of(time_syscalls);
	uint32_t ii = best_of(time_ring1_int);
	printk("bench: null hypercall %u cycles, direct system call %u cycles, "
	       "ring-1 int/iret %u cycles (best of %u x %u)\n",
	       hc, sc, ii, RUNS, CALLS);
	printk("bench: hypercall / int-iret = %u.%02u, system call / int-iret = %u.%02u\n", hc / ii,
	       hc * 100 / ii % 100, sc / ii, sc * 100 / ii % 100);
	CHECK(hc > 0 && sc > 0 && ii > 0);
}
