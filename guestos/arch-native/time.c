/*
 * Time and the timer, natively: the TSC calibrated against PIT channel 2 gives
 * nanoseconds since boot (the PV kernel gets the same scale from the
 * hypervisor's vcpu_time_info); the CMOS clock read once at boot gives the wall
 * clock; the LAPIC timer, one-shot, wakes an idle CPU at a deadline and
 * interrupts user mode when the scheduler asks (arch_timer_set). The legacy
 * PICs are remapped out of the exceptions' way and masked.
 */
#include "native.h"
#include <pc/clock.h>
#include <pc/lapic.h>

#define CALIBRATE_MS 10
#define IDLE_MAX_NS 100000000ull /* arch_idle(0) still looks around every 100 ms */

static uint64_t boot_tsc, tsc_hz;
static uint32_t scale_mul; /* ns = ((tsc_delta << scale_shift) * scale_mul) >> 32 */
static int scale_shift;
static uint64_t wallclock_at_boot_ns;
static uint32_t lapic_per_ms;
volatile uint32_t timer_interrupts;

static volatile uint32_t *const lapic = (volatile uint32_t *)LAPIC_VA;

/* ---- TSC ------------------------------------------------------------------- */

static uint64_t tsc_to_ns(uint64_t delta)
{
	delta = scale_shift >= 0 ? delta << scale_shift : delta >> -scale_shift;
	return (delta >> 32) * scale_mul + (((delta & 0xFFFFFFFF) * scale_mul) >> 32);
}

uint64_t arch_time_ns(void)
{
	return tsc_to_ns(rdtsc() - boot_tsc);
}

/* ---- The wall clock: the CMOS RTC ------------------------------------------ */

static void wallclock_init(void)
{
	struct rtc_time t;
	rtc_read(&t);
	wallclock_at_boot_ns = rtc_unix_seconds(&t) * 1000000000ull;
	printk("native: wall clock %04u-%02u-%02u %02u:%02u:%02u UTC\n", t.year, t.mon, t.day,
	       t.hour, t.min, t.sec);
}

uint64_t arch_wallclock_ns(void)
{
	return wallclock_at_boot_ns + arch_time_ns();
}

void time_init(void)
{
	tsc_hz = pit_tsc_hz(CALIBRATE_MS);
	if (tsc_hz < 1000000)
		panic("TSC calibration failed (%u Hz)", (uint32_t)tsc_hz);
	/* Shift hz into (1e9, 2e9] so that mul = 2^32 * 1e9 / hz fits in 32 bits. */
	uint64_t hz = tsc_hz;
	scale_shift = 0;
	while (hz <= 1000000000ull)
		hz <<= 1, scale_shift++;
	while (hz > 2000000000ull)
		hz >>= 1, scale_shift--;
	scale_mul = (uint32_t)((1000000000ull << 32) / hz);
	boot_tsc = rdtsc();
	printk("native: TSC %u.%03u MHz (against the PIT)\n", (uint32_t)(tsc_hz / 1000000),
	       (uint32_t)(tsc_hz / 1000 % 1000));
	wallclock_init();
}

/* ---- The LAPIC timer ------------------------------------------------------- */

void lapic_init(void)
{
	if (!lapic_present())
		panic("no local APIC");
	pic_disable(PIC_VECTOR_BASE);
	lapic_enable(lapic, SPURIOUS_VECTOR);
	lapic_per_ms = lapic_timer_per_ms(lapic, TIMER_VECTOR, tsc_hz, CALIBRATE_MS);
	lapic_write(lapic, APIC_TIMER_INIT, 0);
	if (!lapic_per_ms)
		panic("the LAPIC timer does not count");
	lapic_write(lapic, APIC_LVT_TIMER, TIMER_VECTOR); /* one-shot, unmasked */
	printk("native: LAPIC timer one-shot, %u counts per ms\n", lapic_per_ms);
}

void lapic_eoi(void)
{
	lapic_write(lapic, APIC_EOI, 0);
}

void lapic_timer_interrupt(void)
{
	timer_interrupts++;
	lapic_eoi();
	sched_timer_interrupt();
}

static void lapic_oneshot(uint64_t ns)
{
	uint64_t count = ns * lapic_per_ms / 1000000;
	lapic_write(lapic, APIC_TIMER_INIT, (uint32_t)MIN(MAX(count, 1), 0xFFFFFFFFull));
}

void arch_timer_set(uint64_t deadline_ns)
{
	uint64_t now = arch_time_ns();
	lapic_oneshot(deadline_ns > now ? deadline_ns - now : 0);
}

/* ---- Waiting --------------------------------------------------------------- */

/* sti's one-instruction shadow covers hlt: an interrupt pending before it
 * still wakes the hlt, so no wakeup is lost between the check and the sleep. */
void arch_halt(void)
{
	__asm__ volatile("pushf; sti; hlt; popf" ::: "memory");
}

void arch_idle(uint64_t deadline_ns)
{
	uint64_t now = arch_time_ns();
	if (deadline_ns && deadline_ns <= now)
		return;
	lapic_oneshot(deadline_ns ? MIN(deadline_ns - now, IDLE_MAX_NS) : IDLE_MAX_NS);
	arch_halt();
}
