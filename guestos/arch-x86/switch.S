/*
 * Switching kernel threads: each thread's callee-saved registers and data
 * segments (user FS and GS live there while a process is in the kernel) are
 * pushed on its own kernel stack; a thread is resumed by loading its stack
 * pointer. Nothing here is privileged, so both ports use this one.
 */
	.text
/* void arch_switch(uint32_t *save_sp, uint32_t new_sp) */
	.globl arch_switch
arch_switch:
	mov 4(%esp), %eax
	mov 8(%esp), %edx
	push %ebp
	push %ebx
	push %esi
	push %edi
	push %gs
	push %fs
	mov %esp, (%eax)
	mov %edx, %esp
	pop %fs
	pop %gs
	pop %edi
	pop %esi
	pop %ebx
	pop %ebp
	ret

/* A new thread's first return lands here, with fn and then arg on the stack
 * (arch_thread_init): call fn(arg). fn never returns. */
	.globl thread_start
thread_start:
	pop %eax
	call *%eax
	ud2

	.section .note.GNU-stack, "", @progbits
