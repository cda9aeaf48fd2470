/*
 * The initial ramdisk: a cpio archive in the "newc" format (what `cpio -H newc`
 * writes). Each member: a 110-byte ASCII header, the name, the data, each
 * padded to 4 bytes; the archive ends with the member "TRAILER!!!".
 */
#include <kernel.h>

#define NEWC_MAGIC "070701"
#define NEWC_HEADER 110

static const uint8_t *archive;
static size_t archive_len;

void initrd_set(const void *base, size_t len)
{
	archive = base;
	archive_len = len;
}

static bool hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		uint8_t c = p[i];
		unsigned d = c >= '0' && c <= '9'   ? c - '0'
			     : c >= 'a' && c <= 'f' ? c - 'a' + 10
			     : c >= 'A' && c <= 'F' ? c - 'A' + 10
						    : 16;
		if (d > 15)
			return false;
		v = v * 16 + d;
	}
	*out = v;
	return true;
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* Member i's name and data; false past the end or on a malformed archive. */
bool initrd_member(unsigned i, const char **name, const void **data, size_t *len)
{
	size_t off = 0;
	for (unsigned n = 0; archive && off + NEWC_HEADER <= archive_len; n++) {
		const uint8_t *h = archive + off;
		uint32_t size, namesize;
		if (memcmp(h, NEWC_MAGIC, 6) || !hex8(h + 54, &size) || !hex8(h + 94, &namesize))
			return false; /* not (or no longer) a newc archive */
		size_t name_off = off + NEWC_HEADER;
		if (namesize == 0 || namesize > archive_len - name_off)
			return false;
		const char *member = (const char *)archive + name_off;
		size_t data_off = pad4(name_off + namesize);
		if (data_off > archive_len || size > archive_len - data_off)
			return false;
		if (member[namesize - 1] != '\0' || !strcmp(member, "TRAILER!!!"))
			return false;
		if (n == i) {
			*name = member;
			*data = archive + data_off;
			*len = size;
			return true;
		}
		off = pad4(data_off + size);
	}
	return false;
}

const void *initrd_find(const char *name, size_t *len)
{
	const char *member;
	const void *data;
	for (unsigned i = 0; initrd_member(i, &member, &data, len); i++)
		if (!strcmp(member, name))
			return data;
	return NULL;
}
