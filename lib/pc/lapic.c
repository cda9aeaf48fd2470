/* The 8259 PICs and the local APIC (lapic.h): register writes, no state. */
#include "lapic.h"
#include <x86.h>

#define MSR_APIC_BASE 0x1B
#define APIC_BASE_ENABLE (1u << 11)

void pic_disable(uint8_t vector_base)
{
	outb(0x20, 0x11); /* ICW1: initialise, ICW4 follows */
	outb(0xA0, 0x11);
	outb(0x21, vector_base); /* ICW2: vector bases */
	outb(0xA1, vector_base + 8);
	outb(0x21, 4); /* ICW3: the slave on IRQ 2 */
	outb(0xA1, 2);
	outb(0x21, 1); /* ICW4: 8086 mode */
	outb(0xA1, 1);
	outb(0x21, 0xFF); /* every line masked */
	outb(0xA1, 0xFF);
}

bool lapic_present(void)
{
	uint32_t a, b, c, d;
	cpuid(1, &a, &b, &c, &d);
	return d & (1u << 9);
}

void lapic_enable(volatile uint32_t *regs, uint8_t spurious_vector)
{
	wrmsr(MSR_APIC_BASE,
	      (rdmsr(MSR_APIC_BASE) & ~0xFFFFF000ull) | LAPIC_PADDR | APIC_BASE_ENABLE);
	lapic_write(regs, APIC_SVR, 0x100 | spurious_vector);
	lapic_write(regs, APIC_TIMER_DIV, 0x3); /* divide by 16 */
}

uint32_t lapic_timer_per_ms(volatile uint32_t *regs, uint8_t timer_vector, uint64_t tsc_hz,
			    unsigned ms)
{
	lapic_write(regs, APIC_LVT_TIMER, LVT_MASKED | timer_vector);
	lapic_write(regs, APIC_TIMER_INIT, 0xFFFFFFFF);
	uint64_t end = rdtsc() + tsc_hz * ms / 1000;
	while (rdtsc() < end)
		cpu_relax();
	return (0xFFFFFFFF - lapic_read(regs, APIC_TIMER_CUR)) / ms;
}
