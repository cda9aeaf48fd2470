/* Command lines of space-separated words, some "key=value" (hypervisor and guest). */
#ifndef LIB_CMDLINE_H
#define LIB_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Find word `key` (bare, or as "key=value") in cmdline. Returns NULL if absent;
 * otherwise a pointer to the value (len in *vlen, 0 for a bare word) and
 * *has_value tells whether there was an '='.
 */
const char *cmdline_find(const char *cmdline, const char *key, size_t *vlen, bool *has_value);
/* Copy key's value into buf (NUL-terminated, truncated); NULL if absent or bare. */
const char *cmdline_copy_value(const char *cmdline, const char *key, char *buf, size_t len);

#endif
