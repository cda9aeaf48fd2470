/*
 * The kernel heap: kmalloc/kfree on pages from the frame allocator. Sizes up to
 * 2048 bytes come from pages carved into objects of one power-of-two class;
 * larger ones get a run of whole pages. A page whose objects are all free goes
 * back at once, so the heap holds no frame it does not use (the frame counts
 * that tests compare stay exact). Pure logic: tests/unit/test_kheap.c.
 */
#include <kernel.h>

#define HEAP_MAGIC 0x48454150u
#define MIN_SHIFT 4  /* 16 bytes */
#define NR_CLASSES 8 /* 16 .. 2048 */
#define BIG 0xFFFF

struct heap_page {
	uint32_t magic;
	uint16_t cls;		       /* class index, or BIG */
	uint16_t used;		       /* objects handed out (class pages) */
	uint32_t npages;	       /* pages in the run (BIG) */
	void *free;		       /* free objects, linked through their first word */
	struct heap_page *next, *prev; /* the class's pages that have a free object */
};

/* Objects start after the header, 16-byte aligned. */
#define HDR_SIZE ((sizeof(struct heap_page) + 15) & ~(size_t)15)

static struct {
	void *(*page_alloc)(uint32_t n);
	void (*page_free)(void *p, uint32_t n);
	void (*corrupt)(const char *what, const void *p);
	struct heap_page *partial[NR_CLASSES];
	size_t bytes;	/* handed out, rounded up to the class or the page run */
	uint32_t pages; /* held */
} heap __hot_data;

void heap_init(void *(*page_alloc)(uint32_t n), void (*page_free)(void *p, uint32_t n),
	       void (*corrupt)(const char *what, const void *p))
{
	memset(&heap, 0, sizeof(heap));
	heap.page_alloc = page_alloc;
	heap.page_free = page_free;
	heap.corrupt = corrupt;
}

static size_t class_size(unsigned cls)
{
	return (size_t)1 << (cls + MIN_SHIFT);
}

static void list_remove(struct heap_page *pg)
{
	if (pg->prev)
		pg->prev->next = pg->next;
	else
		heap.partial[pg->cls] = pg->next;
	if (pg->next)
		pg->next->prev = pg->prev;
	pg->next = pg->prev = NULL;
}

static void list_push(struct heap_page *pg)
{
	pg->prev = NULL;
	pg->next = heap.partial[pg->cls];
	if (pg->next)
		pg->next->prev = pg;
	heap.partial[pg->cls] = pg;
}

static struct heap_page *new_class_page(unsigned cls)
{
	struct heap_page *pg = heap.page_alloc(1);
	if (!pg)
		return NULL;
	heap.pages++;
	*pg = (struct heap_page){ .magic = HEAP_MAGIC, .cls = (uint16_t)cls };
	size_t size = class_size(cls);
	char *obj = (char *)pg + HDR_SIZE, *end = (char *)pg + PAGE_SIZE;
	void **link = &pg->free;
	for (; obj + size <= end; obj += size) {
		*link = obj;
		link = (void **)obj;
	}
	*link = NULL;
	list_push(pg);
	return pg;
}

static void *alloc_big(size_t n)
{
	uint32_t npages = (uint32_t)((n + HDR_SIZE + PAGE_SIZE - 1) / PAGE_SIZE);
	struct heap_page *pg = heap.page_alloc(npages);
	if (!pg)
		return NULL;
	*pg = (struct heap_page){ .magic = HEAP_MAGIC, .cls = BIG, .npages = npages };
	heap.pages += npages;
	heap.bytes += (size_t)npages * PAGE_SIZE;
	return (char *)pg + HDR_SIZE;
}

void *kmalloc(size_t n)
{
	if (n > class_size(NR_CLASSES - 1))
		return n > 0x10000000 ? NULL : alloc_big(n);
	unsigned cls = 0;
	while (class_size(cls) < n)
		cls++;
	struct heap_page *pg = heap.partial[cls];
	if (!pg && !(pg = new_class_page(cls)))
		return NULL;
	void *obj = pg->free;
	pg->free = *(void **)obj;
	pg->used++;
	if (!pg->free)
		list_remove(pg);
	heap.bytes += class_size(cls);
	return obj;
}

void *kzalloc(size_t n)
{
	void *p = kmalloc(n);
	if (p)
		memset(p, 0, n);
	return p;
}

void kfree(void *p)
{
	if (!p)
		return;
	struct heap_page *pg = (struct heap_page *)((uintptr_t)p & ~(uintptr_t)(PAGE_SIZE - 1));
	uintptr_t off = (uintptr_t)p - (uintptr_t)pg;
	if (pg->magic != HEAP_MAGIC || off < HDR_SIZE) {
		heap.corrupt("kfree of a pointer the heap never gave", p);
		return;
	}
	if (pg->cls == BIG) {
		if (off != HDR_SIZE) {
			heap.corrupt("kfree inside a large block", p);
			return;
		}
		uint32_t n = pg->npages;
		heap.pages -= n;
		heap.bytes -= (size_t)n * PAGE_SIZE;
		pg->magic = 0;
		heap.page_free(pg, n);
		return;
	}
	size_t size = class_size(pg->cls);
	if (pg->cls >= NR_CLASSES || (off - HDR_SIZE) % size || pg->used == 0) {
		heap.corrupt("kfree of a misaligned or already free object", p);
		return;
	}
	bool was_full = pg->free == NULL;
	*(void **)p = pg->free;
	pg->free = p;
	pg->used--;
	heap.bytes -= size;
	if (pg->used == 0) {
		if (!was_full)
			list_remove(pg);
		pg->magic = 0;
		heap.pages--;
		heap.page_free(pg, 1);
	} else if (was_full) {
		list_push(pg);
	}
}

size_t heap_bytes(void)
{
	return heap.bytes;
}

uint32_t heap_pages(void)
{
	return heap.pages;
}
