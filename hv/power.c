/* Ending the machine: exit codes for QEMU's isa-debug-exit, Bochs' shutdown port. */
#include <hv.h>
#include <fmt.h>
#include <x86.h>

#define QEMU_DEBUG_EXIT_PORT 0xf4
#define BOCHS_SHUTDOWN_PORT 0x8900

noreturn void machine_exit(unsigned code)
{
	irq_disable();
	console_flush(); /* Bochs drops what is still in the UART when it stops */
	outb(QEMU_DEBUG_EXIT_PORT, (uint8_t)code);
	for (const char *s = "Shutdown"; *s; s++)
		__asm__ volatile("outb %0, %1" : : "a"(*s), "Nd"((uint16_t)BOCHS_SHUTDOWN_PORT));
	for (;;)
		__asm__ volatile("hlt");
}

noreturn void panic(const char *fmt, ...)
{
	char buf[192];
	va_list ap;
	irq_disable();
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk("hv: PANIC: %s\n", buf);
	machine_exit(HV_EXIT_PANIC);
}
