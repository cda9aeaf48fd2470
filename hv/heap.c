/*
 * The hypervisor heap: first-fit over one region, blocks with a size header,
 * neighbours merged on free. Small and predictable; allocations are rare
 * (domains, vCPUs), never on a hot path.
 */
#include <hv.h>
#include <string.h>

struct block {
	size_t size; /* bytes including this header; multiple of 16 */
	struct block *next_free;
};

static struct block *free_list;
static size_t free_bytes;

void heap_init(void *base, size_t size)
{
	free_list = base;
	free_list->size = size & ~(size_t)15;
	free_list->next_free = NULL;
	free_bytes = free_list->size;
}

void *xzalloc(size_t size)
{
	size_t need = ROUND_UP(size + sizeof(struct block), 16);
	if (size == 0 || need < size)
		return NULL;
	for (struct block **link = &free_list; *link; link = &(*link)->next_free) {
		struct block *b = *link;
		if (b->size < need)
			continue;
		if (b->size - need >= 64) { /* split: keep the tail free */
			struct block *rest = (struct block *)((char *)b + need);
			rest->size = b->size - need;
			rest->next_free = b->next_free;
			b->size = need;
			*link = rest;
		} else {
			*link = b->next_free;
		}
		free_bytes -= b->size;
		memset(b + 1, 0, b->size - sizeof(*b));
		return b + 1;
	}
	return NULL;
}

void xfree(void *p)
{
	if (!p)
		return;
	struct block *b = (struct block *)p - 1, **link = &free_list;
	free_bytes += b->size;
	/* Keep the free list in address order so neighbours can merge. */
	while (*link && *link < b)
		link = &(*link)->next_free;
	b->next_free = *link;
	*link = b;
	if (b->next_free && (char *)b + b->size == (char *)b->next_free) {
		b->size += b->next_free->size;
		b->next_free = b->next_free->next_free;
	}
	struct block *prev =
	    (link == &free_list)
		? NULL
		: (struct block *)((char *)link - offsetof(struct block, next_free));
	if (prev && (char *)prev + prev->size == (char *)b) {
		prev->size += b->size;
		prev->next_free = b->next_free;
	}
}

size_t heap_free_bytes(void)
{
	return free_bytes;
}
