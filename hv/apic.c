/*
 * The local APIC timer, in one-shot mode: timer.c programs the next deadline
 * (guest timers, scheduler slices). The legacy PIC is remapped away and masked.
 */
#include <event.h>
#include <hv.h>
#include <public/event_channel.h>
#include <x86.h>

#define LAPIC_PADDR 0xFEE00000u
#define APIC_EOI 0xB0
#define APIC_SVR 0xF0
#define APIC_LVT_TIMER 0x320
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR 0x390
#define APIC_TIMER_DIV 0x3E0
#define LVT_MASKED (1u << 16)

static volatile uint32_t *const lapic = (volatile uint32_t *)FIXMAP_LAPIC;
static uint32_t counts_per_ms;

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
	counts_per_ms = per_10ms / 10;
	if (!counts_per_ms)
		panic("APIC timer does not count");

	/* One-shot: timer.c programs each deadline. */
	lapic_write(APIC_LVT_TIMER, TIMER_VECTOR);
	printk("hv: LAPIC timer one-shot, %u counts per ms\n", counts_per_ms);
}

void apic_set_oneshot(uint64_t ns)
{
	uint64_t count = ns * counts_per_ms / 1000000;
	if (count < 1)
		count = 1;
	if (count > 0xFFFFFFFF)
		count = 0xFFFFFFFF;
	lapic_write(APIC_TIMER_INIT, (uint32_t)count);
}

void apic_eoi(void)
{
	lapic_write(APIC_EOI, 0);
}

void apic_timer_interrupt(void)
{
	uint64_t now = now_ns();
	cpu0.ticks++;
	apic_eoi();
	timers_run(now);
	if (current && current->domain->state == DOM_RUNNING)
		time_update_vcpu(current);
	domain_watchdog();
	/* The UART is polled: tell dom0 about input once per tick while it waits. */
	if (dom0 && console_input_pending())
		evtchn_send_virq(dom0, VIRQ_CONSOLE);
	timers_reprogram(now);
}
