/* The console: the 16550 UART on COM1, polled, as the hypervisor drives it. */
#include "native.h"
#include <pc/uart16550.h>

void uart_init(void)
{
	uart16550_init(UART_COM1);
}

void arch_console_write(const char *s, size_t n)
{
	uart16550_write(UART_COM1, s, n);
}

void uart_flush(void)
{
	uart16550_flush(UART_COM1);
}
