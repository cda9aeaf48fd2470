/*
 * PV entry point and the Xen ELF notes the domain builder reads. At entry
 * (PV boot protocol): ESI = start_info, ESP = bootstrap stack, ring 1.
 */
#include <public/elfnote.h>

#define NOTE(type, desctype, desc)        \
	.balign 4;                        \
	.long 2f - 1f;                    \
	.long 4f - 3f;                    \
	.long type;                       \
1:	.asciz "Xen";                     \
2:	.balign 4;                        \
3:	desctype desc;                    \
4:	.balign 4

	.section .note.Xen, "a"
	NOTE(XEN_ELFNOTE_GUEST_OS, .asciz, "Paravane")
	NOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz, "0.1")
	NOTE(XEN_ELFNOTE_XEN_VERSION, .asciz, "xen-3.0")
	NOTE(XEN_ELFNOTE_LOADER, .asciz, "generic")
	NOTE(XEN_ELFNOTE_PAE_MODE, .asciz, "yes")
	NOTE(XEN_ELFNOTE_VIRT_BASE, .long, 0xC0000000)
	NOTE(XEN_ELFNOTE_ENTRY, .long, _start)
	NOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .long, hypercall_page)

	.section .text.head, "ax"
	.globl _start
_start:
	cld
	mov $boot_stack_top, %esp
	push %esi
	call pv_start
1:	hlt                     /* not reached; would #GP in ring 1 anyway */
	jmp 1b

	/* Filled by the hypervisor: slot i (32 bytes each) makes hypercall i. */
	.balign 4096
	.globl hypercall_page
hypercall_page:
	.fill 4096, 1, 0xCC

	.bss
	.balign 16
	.space 16384
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
