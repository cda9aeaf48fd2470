/* The hypervisor's command line: space-separated "key=value" or bare "key" words. */
#include <cmdline.h>
#include <hv.h>
#include <string.h>

static char cmdline[256];

void cmdline_set(const char *s)
{
	strlcpy(cmdline, s, sizeof(cmdline));
}

const char *cmdline_get(const char *key, char *buf, size_t len)
{
	size_t n;
	bool has_value;
	if (!cmdline_find(cmdline, key, &n, &has_value))
		return NULL;
	if (!has_value) {
		buf[0] = '\0';
		return buf;
	}
	return cmdline_copy_value(cmdline, key, buf, len);
}

uint32_t cmdline_size(const char *key, uint32_t dflt)
{
	char buf[24];
	const char *v = cmdline_get(key, buf, sizeof(buf));
	if (!v || !*v)
		return dflt;
	uint32_t n = 0;
	for (; *v >= '0' && *v <= '9'; v++)
		n = n * 10 + (uint32_t)(*v - '0');
	if (*v == 'M' || *v == 'm')
		n <<= 20;
	else if (*v == 'K' || *v == 'k')
		n <<= 10;
	else if (*v == 'G' || *v == 'g')
		n <<= 30;
	return n;
}
