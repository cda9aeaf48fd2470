/*
 * Time: the TSC, calibrated once against the PIT, gives nanoseconds since boot.
 * Guests get the same scale in their vcpu_time_info and compute time themselves.
 */
#include <hv.h>
#include <pc/clock.h>
#include <string.h>
#include <x86.h>

#define CALIBRATE_MS 10

static uint64_t boot_tsc, tsc_freq;
static uint32_t scale_mul; /* ns = ((tsc_delta << scale_shift) * scale_mul) >> 32 */
static int8_t scale_shift;

void time_init(void)
{
	tsc_freq = pit_tsc_hz(CALIBRATE_MS);
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

void wallclock_init(void)
{
	struct rtc_time t;
	rtc_read(&t);
	wallclock_at_boot = (uint32_t)rtc_unix_seconds(&t);
	printk("hv: wall clock %04u-%02u-%02u %02u:%02u:%02u UTC\n", t.year, t.mon, t.day, t.hour,
	       t.min, t.sec);
}

uint32_t boot_wallclock(void)
{
	return wallclock_at_boot;
}
