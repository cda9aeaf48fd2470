/*
 * A 16550 UART driven by polling, at the I/O port base the caller names (COM1:
 * UART_COM1): 115200 baud, 8N1, no interrupts. Used by the hypervisor's console
 * and the native guest kernel's.
 */
#ifndef LIB_PC_UART16550_H
#define LIB_PC_UART16550_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UART_COM1 0x3F8

void uart16550_init(uint16_t base);
/* Send s[0..n), each "\n" as "\r\n"; waits for room in the transmitter. */
void uart16550_write(uint16_t base, const char *s, size_t n);
/* Wait until everything written has left the wire. */
void uart16550_flush(uint16_t base);
bool uart16550_input_pending(uint16_t base);
/* Up to n received bytes, without waiting: how many there were. */
size_t uart16550_read(uint16_t base, char *buf, size_t n);

#endif
