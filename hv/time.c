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
