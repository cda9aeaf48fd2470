/*
 * The boot stub of a multiboot kernel linked in the top GiB (assembler macros,
 * for head.S): the hypervisor's and the native guest kernel's are the same but
 * for where they are linked, how much they map and where they go next.
 */
#ifndef LIB_PC_BOOT_H
#define LIB_PC_BOOT_H

#include <pc/multiboot.h>

#define BOOT_PDE_2M 0x83 /* present, writable, 2 MiB page */

/* The multiboot header, in .multiboot (which the linker script puts first). */
.macro MULTIBOOT_HEADER
	.pushsection .multiboot, "a"
	.align 4
	.long MULTIBOOT_HEADER_MAGIC, MULTIBOOT_HEADER_FLAGS
	.long -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_HEADER_FLAGS)
	.popsection
.endm

/* Fill \count L2 entries from physical address \entry with 2 MiB pages of
 * physical memory from 0 up. Clobbers EAX, ECX, EDI. */
.macro BOOT_MAP_2M entry, count
	mov $(\entry), %edi
	mov $BOOT_PDE_2M, %eax
	mov $(\count), %ecx
.Lboot_map_2m\@:
	mov %eax, (%edi)
	add $0x200000, %eax
	add $8, %edi
	loop .Lboot_map_2m\@
.endm

/*
 * The entry from a multiboot loader, at the load address with paging off, of
 * an image linked at physical + \offset (\offset in the top GiB, 2 MiB-aligned):
 * interrupts off, DF clear, .bss zeroed, the loader's EAX and EBX kept in
 * boot_mb_magic and boot_mb_info; then boot PAE tables of 2 MiB pages, the
 * first \low_pages identity-mapped (so the instruction after enabling paging
 * runs) and \high_pages from physical 0 at \offset; paging and CR0.WP on; and a
 * jump to \next at its linked address. Defines boot_mb_magic, boot_mb_info and
 * the tables (boot_l3, boot_l2_low, boot_l2_high).
 */
.macro BOOT_PAE_ENTRY offset, low_pages, high_pages, next
	cli
	cld
	mov %eax, %edx /* the loader's magic */
	mov $(__bss_start - \offset), %edi
	mov $(__bss_end - \offset), %ecx
	sub %edi, %ecx
	xor %eax, %eax
	rep stosb
	mov %edx, boot_mb_magic - \offset
	mov %ebx, boot_mb_info - \offset

	BOOT_MAP_2M (boot_l2_low - \offset), \low_pages
	BOOT_MAP_2M (boot_l2_high - \offset + ((\offset >> 21) & 511) * 8), \high_pages
	movl $(boot_l2_low - \offset + 1), boot_l3 - \offset
	movl $(boot_l2_high - \offset + 1), boot_l3 - \offset + 24

	mov %cr4, %eax
	or $0x20, %eax /* PAE */
	mov %eax, %cr4
	mov $(boot_l3 - \offset), %eax
	mov %eax, %cr3
	mov %cr0, %eax
	or $0x80010000, %eax /* PG, WP */
	mov %eax, %cr0
	mov $\next, %eax
	jmp *%eax

	.pushsection .bss
	.balign 4096
boot_l2_low:
	.space 4096
boot_l2_high:
	.space 4096
	.balign 32
boot_l3:
	.space 32
	.popsection
	.pushsection .data
	.balign 4
	.globl boot_mb_magic, boot_mb_info
boot_mb_magic: .long 0
boot_mb_info: .long 0
	.popsection
.endm

#endif
