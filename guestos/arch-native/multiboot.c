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
#include <pc/multiboot.h>

#define BOOT_MAP_END 0x35800000u /* what head.S maps: up to KERNEL_DIRECT_END */

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
	struct multiboot_boot mb;
	if (multiboot_read(magic, mbi_paddr, mb_ptr, &mb))
		panic("not started by a multiboot loader (magic %#x)", magic);

	if (mb.cmdline)
		append_args(mb.cmdline);
	if (mb.has_mmap) {
		for (unsigned i = 0; i < mb.nr_ram; i++)
			add_ram(mb.ram[i].start, mb.ram[i].end - mb.ram[i].start);
	} else if (mb.has_mem) {
		add_ram(0, mb.mem_lower);
		add_ram(0x100000, mb.mem_upper);
	} else {
		panic("the boot loader gave no memory map");
	}
	if (mb.nr_modules) {
		const struct multiboot_module *m = &mb.modules[0];
		mb_ptr(m->start, m->end - m->start);
		boot_info.mod_start = m->start;
		boot_info.mod_end = m->end;
		if (m->cmdline)
			append_args(m->cmdline);
		if (mb.nr_modules > 1)
			printk("native: %u modules given; only the first (the initrd) is used\n",
			       mb.nr_modules);
	}
}
