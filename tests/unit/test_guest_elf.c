/*
 * The guest's program loader checks (guestos/core/elf.c): a well-formed static
 * i386 executable is accepted with its segments and rights; each way to make
 * it suspicious is refused with ENOEXEC and a reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <kernel.h>

#define PF_X 1
#define PF_W 2
#define PF_R 4

struct ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

static _Alignas(8) uint8_t image[0x4000];
static struct ehdr *eh = (struct ehdr *)image;
static struct phdr *ph = (struct phdr *)(image + sizeof(struct ehdr));

/* What user.ld makes: text R-X with the headers, rodata R, data RW with bss. */
static int setup(void **state)
{
	(void)state;
	memset(image, 0, sizeof(image));
	memcpy(eh->ident, "\177ELF\1\1\1", 7);
	eh->type = 2;
	eh->machine = 3;
	eh->version = 1;
	eh->entry = 0x08048100;
	eh->phoff = sizeof(struct ehdr);
	eh->ehsize = sizeof(struct ehdr);
	eh->phentsize = sizeof(struct phdr);
	eh->phnum = 4;
	ph[0] = (struct phdr){ 1, 0, 0x08048000, 0x08048000, 0x1800, 0x1800, PF_R | PF_X, 0x1000 };
	ph[1] = (struct phdr){ 1, 0x2000, 0x0804A000, 0, 0x800, 0x800, PF_R, 0x1000 };
	ph[2] = (struct phdr){ 1, 0x3000, 0x0804B000, 0, 0x100, 0x3000, PF_R | PF_W, 0x1000 };
	ph[3] = (struct phdr){ 0x6474e551, 0, 0, 0, 0, 0, PF_R | PF_W, 16 };
	return 0;
}

static int check(const char **why)
{
	struct elf_program prog;
	return elf_program_check(image, sizeof(image), &prog, why);
}

static void refused(const char *reason_part)
{
	const char *why = NULL;
	assert_int_equal(check(&why), -UAPI_ENOEXEC);
	assert_non_null(why);
	if (!strstr(why, reason_part))
		fail_msg("refused for \"%s\", expected \"%s\"", why, reason_part);
}

static void accepts_a_static_executable(void **state)
{
	(void)state;
	struct elf_program prog;
	const char *why = "unset";
	assert_int_equal(elf_program_check(image, sizeof(image), &prog, &why), 0);
	assert_null(why);
	assert_int_equal(prog.entry, 0x08048100);
	assert_int_equal(prog.nr, 3);
	assert_int_equal(prog.seg[0].prot, ARCH_PROT_READ | ARCH_PROT_EXEC);
	assert_int_equal(prog.seg[1].prot, ARCH_PROT_READ);
	assert_int_equal(prog.seg[2].prot, ARCH_PROT_READ | ARCH_PROT_WRITE);
	assert_int_equal(prog.seg[2].filesz, 0x100);
	assert_int_equal(prog.seg[2].memsz, 0x3000);
	assert_int_equal(prog.end, 0x0804E000); /* the initial break */
}

static void refuses_other_files(void **state)
{
	(void)state;
	const char *why;
	struct elf_program prog;
	assert_int_equal(elf_program_check(image, 20, &prog, &why), -UAPI_ENOEXEC);
	image[1] = 'X';
	refused("not an ELF32");
	setup(NULL);
	image[4] = 2; /* 64-bit */
	refused("not an ELF32");
	setup(NULL);
	image[5] = 2; /* big-endian */
	refused("not an ELF32");
	setup(NULL);
	eh->type = 3; /* ET_DYN: position-independent */
	refused("static executable");
	setup(NULL);
	eh->machine = 62;
	refused("i386");
}

static void refuses_bad_program_headers(void **state)
{
	(void)state;
	eh->phentsize = 40;
	refused("program header table");
	setup(NULL);
	eh->phnum = 0;
	refused("program header table");
	setup(NULL);
	eh->phoff = sizeof(image) - 16;
	refused("beyond the end");
	setup(NULL);
	eh->phoff = 0xFFFFFFF0; /* would wrap */
	refused("beyond the end");
}

static void refuses_bad_segments(void **state)
{
	(void)state;
	ph[1].filesz = 0x900;
	ph[1].memsz = 0x800;
	refused("file size exceeds");
	setup(NULL);
	ph[1].offset = sizeof(image);
	refused("beyond the end of the file");
	setup(NULL);
	ph[1].offset = 0xFFFFF000;
	ph[1].filesz = ph[1].memsz = 0x2000; /* offset + filesz wraps */
	refused("beyond the end of the file");
	setup(NULL);
	ph[1].offset = 0x2100;
	refused("modulo the page size");
	setup(NULL);
	ph[0].vaddr = 0; /* the NULL page */
	ph[0].offset = 0;
	eh->entry = 0x100;
	refused("outside the program area");
	setup(NULL);
	ph[2].memsz = 0x40000000; /* into the mmap area */
	refused("outside the program area");
	setup(NULL);
	ph[2].flags = PF_R | PF_W | PF_X;
	refused("writable and executable");
	setup(NULL);
	ph[1].vaddr = 0x08049000; /* shares a page with text's end */
	ph[1].offset = 0x1000;
	refused("share a page");
}

static void refuses_what_it_cannot_run(void **state)
{
	(void)state;
	ph[3].type = 3; /* PT_INTERP */
	refused("dynamically linked");
	setup(NULL);
	ph[3].type = 2; /* PT_DYNAMIC */
	refused("dynamically linked");
	setup(NULL);
	ph[3].type = 7; /* PT_TLS */
	refused("thread-local");
	setup(NULL);
	ph[3].flags = PF_R | PF_W | PF_X;
	refused("executable stack");
	setup(NULL);
	eh->entry = 0x0804A010; /* in rodata */
	refused("entry point");
	setup(NULL);
	for (int i = 0; i < 3; i++)
		ph[i].type = 4; /* notes only */
	refused("no loadable segment");
	setup(NULL);
	eh->phnum = 12;
	for (int i = 0; i < 12; i++)
		ph[i] = (struct phdr){ 1,    0,	   0x08048000u + 0x1000u * i,  0,
				       0x10, 0x10, PF_R | (i == 0 ? PF_X : 0), 0x1000 };
	refused("too many segments");
}

static void empty_segments_are_ignored(void **state)
{
	(void)state;
	struct elf_program prog;
	const char *why;
	ph[3] = (struct phdr){ 1, 0, 0x08060000, 0, 0, 0, PF_R | PF_W | PF_X, 0x1000 };
	assert_int_equal(elf_program_check(image, sizeof(image), &prog, &why), 0);
	assert_int_equal(prog.nr, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(accepts_a_static_executable, setup),
		cmocka_unit_test_setup(refuses_other_files, setup),
		cmocka_unit_test_setup(refuses_bad_program_headers, setup),
		cmocka_unit_test_setup(refuses_bad_segments, setup),
		cmocka_unit_test_setup(refuses_what_it_cannot_run, setup),
		cmocka_unit_test_setup(empty_segments_are_ignored, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
