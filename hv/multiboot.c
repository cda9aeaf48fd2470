/*
 * Multiboot v1 information: the memory map, the command line and the modules,
 * copied out of the loader's structures before any memory is reused.
 */
#include <hv.h>
#include <string.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002
#define MBI_MEM 0x001
#define MBI_CMDLINE 0x004
#define MBI_MODS 0x008
#define MBI_MMAP 0x040

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
};
struct mb_module {
	uint32_t start, end, string, reserved;
};
struct mb_mmap {
	uint32_t size;
	uint64_t base, length;
	uint32_t type;
} __attribute__((packed));

struct boot_info boot_info;

/* The loader's data, reachable through the direct map (panics if not). */
static const void *mb_ptr(uint32_t paddr, uint32_t len)
{
	if (paddr >= DIRECTMAP_SIZE || len > DIRECTMAP_SIZE - paddr)
		panic("multiboot data at %#x is out of reach", paddr);
	return maddr_to_virt(paddr);
}

static void add_range(uint64_t base, uint64_t len)
{
	uint64_t end = base + len;
	if (end > DIRECTMAP_SIZE)
		end = DIRECTMAP_SIZE; /* beyond the direct map: not managed yet */
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
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		panic("not started by a multiboot loader (magic %#x)", magic);
	const struct mb_info *mbi = mb_ptr(mbi_paddr, sizeof(*mbi));

	if (mbi->flags & MBI_CMDLINE)
		cmdline_set(mb_ptr(mbi->cmdline, 1));
	if (mbi->flags & MBI_MMAP) {
		const uint8_t *p = mb_ptr(mbi->mmap_addr, mbi->mmap_length);
		for (uint32_t off = 0; off + sizeof(struct mb_mmap) <= mbi->mmap_length;) {
			const struct mb_mmap *e = (const void *)(p + off);
			if (e->type == 1)
				add_range(e->base, e->length);
			off += e->size + 4;
		}
	} else if (mbi->flags & MBI_MEM) {
		add_range(0x100000, (uint64_t)mbi->mem_upper << 10);
	} else {
		panic("boot loader gave no memory map");
	}

	if (mbi->flags & MBI_MODS) {
		const struct mb_module *m = mb_ptr(mbi->mods_addr, mbi->mods_count * sizeof(*m));
		for (uint32_t i = 0; i < mbi->mods_count; i++) {
			if (boot_info.nr_modules == ARRAY_SIZE(boot_info.modules))
				break;
			struct boot_module *bm = &boot_info.modules[boot_info.nr_modules++];
			bm->start = m[i].start;
			bm->end = m[i].end;
			mb_ptr(bm->start, bm->end - bm->start);
			if (m[i].string)
				strlcpy(bm->cmdline, mb_ptr(m[i].string, 1), sizeof(bm->cmdline));
		}
	}
}
