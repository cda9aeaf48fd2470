/*
 * Time: the TSC, calibrated once against the PIT, gives nanoseconds since boot.
 * Guests get the same scale in their vcpu_time_info and compute time themselves.
 */
#include <hv.h>
#include <string.h>
#include <x86.h>

#define PIT_HZ 1193182u
#define CALIBRATE_MS 10

static uint64_t boot_tsc, tsc_freq;
static uint32_t scale_mul; /* ns = ((tsc_delta << scale_shift) * scale_mul) >> 32 */
static int8_t scale_shift;

/* Count TSC ticks while PIT channel 2 counts down CALIBRATE_MS milliseconds. */
static uint64_t measure_tsc_hz(void)
{
	uint16_t count = PIT_HZ / (1000 / CALIBRATE_MS);
	outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate on, speaker off */
	outb(0x43, 0xB0);			/* channel 2, lo/hi, mode 0 */
	outb(0x42, count & 0xFF);
	outb(0x42, count >> 8);
	uint64_t t0 = rdtsc();
	while (!(inb(0x61) & 0x20))
		cpu_relax();
	return (rdtsc() - t0) * (1000 / CALIBRATE_MS);
}

void time_init(void)
{
	tsc_freq = measure_tsc_hz();
	if (tsc_freq < 1000000)
		panic("TSC calibration failed (%u Hz)", (uint32_t)tsc_freq);
	/* Pick the shift so that mul = 2^32 * 1e9 / (hz << shift) fits in 32 bits. */
	uint64_t hz = tsc_freq;
	scale_shift = 0;
	while (hz < 1000000000ull) {
		hz <<= 1;
		scale_shift++;
	}
	while (hz >= 4000000000ull) {
		hz >>= 1;
		scale_shift--;
	}
	scale_mul = (uint32_t)((1000000000ull << 32) / hz);
	boot_tsc = rdtsc();
	printk("hv: TSC %u.%03u MHz\n", (uint32_t)(tsc_freq / 1000000),
	       (uint32_t)(tsc_freq / 1000 % 1000));
}

uint64_t tsc_hz(void)
{
	return tsc_freq;
}

static uint64_t scale(uint64_t delta)
{
	delta = scale_shift >= 0 ? delta << scale_shift : delta >> -scale_shift;
	/* 64x32 -> top 64 bits of the 96-bit product, without 128-bit arithmetic. */
	return (delta >> 32) * scale_mul + (((delta & 0xFFFFFFFF) * scale_mul) >> 32);
}

uint64_t now_ns(void)
{
	return scale(rdtsc() - boot_tsc);
}

/* Publish a fresh (tsc, system_time) pair with the version protocol. */
void time_update_vcpu(struct vcpu *v)
{
	struct vcpu_time_info *t = &v->info->time;
	uint64_t tsc = rdtsc();
	t->version++;
	__asm__ volatile("" ::: "memory");
	t->tsc_timestamp = tsc;
	t->system_time = scale(tsc - boot_tsc);
	t->tsc_to_system_mul = scale_mul;
	t->tsc_shift = scale_shift;
	__asm__ volatile("" ::: "memory");
	t->version++;
}

/* ---- Wall clock: the CMOS RTC, read once at boot ---- */

static uint32_t wallclock_at_boot;

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 15);
}

/* Days from 1970-01-01 to the given civil date (proleptic Gregorian). */
static uint32_t days_since_epoch(unsigned y, unsigned m, unsigned d)
{
	y -= m <= 2;
	unsigned era = y / 400, yoe = y - era * 400;
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void wallclock_init(void)
{
	while (cmos(0x0A) & 0x80) /* an update is in progress */
		cpu_relax();
	bool binary = cmos(0x0B) & 4;
	unsigned sec = bcd(cmos(0x00), binary), min = bcd(cmos(0x02), binary);
	unsigned hour = bcd(cmos(0x04), binary), day = bcd(cmos(0x07), binary);
	unsigned mon = bcd(cmos(0x08), binary), year = 2000 + bcd(cmos(0x09), binary);
	wallclock_at_boot =
	    days_since_epoch(year, mon, day) * 86400u + hour * 3600 + min * 60 + sec;
	printk("hv: wall clock %04u-%02u-%02u %02u:%02u:%02u UTC\n", year, mon, day, hour, min,
	       sec);
}

uint32_t boot_wallclock(void)
{
	return wallclock_at_boot;
}
