/*
 * elf_parse (hv/elf.c): a well-formed PV kernel image is accepted and described;
 * every suspicious one is refused with -XEN_EINVAL and a reason. Images are built
 * in memory, each in a heap buffer of exactly its size so AddressSanitizer
 * catches any read past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <elf.h>
#include <public/elfnote.h>
#include <public/errno.h>
#include <public/xen.h>

#define BASE 0xC0000000u /* the good image's VIRT_BASE and first segment */
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_NOTE 4
#define ET_REL 1
#define ET_DYN 3
#define EM_X86_64 62

/* Offsets of the ELF32 header and program header fields the tests patch. */
enum { EH_CLASS = 4, EH_DATA = 5, EH_TYPE = 16, EH_MACHINE = 18, EH_PHOFF = 28,
       EH_PHENTSIZE = 42, EH_PHNUM = 44, EHDR_SIZE = 52 };
enum { PH_OFFSET = 4, PH_FILESZ = 16, PH_MEMSZ = 20, PHDR_SIZE = 32 };

/* ---- A small ELF32 image builder -------------------------------------------- */

enum { MAX_SEGS = 12, MAX_NOTES = 12 };

struct seg_spec {
	uint32_t type, vaddr, filesz, memsz, flags;
};
struct note_spec {
	const char *owner;
	uint32_t type, descsz;
	uint8_t desc[64];
};
/* What to build: the header fields, the segments, the notes (all in one PT_NOTE,
 * which comes first), and raw bytes after the notes for malformed ones. */
struct spec {
	uint8_t elf_class, data_enc;
	uint16_t type, machine;
	uint32_t entry;
	unsigned nr_segs, nr_notes;
	struct seg_spec seg[MAX_SEGS];
	struct note_spec note[MAX_NOTES];
	uint8_t note_tail[64];
	uint32_t note_tail_len;
};

struct blob {
	uint8_t *data;
	size_t size;
	bool has_notes;
	uint32_t phoff, data_off, seg_off[MAX_SEGS];
};

static struct spec spec;
static struct blob image;
static bool built;
static struct elf_image img;
static char err[160];

static uint32_t align(uint32_t v, uint32_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static uint32_t note_size(const struct note_spec *n)
{
	return 12 + align((uint32_t)strlen(n->owner) + 1, 4) + align(n->descsz, 4);
}

/* Writes one note; padding after the descriptor is 0xEE, not 0, so a string note
 * is only ever read within its descsz. Returns the bytes written. */
static uint32_t write_note(uint8_t *p, const struct note_spec *n)
{
	uint32_t namesz = (uint32_t)strlen(n->owner) + 1;
	put32(p, namesz);
	put32(p + 4, n->descsz);
	put32(p + 8, n->type);
	memcpy(p + 12, n->owner, namesz);
	uint8_t *desc = p + 12 + align(namesz, 4);
	memset(desc, 0xEE, align(n->descsz, 4));
	memcpy(desc, n->desc, n->descsz);
	return note_size(n);
}

static void write_phdr(uint8_t *p, const struct seg_spec *s, uint32_t offset)
{
	put32(p, s->type);
	put32(p + PH_OFFSET, offset);
	put32(p + 8, s->vaddr);
	put32(p + 12, s->vaddr);
	put32(p + PH_FILESZ, s->filesz);
	put32(p + PH_MEMSZ, s->memsz);
	put32(p + 24, s->flags);
	put32(p + 28, 0x1000);
}

static struct blob build(const struct spec *s)
{
	struct blob b = { 0 };
	uint32_t notes_len = s->note_tail_len;
	for (unsigned i = 0; i < s->nr_notes; i++)
		notes_len += note_size(&s->note[i]);
	b.has_notes = notes_len != 0;
	unsigned phnum = s->nr_segs + b.has_notes;
	b.phoff = EHDR_SIZE;
	uint32_t note_off = b.phoff + phnum * PHDR_SIZE;
	b.data_off = align(note_off + notes_len, 16);
	b.size = b.data_off;
	for (unsigned i = 0; i < s->nr_segs; i++) {
		b.seg_off[i] = (uint32_t)b.size;
		b.size += align(s->seg[i].filesz, 16);
	}
	b.data = calloc(1, b.size);
	assert_non_null(b.data);

	uint8_t *p = b.data;
	memcpy(p, "\177ELF", 4);
	p[EH_CLASS] = s->elf_class;
	p[EH_DATA] = s->data_enc;
	p[6] = 1; /* EV_CURRENT */
	put16(p + EH_TYPE, s->type);
	put16(p + EH_MACHINE, s->machine);
	put32(p + 20, 1);
	put32(p + 24, s->entry);
	put32(p + EH_PHOFF, b.phoff);
	put16(p + 40, EHDR_SIZE);
	put16(p + EH_PHENTSIZE, PHDR_SIZE);
	put16(p + EH_PHNUM, (uint16_t)phnum);
	put16(p + 46, 40);

	uint8_t *ph = p + b.phoff;
	if (b.has_notes) {
		struct seg_spec note = { PT_NOTE, 0, notes_len, notes_len, PF_R };
		write_phdr(ph, &note, note_off);
		ph += PHDR_SIZE;
		uint8_t *n = p + note_off;
		for (unsigned i = 0; i < s->nr_notes; i++)
			n += write_note(n, &s->note[i]);
		memcpy(n, s->note_tail, s->note_tail_len);
	}
	for (unsigned i = 0; i < s->nr_segs; i++, ph += PHDR_SIZE) {
		write_phdr(ph, &s->seg[i], b.seg_off[i]);
		memset(p + b.seg_off[i], 0xA0 + i, s->seg[i].filesz);
	}
	return b;
}

static void add_seg(uint32_t type, uint32_t vaddr, uint32_t filesz, uint32_t memsz,
		    uint32_t flags)
{
	assert_true(spec.nr_segs < MAX_SEGS);
	spec.seg[spec.nr_segs++] = (struct seg_spec){ type, vaddr, filesz, memsz, flags };
}

/* Replaces the Xen note of this type, or adds it. */
static void set_note(const char *owner, uint32_t type, const void *desc, uint32_t len)
{
	assert_true(len <= sizeof(spec.note[0].desc));
	unsigned i = 0;
	while (i < spec.nr_notes && !(spec.note[i].type == type && !strcmp(owner, "Xen") &&
				      !strcmp(spec.note[i].owner, "Xen")))
		i++;
	assert_true(i < MAX_NOTES);
	if (i == spec.nr_notes)
		spec.nr_notes++;
	spec.note[i] = (struct note_spec){ .owner = owner, .type = type, .descsz = len };
	memcpy(spec.note[i].desc, desc, len);
}

static void set_str_note(uint32_t type, const char *s)
{
	set_note("Xen", type, s, (uint32_t)strlen(s) + 1);
}

static void set_u32_note(uint32_t type, uint32_t v)
{
	uint8_t le[4];
	put32(le, v);
	set_note("Xen", type, le, 4);
}

static void drop_note(uint32_t type)
{
	for (unsigned i = 0; i < spec.nr_notes; i++)
		if (spec.note[i].type == type) {
			spec.note[i] = spec.note[--spec.nr_notes];
			return;
		}
	fail_msg("no note of type %u to drop", type);
}

/* Raw note header (and `extra` bytes of "Xen\0"-then-zeros) after the notes. */
static void add_raw_note(uint32_t namesz, uint32_t descsz, uint32_t type, uint32_t extra)
{
	uint8_t *t = spec.note_tail + spec.note_tail_len;
	assert_true(spec.note_tail_len + 12 + extra <= sizeof(spec.note_tail));
	put32(t, namesz);
	put32(t + 4, descsz);
	put32(t + 8, type);
	memset(t + 12, 0, extra);
	if (extra >= 4)
		memcpy(t + 12, "Xen", 4);
	spec.note_tail_len += 12 + extra;
}

/*
 * The good image: text at BASE (R+X, 8 KiB, holds the hypercall page at +4 KiB),
 * data right after it (R+W, 2 KiB in the file, 12 KiB in memory), every note a PV
 * kernel carries, entry at BASE + 0x10 from e_entry.
 */
static void good_spec(void)
{
	memset(&spec, 0, sizeof(spec));
	spec.elf_class = 1;
	spec.data_enc = 1;
	spec.type = 2; /* ET_EXEC */
	spec.machine = 3; /* EM_386 */
	spec.entry = BASE + 0x10;
	add_seg(PT_LOAD, BASE, 0x2000, 0x2000, PF_R | PF_X);
	add_seg(PT_LOAD, BASE + 0x2000, 0x800, 0x3000, PF_R | PF_W);
	set_str_note(XEN_ELFNOTE_GUEST_OS, "Paravane");
	set_str_note(XEN_ELFNOTE_GUEST_VERSION, "0.1");
	set_str_note(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	set_str_note(XEN_ELFNOTE_LOADER, "generic");
	set_str_note(XEN_ELFNOTE_PAE_MODE, "yes");
	set_u32_note(XEN_ELFNOTE_VIRT_BASE, BASE);
	set_u32_note(XEN_ELFNOTE_PADDR_OFFSET, 0);
	set_u32_note(XEN_ELFNOTE_HYPERCALL_PAGE, BASE + 0x1000);
	set_str_note(XEN_ELFNOTE_FEATURES, "writable_page_tables");
}

static void drop_image(void)
{
	free(image.data);
	memset(&image, 0, sizeof(image));
	built = false;
}

static void build_image(void)
{
	drop_image();
	image = build(&spec);
	built = true;
}

static void ensure_built(void)
{
	if (!built)
		build_image();
}

/* Start over from the good image (for tests that try several variants). */
static void reset(void)
{
	drop_image();
	good_spec();
}

/* Keep the first n bytes, in a buffer of exactly n bytes. */
static void truncate_image(size_t n)
{
	ensure_built();
	assert_true(n <= image.size);
	uint8_t *d = malloc(n ? n : 1);
	assert_non_null(d);
	memcpy(d, image.data, n);
	free(image.data);
	image.data = d;
	image.size = n;
}

static uint32_t note_phdr(void)
{
	ensure_built();
	return image.phoff;
}

static uint32_t seg_phdr(unsigned seg)
{
	ensure_built();
	return image.phoff + (image.has_notes + seg) * PHDR_SIZE;
}

static uint32_t phdrs_end(void)
{
	ensure_built();
	return image.phoff + (image.has_notes + spec.nr_segs) * PHDR_SIZE;
}

static void patch16(uint32_t off, uint16_t v)
{
	ensure_built();
	put16(image.data + off, v);
}

static void patch32(uint32_t off, uint32_t v)
{
	ensure_built();
	put32(image.data + off, v);
}

static int parse(void)
{
	ensure_built();
	memset(err, 0x55, sizeof(err));
	return elf_parse(image.data, image.size, &img, err, sizeof(err));
}

static void expect_accepted(void)
{
	int rc = parse();
	if (rc)
		fail_msg("refused (%d): %.*s", rc, (int)sizeof(err), err);
}

static void expect_refused(const char *reason)
{
	int rc = parse();
	assert_int_equal(rc, -XEN_EINVAL);
	assert_non_null(memchr(err, '\0', sizeof(err)));
	if (!strstr(err, reason))
		fail_msg("error \"%s\" does not mention \"%s\"", err, reason);
}

static int setup(void **state)
{
	(void)state;
	reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	drop_image();
	return 0;
}

/* ---- Accepted images ----------------------------------------------------------- */

static void accepts_well_formed_image_and_describes_it(void **state)
{
	(void)state;
	expect_accepted();
	assert_ptr_equal(img.data, image.data);
	assert_int_equal(img.size, image.size);
	assert_int_equal(img.entry, BASE + 0x10);
	assert_int_equal(img.virt_base, BASE);
	assert_int_equal(img.hypercall_page, BASE + 0x1000);
	assert_int_equal(img.vstart, BASE);
	assert_int_equal(img.vend, BASE + 0x5000);
	assert_string_equal(img.guest_os, "Paravane");
	assert_int_equal(img.nr_segments, 2);
	assert_int_equal(img.seg[0].offset, image.seg_off[0]);
	assert_int_equal(img.seg[0].filesz, 0x2000);
	assert_int_equal(img.seg[0].vaddr, BASE);
	assert_int_equal(img.seg[0].memsz, 0x2000);
	assert_int_equal(img.seg[0].flags, PF_R | PF_X);
	assert_int_equal(img.seg[1].offset, image.seg_off[1]);
	assert_int_equal(img.seg[1].filesz, 0x800);
	assert_int_equal(img.seg[1].vaddr, BASE + 0x2000);
	assert_int_equal(img.seg[1].memsz, 0x3000);
	assert_int_equal(img.seg[1].flags, PF_R | PF_W);
	assert_int_equal(img.data[img.seg[1].offset], 0xA1);
}

static void entry_note_overrides_e_entry(void **state)
{
	(void)state;
	set_u32_note(XEN_ELFNOTE_ENTRY, BASE + 0x100);
	expect_accepted();
	assert_int_equal(img.entry, BASE + 0x100);
}

static void optional_notes_may_be_absent(void **state)
{
	(void)state;
	drop_note(XEN_ELFNOTE_VIRT_BASE);
	drop_note(XEN_ELFNOTE_HYPERCALL_PAGE);
	drop_note(XEN_ELFNOTE_GUEST_VERSION);
	drop_note(XEN_ELFNOTE_PADDR_OFFSET);
	drop_note(XEN_ELFNOTE_FEATURES);
	expect_accepted();
	assert_int_equal(img.virt_base, 0);
	assert_int_equal(img.hypercall_page, 0);
}

static void accepts_pae_mode_yes_with_suffix_and_bimodal(void **state)
{
	(void)state;
	set_str_note(XEN_ELFNOTE_PAE_MODE, "yes[extended-cr3]");
	expect_accepted();
	reset();
	set_str_note(XEN_ELFNOTE_PAE_MODE, "bimodal");
	expect_accepted();
}

static void string_notes_are_read_within_their_size(void **state)
{
	(void)state;
	/* No terminating NUL: the builder pads with 0xEE, which must not be read. */
	set_note("Xen", XEN_ELFNOTE_XEN_VERSION, "xen-3.0", 7);
	set_note("Xen", XEN_ELFNOTE_GUEST_OS, "Mini", 4);
	expect_accepted();
	assert_string_equal(img.guest_os, "Mini");
}

static void long_guest_os_is_truncated_to_fit(void **state)
{
	(void)state;
	const char *name = "A guest OS with a very long name indeed, longer than 31";
	set_str_note(XEN_ELFNOTE_GUEST_OS, name);
	expect_accepted();
	assert_int_equal(strlen(img.guest_os), sizeof(img.guest_os) - 1);
	assert_memory_equal(img.guest_os, name, sizeof(img.guest_os) - 1);
}

static void ignores_notes_of_other_owners(void **state)
{
	(void)state;
	/* Same type numbers, other owners: neither satisfies nor breaks the rules. */
	set_note("GNU", XEN_ELFNOTE_XEN_VERSION, "bad", 4);
	set_note("Xenon", XEN_ELFNOTE_LOADER, "bad", 4);
	set_note("Xe", XEN_ELFNOTE_VIRT_BASE, "\xff\xff\xff\xff", 4);
	expect_accepted();
	assert_int_equal(img.virt_base, BASE);
	reset();
	drop_note(XEN_ELFNOTE_LOADER);
	set_note("GNU", XEN_ELFNOTE_LOADER, "generic", 8);
	expect_refused("LOADER");
}

static void accepts_note_segment_with_short_tail(void **state)
{
	(void)state;
	/* Fewer than 12 bytes left cannot hold a note header: ignored. */
	memset(spec.note_tail, 0xFF, 11);
	spec.note_tail_len = 11;
	expect_accepted();
}

static void ignores_load_segments_with_zero_memsz(void **state)
{
	(void)state;
	add_seg(PT_LOAD, 0xFFFFF000, 0, 0, PF_R | PF_W | PF_X);
	expect_accepted();
	assert_int_equal(img.nr_segments, 2);
}

static void accepts_segment_ending_exactly_at_hypervisor_start(void **state)
{
	(void)state;
	add_seg(PT_LOAD, HYPERVISOR_VIRT_START - 0x1000, 0x10, 0x1000, PF_R | PF_W);
	expect_accepted();
	assert_int_equal(img.vend, HYPERVISOR_VIRT_START);
}

static void add_read_only_segments(unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		add_seg(PT_LOAD, BASE + 0x10000 + i * 0x1000, 0x10, 0x1000, PF_R);
}

static void accepts_eight_load_segments(void **state)
{
	(void)state;
	add_read_only_segments(ELF_MAX_LOAD - 2);
	expect_accepted();
	assert_int_equal(img.nr_segments, ELF_MAX_LOAD);
	assert_int_equal(img.vend, BASE + 0x10000 + (ELF_MAX_LOAD - 2) * 0x1000);
}

/* ---- Truncated and corrupted files ------------------------------------------- */

static void refuses_image_too_small_for_header(void **state)
{
	(void)state;
	size_t sizes[] = { 0, 1, EHDR_SIZE - 1 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		reset();
		truncate_image(sizes[i]);
		expect_refused("too small");
	}
}

static void refuses_program_headers_outside_file(void **state)
{
	(void)state;
	truncate_image(phdrs_end() - 1);
	expect_refused("program headers lie outside the file");
	reset();
	patch32(EH_PHOFF, 0xFFFFFFF0); /* offset + size wraps around */
	expect_refused("program headers lie outside the file");
	reset();
	build_image();
	patch32(EH_PHOFF, (uint32_t)image.size - PHDR_SIZE + 4);
	expect_refused("program headers lie outside the file");
}

static void refuses_segment_data_outside_file(void **state)
{
	(void)state;
	build_image();
	truncate_image(image.size - 1); /* the data segment's last byte */
	expect_refused("lies outside the file");
	reset();
	patch32(seg_phdr(0) + PH_OFFSET, 0xFFFFF000); /* offset + filesz wraps */
	expect_refused("lies outside the file");
	reset();
	patch32(seg_phdr(0) + PH_FILESZ, 0xFFFFFFFF);
	/* filesz > memsz is caught first; make memsz match to reach the file check. */
	patch32(seg_phdr(0) + PH_MEMSZ, 0xFFFFFFFF);
	expect_refused("outside");
}

static void refuses_note_segment_outside_file(void **state)
{
	(void)state;
	build_image();
	patch32(note_phdr() + PH_OFFSET, (uint32_t)image.size - 8);
	expect_refused("note segment lies outside the file");
	reset();
	patch32(note_phdr() + PH_OFFSET, 0xFFFFFFFF);
	expect_refused("note segment lies outside the file");
}

static void refuses_every_truncation_of_the_image(void **state)
{
	(void)state;
	build_image();
	uint8_t *full = image.data;
	size_t full_size = image.size;
	for (size_t n = 0; n < full_size; n++) {
		image.data = malloc(n ? n : 1);
		assert_non_null(image.data);
		memcpy(image.data, full, n);
		image.size = n;
		int rc = parse();
		free(image.data);
		if (rc != -XEN_EINVAL)
			fail_msg("image cut to %zu of %zu bytes: rc %d", n, full_size, rc);
	}
	image.data = full;
	image.size = full_size;
}

/* Every accepted image must describe segments inside the file and the guest's
 * address range: the builder copies them without further checks. */
static void check_image_is_sane(void)
{
	assert_true(img.nr_segments >= 1 && img.nr_segments <= ELF_MAX_LOAD);
	for (unsigned i = 0; i < img.nr_segments; i++) {
		const struct elf_segment *s = &img.seg[i];
		assert_true(s->filesz <= s->memsz);
		assert_true(s->offset <= image.size && s->filesz <= image.size - s->offset);
		assert_true(s->vaddr + s->memsz >= s->vaddr);
		assert_true(s->vaddr + s->memsz <= HYPERVISOR_VIRT_START);
		assert_false((s->flags & PF_W) && (s->flags & PF_X));
	}
}

static void survives_corruption_of_any_header_or_note_byte(void **state)
{
	(void)state;
	build_image();
	const uint8_t values[] = { 0x00, 0xFF, 0x7F, 0x80, 0x01 };
	for (uint32_t off = 0; off < image.data_off; off++) {
		uint8_t orig = image.data[off];
		for (size_t v = 0; v < sizeof(values); v++) {
			image.data[off] = values[v];
			int rc = parse();
			if (rc != 0 && rc != -XEN_EINVAL)
				fail_msg("byte %u = %#x: rc %d", off, values[v], rc);
			if (rc == 0)
				check_image_is_sane();
			else
				assert_non_null(memchr(err, '\0', sizeof(err)));
		}
		image.data[off] = orig;
	}
}

/* ---- The ELF header ------------------------------------------------------------ */

static void refuses_non_elf_file(void **state)
{
	(void)state;
	patch16(0, 0x5A4D); /* "MZ" */
	expect_refused("not an ELF file");
}

static void refuses_64bit_or_big_endian_elf(void **state)
{
	(void)state;
	spec.elf_class = 2;
	expect_refused("32-bit little-endian");
	reset();
	spec.data_enc = 2;
	expect_refused("32-bit little-endian");
}

static void refuses_non_i386_machine(void **state)
{
	(void)state;
	spec.machine = EM_X86_64;
	expect_refused("not an i386 executable");
}

static void refuses_non_executable_type(void **state)
{
	(void)state;
	const uint16_t types[] = { 0, ET_REL, ET_DYN, 4 /* ET_CORE */ };
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		reset();
		spec.type = types[i];
		expect_refused("not an i386 executable");
	}
}

static void refuses_bad_program_header_table(void **state)
{
	(void)state;
	patch16(EH_PHENTSIZE, 40);
	expect_refused("bad program header table");
	reset();
	patch16(EH_PHNUM, 0);
	expect_refused("bad program header table");
	reset();
	patch16(EH_PHNUM, 65);
	expect_refused("bad program header table");
}

/* ---- Loadable segments ---------------------------------------------------------- */

static void refuses_writable_and_executable_segment(void **state)
{
	(void)state;
	add_seg(PT_LOAD, BASE + 0x10000, 0x10, 0x1000, PF_R | PF_W | PF_X);
	expect_refused("both writable and executable");
	reset();
	spec.seg[0].flags = PF_W | PF_X;
	expect_refused("both writable and executable");
}

static void refuses_segment_reaching_into_hypervisor(void **state)
{
	(void)state;
	add_seg(PT_LOAD, HYPERVISOR_VIRT_START - 0x1000, 0, 0x1001, PF_R);
	expect_refused("overlaps the hypervisor");
	reset();
	add_seg(PT_LOAD, HYPERVISOR_VIRT_START, 0, 0x1000, PF_R);
	expect_refused("overlaps the hypervisor");
	reset();
	add_seg(PT_LOAD, 0xFFFFE000, 0, 0x1000, PF_R);
	expect_refused("overlaps the hypervisor");
}

static void refuses_segment_wrapping_around_address_space(void **state)
{
	(void)state;
	add_seg(PT_LOAD, 0xFFFFF000, 0, 0x2000, PF_R); /* ends at 0x1000 */
	expect_refused("overlaps the hypervisor");
	reset();
	add_seg(PT_LOAD, 0x10000000, 0, 0xF0000000, PF_R); /* ends at exactly 0 */
	expect_refused("overlaps the hypervisor");
}

static void refuses_file_size_above_memory_size(void **state)
{
	(void)state;
	add_seg(PT_LOAD, BASE + 0x10000, 0x1001, 0x1000, PF_R);
	expect_refused("file size exceeds memory size");
}

static void expect_overlap_refused(uint32_t vaddr, uint32_t memsz)
{
	reset();
	add_seg(PT_LOAD, vaddr, 0, memsz, PF_R);
	expect_refused("overlap");
}

static void refuses_overlapping_segments(void **state)
{
	(void)state;
	expect_overlap_refused(BASE, 0x2000);             /* identical to text */
	expect_overlap_refused(BASE + 0x1000, 0x10);      /* inside text */
	expect_overlap_refused(BASE - 0x1000, 0x1001);    /* last byte hits text */
	expect_overlap_refused(BASE + 0x4FFF, 0x1000);    /* first byte hits data */
	expect_overlap_refused(BASE - 0x1000, 0x10000);   /* covers both */
}

static void refuses_more_than_eight_load_segments(void **state)
{
	(void)state;
	add_read_only_segments(ELF_MAX_LOAD - 1);
	expect_refused("more than 8 loadable segments");
}

static void refuses_interpreter_segment(void **state)
{
	(void)state;
	add_seg(PT_INTERP, 0, 0x10, 0x10, PF_R);
	expect_refused("dynamically linked");
}

static void refuses_dynamic_segment(void **state)
{
	(void)state;
	add_seg(PT_DYNAMIC, BASE + 0x2000, 0x10, 0x10, PF_R | PF_W);
	expect_refused("dynamically linked");
}

static void refuses_image_without_load_segments(void **state)
{
	(void)state;
	spec.nr_segs = 0;
	expect_refused("no loadable segments");
	reset();
	spec.seg[0].memsz = spec.seg[0].filesz = 0;
	spec.seg[1].memsz = spec.seg[1].filesz = 0;
	expect_refused("no loadable segments");
}

/* ---- Xen notes ------------------------------------------------------------------ */

static void expect_refused_without(uint32_t type, const char *name)
{
	drop_note(type);
	expect_refused("missing ELF note");
	if (!strstr(err, name))
		fail_msg("error \"%s\" does not name %s", err, name);
}

static void refuses_missing_guest_os_note(void **state)
{
	(void)state;
	expect_refused_without(XEN_ELFNOTE_GUEST_OS, "GUEST_OS");
}

static void refuses_missing_xen_version_note(void **state)
{
	(void)state;
	expect_refused_without(XEN_ELFNOTE_XEN_VERSION, "XEN_VERSION");
}

static void refuses_missing_loader_note(void **state)
{
	(void)state;
	expect_refused_without(XEN_ELFNOTE_LOADER, "LOADER");
}

static void refuses_missing_pae_mode_note(void **state)
{
	(void)state;
	expect_refused_without(XEN_ELFNOTE_PAE_MODE, "PAE_MODE");
}

static void refuses_image_without_notes(void **state)
{
	(void)state;
	spec.nr_notes = 0;
	expect_refused("missing ELF note");
}

static void expect_string_refused(uint32_t type, const char *value, const char *reason)
{
	reset();
	set_str_note(type, value);
	expect_refused(reason);
}

static void refuses_wrong_xen_version(void **state)
{
	(void)state;
	expect_string_refused(XEN_ELFNOTE_XEN_VERSION, "xen-3.1", "XEN_VERSION");
	expect_string_refused(XEN_ELFNOTE_XEN_VERSION, "xen-3.0.1", "XEN_VERSION");
	expect_string_refused(XEN_ELFNOTE_XEN_VERSION, "", "XEN_VERSION");
	expect_string_refused(XEN_ELFNOTE_XEN_VERSION, "xen-3.0 and a long tail", "XEN_VERSION");
}

static void refuses_wrong_loader(void **state)
{
	(void)state;
	expect_string_refused(XEN_ELFNOTE_LOADER, "elfbsd", "LOADER");
	expect_string_refused(XEN_ELFNOTE_LOADER, "generic2", "LOADER");
	expect_string_refused(XEN_ELFNOTE_LOADER, "", "LOADER");
}

static void refuses_non_pae_mode(void **state)
{
	(void)state;
	expect_string_refused(XEN_ELFNOTE_PAE_MODE, "no", "PAE");
	expect_string_refused(XEN_ELFNOTE_PAE_MODE, "", "PAE");
	expect_string_refused(XEN_ELFNOTE_PAE_MODE, "ye", "PAE");
	expect_string_refused(XEN_ELFNOTE_PAE_MODE, "bimodalx", "PAE");
}

static void refuses_short_u32_note(void **state)
{
	(void)state;
	const uint32_t types[] = { XEN_ELFNOTE_ENTRY, XEN_ELFNOTE_HYPERCALL_PAGE,
				   XEN_ELFNOTE_VIRT_BASE, XEN_ELFNOTE_PADDR_OFFSET };
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		reset();
		set_note("Xen", types[i], "\0\0\xC0", 3);
		expect_refused("too short");
	}
}

static void refuses_note_name_running_past_segment(void **state)
{
	(void)state;
	add_raw_note(16, 0, XEN_ELFNOTE_GUEST_OS, 4); /* 16-byte name, 4 bytes left */
	expect_refused("runs past its segment");
}

static void refuses_note_desc_running_past_segment(void **state)
{
	(void)state;
	add_raw_note(4, 8, XEN_ELFNOTE_GUEST_OS, 8); /* name, then 4 of 8 desc bytes */
	expect_refused("runs past its segment");
	reset();
	add_raw_note(4, 1, XEN_ELFNOTE_GUEST_OS, 5); /* 1-byte desc, padding cut off */
	expect_refused("runs past its segment");
}

static void refuses_huge_note_sizes(void **state)
{
	(void)state;
	add_raw_note(0xFFFFFFFF, 0, XEN_ELFNOTE_GUEST_OS, 4);
	expect_refused("ELF note too large");
	reset();
	add_raw_note(4, 0xFFFFFFFD, XEN_ELFNOTE_GUEST_OS, 4);
	expect_refused("ELF note too large");
	reset();
	add_raw_note(0xFFFFFFFC, 0xFFFFFFFC, XEN_ELFNOTE_GUEST_OS, 4);
	expect_refused("ELF note too large");
}

/* ---- Where things are ----------------------------------------------------------- */

static void refuses_virt_base_above_image_start(void **state)
{
	(void)state;
	set_u32_note(XEN_ELFNOTE_VIRT_BASE, BASE + 0x1000);
	expect_refused("VIRT_BASE");
}

static void refuses_entry_outside_any_segment(void **state)
{
	(void)state;
	spec.entry = BASE + 0x10000;
	expect_refused("entry point");
	reset();
	spec.entry = BASE - 1;
	expect_refused("entry point");
	reset();
	set_u32_note(XEN_ELFNOTE_ENTRY, 0); /* the note wins over a good e_entry */
	expect_refused("entry point");
}

static void refuses_entry_in_non_executable_segment(void **state)
{
	(void)state;
	spec.entry = BASE + 0x2000; /* first byte of data, just past text */
	expect_refused("not in an executable segment");
	reset();
	spec.entry = BASE + 0x4FFF; /* data's zero-filled tail */
	expect_refused("not in an executable segment");
}

static void refuses_unaligned_hypercall_page(void **state)
{
	(void)state;
	set_u32_note(XEN_ELFNOTE_HYPERCALL_PAGE, BASE + 0x804); /* 4 KiB fit in text */
	expect_refused("hypercall page");
}

static void refuses_hypercall_page_outside_image(void **state)
{
	(void)state;
	set_u32_note(XEN_ELFNOTE_HYPERCALL_PAGE, BASE + 0x10000);
	expect_refused("hypercall page");
	reset();
	set_u32_note(XEN_ELFNOTE_HYPERCALL_PAGE, BASE - 0x1000);
	expect_refused("hypercall page");
}

static void refuses_hypercall_page_crossing_segment_end(void **state)
{
	(void)state;
	spec.seg[0].filesz = spec.seg[0].memsz = 0x1800; /* page at +0x1000 is half in */
	expect_refused("hypercall page");
}

/* ---- The refusal message -------------------------------------------------------- */

static void refusal_message_names_the_offending_address(void **state)
{
	(void)state;
	add_seg(PT_LOAD, 0xC0010000, 0, 0x1000, PF_R | PF_W | PF_X);
	expect_refused("writable and executable");
	if (!strstr(err, "0xc0010000"))
		fail_msg("error \"%s\" does not name the segment at 0xc0010000", err);
}

static void refusal_message_fits_the_error_buffer(void **state)
{
	(void)state;
	char buf[32];
	spec.machine = EM_X86_64;
	build_image();
	memset(buf, 0x55, sizeof(buf));
	assert_int_equal(elf_parse(image.data, image.size, &img, buf, 8), -XEN_EINVAL);
	assert_int_equal(strlen(buf), 7);
	for (size_t i = 8; i < sizeof(buf); i++)
		assert_int_equal((uint8_t)buf[i], 0x55);
	memset(buf, 0x55, sizeof(buf));
	assert_int_equal(elf_parse(image.data, image.size, &img, buf, 0), -XEN_EINVAL);
	assert_int_equal((uint8_t)buf[0], 0x55);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(accepts_well_formed_image_and_describes_it),
		T(entry_note_overrides_e_entry),
		T(optional_notes_may_be_absent),
		T(accepts_pae_mode_yes_with_suffix_and_bimodal),
		T(string_notes_are_read_within_their_size),
		T(long_guest_os_is_truncated_to_fit),
		T(ignores_notes_of_other_owners),
		T(accepts_note_segment_with_short_tail),
		T(ignores_load_segments_with_zero_memsz),
		T(accepts_segment_ending_exactly_at_hypervisor_start),
		T(accepts_eight_load_segments),
		T(refuses_image_too_small_for_header),
		T(refuses_program_headers_outside_file),
		T(refuses_segment_data_outside_file),
		T(refuses_note_segment_outside_file),
		T(refuses_every_truncation_of_the_image),
		T(survives_corruption_of_any_header_or_note_byte),
		T(refuses_non_elf_file),
		T(refuses_64bit_or_big_endian_elf),
		T(refuses_non_i386_machine),
		T(refuses_non_executable_type),
		T(refuses_bad_program_header_table),
		T(refuses_writable_and_executable_segment),
		T(refuses_segment_reaching_into_hypervisor),
		T(refuses_segment_wrapping_around_address_space),
		T(refuses_file_size_above_memory_size),
		T(refuses_overlapping_segments),
		T(refuses_more_than_eight_load_segments),
		T(refuses_interpreter_segment),
		T(refuses_dynamic_segment),
		T(refuses_image_without_load_segments),
		T(refuses_missing_guest_os_note),
		T(refuses_missing_xen_version_note),
		T(refuses_missing_loader_note),
		T(refuses_missing_pae_mode_note),
		T(refuses_image_without_notes),
		T(refuses_wrong_xen_version),
		T(refuses_wrong_loader),
		T(refuses_non_pae_mode),
		T(refuses_short_u32_note),
		T(refuses_note_name_running_past_segment),
		T(refuses_note_desc_running_past_segment),
		T(refuses_huge_note_sizes),
		T(refuses_virt_base_above_image_start),
		T(refuses_entry_outside_any_segment),
		T(refuses_entry_in_non_executable_segment),
		T(refuses_unaligned_hypercall_page),
		T(refuses_hypercall_page_outside_image),
		T(refuses_hypercall_page_crossing_segment_end),
		T(refusal_message_names_the_offending_address),
		T(refusal_message_fits_the_error_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
