/*
 * The byte ring behind a pipe: free-running head and tail counters over a
 * power-of-two buffer, so "full" and "empty" need no spare slot. Pure logic
 * (blocking is pipe.c's): tests/unit/test_pipebuf.c.
 */
#include <kernel.h>

void pipebuf_init(struct pipebuf *b, void *mem, uint32_t size)
{
	b->buf = mem;
	b->size = size;
	b->head = b->tail = 0;
}

uint32_t pipebuf_used(const struct pipebuf *b)
{
	return b->head - b->tail;
}

uint32_t pipebuf_space(const struct pipebuf *b)
{
	return b->size - pipebuf_used(b);
}

size_t pipebuf_write(struct pipebuf *b, const void *src, size_t n)
{
	const uint8_t *s = src;
	if (n > pipebuf_space(b))
		n = pipebuf_space(b);
	uint32_t at = b->head & (b->size - 1);
	size_t first = b->size - at < n ? b->size - at : n;
	memcpy(b->buf + at, s, first);
	memcpy(b->buf, s + first, n - first);
	b->head += (uint32_t)n;
	return n;
}

size_t pipebuf_read(struct pipebuf *b, void *dst, size_t n)
{
	uint8_t *d = dst;
	if (n > pipebuf_used(b))
		n = pipebuf_used(b);
	uint32_t at = b->tail & (b->size - 1);
	size_t first = b->size - at < n ? b->size - at : n;
	memcpy(d, b->buf + at, first);
	memcpy(d + first, b->buf, n - first);
	b->tail += (uint32_t)n;
	return n;
}
