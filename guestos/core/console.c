/* Kernel console output and panic, on top of arch_console_write. */
#include <kernel.h>

int printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprint_to(arch_console_write, fmt, ap);
	va_end(ap);
	return n;
}

noreturn void panic(const char *fmt, ...)
{
	char buf[192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk("guest: PANIC: %s\n", buf);
	arch_shutdown(3 /* crash */);
}
