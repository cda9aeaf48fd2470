/*
 * Multiboot v1 information: the memory map, the command line and the modules,
 * copied out of the loader's structures before any memory is reused
 * (lib/pc/multiboot.c reads them; this keeps what the hypervisor manages).
 */
#include <hv.h>
#include <pc/multiboot.h>
#include <string.h>

struct boot_info boot_info;
_Static_assert(ARRAY_SIZE(boot_info.modules) <= MULTIBOOT_MAX_MODULES, "modules the reader keeps");

/* The loader's data, reachable through the direct map (panics if not). */
static const void *mb_ptr(uint32_t paddr, uint32_t len)
{
	if (paddr >= DIRECTMAP_SIZE || len > DIRECTMAP_SIZE - paddr)
		panic("multiboot data at %#x is out of reach", paddr);
	return maddr_to_virt(paddr);
}

static void add_range(uint64_t base, uint64_t end)
{
	if (end > MAX_MANAGED_END)
		end = MAX_MANAGED_END; /* above 4 GiB: not managed */
	if (base >= end || boot_info.nr_ranges == ARRAY_SIZE(boot_info.ranges))
		return;
	boot_info.ranges[boot_info.nr_ranges].start = (uint32_t)base;
	boot_info.ranges[boot_info.nr_ranges].end = (uint32_t)end;
	boot_info.nr_ranges++;
	if (end > boot_info.mem_end)
		boot_info.mem_end = (uint32_t)end;
}

void multiboot_parse(uint32_t magic, uint32_t mbi_paddr)
{
	struct multiboot_boot mb;
	if (multiboot_read(magic, mbi_paddr, mb_ptr, &mb))
		panic("not started by a multiboot loader (magic %#x)", magic);

	if (mb.cmdline)
		cmdline_set(mb.cmdline);
	if (mb.has_mmap) {
		for (unsigned i = 0; i < mb.nr_ram; i++)
			add_range(mb.ram[i].start, mb.ram[i].end);
	} else if (mb.has_mem) {
		add_range(0x100000, 0x100000 + mb.mem_upper); /* lower memory: not managed */
	} else {
		panic("boot loader gave no memory map");
	}

	for (uint32_t i = 0; i < mb.nr_modules && i < ARRAY_SIZE(boot_info.modules); i++) {
		struct boot_module *bm = &boot_info.modules[boot_info.nr_modules++];
		bm->start = mb.modules[i].start;
		bm->end = mb.modules[i].end;
		mb_ptr(bm->start, bm->end - bm->start);
		if (mb.modules[i].cmdline)
			strlcpy(bm->cmdline, mb.modules[i].cmdline, sizeof(bm->cmdline));
	}
}
