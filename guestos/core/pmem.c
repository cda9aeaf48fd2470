/*
 * The pseudo-physical frame allocator: a bitmap of free frames and a reference
 * count per frame (copy-on-write shares user frames between address spaces).
 * Frames are numbered as the domain sees them (PFNs); the arch maps them to
 * machine frames. Pure logic: tests/unit/test_pmem.c runs it on the host.
 */
#include <kernel.h>

#define WARM_MAX 16

static struct {
	uint32_t nr;	  /* frames described: 0 .. nr - 1 */
	uint32_t *free;	  /* bit set: free */
	uint16_t *refs;	  /* references of an allocated frame */
	uint32_t nr_free; /* bits set */
	uint32_t hint;	  /* where the next search starts */
	/* Kernel frames freed lately, newest last (a ring): single allocations
	 * take them first, while they are warm (pmem_put_warm). A frame here may
	 * have gone to a run since: it is checked again. */
	uint32_t warm[WARM_MAX];
	unsigned warm_top, warm_n;
} pm __hot_data;

size_t pmem_meta_bytes(uint32_t nr_frames)
{
	size_t words = (nr_frames + 31) / 32;
	return words * sizeof(uint32_t) + (size_t)nr_frames * sizeof(uint16_t);
}

void pmem_init(void *meta, uint32_t nr_frames)
{
	size_t words = (nr_frames + 31) / 32;
	memset(meta, 0, pmem_meta_bytes(nr_frames));
	pm.nr = nr_frames;
	pm.free = meta;
	pm.refs = (uint16_t *)(pm.free + words);
	pm.nr_free = 0;
	pm.hint = 0;
	pm.warm_n = 0;
}

static bool is_free(uint32_t pfn)
{
	return (pm.free[pfn / 32] >> (pfn % 32)) & 1;
}

static void set_free(uint32_t pfn, bool f)
{
	if (f)
		pm.free[pfn / 32] |= 1u << (pfn % 32);
	else
		pm.free[pfn / 32] &= ~(1u << (pfn % 32));
}

void pmem_add_free(uint32_t first, uint32_t last)
{
	if (last > pm.nr)
		last = pm.nr;
	for (uint32_t pfn = first; pfn < last; pfn++) {
		if (is_free(pfn))
			continue;
		set_free(pfn, true);
		pm.refs[pfn] = 0;
		pm.nr_free++;
	}
}

/* Take [pfn, pfn + n), all free, with one reference each. */
static void take(uint32_t pfn, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		set_free(pfn + i, false);
		pm.refs[pfn + i] = 1;
	}
	pm.nr_free -= n;
}

/* A freed kernel frame is handed out again before frames not used lately: its
 * translations (the TLB's, the hypervisor's for a page table) and its cache
 * lines are the likeliest to be warm, as with Linux's lists of hot pages. */
static void push_warm(uint32_t pfn)
{
	pm.warm[pm.warm_top] = pfn;
	pm.warm_top = (pm.warm_top + 1) % WARM_MAX;
	if (pm.warm_n < WARM_MAX)
		pm.warm_n++;
}

static uint32_t warm_at(unsigned back) /* back = 0: the newest */
{
	return pm.warm[(pm.warm_top + WARM_MAX - 1 - back) % WARM_MAX];
}

/* The first of n free frames freed last, in order (a kernel stack freed as a
 * run comes back as one), or PMEM_NONE. A single frame taken since it was
 * freed is dropped from the ring on the way. */
static uint32_t pop_warm(uint32_t n)
{
	while (pm.warm_n >= n) {
		uint32_t last = warm_at(0);
		bool run = last + 1 >= n && is_free(last);
		for (uint32_t i = 1; run && i < n; i++)
			run = warm_at(i) == last - i && is_free(last - i);
		if (!run && n > 1)
			return PMEM_NONE; /* the single frames stay for single allocations */
		unsigned drop = run ? n : 1;
		pm.warm_n -= drop;
		pm.warm_top = (pm.warm_top + WARM_MAX - drop) % WARM_MAX;
		if (run)
			return last + 1 - n;
	}
	return PMEM_NONE;
}

/* First run of n free frames in [from, to), or PMEM_NONE. */
static uint32_t find_run(uint32_t from, uint32_t to, uint32_t n)
{
	uint32_t run = 0;
	for (uint32_t pfn = from; pfn < to; pfn++) {
		if (run == 0 && pfn % 32 == 0 && pm.free[pfn / 32] == 0 && pfn + 32 <= to) {
			pfn += 31; /* a word with nothing free */
			continue;
		}
		run = is_free(pfn) ? run + 1 : 0;
		if (run == n)
			return pfn + 1 - n;
	}
	return PMEM_NONE;
}

uint32_t pmem_alloc_run(uint32_t n)
{
	if (n == 0 || n > pm.nr_free)
		return PMEM_NONE;
	uint32_t pfn = pop_warm(n);
	if (pfn != PMEM_NONE) {
		take(pfn, n);
		return pfn;
	}
	pfn = find_run(pm.hint, pm.nr, n);
	if (pfn == PMEM_NONE)
		pfn = find_run(0, pm.nr, n); /* wrap: a run may also straddle the hint */
	if (pfn != PMEM_NONE) {
		take(pfn, n);
		pm.hint = pfn + n < pm.nr ? pfn + n : 0;
	}
	return pfn;
}

uint32_t pmem_alloc(void)
{
	return pmem_alloc_run(1);
}

int pmem_free_run(uint32_t pfn, uint32_t n)
{
	if (pfn >= pm.nr || n > pm.nr - pfn)
		return -1;
	for (uint32_t i = 0; i < n; i++)
		if (is_free(pfn + i) || pm.refs[pfn + i] != 1)
			return -1;
	for (uint32_t i = 0; i < n; i++) {
		set_free(pfn + i, true);
		pm.refs[pfn + i] = 0;
	}
	pm.nr_free += n;
	for (uint32_t i = 0; i < n; i++)
		push_warm(pfn + i);
	return 0;
}

int pmem_get(uint32_t pfn)
{
	if (pfn >= pm.nr || is_free(pfn) || pm.refs[pfn] == 0 || pm.refs[pfn] == UINT16_MAX)
		return -1;
	pm.refs[pfn]++;
	return 0;
}

int pmem_put(uint32_t pfn)
{
	if (pfn >= pm.nr || is_free(pfn) || pm.refs[pfn] == 0)
		return -1;
	if (--pm.refs[pfn] == 0) {
		set_free(pfn, true);
		pm.nr_free++;
	}
	return pm.refs[pfn];
}

int pmem_put_warm(uint32_t pfn)
{
	int left = pmem_put(pfn);
	if (left == 0)
		push_warm(pfn);
	return left;
}

uint32_t pmem_refs(uint32_t pfn)
{
	return pfn < pm.nr && !is_free(pfn) ? pm.refs[pfn] : 0;
}

uint32_t pmem_free_frames(void)
{
	return pm.nr_free;
}
