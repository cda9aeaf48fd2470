/*
 * Event callback entry. The hypervisor enters here with upcalls masked and a
 * native frame: eip, cs (the saved upcall mask in bits 16+), eflags (IF = not
 * the saved mask) and, from ring 3, esp and ss. We save everything as a
 * struct arch_regs (vector EVENT_VECTOR, error code 0: from ring 3 it is the
 * user frame the core may change, as for a signal), dispatch, and leave
 * through the iret hypercall, which restores the mask from EFLAGS.IF
 * and lets the hypervisor deliver any event that came meanwhile: an event
 * cannot slip in between unmasking and returning.
 */
#include <public/xen.h>
#include "../arch-x86/frame.inc"

#define IRET_SLOT (23 * HYPERCALL_SLOT_SIZE) /* __HYPERVISOR_iret */
#define EVENT_VECTOR 0xFFFFFFFF /* not a CPU vector: an event upcall */

	.text
	.globl hypervisor_callback
hypervisor_callback:
	push $0                     /* error code */
	push $EVENT_VECTOR
	SAVE_FRAME FLAT_RING3_DS
	lea 48(%esp), %eax          /* the hypervisor's frame, above them, es, ds, pusha */
	push %eax
	call evtchn_do_upcall
	add $4, %esp
	RESTORE_FRAME
	add $8, %esp                /* vector, error code */
	/* The iret hypercall wants a plain selector; IF already carries the mask. */
	movw $0, 6(%esp)
	jmp hypercall_page + IRET_SLOT

/* A bad segment on return to us: nothing sensible to do but report it. */
	.globl failsafe_callback
failsafe_callback:
	mov $FLAT_RING1_DS, %eax
	mov %eax, %ds
	mov %eax, %es
	call evtchn_failsafe
1:	jmp 1b

	.section .note.GNU-stack, "", @progbits
