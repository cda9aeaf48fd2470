/*
 * The interrupt controllers of the code that runs on the bare machine: the
 * legacy 8259 PICs, only to be put out of the way, and the local APIC, whose
 * registers the caller maps (uncached) and passes in.
 */
#ifndef LIB_PC_LAPIC_H
#define LIB_PC_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define LAPIC_PADDR 0xFEE00000u /* where lapic_enable puts it */
#define APIC_EOI 0xB0
#define APIC_SVR 0xF0
#define APIC_LVT_TIMER 0x320
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR 0x390
#define APIC_TIMER_DIV 0x3E0
#define LVT_MASKED (1u << 16)

/* Remap both PICs to vector_base..vector_base + 15 (so a stray IRQ is not taken
 * for an exception) and mask every line. */
void pic_disable(uint8_t vector_base);

static inline void lapic_write(volatile uint32_t *regs, unsigned reg, uint32_t v)
{
	regs[reg / 4] = v;
}
static inline uint32_t lapic_read(volatile uint32_t *regs, unsigned reg)
{
	return regs[reg / 4];
}

/* Whether the CPU has a local APIC (CPUID.1:EDX.APIC). */
bool lapic_present(void);
/* Enable it at LAPIC_PADDR with its spurious vector, the timer dividing by 16. */
void lapic_enable(volatile uint32_t *regs, uint8_t spurious_vector);
/* The timer's counts per millisecond, measured over ms milliseconds of TSC time
 * (tsc_hz its rate) with the timer's interrupt (timer_vector) masked: 0 if it
 * does not count. The count left running is the caller's to stop. */
uint32_t lapic_timer_per_ms(volatile uint32_t *regs, uint8_t timer_vector, uint64_t tsc_hz,
			    unsigned ms);

#endif
