/*
 * The arch interface's range walk (arch_as_next), tested the same way in both
 * ports: through a building address space (entries written at once) and a
 * loaded, live one (the PV port queues its changes for the hypervisor).
 */
#include <kernel.h>

#define BASE 0x20000000u	      /* a user slot of its own (1 GiB) */
#define END (BASE + 3 * ARCH_AS_SPAN) /* three L1 spans; the middle one stays empty */
#define AT(span, idx) (BASE + (span)*ARCH_AS_SPAN + (idx)*PAGE_SIZE)

static void map(struct arch_as *as, uint32_t va, uint32_t pfn, unsigned prot)
{
	pmem_get(pfn); /* the core's part: a mapping holds a reference */
	CHECK_EQ(arch_as_map(as, va, pfn, prot), 0);
}

/* Each mapped page of [from, END) in order, then END. */
static void expect_walk(struct arch_as *as, uint32_t from, const uint32_t *want, unsigned n)
{
	uint32_t pfn, va = from;
	unsigned prot;
	for (unsigned i = 0; i < n; i++, va += PAGE_SIZE)
		CHECK_EQ(va = arch_as_next(as, va, END, &pfn, &prot), want[i]);
	CHECK_EQ(arch_as_next(as, va, END, &pfn, &prot), END);
}

KTEST(selftest, as_next_walks_only_mapped_pages)
{
	uint32_t free0 = pmem_free_frames(), pfn, got;
	unsigned prot;
	struct arch_as *as = arch_as_create();
	CHECK(as != NULL);
	CHECK_EQ(arch_as_next(as, BASE, END, &got, &prot), END); /* no L2 at all */
	pfn = frame_alloc_zeroed();
	/* Either side of an 8-entry group's edge, and a span's last page. */
	map(as, AT(0, 7), pfn, ARCH_PROT_READ);
	map(as, AT(0, 8), pfn, ARCH_PROT_READ | ARCH_PROT_WRITE);
	map(as, AT(0, 511), pfn, ARCH_PROT_READ);
	map(as, AT(2, 0), pfn, ARCH_PROT_READ | ARCH_PROT_EXEC);
	CHECK_EQ(arch_as_next(as, BASE, END, &got, &prot), AT(0, 7));
	CHECK_EQ(got, pfn);
	CHECK_EQ(prot, ARCH_PROT_READ);
	CHECK_EQ(arch_as_next(as, AT(0, 8), END, &got, &prot), AT(0, 8));
	CHECK_EQ(prot, ARCH_PROT_READ | ARCH_PROT_WRITE);
	CHECK_EQ(arch_as_next(as, AT(0, 9), END, &got, &prot), AT(0, 511));
	CHECK_EQ(arch_as_next(as, AT(0, 9), AT(0, 511), &got, &prot),
		 AT(0, 511));						  /* end excluded */
	CHECK_EQ(arch_as_next(as, AT(1, 0), END, &got, &prot), AT(2, 0)); /* over the empty span */
	CHECK_EQ(prot, ARCH_PROT_READ | ARCH_PROT_EXEC);
	const uint32_t building[] = { AT(0, 7), AT(0, 8), AT(0, 511), AT(2, 0) };
	expect_walk(as, BASE, building, 4);

	/* Live and loaded: an unmapping, then a new mapping, not yet applied
	 * in the PV port, are seen as they will be. */
	CHECK_EQ(arch_as_ready(as), 0);
	arch_as_switch(as);
	CHECK_EQ(arch_as_map(as, AT(0, 8), 0, 0), 0);
	frame_put(pfn);
	const uint32_t unmapped[] = { AT(0, 7), AT(0, 511), AT(2, 0) };
	expect_walk(as, BASE, unmapped, 3);
	map(as, AT(0, 300), pfn, ARCH_PROT_READ);
	const uint32_t live[] = { AT(0, 7), AT(0, 300), AT(0, 511), AT(2, 0) };
	expect_walk(as, BASE, live, 4);
	arch_mmu_flush();
	expect_walk(as, BASE, live, 4);

	arch_as_destroy(as); /* loaded: freed at the next switch */
	arch_as_switch(NULL);
	CHECK_EQ(pmem_refs(pfn), 1); /* each mapping's reference went */
	frame_put(pfn);
	CHECK_EQ(pmem_free_frames(), free0);
}
