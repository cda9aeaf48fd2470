/*
 * Every way into the hypervisor: one 16-byte stub per IDT vector pushes an error
 * code (0 where the CPU pushes none) and the vector, then common_entry saves the
 * guest's registers as a struct cpu_regs and calls trap_dispatch. The way out,
 * restore_all, is the only return to a guest; a fault while restoring a guest's
 * segments or on its iret is caught by the exception table and crashes that guest.
 */
#include <layout.h>
#include <public/xen.h>

	.text
	.align 16
	.globl trap_stubs
trap_stubs:
	.set vec, 0
	.rept 256
	.align 16
	.if vec == 8 || (vec >= 10 && vec <= 14) || vec == 17
	.else
	pushl $0
	.endif
	pushl $vec
	jmp common_entry
	.set vec, vec + 1
	.endr

	/* The way in and out, beside the hot C code (hv/linker.ld), with copies
	 * of the two busiest stubs (desc.c points the IDT at them): a hypercall
	 * and a page fault then touch no page of the stub table. */
	.section .text.hv_entry, "ax"
	.globl hypercall_stub, page_fault_stub
hypercall_stub:
	pushl $0
	pushl $HYPERCALL_VECTOR
	jmp common_entry
page_fault_stub:
	pushl $14                       /* the CPU pushed the error code */
	jmp common_entry

common_entry:
	push %gs
	push %fs
	push %es
	push %ds
	push %eax
	push %ebp
	push %edi
	push %esi
	push %edx
	push %ecx
	push %ebx
	mov $HV_DS, %eax
	mov %eax, %ds
	mov %eax, %es
	cld
	push %esp
	call trap_dispatch
	add $4, %esp
	.globl restore_all
restore_all:
	pop %ebx
	pop %ecx
	pop %edx
	pop %esi
	pop %edi
	pop %ebp
	pop %eax
1:	pop %ds
2:	pop %es
	/* FS and GS are the guest's and the hypervisor never changes them: leave
	 * them loaded (two segment loads saved per entry; a vCPU switch loads them). */
	add $16, %esp
5:	iret

/* A guest's saved segment or iret frame was bad: crash it (does not return). */
bad_guest_return:
	mov $HV_DS, %eax
	mov %eax, %ds
	mov %eax, %es
	call guest_bad_return

	.section __ex_table, "a"
	.long 1b, bad_guest_return
	.long 2b, bad_guest_return
	.long 5b, bad_guest_return
	.section .text.hv_entry, "ax"

/* Load a register frame and return through it: void resume_frame(struct cpu_regs *) */
	.globl resume_frame
resume_frame:
	mov 4(%esp), %esp
	jmp restore_all

/* Switch to a fresh stack and call fn: void reset_stack_and_call(void *top, void (*fn)(void)) */
	.globl reset_stack_and_call
reset_stack_and_call:
	mov 8(%esp), %eax
	mov 4(%esp), %esp
	xor %ebp, %ebp
	call *%eax
6:	hlt
	jmp 6b

/*
 * size_t raw_copy(void *dst, const void *src, size_t n): copies with a fault
 * fixup; returns the number of bytes NOT copied (0 on success). Used only by
 * guest_access.c, after the range checks. Whole words first: under QEMU's TCG
 * `rep movsb` moves one byte per step, and this is on every hypercall's path.
 */
	.globl raw_copy
raw_copy:
	push %edi
	push %esi
	mov 12(%esp), %edi
	mov 16(%esp), %esi
	mov 20(%esp), %edx
	mov %edx, %ecx
	shr $2, %ecx
	and $3, %edx
7:	rep movsl
	mov %edx, %ecx
8:	rep movsb
9:	mov %ecx, %eax
	pop %esi
	pop %edi
	ret
10:	lea (%edx, %ecx, 4), %ecx /* a fault among the words: those left, and the tail */
	jmp 9b
	.section __ex_table, "a"
	.long 7b, 10b
	.long 8b, 9b
	.section .text.hv_entry, "ax"

	.section .note.GNU-stack, "", @progbits
