/* The PIT and the CMOS RTC (clock.h): port I/O, no state. */
#include "clock.h"
#include <stdbool.h>
#include <x86.h>

#define PIT_HZ 1193182u

uint64_t pit_tsc_hz(unsigned ms)
{
	uint16_t count = (uint16_t)(PIT_HZ / (1000 / ms));
	outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* channel 2 gate on, speaker off */
	outb(0x43, 0xB0);			/* channel 2, lobyte/hibyte, mode 0 */
	outb(0x42, count & 0xFF);
	outb(0x42, count >> 8);
	uint64_t t0 = rdtsc();
	while (!(inb(0x61) & 0x20)) /* OUT2 goes high at the terminal count */
		cpu_relax();
	return (rdtsc() - t0) * (1000 / ms);
}

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned from_bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 15);
}

void rtc_read(struct rtc_time *t)
{
	while (cmos(0x0A) & 0x80) /* an update is in progress */
		cpu_relax();
	bool binary = cmos(0x0B) & 4;
	t->sec = from_bcd(cmos(0x00), binary);
	t->min = from_bcd(cmos(0x02), binary);
	t->hour = from_bcd(cmos(0x04), binary);
	t->day = from_bcd(cmos(0x07), binary);
	t->mon = from_bcd(cmos(0x08), binary);
	t->year = 2000 + from_bcd(cmos(0x09), binary);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; March-based years). */
static uint32_t days_since_epoch(unsigned y, unsigned m, unsigned d)
{
	y -= m <= 2;
	unsigned era = y / 400, yoe = y - era * 400;
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

uint64_t rtc_unix_seconds(const struct rtc_time *t)
{
	return (uint64_t)days_since_epoch(t->year, t->mon, t->day) * 86400 + t->hour * 3600 +
	       t->min * 60 + t->sec;
}
