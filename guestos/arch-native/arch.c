/* The rest of the arch interface (guestos/include/arch.h), natively. */
#include "native.h"

#define EXIT_PORT 0xF4 /* isa-debug-exit: QEMU exits with status (value << 1) | 1 */

unsigned long arch_irq_save(void)
{
	unsigned long flags;
	__asm__ volatile("pushf; pop %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

void arch_irq_restore(unsigned long flags)
{
	__asm__ volatile("push %0; popf" : : "r"(flags) : "memory", "cc");
}

/* The PV port boots domUs or plays a domU's role here; the bare PC has neither. */
void arch_services(const char *cmdline)
{
	(void)cmdline;
}

/* The reason is the PV shutdown reason (poweroff 0, reboot 1, crash 3, watchdog
 * 4), so QEMU's exit status is the same as the hypervisor gives for dom0's. */
noreturn void arch_shutdown(unsigned reason)
{
	uart_flush();
	outb(EXIT_PORT, (uint8_t)reason);
	for (;;) /* no exit device: stop here */
		__asm__ volatile("cli; hlt");
}

/* No hypervisor under this port: nothing to count (hv_counters answers ENOSYS). */
int arch_hv_counters(struct uapi_hv_counters *c)
{
	(void)c;
	return -UAPI_ENOSYS;
}
