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
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
