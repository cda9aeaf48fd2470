/* The polled 16550 UART (uart16550.h): the registers, at offsets from base. */
#include "uart16550.h"
#include <x86.h>

#define UART_DATA 0 /* DLAB off: receive/transmit; DLAB on: divisor low */
#define UART_IER 1  /* DLAB off: interrupt enable; DLAB on: divisor high */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define LSR_TX_IDLE 0x40

void uart16550_init(uint16_t base)
{
	outb(base + UART_IER, 0x00);  /* no UART interrupts: we poll */
	outb(base + UART_LCR, 0x80);  /* DLAB on */
	outb(base + UART_DATA, 0x01); /* 115200 baud */
	outb(base + UART_IER, 0x00);
	outb(base + UART_LCR, 0x03); /* 8N1, DLAB off */
	outb(base + UART_FCR, 0xC7); /* FIFOs on and cleared */
	outb(base + UART_MCR, 0x03); /* DTR, RTS */
}

static void uart_putc(uint16_t base, char c)
{
	while (!(inb(base + UART_LSR) & LSR_THR_EMPTY))
		cpu_relax();
	outb(base + UART_DATA, (uint8_t)c);
}

void uart16550_write(uint16_t base, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart_putc(base, '\r');
		uart_putc(base, s[i]);
	}
}

void uart16550_flush(uint16_t base)
{
	while (!(inb(base + UART_LSR) & LSR_TX_IDLE))
		cpu_relax();
}

bool uart16550_input_pending(uint16_t base)
{
	return inb(base + UART_LSR) & LSR_DATA_READY;
}

size_t uart16550_read(uint16_t base, char *buf, size_t n)
{
	size_t got = 0;
	while (got < n && (inb(base + UART_LSR) & LSR_DATA_READY))
		buf[got++] = (char)inb(base + UART_DATA);
	return got;
}
