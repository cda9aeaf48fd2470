/*
 * The PC's clocks, read by the code that runs on the bare machine: PIT channel
 * 2 to measure the TSC's rate, and the CMOS real-time clock.
 */
#ifndef LIB_PC_CLOCK_H
#define LIB_PC_CLOCK_H

#include <stdint.h>

/* TSC ticks per second, counted while PIT channel 2 runs down ms milliseconds
 * (ms divides 1000; the gate is left on, the speaker off). */
uint64_t pit_tsc_hz(unsigned ms);

/* A date and time of day as the RTC keeps it (UTC here). */
struct rtc_time {
	unsigned year, mon, day, hour, min, sec;
};
/* Read the RTC (waiting out an update in progress); year 2000-2099. */
void rtc_read(struct rtc_time *t);
/* Seconds since 1970-01-01 00:00 (proleptic Gregorian). Pure. */
uint64_t rtc_unix_seconds(const struct rtc_time *t);

#endif
