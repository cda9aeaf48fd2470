/*
 * Multiboot v1 entry of the native kernel. Runs at the physical load address
 * (1 MiB) with paging off: builds boot PAE tables out of 2 MiB pages (identity
 * for the first 4 MiB, so the instruction after enabling paging runs, and
 * KERNEL_BASE + physical for the kernel's part), then jumps to native_start at
 * its linked address. mmu.c replaces these tables with 4 KiB ones.
 */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* page-aligned modules, memory information */
#define KERNEL_BASE 0xC0000000
#define PHYS(x) ((x) - KERNEL_BASE)
#define PDE_2M 0x83            /* present, writable, 2 MiB page */
#define DIRECT_PAGES 428       /* 2 MiB pages from KERNEL_BASE to 0xF5800000 */

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.section .boot.text, "ax"
	.code32
	.globl native_entry
native_entry:
	cli
	cld
	mov %eax, %edx                  /* the loader's magic */
	mov $PHYS(__bss_start), %edi
	mov $PHYS(__bss_end), %ecx
	sub %edi, %ecx
	xor %eax, %eax
	rep stosb
	mov %edx, PHYS(boot_mb_magic)
	mov %ebx, PHYS(boot_mb_info)

	movl $PDE_2M, PHYS(boot_l2_low)
	movl $PDE_2M + 0x200000, PHYS(boot_l2_low) + 8
	mov $PHYS(boot_l2_high), %edi
	mov $PDE_2M, %eax
	mov $DIRECT_PAGES, %ecx
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
	or $0x80010000, %eax            /* PG, WP */
	mov %eax, %cr0
	mov $boot_high, %eax
	jmp *%eax

	.text
boot_high:
	mov $boot_stack_top, %esp
	xor %ebp, %ebp
	call native_start
2:	hlt
	jmp 2b

	.bss
	.balign 4096
boot_l2_low:
	.space 4096
boot_l2_high:
	.space 4096
	.balign 32
boot_l3:
	.space 32
	.balign 16
	.globl boot_stack, boot_stack_top
boot_stack:
	.space 16384
boot_stack_top:

	.data
	.globl boot_mb_magic, boot_mb_info
boot_mb_magic: .long 0
boot_mb_info: .long 0

	.section .note.GNU-stack, "", @progbits
