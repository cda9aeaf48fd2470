/* The console: the 16550 UART on COM1, polled, as the hypervisor drives it. */
#include "native.h"

#define COM1 0x3F8
#define UART_LSR 5
#define LSR_THR_EMPTY 0x20
#define LSR_TX_IDLE 0x40

void uart_init(void)
{
	outb(COM1 + 1, 0x00); /* no UART interrupts: output is polled */
	outb(COM1 + 3, 0x80); /* DLAB on */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1, DLAB off */
	outb(COM1 + 2, 0xC7); /* FIFOs on and cleared */
	outb(COM1 + 4, 0x03); /* DTR, RTS */
}

static void uart_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & LSR_THR_EMPTY))
		cpu_relax();
	outb(COM1, (uint8_t)c);
}

void arch_console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

void uart_flush(void)
{
	while (!(inb(COM1 + UART_LSR) & LSR_TX_IDLE))
		cpu_relax();
}
