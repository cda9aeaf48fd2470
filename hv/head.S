/*
 * Multiboot v1 entry. Runs at the physical load address with paging off: builds
 * a temporary PAE table (identity for the first 2 MiB, the direct map at
 * 0xF8000000) and jumps to hv_main in the direct map.
 */
#include <layout.h>

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* page-aligned modules, memory info */
#define PHYS(x) ((x) - DIRECTMAP_BASE)
#define PDE_2M 0x83         /* present, writable, 2 MiB page */

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.section .boot.text, "ax"
	.code32
	.globl hv_start
hv_start:
	cli
	cld
	mov %eax, %edx                  /* multiboot magic */
	/* zero .bss (the loader should have; cheap to be sure) */
	mov $PHYS(__bss_start), %edi
	mov $PHYS(__bss_end), %ecx
	sub %edi, %ecx
	xor %eax, %eax
	rep stosb
	mov %edx, PHYS(boot_mb_magic)
	mov %ebx, PHYS(boot_mb_info)

	/* slot 0: identity 0-2 MiB so the instruction after enabling paging runs */
	movl $PDE_2M, PHYS(boot_l2_low)
	/* slot 3: direct map 0xF8000000 -> 0, 2 MiB pages */
	mov $PHYS(boot_l2_high) + ((DIRECTMAP_BASE >> 21) & 511) * 8, %edi
	mov $PDE_2M, %eax
	mov $(DIRECTMAP_SIZE >> 21), %ecx
1:	mov %eax, (%edi)
	add $0x200000, %eax
	add $8, %edi
	loop 1b
	movl $PHYS(boot_l2_low) + 1, PHYS(boot_l3)
	movl $PHYS(boot_l2_high) + 1, PHYS(boot_l3) + 24

	mov %cr4, %eax
	or $0x20, %eax                  /* PAE */
	mov %eax, %cr4
	mov $PHYS(boot_l3), %eax
	mov %eax, %cr3
	mov %cr0, %eax
	or $0x80010000, %eax            /* PG | WP */
	mov %eax, %cr0
	mov $boot_high, %eax
	jmp *%eax

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
	.align 4096
boot_l2_low:
	.space 4096
boot_l2_high:
	.space 4096
	.align 32
boot_l3:
	.space 32

	.data
	.globl boot_mb_magic, boot_mb_info
boot_mb_magic: .long 0
boot_mb_info: .long 0
