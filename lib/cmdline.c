/* Command-line word lookup (see cmdline.h). */
#include "cmdline.h"
#include "string.h"

const char *cmdline_find(const char *cmdline, const char *key, size_t *vlen, bool *has_value)
{
	size_t klen = strlen(key);
	for (const char *p = cmdline; *p;) {
		while (*p == ' ')
			p++;
		const char *end = p;
		while (*end && *end != ' ')
			end++;
		if ((size_t)(end - p) >= klen && !strncmp(p, key, klen) &&
		    (p + klen == end || p[klen] == '=')) {
			*has_value = p[klen] == '=';
			*vlen = *has_value ? (size_t)(end - p) - klen - 1 : 0;
			return *has_value ? p + klen + 1 : end;
		}
		p = end;
	}
	return NULL;
}

const char *cmdline_copy_value(const char *cmdline, const char *key, char *buf, size_t len)
{
	size_t n;
	bool has_value;
	const char *v = cmdline_find(cmdline, key, &n, &has_value);
	if (!v || !has_value || !len)
		return NULL;
	if (n >= len)
		n = len - 1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return buf;
}
