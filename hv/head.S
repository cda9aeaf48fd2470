/*
 * Multiboot v1 entry. Runs at the physical load address with paging off: builds
 * a temporary PAE table (identity for the first 2 MiB, the direct map at
 * 0xF8000000) and jumps to hv_main in the direct map (lib/pc/boot.h).
 */
#include <layout.h>
#include <pc/boot.h>

	MULTIBOOT_HEADER

	.section .boot.text, "ax"
	.code32
	.globl hv_start
hv_start:
	BOOT_PAE_ENTRY DIRECTMAP_BASE, 1, (DIRECTMAP_SIZE >> 21), boot_high

	.text
boot_high:
	mov $(hv_stack + HV_STACK_SIZE), %esp
	xor %ebp, %ebp
	call hv_main
2:	hlt
	jmp 2b

	.bss
	.align 4096
	.globl hv_stack
hv_stack:
	.space HV_STACK_SIZE
