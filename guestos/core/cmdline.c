/* Kernel command line: space-separated words, some of them key=value. */
#include <kernel.h>

static const char *find(const char *cmdline, const char *key, size_t *vlen, bool *has_value)
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

bool cmdline_has(const char *cmdline, const char *word)
{
	size_t n;
	bool v;
	return find(cmdline, word, &n, &v) != NULL;
}

const char *cmdline_value(const char *cmdline, const char *key, char *buf, size_t len)
{
	size_t n;
	bool v;
	const char *p = find(cmdline, key, &n, &v);
	if (!p || !v)
		return NULL;
	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}
