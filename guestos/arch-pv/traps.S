/*
 * Ring-1 trap entry stubs. The hypervisor bounces exceptions here with the
 * native frame; the system-call vector comes straight from ring 3 through a
 * real gate. Both save struct arch_regs (pv.h). Leaving is a native iret
 * (ring 1 to ring 1 or ring 3).
 */
#include <public/xen.h>
#include "../arch-x86/frame.inc"

	.macro STUB vec, has_error=0
	.globl trap_\vec
trap_\vec:
	.if \has_error == 0
	pushl $0
	.endif
	pushl $\vec
	jmp trap_common
	.endm

	.text
	STUB 0
	STUB 1
	STUB 3
	STUB 4
	STUB 5
	STUB 6
	STUB 7
	STUB 8, 1
	STUB 10, 1
	STUB 11, 1
	STUB 12, 1
	STUB 13, 1
	STUB 14, 1
	STUB 16
	STUB 17, 1
	STUB 18
	STUB 19

trap_common:
	SAVE_FRAME FLAT_RING3_DS
	push %esp
	call pv_trap
	add $4, %esp
trap_return:
	RESTORE_FRAME
	add $8, %esp
	iret

/*
 * The system call: int $0x80 from ring 3 lands here on the thread's kernel
 * stack (stack_switch) with no hypervisor in between. The same frame as a
 * trap (vector 0x80), so fork and exec can treat it as any user frame.
 */
	.globl syscall_entry
syscall_entry:
	pushl $0
	pushl $0x80
	SAVE_FRAME FLAT_RING3_DS
	push %esp
	call pv_syscall
	add $4, %esp
	jmp trap_return

/* The boot benchmark's bare int/iret (bench.c puts it on vector 0x80 while
 * it runs, so the system call path needs no test of the caller's ring). */
	.globl bare_iret_entry
bare_iret_entry:
	incl %ss:syscall_count
	iret

/* noreturn void pv_resume_frame(struct arch_regs *f): leave through frame f */
	.globl pv_resume_frame
pv_resume_frame:
	mov 4(%esp), %esp
	jmp trap_return

/* uint32_t user_enter(uint32_t eip, uint32_t esp, uint32_t ecx) */
	.globl user_enter
user_enter:
	push %ebp
	push %ebx
	push %esi
	push %edi
	mov %esp, user_ctx_esp
	mov 20(%esp), %edx          /* eip */
	mov 24(%esp), %eax          /* esp */
	mov 28(%esp), %ecx          /* ecx for the user code */
	mov $FLAT_RING3_DS, %ebx
	mov %ebx, %ds
	mov %ebx, %es
	pushl $FLAT_RING3_DS
	push %eax
	pushf
	pushl $FLAT_RING3_CS
	push %edx
	iret

/* void user_leave(uint32_t value): return from user_enter with value */
	.globl user_leave
user_leave:
	mov 4(%esp), %eax
	mov $FLAT_RING1_DS, %ebx
	mov %ebx, %ds
	mov %ebx, %es
	mov user_ctx_esp, %esp
	pop %edi
	pop %esi
	pop %ebx
	pop %ebp
	ret

	.bss
	.balign 4
user_ctx_esp:
	.long 0

	.section .note.GNU-stack, "", @progbits
