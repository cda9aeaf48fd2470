/* The hypervisor console: a 16550 UART on COM1, and printk on top of it. */
#include <hv.h>
#include <fmt.h>
#include <pc/uart16550.h>

void console_init(void)
{
	uart16550_init(UART_COM1);
}

void console_write(const char *s, size_t n)
{
	uart16550_write(UART_COM1, s, n);
}

void console_flush(void)
{
	uart16550_flush(UART_COM1);
}

bool console_input_pending(void)
{
	return uart16550_input_pending(UART_COM1);
}

size_t console_read(char *buf, size_t n)
{
	return uart16550_read(UART_COM1, buf, n);
}

int printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprint_to(console_write, fmt, ap);
	va_end(ap);
	return n;
}
