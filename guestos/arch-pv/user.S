/*
 * Ring-3 test code, position-independent: start.c copies it into a user page.
 * Each routine ends by asking the kernel to leave user mode (EAX = -1, EBX =
 * the value user_enter returns).
 */
#define SYS_EXIT_TO_KERNEL 0xFFFFFFFF

	.text
	.globl user_code_start, user_code_end
	.globl user_syscall_loop, user_hypercall, user_ud2, user_bench_loop
	.balign 16
user_code_start:

/* ECX null system calls; returns 0x5CA11 */
user_syscall_loop:
1:	xor %eax, %eax
	int $0x80
	dec %ecx
	jnz 1b
	mov $0x5CA11, %ebx
	mov $SYS_EXIT_TO_KERNEL, %eax
	int $0x80

/* A hypercall from ring 3: the gate has DPL 1, so this must raise #GP. */
user_hypercall:
	mov $17, %eax
	xor %ebx, %ebx
	int $0x82
	mov $0xBAD, %ebx            /* reached only if the hypercall went through */
	mov $SYS_EXIT_TO_KERNEL, %eax
	int $0x80

user_ud2:
	ud2

/* ECX null system calls timed with rdtsc; returns the cycles taken */
user_bench_loop:
	rdtsc
	mov %eax, %esi
	mov %edx, %edi
1:	xor %eax, %eax
	int $0x80
	dec %ecx
	jnz 1b
	rdtsc
	sub %esi, %eax
	mov %eax, %ebx
	mov $SYS_EXIT_TO_KERNEL, %eax
	int $0x80
user_code_end:

	.section .note.GNU-stack, "", @progbits
