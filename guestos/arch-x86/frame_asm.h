/*
 * Saving and restoring struct arch_regs (arch_x86.h) in the trap, system-call
 * and event entry stubs of both ports: assembly only. After SAVE_FRAME the
 * frame is at %esp and DS/ES hold the kernel's data selector.
 */
#ifndef ARCH_X86_FRAME_ASM_H
#define ARCH_X86_FRAME_ASM_H

	.macro SAVE_FRAME kernel_ds
	push %es
	push %ds
	pusha
	mov $\kernel_ds, %eax
	mov %eax, %ds
	mov %eax, %es
	cld
	.endm

	.macro RESTORE_FRAME
	popa
	pop %ds
	pop %es
	.endm

#endif
