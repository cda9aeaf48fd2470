/*
 * The pseudo-physical frame allocator: a bitmap of free frames and a reference
 * count per frame (copy-on-write shares user frames between address spaces).
 * Frames are numbered as the domain sees them (PFNs); the arch maps them to
 * machine frames. Pure logic: tests/unit/test_pmem.c runs it on the host.
 */
#include <kernel.h>

static struct {
	uint32_t nr;	  /* frames described: 0 .. nr - 1 */
	uint32_t *free;	  /* bit set: free */
	uint16_t *refs;	  /* references of an allocated frame */
	uint32_t nr_free; /* bits set */
	uint32_t hint;	  /* where the next search starts */
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
	pm.hint = pfn + n < pm.nr ? pfn + n : 0;
}

/* A freed frame is handed out again before untouched ones: its translations
 * (TLB, the direct map's, the hypervisor's) and its cache lines are the
 * likeliest to be warm, as in Linux's lists of hot pages. */
static void reuse_first(uint32_t pfn)
{
	if (pfn < pm.hint)
		pm.hint = pfn;
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
	uint32_t pfn = find_run(pm.hint, pm.nr, n);
	if (pfn == PMEM_NONE)
		pfn = find_run(0, pm.nr, n); /* wrap: a run may also straddle the hint */
	if (pfn != PMEM_NONE)
		take(pfn, n);
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
	reuse_first(pfn);
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
		reuse_first(pfn);
	}
	return pm.refs[pfn];
}

uint32_t pmem_refs(uint32_t pfn)
{
	return pfn < pm.nr && !is_free(pfn) ? pm.refs[pfn] : 0;
}

uint32_t pmem_free_frames(void)
{
	return pm.nr_free;
}
