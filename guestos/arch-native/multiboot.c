/*
 * Multiboot v1 information: RAM, the command line and the initrd, copied out
 * of the loader's structures before any frame is handed out. The boot tables
 * map physical memory at KERNEL_BASE + address, as the direct map will.
 *
 * The command line kernel_main gets is the kernel's own arguments followed by
 * those of module 1 (the initrd). The first word of each multiboot command line
 * is the file's name (QEMU passes "-kernel FILE -append ARGS" as "FILE ARGS",
 * and "-initrd 'FILE ARGS'" as given), so it is dropped: a run under QEMU
 * looks like the PV one, `-initrd "userland.cpio init=hello"`.
 */
#include "native.h"

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002
#define MBI_MEM 0x001
#define MBI_CMDLINE 0x004
#define MBI_MODS 0x008
#define MBI_MMAP 0x040
#define BOOT_MAP_END 0x35800000u /* what head.S maps: up to KERNEL_DIRECT_END */

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

/* The loader's data through the boot mapping (panics if out of its reach). */
static const void *mb_ptr(uint32_t paddr, uint32_t len)
{
	if (paddr >= BOOT_MAP_END || len > BOOT_MAP_END - paddr)
		panic("multiboot data at %#x is out of reach", paddr);
	return (const void *)(uintptr_t)(KERNEL_BASE + paddr);
}

static void add_ram(uint64_t base, uint64_t len)
{
	if (len == 0 || boot_info.nr_ranges == BOOT_MAX_RANGES)
		return;
	boot_info.ram[boot_info.nr_ranges++] = (struct boot_range){ base, base + len };
}

/* Append cmdline's words after the first to boot_info.cmdline. */
static void append_args(const char *cmdline)
{
	const char *p = cmdline;
	while (*p == ' ')
		p++;
	while (*p && *p != ' ')
		p++;
	while (*p == ' ')
		p++;
	if (!*p)
		return;
	size_t used = strlen(boot_info.cmdline);
	if (used && used + 1 < sizeof(boot_info.cmdline))
		boot_info.cmdline[used++] = ' ';
	strlcpy(boot_info.cmdline + used, p, sizeof(boot_info.cmdline) - used);
}

void multiboot_parse(uint32_t magic, uint32_t mbi_paddr)
{
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		panic("not started by a multiboot loader (magic %#x)", magic);
	const struct mb_info *mbi = mb_ptr(mbi_paddr, sizeof(*mbi));

	if (mbi->flags & MBI_CMDLINE)
		append_args(mb_ptr(mbi->cmdline, 1));
	if (mbi->flags & MBI_MMAP) {
		const uint8_t *p = mb_ptr(mbi->mmap_addr, mbi->mmap_length);
		for (uint32_t off = 0; off + sizeof(struct mb_mmap) <= mbi->mmap_length;) {
			const struct mb_mmap *e = (const void *)(p + off);
			if (e->type == 1)
				add_ram(e->base, e->length);
			off += e->size + 4;
		}
	} else if (mbi->flags & MBI_MEM) {
		add_ram(0, (uint64_t)mbi->mem_lower << 10);
		add_ram(0x100000, (uint64_t)mbi->mem_upper << 10);
	} else {
		panic("the boot loader gave no memory map");
	}
	if ((mbi->flags & MBI_MODS) && mbi->mods_count) {
		const struct mb_module *m = mb_ptr(mbi->mods_addr, sizeof(*m));
		mb_ptr(m->start, m->end - m->start);
		boot_info.mod_start = m->start;
		boot_info.mod_end = m->end;
		if (m->string)
			append_args(mb_ptr(m->string, 1));
		if (mbi->mods_count > 1)
			printk("native: %u modules given; only the first (the initrd) is used\n",
			       mbi->mods_count);
	}
}
