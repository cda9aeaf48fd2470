/*
 * The local APIC timer, in one-shot mode: timer.c programs the next deadline
 * (guest timers, scheduler slices). The legacy PIC is remapped away and masked.
 */
#include <event.h>
#include <hv.h>
#include <pc/lapic.h>
#include <public/event_channel.h>

static volatile uint32_t *const lapic = (volatile uint32_t *)FIXMAP_LAPIC;
static uint32_t counts_per_ms;

void apic_init(void)
{
	if (!lapic_present())
		panic("no local APIC");
	pic_disable(PIC_VECTOR_BASE);
	paging_map_fixmap(FIXMAP_LAPIC, LAPIC_PADDR, true);
	lapic_enable(lapic, SPURIOUS_VECTOR);
	counts_per_ms = lapic_timer_per_ms(lapic, TIMER_VECTOR, tsc_hz(), 10);
	if (!counts_per_ms)
		panic("APIC timer does not count");

	/* One-shot: timer.c programs each deadline. */
	lapic_write(lapic, APIC_LVT_TIMER, TIMER_VECTOR);
	printk("hv: LAPIC timer one-shot, %u counts per ms\n", counts_per_ms);
}

void apic_set_oneshot(uint64_t ns)
{
	uint64_t count = ns * counts_per_ms / 1000000;
	if (count < 1)
		count = 1;
	if (count > 0xFFFFFFFF)
		count = 0xFFFFFFFF;
	lapic_write(lapic, APIC_TIMER_INIT, (uint32_t)count);
}

void apic_eoi(void)
{
	lapic_write(lapic, APIC_EOI, 0);
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
