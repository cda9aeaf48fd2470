/* Reading the multiboot v1 information (multiboot.h): no state, no policy. */
#include "multiboot.h"
#include <string.h>

static void read_mmap(const struct multiboot_info *mbi, multiboot_map_fn map,
		      struct multiboot_boot *mb)
{
	const uint8_t *p = map(mbi->mmap_addr, mbi->mmap_length);
	for (uint32_t off = 0; off + sizeof(struct multiboot_mmap_entry) <= mbi->mmap_length;) {
		const struct multiboot_mmap_entry *e = (const void *)(p + off);
		if (e->type == MULTIBOOT_MMAP_RAM && e->length && mb->nr_ram < MULTIBOOT_MAX_RAM)
			mb->ram[mb->nr_ram++] =
			    (struct multiboot_range){ e->base, e->base + e->length };
		off += e->size + 4;
	}
}

static void read_modules(const struct multiboot_info *mbi, multiboot_map_fn map,
			 struct multiboot_boot *mb)
{
	mb->nr_modules = mbi->mods_count;
	uint32_t n =
	    mbi->mods_count < MULTIBOOT_MAX_MODULES ? mbi->mods_count : MULTIBOOT_MAX_MODULES;
	if (n == 0)
		return;
	const struct multiboot_mod_list *m = map(mbi->mods_addr, n * sizeof(*m));
	for (uint32_t i = 0; i < n; i++)
		mb->modules[i] =
		    (struct multiboot_module){ m[i].start, m[i].end,
					       m[i].string ? map(m[i].string, 1) : NULL };
}

int multiboot_read(uint32_t magic, uint32_t info_paddr, multiboot_map_fn map,
		   struct multiboot_boot *mb)
{
	memset(mb, 0, sizeof(*mb));
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		return MULTIBOOT_ERR_MAGIC;
	const struct multiboot_info *mbi = map(info_paddr, sizeof(*mbi));
	if (mbi->flags & MULTIBOOT_INFO_CMDLINE)
		mb->cmdline = map(mbi->cmdline, 1);
	if (mbi->flags & MULTIBOOT_INFO_MMAP) {
		mb->has_mmap = true;
		read_mmap(mbi, map, mb);
	}
	if (mbi->flags & MULTIBOOT_INFO_MEM) {
		mb->has_mem = true;
		mb->mem_lower = (uint64_t)mbi->mem_lower << 10;
		mb->mem_upper = (uint64_t)mbi->mem_upper << 10;
	}
	if (mbi->flags & MULTIBOOT_INFO_MODS)
		read_modules(mbi, map, mb);
	return 0;
}
