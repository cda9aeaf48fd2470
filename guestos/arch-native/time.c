/*
 * Time and the timer, natively: the TSC calibrated against PIT channel 2 gives
 * nanoseconds since boot (the PV kernel gets the same scale from the
 * hypervisor's vcpu_time_info); the CMOS clock read once at boot gives the wall
 * clock; the LAPIC timer, one-shot, wakes an idle CPU at a deadline. The legacy
 * PICs are remapped out of the exceptions' way and masked.
 */
#include "native.h"

#define PIT_HZ 1193182u
#define CALIBRATE_MS 10
#define APIC_EOI 0xB0
#define APIC_SVR 0xF0
#define APIC_LVT_TIMER 0x320
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR 0x390
#define APIC_TIMER_DIV 0x3E0
#define LVT_MASKED (1u << 16)
#define MSR_APIC_BASE 0x1B
#define APIC_BASE_ENABLE (1u << 11)
#define IDLE_MAX_NS 100000000ull /* arch_idle(0) still looks around every 100 ms */

static uint64_t boot_tsc, tsc_hz;
static uint32_t scale_mul; /* ns = ((tsc_delta << scale_shift) * scale_mul) >> 32 */
static int scale_shift;
static uint64_t wallclock_at_boot_ns;
static uint32_t lapic_per_ms;
volatile uint32_t timer_interrupts;

static volatile uint32_t *const lapic = (volatile uint32_t *)LAPIC_VA;

/* ---- TSC ------------------------------------------------------------------- */

/* TSC ticks while PIT channel 2 counts down CALIBRATE_MS milliseconds. */
static uint64_t measure_tsc_hz(void)
{
	uint16_t count = PIT_HZ / (1000 / CALIBRATE_MS);
	outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* channel 2 gate on, speaker off */
	outb(0x43, 0xB0);			/* channel 2, lobyte/hibyte, mode 0 */
	outb(0x42, count & 0xFF);
	outb(0x42, count >> 8);
	uint64_t t0 = rdtsc();
	while (!(inb(0x61) & 0x20)) /* OUT2 goes high at the terminal count */
		cpu_relax();
	return (rdtsc() - t0) * (1000 / CALIBRATE_MS);
}

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

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned from_bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 15);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static uint32_t days_from_epoch(unsigned y, unsigned m, unsigned d)
{
	static const uint16_t before_month[12] = { 0,	31,  59,  90,  120, 151,
						   181, 212, 243, 273, 304, 334 };
	uint32_t days = (y - 1970) * 365 + before_month[(m - 1) % 12] + d - 1;
	days += (y - 1969) / 4 - (y - 1901) / 100 + (y - 1601) / 400; /* leap days before y */
	if (m > 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		days++;
	return days;
}

static void wallclock_init(void)
{
	while (cmos(0x0A) & 0x80) /* an update is in progress */
		cpu_relax();
	bool binary = cmos(0x0B) & 4;
	unsigned sec = from_bcd(cmos(0x00), binary), min = from_bcd(cmos(0x02), binary);
	unsigned hour = from_bcd(cmos(0x04), binary), day = from_bcd(cmos(0x07), binary);
	unsigned mon = from_bcd(cmos(0x08), binary), year = 2000 + from_bcd(cmos(0x09), binary);
	uint64_t secs =
	    (uint64_t)days_from_epoch(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
	wallclock_at_boot_ns = secs * 1000000000ull;
	printk("native: wall clock %04u-%02u-%02u %02u:%02u:%02u UTC\n", year, mon, day, hour, min,
	       sec);
}

uint64_t arch_wallclock_ns(void)
{
	return wallclock_at_boot_ns + arch_time_ns();
}

void time_init(void)
{
	tsc_hz = measure_tsc_hz();
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

static void lapic_write(unsigned reg, uint32_t v)
{
	lapic[reg / 4] = v;
}

static uint32_t lapic_read(unsigned reg)
{
	return lapic[reg / 4];
}

static void pic_disable(void)
{
	outb(0x20, 0x11); /* ICW1: initialise, ICW4 follows */
	outb(0xA0, 0x11);
	outb(0x21, PIC_VECTOR_BASE); /* ICW2: vector bases */
	outb(0xA1, PIC_VECTOR_BASE + 8);
	outb(0x21, 4); /* ICW3: the slave on IRQ 2 */
	outb(0xA1, 2);
	outb(0x21, 1); /* ICW4: 8086 mode */
	outb(0xA1, 1);
	outb(0x21, 0xFF); /* every line masked */
	outb(0xA1, 0xFF);
}

void lapic_init(void)
{
	uint32_t a, b, c, d;
	cpuid(1, &a, &b, &c, &d);
	if (!(d & (1u << 9)))
		panic("no local APIC");
	pic_disable();
	wrmsr(MSR_APIC_BASE,
	      (rdmsr(MSR_APIC_BASE) & ~0xFFFFF000ull) | LAPIC_PADDR | APIC_BASE_ENABLE);
	lapic_write(APIC_SVR, 0x100 | SPURIOUS_VECTOR);
	lapic_write(APIC_TIMER_DIV, 0x3); /* divide by 16 */

	/* Its rate, against CALIBRATE_MS of TSC time. */
	lapic_write(APIC_LVT_TIMER, LVT_MASKED | TIMER_VECTOR);
	lapic_write(APIC_TIMER_INIT, 0xFFFFFFFF);
	uint64_t end = rdtsc() + tsc_hz * CALIBRATE_MS / 1000;
	while (rdtsc() < end)
		cpu_relax();
	lapic_per_ms = (0xFFFFFFFF - lapic_read(APIC_TIMER_CUR)) / CALIBRATE_MS;
	lapic_write(APIC_TIMER_INIT, 0);
	if (!lapic_per_ms)
		panic("the LAPIC timer does not count");
	lapic_write(APIC_LVT_TIMER, TIMER_VECTOR); /* one-shot, unmasked */
	printk("native: LAPIC timer one-shot, %u counts per ms\n", lapic_per_ms);
}

void lapic_eoi(void)
{
	lapic_write(APIC_EOI, 0);
}

void lapic_timer_interrupt(void)
{
	timer_interrupts++;
	lapic_eoi();
}

static void lapic_oneshot(uint64_t ns)
{
	uint64_t count = ns * lapic_per_ms / 1000000;
	lapic_write(APIC_TIMER_INIT, (uint32_t)MIN(MAX(count, 1), 0xFFFFFFFFull));
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
