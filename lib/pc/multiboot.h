/*
 * Multiboot v1: the header a kernel image carries, the structures the loader
 * hands over (layouts from the specification), and a reader that copies what
 * they say into a caller's struct. Used by the hypervisor and the native guest
 * kernel; the parts for head.S are assembler-safe.
 */
#ifndef LIB_PC_MULTIBOOT_H
#define LIB_PC_MULTIBOOT_H

#define MULTIBOOT_HEADER_MAGIC 0x1BADB002
#define MULTIBOOT_HEADER_FLAGS 0x00000003     /* page-aligned modules, memory information */
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002 /* in EAX at the entry; EBX: the info */

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

/* multiboot_info.flags: which fields the loader filled in */
#define MULTIBOOT_INFO_MEM 0x001
#define MULTIBOOT_INFO_CMDLINE 0x004
#define MULTIBOOT_INFO_MODS 0x008
#define MULTIBOOT_INFO_MMAP 0x040
#define MULTIBOOT_MMAP_RAM 1

struct multiboot_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
};
struct multiboot_mod_list {
	uint32_t start, end, string, reserved;
};
struct multiboot_mmap_entry {
	uint32_t size; /* of the rest of the entry */
	uint64_t base, length;
	uint32_t type;
} __attribute__((packed));

/* What the loader said, in the caller's address space. */
#define MULTIBOOT_MAX_RAM 32
#define MULTIBOOT_MAX_MODULES 4
struct multiboot_range {
	uint64_t start, end; /* physical, [start, end) */
};
struct multiboot_module {
	uint32_t start, end; /* physical, [start, end) */
	const char *cmdline; /* NULL if none */
};
struct multiboot_boot {
	const char *cmdline; /* the kernel's; NULL if none */
	bool has_mmap;	     /* ram[]: the memory map's RAM ranges, in its order */
	unsigned nr_ram;     /* (non-empty ranges; those past MULTIBOOT_MAX_RAM are lost) */
	struct multiboot_range ram[MULTIBOOT_MAX_RAM];
	bool has_mem;		       /* the loader's RAM sizes: */
	uint64_t mem_lower, mem_upper; /* bytes at 0 and at 1 MiB */
	uint32_t nr_modules; /* as the loader counts them: may be more than modules[] holds */
	struct multiboot_module modules[MULTIBOOT_MAX_MODULES];
};

/* The loader's bytes [paddr, paddr + len) where the caller can read them. The
 * caller decides what is out of its reach (and may panic: there is no error). */
typedef const void *(*multiboot_map_fn)(uint32_t paddr, uint32_t len);

#define MULTIBOOT_ERR_MAGIC (-1) /* not started by a multiboot loader */
/* Read the information at physical info_paddr into *mb (the strings stay in the
 * loader's memory, through map). 0, or MULTIBOOT_ERR_MAGIC. */
int multiboot_read(uint32_t magic, uint32_t info_paddr, multiboot_map_fn map,
		   struct multiboot_boot *mb);
#endif

#endif
