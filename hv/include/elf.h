/*
 * ELF32 PV kernel images: parsing and checking (pure logic, host-tested).
 * elf_parse refuses anything the domain builder should not load and says why.
 */
#ifndef HV_ELF_H
#define HV_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_LOAD 8

struct elf_segment {
	uint32_t offset, filesz; /* bytes in the file */
	uint32_t vaddr, memsz;	 /* where they go; memsz >= filesz, rest zeroed */
	uint32_t flags;		 /* PF_X 1, PF_W 2, PF_R 4 */
};

struct elf_image {
	const uint8_t *data;
	size_t size;
	uint32_t entry;		 /* XEN_ELFNOTE_ENTRY or e_entry */
	uint32_t virt_base;	 /* XEN_ELFNOTE_VIRT_BASE, 0 if absent */
	uint32_t hypercall_page; /* virtual address, 0 if not requested */
	uint32_t vstart, vend;	 /* lowest and one past highest loaded address */
	char guest_os[32];
	unsigned nr_segments;
	struct elf_segment seg[ELF_MAX_LOAD];
};

#define PF_X 1
#define PF_W 2
#define PF_R 4

/* 0, or -XEN_EINVAL with a one-line reason in err. */
int elf_parse(const void *data, size_t size, struct elf_image *img, char *err, size_t errlen);

#endif
