/*
 * The bare PC helpers' pure logic (lib/pc/): the multiboot reader against
 * loader structures laid out in a fake physical memory, and the RTC's date
 * conversion against the host's timegm for every day the RTC can hold.
 */
#define _DEFAULT_SOURCE /* timegm */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "pc/clock.h"
#include "pc/multiboot.h"

/* ---- multiboot_read ------------------------------------------------------- */

static uint8_t phys[0x10000]; /* "physical memory" from address 0 */
static uint32_t mapped_max;   /* the highest paddr + len map was asked for */

static const void *map(uint32_t paddr, uint32_t len)
{
	assert_true(paddr <= sizeof(phys) && len <= sizeof(phys) - paddr);
	if (paddr + len > mapped_max)
		mapped_max = paddr + len;
	return phys + paddr;
}

#define INFO 0x1000
#define MMAP 0x2000
#define MODS 0x3000
#define STRINGS 0x4000

static struct multiboot_info *info(void)
{
	return (struct multiboot_info *)(phys + INFO);
}

static uint32_t put_string(uint32_t at, const char *s)
{
	strcpy((char *)phys + at, s);
	return at;
}

static uint32_t put_mmap(uint32_t at, uint32_t size, uint64_t base, uint64_t len, uint32_t type)
{
	struct multiboot_mmap_entry e = { size, base, len, type };
	memcpy(phys + at, &e, sizeof(e));
	return at + size + 4;
}

static void reset(void)
{
	memset(phys, 0, sizeof(phys));
	mapped_max = 0;
}

static void wrong_magic_is_refused(void **state)
{
	(void)state;
	reset();
	struct multiboot_boot mb;
	assert_int_equal(multiboot_read(0x1BADB002, INFO, map, &mb), MULTIBOOT_ERR_MAGIC);
	assert_int_equal(mapped_max, 0); /* nothing read */
}

static void everything_is_read(void **state)
{
	(void)state;
	reset();
	uint32_t end = MMAP;
	end = put_mmap(end, 20, 0, 0x9FC00, MULTIBOOT_MMAP_RAM);
	end = put_mmap(end, 20, 0xF0000, 0x10000, 2);			  /* reserved: skipped */
	end = put_mmap(end, 24, 0x100000, 0x7EE0000, MULTIBOOT_MMAP_RAM); /* larger entry */
	end = put_mmap(end, 20, 0x8000000, 0, MULTIBOOT_MMAP_RAM);	  /* empty: skipped */
	struct multiboot_mod_list *m = (struct multiboot_mod_list *)(phys + MODS);
	m[0] =
	    (struct multiboot_mod_list){ 0x200000, 0x201000, put_string(STRINGS, "dom0 a=b"), 0 };
	m[1] = (struct multiboot_mod_list){ 0x300000, 0x300100, 0, 0 };
	*info() = (struct multiboot_info){
		.flags = MULTIBOOT_INFO_MEM | MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MODS |
			 MULTIBOOT_INFO_MMAP,
		.mem_lower = 639,
		.mem_upper = 130048,
		.cmdline = put_string(STRINGS + 0x100, "hv.elf console=com1"),
		.mods_count = 2,
		.mods_addr = MODS,
		.mmap_length = end - MMAP,
		.mmap_addr = MMAP,
	};

	struct multiboot_boot mb;
	assert_int_equal(multiboot_read(MULTIBOOT_BOOTLOADER_MAGIC, INFO, map, &mb), 0);
	assert_string_equal(mb.cmdline, "hv.elf console=com1");
	assert_true(mb.has_mmap);
	assert_int_equal(mb.nr_ram, 2);
	assert_int_equal(mb.ram[0].start, 0);
	assert_int_equal(mb.ram[0].end, 0x9FC00);
	assert_int_equal(mb.ram[1].start, 0x100000);
	assert_int_equal(mb.ram[1].end, 0x7FE0000);
	assert_true(mb.has_mem);
	assert_int_equal(mb.mem_lower, 639 * 1024);
	assert_int_equal(mb.mem_upper, 130048ull * 1024);
	assert_int_equal(mb.nr_modules, 2);
	assert_int_equal(mb.modules[0].start, 0x200000);
	assert_int_equal(mb.modules[0].end, 0x201000);
	assert_string_equal(mb.modules[0].cmdline, "dom0 a=b");
	assert_int_equal(mb.modules[1].start, 0x300000);
	assert_null(mb.modules[1].cmdline);
}

static void only_the_flagged_fields_are_read(void **state)
{
	(void)state;
	reset();
	*info() = (struct multiboot_info){ .flags = MULTIBOOT_INFO_MEM,
					   .mem_lower = 640,
					   .mem_upper = 1024,
					   .cmdline = 0xFFFFFFFF, /* not flagged: never mapped */
					   .mmap_addr = 0xFFFFFFFF,
					   .mods_addr = 0xFFFFFFFF };
	struct multiboot_boot mb;
	memset(&mb, 0xA5, sizeof(mb));
	assert_int_equal(multiboot_read(MULTIBOOT_BOOTLOADER_MAGIC, INFO, map, &mb), 0);
	assert_null(mb.cmdline);
	assert_false(mb.has_mmap);
	assert_int_equal(mb.nr_ram, 0);
	assert_true(mb.has_mem);
	assert_int_equal(mb.mem_upper, 1024 * 1024);
	assert_int_equal(mb.nr_modules, 0);
	assert_int_equal(mapped_max, INFO + sizeof(struct multiboot_info));
}

static void modules_beyond_the_limit_are_counted_not_read(void **state)
{
	(void)state;
	reset();
	struct multiboot_mod_list *m = (struct multiboot_mod_list *)(phys + MODS);
	for (unsigned i = 0; i < MULTIBOOT_MAX_MODULES + 3; i++)
		m[i] = (struct multiboot_mod_list){ 0x100000 * (i + 1), 0x100000 * (i + 1) + 16, 0,
						    0 };
	*info() = (struct multiboot_info){ .flags = MULTIBOOT_INFO_MODS,
					   .mods_count = MULTIBOOT_MAX_MODULES + 3,
					   .mods_addr = MODS };
	struct multiboot_boot mb;
	assert_int_equal(multiboot_read(MULTIBOOT_BOOTLOADER_MAGIC, INFO, map, &mb), 0);
	assert_int_equal(mb.nr_modules, MULTIBOOT_MAX_MODULES + 3);
	assert_int_equal(mb.modules[MULTIBOOT_MAX_MODULES - 1].start,
			 0x100000 * MULTIBOOT_MAX_MODULES);
	assert_int_equal(mapped_max, MODS + MULTIBOOT_MAX_MODULES * sizeof(*m));
}

static void ram_ranges_past_the_limit_are_dropped(void **state)
{
	(void)state;
	reset();
	uint32_t end = MMAP;
	for (unsigned i = 0; i < MULTIBOOT_MAX_RAM + 2; i++)
		end = put_mmap(end, 20, 0x100000ull * i, 0x1000, MULTIBOOT_MMAP_RAM);
	*info() = (struct multiboot_info){ .flags = MULTIBOOT_INFO_MMAP,
					   .mmap_length = end - MMAP,
					   .mmap_addr = MMAP };
	struct multiboot_boot mb;
	assert_int_equal(multiboot_read(MULTIBOOT_BOOTLOADER_MAGIC, INFO, map, &mb), 0);
	assert_int_equal(mb.nr_ram, MULTIBOOT_MAX_RAM);
	assert_int_equal(mb.ram[MULTIBOOT_MAX_RAM - 1].start,
			 0x100000ull * (MULTIBOOT_MAX_RAM - 1));
	assert_false(mb.has_mem);
}

/* ---- rtc_unix_seconds ------------------------------------------------------ */

static void rtc_dates_match_timegm(void **state)
{
	(void)state;
	static const unsigned days_in[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	for (unsigned y = 2000; y <= 2099; y++)
		for (unsigned m = 1; m <= 12; m++)
			for (unsigned d = 1; d <= days_in[m - 1]; d++) {
				if (m == 2 && d == 29 && y % 4)
					continue;
				struct rtc_time t = { y, m, d, 23, 59, 58 };
				struct tm tm = { .tm_year = (int)y - 1900,
						 .tm_mon = (int)m - 1,
						 .tm_mday = (int)d,
						 .tm_hour = 23,
						 .tm_min = 59,
						 .tm_sec = 58 };
				assert_int_equal(rtc_unix_seconds(&t), (uint64_t)timegm(&tm));
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wrong_magic_is_refused),
		cmocka_unit_test(everything_is_read),
		cmocka_unit_test(only_the_flagged_fields_are_read),
		cmocka_unit_test(modules_beyond_the_limit_are_counted_not_read),
		cmocka_unit_test(ram_ranges_past_the_limit_are_dropped),
		cmocka_unit_test(rtc_dates_match_timegm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
