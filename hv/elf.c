/*
 * ELF32 PV kernel images: headers, loadable segments and Xen ELF notes, each
 * checked before the builder trusts it. Pure logic; tests/unit/test_elf.c
 * covers every refusal.
 */
#include <elf.h>
#include <stdbool.h>
#include <fmt.h>
#include <public/elfnote.h>
#include <public/errno.h>
#include <public/xen.h>
#include <string.h>

#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_NOTE 4
#define ET_EXEC 2
#define EM_386 3
#define MAX_PHDRS 64

struct ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

struct notes_seen {
	unsigned mask; /* bit n: note type n present */
	char xen_version[16], loader[16], pae[24];
};

#define REFUSE(...)                                 \
	do {                                        \
		snprintf(err, errlen, __VA_ARGS__); \
		return -XEN_EINVAL;                 \
	} while (0)

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static bool in_file(size_t size, uint32_t off, uint32_t len)
{
	return off <= size && len <= size - off;
}

static void note_string(char *dst, size_t dstlen, const uint8_t *desc, uint32_t len)
{
	size_t n = strnlen((const char *)desc, len);
	if (n >= dstlen)
		n = dstlen - 1;
	memcpy(dst, desc, n);
	dst[n] = '\0';
}

static int parse_notes(const uint8_t *p, uint32_t len, struct elf_image *img,
		       struct notes_seen *seen, char *err, size_t errlen)
{
	uint32_t off = 0;
	while (len - off >= 12) {
		uint32_t namesz = rd32(p + off), descsz = rd32(p + off + 4);
		uint32_t type = rd32(p + off + 8);
		uint32_t name_off = off + 12;
		if (namesz > len || descsz > len)
			REFUSE("ELF note too large");
		uint32_t desc_off = name_off + ((namesz + 3) & ~3u);
		uint32_t next = desc_off + ((descsz + 3) & ~3u);
		if (desc_off > len || next > len || next < desc_off)
			REFUSE("ELF note runs past its segment");
		off = next;
		if (namesz != 4 || memcmp(p + name_off, "Xen", 4))
			continue;
		const uint8_t *desc = p + desc_off;
		if (type < 32)
			seen->mask |= 1u << type;
		bool is_u32 = type == XEN_ELFNOTE_ENTRY || type == XEN_ELFNOTE_HYPERCALL_PAGE ||
			      type == XEN_ELFNOTE_VIRT_BASE || type == XEN_ELFNOTE_PADDR_OFFSET;
		if (is_u32 && descsz < 4)
			REFUSE("ELF note %u too short", type);
		switch (type) {
		case XEN_ELFNOTE_ENTRY:
			img->entry = rd32(desc);
			break;
		case XEN_ELFNOTE_HYPERCALL_PAGE:
			img->hypercall_page = rd32(desc);
			break;
		case XEN_ELFNOTE_VIRT_BASE:
			img->virt_base = rd32(desc);
			break;
		case XEN_ELFNOTE_GUEST_OS:
			note_string(img->guest_os, sizeof(img->guest_os), desc, descsz);
			break;
		case XEN_ELFNOTE_XEN_VERSION:
			note_string(seen->xen_version, sizeof(seen->xen_version), desc, descsz);
			break;
		case XEN_ELFNOTE_LOADER:
			note_string(seen->loader, sizeof(seen->loader), desc, descsz);
			break;
		case XEN_ELFNOTE_PAE_MODE:
			note_string(seen->pae, sizeof(seen->pae), desc, descsz);
			break;
		}
	}
	return 0;
}

static int check_notes(const struct notes_seen *seen, char *err, size_t errlen)
{
	static const struct {
		unsigned type;
		const char *name;
	} required[] = {
		{ XEN_ELFNOTE_GUEST_OS, "GUEST_OS" },
		{ XEN_ELFNOTE_XEN_VERSION, "XEN_VERSION" },
		{ XEN_ELFNOTE_LOADER, "LOADER" },
		{ XEN_ELFNOTE_PAE_MODE, "PAE_MODE" },
	};
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!(seen->mask & (1u << required[i].type)))
			REFUSE("missing ELF note %s", required[i].name);
	if (strcmp(seen->xen_version, "xen-3.0"))
		REFUSE("ELF note XEN_VERSION is \"%s\", not \"xen-3.0\"", seen->xen_version);
	if (strcmp(seen->loader, "generic"))
		REFUSE("ELF note LOADER is \"%s\", not \"generic\"", seen->loader);
	if (strncmp(seen->pae, "yes", 3) && strcmp(seen->pae, "bimodal"))
		REFUSE("ELF note PAE_MODE is \"%s\": this hypervisor runs PAE guests only",
		       seen->pae);
	return 0;
}

static int check_header(const struct ehdr *eh, size_t size, char *err, size_t errlen)
{
	if (memcmp(eh->ident, "\177ELF", 4))
		REFUSE("not an ELF file");
	if (eh->ident[4] != 1 || eh->ident[5] != 1)
		REFUSE("not a 32-bit little-endian ELF file");
	if (eh->type != ET_EXEC || eh->machine != EM_386)
		REFUSE("not an i386 executable (type %u, machine %u)", eh->type, eh->machine);
	if (eh->phentsize != sizeof(struct phdr) || eh->phnum == 0 || eh->phnum > MAX_PHDRS)
		REFUSE("bad program header table (%u entries of %u bytes)", eh->phnum,
		       eh->phentsize);
	if (!in_file(size, eh->phoff, (uint32_t)eh->phnum * sizeof(struct phdr)))
		REFUSE("program headers lie outside the file (truncated?)");
	return 0;
}

static int add_segment(struct elf_image *img, const struct phdr *ph, size_t size, char *err,
		       size_t errlen)
{
	if (ph->filesz > ph->memsz)
		REFUSE("segment at %#x: file size exceeds memory size", ph->vaddr);
	if (!in_file(size, ph->offset, ph->filesz))
		REFUSE("segment at %#x lies outside the file (truncated?)", ph->vaddr);
	if (ph->vaddr + ph->memsz < ph->vaddr || ph->vaddr + ph->memsz > HYPERVISOR_VIRT_START)
		REFUSE("segment %#x-%#x overlaps the hypervisor (at %#x)", ph->vaddr,
		       ph->vaddr + ph->memsz, HYPERVISOR_VIRT_START);
	if ((ph->flags & PF_W) && (ph->flags & PF_X))
		REFUSE("segment at %#x is both writable and executable", ph->vaddr);
	for (unsigned i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *s = &img->seg[i];
		if (ph->vaddr < s->vaddr + s->memsz && s->vaddr < ph->vaddr + ph->memsz)
			REFUSE("segments at %#x and %#x overlap", s->vaddr, ph->vaddr);
	}
	if (img->nr_segments == ELF_MAX_LOAD)
		REFUSE("more than %u loadable segments", ELF_MAX_LOAD);
	img->seg[img->nr_segments++] =
	    (struct elf_segment){ ph->offset, ph->filesz, ph->vaddr, ph->memsz, ph->flags };
	if (ph->vaddr < img->vstart)
		img->vstart = ph->vaddr;
	if (ph->vaddr + ph->memsz > img->vend)
		img->vend = ph->vaddr + ph->memsz;
	return 0;
}

static const struct elf_segment *segment_at(const struct elf_image *img, uint32_t va)
{
	for (unsigned i = 0; i < img->nr_segments; i++)
		if (va >= img->seg[i].vaddr && va - img->seg[i].vaddr < img->seg[i].memsz)
			return &img->seg[i];
	return NULL;
}

int elf_parse(const void *data, size_t size, struct elf_image *img, char *err, size_t errlen)
{
	struct ehdr eh;
	struct notes_seen seen = { 0 };
	int rc;

	memset(img, 0, sizeof(*img));
	img->data = data;
	img->size = size;
	img->vstart = 0xFFFFFFFF;
	if (size < sizeof(eh))
		REFUSE("image too small for an ELF header (%u bytes)", (unsigned)size);
	memcpy(&eh, data, sizeof(eh));
	if ((rc = check_header(&eh, size, err, errlen)))
		return rc;
	img->entry = eh.entry;

	for (unsigned i = 0; i < eh.phnum; i++) {
		struct phdr ph;
		memcpy(&ph, (const uint8_t *)data + eh.phoff + i * sizeof(ph), sizeof(ph));
		if (ph.type == PT_DYNAMIC || ph.type == PT_INTERP)
			REFUSE("dynamically linked image");
		if (ph.type == PT_NOTE) {
			if (!in_file(size, ph.offset, ph.filesz))
				REFUSE("note segment lies outside the file (truncated?)");
			rc = parse_notes((const uint8_t *)data + ph.offset, ph.filesz, img, &seen,
					 err, errlen);
		} else if (ph.type == PT_LOAD && ph.memsz) {
			rc = add_segment(img, &ph, size, err, errlen);
		}
		if (rc)
			return rc;
	}
	if (!img->nr_segments)
		REFUSE("no loadable segments");
	if ((rc = check_notes(&seen, err, errlen)))
		return rc;
	if (img->virt_base > img->vstart)
		REFUSE("VIRT_BASE %#x lies above the image start %#x", img->virt_base, img->vstart);
	const struct elf_segment *es = segment_at(img, img->entry);
	if (!es || !(es->flags & PF_X))
		REFUSE("entry point %#x is not in an executable segment", img->entry);
	if (img->hypercall_page) {
		const struct elf_segment *hs = segment_at(img, img->hypercall_page);
		if ((img->hypercall_page & 0xFFF) || !hs ||
		    img->hypercall_page + 4096 > hs->vaddr + hs->memsz)
			REFUSE("hypercall page %#x is not a page inside the image",
			       img->hypercall_page);
	}
	return 0;
}
