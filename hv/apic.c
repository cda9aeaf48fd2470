/*
 * The local APIC timer: a periodic tick (HZ) that keeps guests' time records
 * fresh and wakes blocked vCPUs. The legacy PIC is remapped away and masked.
 */
#include <hv.h>
#include <x86.h>

#define HZ 100
#define LAPIC_PADDR 0xFEE00000u
#define APIC_EOI 0xB0
#define APIC_SVR 0xF0
#define APIC_LVT_TIMER 0x320
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR 0x390
#define APIC_TIMER_DIV 0x3E0
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)

static volatile uint32_t *const lapic = (volatile uint32_t *)FIXMAP_LAPIC;

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
	/* Remap to PIC_VECTOR_BASE so a stray IRQ is not taken for an exception. */
	outb(0x20, 0x11);
	outb(0xA0, 0x11);
	outb(0x21, PIC_VECTOR_BASE);
	outb(0xA1, PIC_VECTOR_BASE + 8);
	outb(0x21, 4);
	outb(0xA1, 2);
	outb(0x21, 1);
	outb(0xA1, 1);
	outb(0x21, 0xFF);
	outb(0xA1, 0xFF);
}

void apic_init(void)
{
	uint32_t a, b, c, d;
	cpuid(1, &a, &b, &c, &d);
	if (!(d & (1u << 9)))
		panic("no local APIC");
	pic_disable();
	paging_map_fixmap(FIXMAP_LAPIC, LAPIC_PADDR, true);
	wrmsr(0x1B, (rdmsr(0x1B) & ~0xFFFFF000ull) | LAPIC_PADDR | (1u << 11));
	lapic_write(APIC_SVR, 0x100 | SPURIOUS_VECTOR);
	lapic_write(APIC_TIMER_DIV, 0x3); /* divide by 16 */

	/* Count APIC timer ticks over 10 ms of TSC time. */
	lapic_write(APIC_LVT_TIMER, LVT_MASKED | TIMER_VECTOR);
	lapic_write(APIC_TIMER_INIT, 0xFFFFFFFF);
	uint64_t end = rdtsc() + tsc_hz() / 100;
	while (rdtsc() < end)
		cpu_relax();
	uint32_t per_10ms = 0xFFFFFFFF - lapic_read(APIC_TIMER_CUR);
	uint32_t per_tick = (uint32_t)((uint64_t)per_10ms * 100 / HZ);
	if (!per_tick)
		panic("APIC timer does not count");

	lapic_write(APIC_LVT_TIMER, LVT_PERIODIC | TIMER_VECTOR);
	lapic_write(APIC_TIMER_INIT, per_tick);
	printk("hv: LAPIC timer %u Hz (%u counts per tick)\n", HZ, per_tick);
}

void apic_eoi(void)
{
	lapic_write(APIC_EOI, 0);
}

void apic_timer_interrupt(void)
{
	cpu0.ticks++;
	apic_eoi();
	if (current && current->domain->state == DOM_RUNNING)
		time_update_vcpu(current);
}
