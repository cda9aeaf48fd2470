/* Kernel console output and panic, on top of arch_console_write. */
#include <kernel.h>

int printk(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	arch_console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
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
