/*
 * Hypercalls that set up how the guest is entered: its virtual IDT, its kernel
 * stack, its event and failsafe callbacks, and iret (return with the upcall
 * mask restored).
 */
#include <hv.h>
#include <hypercalls.h>
#include <x86.h>

#define SYSCALL_VECTOR 0x80

/* A guest code selector: RPL 0 is read as RPL 1 (as Xen does). */
static bool fix_guest_cs(uint32_t *cs)
{
	if ((*cs & 3) == 0)
		*cs |= 1;
	return *cs == FLAT_RING1_CS;
}

/* The system-call vector gets a real DPL-3 gate straight to the guest's ring-1
 * handler, unless the guest wants events masked on entry (only we can do that). */
void traps_load(const struct vcpu *v)
{
	const struct trap_info *ti = &v->traps[SYSCALL_VECTOR];
	if (ti->address && TI_GET_DPL(ti) == 3 && !TI_GET_IF(ti))
		idt_set_guest_gate(SYSCALL_VECTOR, ti->cs, ti->address, 3);
	else
		idt_reset_gate(SYSCALL_VECTOR);
}

long do_set_trap_table(uint32_t table)
{
	struct vcpu *v = current;
	struct trap_info new[256], ti;
	bool set[256] = { false };

	if (!table) {
		for (unsigned i = 0; i < 256; i++)
			v->traps[i] = (struct trap_info){ 0 };
		traps_load(v);
		return 0;
	}
	/* Check the whole table first: a bad entry changes nothing. */
	for (unsigned i = 0; i < 256; i++) {
		if (copy_from_guest(&ti, table + i * sizeof(ti), sizeof(ti)))
			return -XEN_EFAULT;
		if (!ti.address)
			break;
		uint32_t cs = ti.cs;
		if (!fix_guest_cs(&cs) || ti.address >= HYPERVISOR_VIRT_START)
			return -XEN_EINVAL;
		ti.cs = (uint16_t)cs;
		new[ti.vector] = ti;
		set[ti.vector] = true;
	}
	for (unsigned i = 0; i < 256; i++)
		if (set[i])
			v->traps[i] = new[i];
	traps_load(v);
	return 0;
}

long do_stack_switch(uint32_t ss, uint32_t esp)
{
	if ((ss & 3) != 1)
		return -XEN_EPERM;
	if (ss != FLAT_RING1_DS)
		return -XEN_EINVAL;
	current->kernel_ss = ss;
	current->kernel_sp = esp;
	tss_set_ring1_stack(ss, esp);
	return 0;
}

long do_set_callbacks(uint32_t event_cs, uint32_t event_eip, uint32_t failsafe_cs,
		      uint32_t failsafe_eip)
{
	if (!fix_guest_cs(&event_cs) || !fix_guest_cs(&failsafe_cs) ||
	    event_eip >= HYPERVISOR_VIRT_START || failsafe_eip >= HYPERVISOR_VIRT_START)
		return -XEN_EINVAL;
	current->event_cs = event_cs;
	current->event_eip = event_eip;
	current->failsafe_cs = failsafe_cs;
	current->failsafe_eip = failsafe_eip;
	return 0;
}

/*
 * The guest jumped to the iret slot with, on its stack: eax, eip, cs, eflags
 * and, when returning to ring 3, esp and ss. The upcall mask becomes !EFLAGS.IF.
 */
long do_iret(void)
{
	struct cpu_regs *r = guest_regs();
	struct {
		uint32_t eax, eip, cs, eflags, esp, ss;
	} f;

	if (copy_from_guest(&f, r->esp, 16))
		domain_crash(current->domain, "iret: unreadable stack", r);
	bool to_user = (f.cs & 3) == 3;
	if (to_user && copy_from_guest(&f.esp, r->esp + 16, 8))
		domain_crash(current->domain, "iret: unreadable stack", r);
	if (f.cs != FLAT_RING1_CS && f.cs != FLAT_RING3_CS)
		domain_crash(current->domain, "iret: bad code selector", r);

	r->eip = f.eip;
	r->cs = f.cs;
	/* The guest never gets IOPL or real interrupt control. */
	r->eflags = (f.eflags & ~(EFLAGS_IOPL | EFLAGS_VM | EFLAGS_NT)) | EFLAGS_IF;
	current->info->evtchn_upcall_mask = !(f.eflags & EFLAGS_IF);
	if (to_user) {
		r->esp = f.esp;
		r->ss = f.ss;
	} else {
		r->esp += 16;
	}
	return f.eax;
}
