/*
 * Multiboot v1 entry of the native kernel. Runs at the physical load address
 * (1 MiB) with paging off: builds boot PAE tables out of 2 MiB pages (identity
 * for the first 4 MiB, so the instruction after enabling paging runs, and
 * KERNEL_BASE + physical for the kernel's part), then jumps to native_start at
 * its linked address (lib/pc/boot.h). mmu.c replaces these tables with 4 KiB ones.
 */
#include <pc/boot.h>

#define KERNEL_BASE 0xC0000000
#define DIRECT_PAGES 428       /* 2 MiB pages from KERNEL_BASE to 0xF5800000 */

	MULTIBOOT_HEADER

	.section .boot.text, "ax"
	.code32
	.globl native_entry
native_entry:
	BOOT_PAE_ENTRY KERNEL_BASE, 2, DIRECT_PAGES, boot_high

	.text
boot_high:
	mov $boot_stack_top, %esp
	xor %ebp, %ebp
	call native_start
2:	hlt
	jmp 2b

	.bss
	.balign 16
	.globl boot_stack, boot_stack_top
boot_stack:
	.space 16384
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
