/*
 * libc-shim: process entry. The kernel starts a program with ESP pointing at
 * argc, argv[], NULL, envp[], NULL (uapi/syscall.h, "Process entry").
 */
	.text
	.globl	_start
	.type	_start, @function
_start:
	xorl	%ebp, %ebp		/* outermost frame: debuggers stop here */
	movl	(%esp), %esi		/* argc */
	leal	4(%esp), %edi		/* argv */
	leal	8(%esp,%esi,4), %ebx	/* envp: past argv's NULL */
	movl	%ebx, environ
	andl	$-16, %esp		/* the i386 SysV ABI: 16-byte stack at each call */
	call	__libc_init_array	/* constructors (.preinit_array, _init, .init_array) */
	subl	$12, %esp		/* 12 + one argument: still 16-byte aligned */
	pushl	$__libc_fini_array	/* destructors run from exit() */
	call	atexit
	addl	$16, %esp
	subl	$4, %esp		/* 4 + three arguments: aligned again */
	pushl	%ebx
	pushl	%edi
	pushl	%esi
	call	main
	movl	%eax, (%esp)
	call	exit			/* atexit handlers, stdio flush, then _exit */
	hlt				/* not reached; a privileged instruction faults */
	.size	_start, . - _start

/*
 * newlib's __libc_init_array calls _init and __libc_fini_array calls _fini (the
 * old .init/.fini scheme). Nothing uses that scheme here: both do nothing.
 */
	.globl	_init
	.type	_init, @function
_init:
	ret
	.size	_init, . - _init

	.globl	_fini
	.type	_fini, @function
_fini:
	ret
	.size	_fini, . - _fini

	.section .note.GNU-stack, "", @progbits
