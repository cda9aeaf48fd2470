/*
 * Trap entry stubs, one per IDT vector, each TRAP_STUB_SIZE bytes so desc.c can
 * find vector v's at trap_stubs + 16 * v. They save struct arch_regs (native.h,
 * the PV port's layout) and call native_trap; the system call goes straight
 * to native_syscall. Leaving is an iret (to ring 0 or ring 3).
 */
#define USER_DS 0xe033 /* arch_x86.h: the kernel's data selector too (frame.inc) */
#define SYSCALL_VECTOR 0x80
#include "../arch-x86/frame.inc"

	.text
	.balign 16
	.globl trap_stubs
trap_stubs:
	vec = 0
	.rept 256
	.balign 16
	.if vec == 8 || vec == 10 || vec == 11 || vec == 12 || vec == 13 || vec == 14 || vec == 17
	.else
	pushl $0                        /* no error code from the CPU: a zero in its place */
	.endif
	pushl $vec
	.if vec == SYSCALL_VECTOR
	jmp syscall_common
	.else
	jmp trap_common
	.endif
	vec = vec + 1
	.endr

trap_common:
	SAVE_FRAME USER_DS
	push %esp
	call native_trap
	add $4, %esp
	.globl trap_return
trap_return:
	RESTORE_FRAME
	add $8, %esp                    /* vector, error code */
	iret

/* int $0x80 from ring 3: the same frame as a trap, so fork and exec can treat
 * it as any user frame. */
syscall_common:
	SAVE_FRAME USER_DS
	push %esp
	call native_syscall
	add $4, %esp
	jmp trap_return

/* noreturn void native_resume_frame(struct arch_regs *f): leave through frame f */
	.globl native_resume_frame
native_resume_frame:
	mov 4(%esp), %esp
	jmp trap_return

	.section .note.GNU-stack, "", @progbits
