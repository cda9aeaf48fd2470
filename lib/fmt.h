/*
 * printf-style formatting into a buffer, shared by the hypervisor and the guest
 * kernel. Supports %d %i %u %x %X %p %s %c %% with flags '-', '0', '#', width, and
 * the length modifiers l, ll, z.
 */
#ifndef LIB_FMT_H
#define LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Format into a 256-byte buffer and hand the result to write (printk for both). */
int vprint_to(void (*write)(const char *s, size_t n), const char *fmt, va_list ap);

#endif
