/*
 * Program images: checks a static ELF32 i386 executable (uapi/syscall.h,
 * "Program image") and lists the segments exec maps. Anything suspicious is
 * refused with a one-line reason. Pure logic: tests/unit/test_guest_elf.c.
 */
#include <kernel.h>

/* ELF32 as the System V ABI defines it (little-endian i386). */
struct elf32_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

_Static_assert(sizeof(struct elf32_ehdr) == 52, "ELF32 header");
_Static_assert(sizeof(struct elf32_phdr) == 32, "ELF32 program header");

#define ET_EXEC 2
#define EM_386 3
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_TLS 7
#define PT_GNU_STACK 0x6474e551
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define MAX_PHDRS 64

static int refuse(const char **why, const char *reason)
{
	*why = reason;
	return -UAPI_ENOEXEC;
}

static int check_header(const struct elf32_ehdr *eh, size_t len, const char **why)
{
	static const uint8_t ident[7] = { 0x7f, 'E', 'L', 'F', 1 /* 32-bit */, 1 /* LSB */, 1 };
	if (len < sizeof(*eh) || memcmp(eh->ident, ident, sizeof(ident)))
		return refuse(why, "not an ELF32 little-endian file");
	if (eh->type != ET_EXEC)
		return refuse(why, "not a static executable (ET_EXEC)");
	if (eh->machine != EM_386 || eh->version != 1)
		return refuse(why, "not for i386");
	if (eh->phentsize != sizeof(struct elf32_phdr) || eh->phnum == 0 || eh->phnum > MAX_PHDRS)
		return refuse(why, "bad program header table");
	if (eh->phoff > len || (size_t)eh->phnum * sizeof(struct elf32_phdr) > len - eh->phoff)
		return refuse(why, "program headers beyond the end of the file");
	if (eh->phoff % 4)
		return refuse(why, "misaligned program headers");
	return 0;
}

static int add_load(const struct elf32_phdr *ph, size_t len, struct elf_program *out,
		    const char **why)
{
	if (ph->filesz > ph->memsz)
		return refuse(why, "segment file size exceeds its memory size");
	if (ph->offset > len || ph->filesz > len - ph->offset)
		return refuse(why, "segment data beyond the end of the file");
	if (ph->vaddr % PAGE_SIZE != ph->offset % PAGE_SIZE)
		return refuse(why, "segment address and offset disagree modulo the page size");
	if (ph->vaddr < USER_MIN || ph->vaddr >= USER_MMAP_BASE ||
	    ph->memsz > USER_MMAP_BASE - ph->vaddr)
		return refuse(why, "segment outside the program area");
	if ((ph->flags & PF_W) && (ph->flags & PF_X))
		return refuse(why, "segment both writable and executable");
	if (out->nr == ELF_MAX_SEGMENTS)
		return refuse(why, "too many segments");
	uint32_t start = PAGE_ROUND_DOWN(ph->vaddr);
	for (unsigned i = 0; i < out->nr; i++) {
		const struct elf_segment *s = &out->seg[i];
		if (start < PAGE_ROUND_UP(s->vaddr + s->memsz) &&
		    PAGE_ROUND_DOWN(s->vaddr) < PAGE_ROUND_UP(ph->vaddr + ph->memsz))
			return refuse(why, "segments share a page");
	}
	struct elf_segment *s = &out->seg[out->nr++];
	s->vaddr = ph->vaddr;
	s->memsz = ph->memsz;
	s->filesz = ph->filesz;
	s->offset = ph->offset;
	s->prot = ((ph->flags & PF_R) ? ARCH_PROT_READ : 0) |
		  ((ph->flags & PF_W) ? ARCH_PROT_WRITE : 0) |
		  ((ph->flags & PF_X) ? ARCH_PROT_EXEC : 0);
	uint32_t end = PAGE_ROUND_UP(ph->vaddr + ph->memsz);
	if (end > out->end)
		out->end = end;
	return 0;
}

int elf_program_check(const void *image, size_t len, struct elf_program *out, const char **why)
{
	const struct elf32_ehdr *eh = image;
	memset(out, 0, sizeof(*out));
	*why = NULL;
	int rc = check_header(eh, len, why);
	if (rc)
		return rc;
	const struct elf32_phdr *ph = (const void *)((const uint8_t *)image + eh->phoff);
	for (unsigned i = 0; i < eh->phnum; i++) {
		switch (ph[i].type) {
		case PT_LOAD:
			if (ph[i].memsz && (rc = add_load(&ph[i], len, out, why)))
				return rc;
			break;
		case PT_DYNAMIC:
		case PT_INTERP:
			return refuse(why, "dynamically linked");
		case PT_TLS:
			return refuse(why, "thread-local storage is not supported");
		case PT_GNU_STACK:
			if (ph[i].flags & PF_X)
				return refuse(why, "asks for an executable stack");
			break;
		}
	}
	if (out->nr == 0)
		return refuse(why, "no loadable segment");
	for (unsigned i = 0; i < out->nr; i++) {
		const struct elf_segment *s = &out->seg[i];
		if ((s->prot & ARCH_PROT_EXEC) && eh->entry >= s->vaddr &&
		    eh->entry - s->vaddr < s->memsz) {
			out->entry = eh->entry;
			return 0;
		}
	}
	return refuse(why, "entry point outside the executable segments");
}
