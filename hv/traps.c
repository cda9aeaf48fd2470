/*
 * Exceptions and interrupts. A fault in the hypervisor is either expected (an
 * exception-table entry: a guest-memory access) or fatal (panic with a register
 * dump). A fault in a guest is bounced to the guest's own handler with the
 * native frame; with no handler, or if the bounce itself faults, that guest
 * crashes and the hypervisor carries on.
 */
#include <event.h>
#include <hv.h>
#include <x86.h>

struct ex_entry {
	uint32_t insn, fixup;
};
extern const struct ex_entry __ex_table_start[], __ex_table_end[];

static bool has_error_code(unsigned v)
{
	return v == 8 || (v >= 10 && v <= 14) || v == 17;
}

void dump_regs(const struct cpu_regs *r)
{
	printk("  eip %08x  cs %04x  eflags %08x  vector %u  error %08x\n", r->eip, r->cs & 0xFFFF,
	       r->eflags, r->vector, r->error_code);
	printk("  eax %08x  ebx %08x  ecx %08x  edx %08x\n", r->eax, r->ebx, r->ecx, r->edx);
	printk("  esi %08x  edi %08x  ebp %08x  cr2 %08x\n", r->esi, r->edi, r->ebp, read_cr2());
	if (ring_of(r))
		printk("  esp %08x  ss %04x  ds %04x  es %04x  fs %04x  gs %04x\n", r->esp,
		       r->ss & 0xFFFF, r->ds & 0xFFFF, r->es & 0xFFFF, r->fs & 0xFFFF,
		       r->gs & 0xFFFF);
	printk("  cr0 %08x  cr3 %08x  cr4 %08x\n", read_cr0(), read_cr3(), read_cr4());
}

static noreturn void hv_fatal(struct cpu_regs *r)
{
	const char *name = x86_exception_name(r->vector);
	printk("hv: fatal %s in the hypervisor\n", name ? name : "interrupt");
	dump_regs(r);
	panic("hypervisor fault");
}

static bool fixup_exception(struct cpu_regs *r)
{
	for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++)
		if (e->insn == r->eip) {
			r->eip = e->fixup;
			return true;
		}
	return false;
}

/*
 * Build a native frame on the guest's stack (from ring 3: on its kernel stack)
 * and point the vCPU at cs:eip. The saved CS carries the upcall mask in bits
 * 16+ and EFLAGS.IF is its inverse. False if the frame cannot be written.
 */
bool bounce_frame(struct vcpu *v, struct cpu_regs *r, uint32_t cs, uint32_t eip, bool has_error,
		  uint32_t error_code, bool mask_events)
{
	uint8_t mask = v->info->evtchn_upcall_mask;
	uint32_t frame[6], n = 0, sp, ss;

	if (has_error)
		frame[n++] = error_code;
	frame[n++] = r->eip;
	frame[n++] = (r->cs & 0xFFFF) | ((uint32_t)mask << 16);
	frame[n++] = (r->eflags & ~EFLAGS_IF) | (mask ? 0 : EFLAGS_IF);
	if (ring_of(r) == 3) { /* switch to the guest kernel's stack */
		frame[n++] = r->esp;
		frame[n++] = r->ss & 0xFFFF;
		sp = v->kernel_sp;
		ss = v->kernel_ss;
	} else {
		sp = r->esp;
		ss = r->ss;
	}
	sp -= n * 4;
	if (copy_to_guest(sp, frame, n * 4))
		return false;
	r->esp = sp;
	r->ss = ss;
	r->cs = cs;
	r->eip = eip;
	r->eflags &= ~(EFLAGS_TF | EFLAGS_NT | EFLAGS_VM);
	if (mask_events)
		v->info->evtchn_upcall_mask = 1;
	return true;
}

bool bounce_to_guest(struct vcpu *v, struct cpu_regs *r, unsigned vector, bool has_error,
		     uint32_t error_code)
{
	const struct trap_info *ti = &v->traps[vector];
	return bounce_frame(v, r, ti->cs, ti->address, has_error, error_code, TI_GET_IF(ti));
}

/*
 * `int N` aimed at a gate the guest may not use lands here as #GP with the IDT
 * bit set. If the guest's own trap table lets this ring raise N, deliver N.
 */
static bool software_interrupt(struct vcpu *v, struct cpu_regs *r)
{
	if ((r->error_code & 3) != 2)
		return false;
	unsigned vector = r->error_code >> 3;
	const struct trap_info *ti = &v->traps[vector];
	if (!ti->address || TI_GET_DPL(ti) < ring_of(r))
		return false;
	r->eip += 2; /* past `int imm8` */
	if (!bounce_to_guest(v, r, vector, false, 0))
		domain_crash(v->domain, "fault while delivering a software interrupt", r);
	return true;
}

static void guest_exception(struct cpu_regs *r)
{
	struct vcpu *v = current;
	unsigned vector = r->vector;
	const char *name = x86_exception_name(vector);

	v->domain->stats.exceptions[vector]++;
	if (vector == 14)
		v->info->arch.cr2 = read_cr2();
	if (vector == 13 && software_interrupt(v, r))
		return;
	if (!v->traps[vector].address) {
		printk("hv: d%u: %s with no guest handler\n", v->domain->id,
		       name ? name : "exception");
		domain_crash(v->domain, "unhandled exception", r);
	}
	if (!bounce_to_guest(v, r, vector, has_error_code(vector), r->error_code)) {
		printk("hv: d%u: fault while bouncing %s to the guest (stack %08x)\n",
		       v->domain->id, name, ring_of(r) == 3 ? v->kernel_sp : r->esp);
		domain_crash(v->domain, "fault while bouncing", r);
	}
}

void trap_dispatch(struct cpu_regs *r)
{
	if (ring_of(r) && current) {
		struct pv_domain_counters *c = &current->domain->stats;
		if (r->vector == TIMER_VECTOR)
			c->interrupts++;
		else if (r->vector >= 32 && r->vector != HYPERCALL_VECTOR)
			c->other_entries++;
	}
	if (r->vector == HYPERCALL_VECTOR) {
		hypercall_dispatch(r);
	} else if (r->vector == TIMER_VECTOR) {
		apic_timer_interrupt();
	} else if (r->vector == 2) {
		printk("hv: NMI ignored\n"); /* not the guest's doing: never bounce it */
	} else if (r->vector == 8 || r->vector == 18) {
		hv_fatal(r); /* double fault, machine check: the machine is not sane */
	} else if (r->vector < 32) {
		if (ring_of(r) == 0) {
			if (!fixup_exception(r))
				hv_fatal(r);
		} else {
			guest_exception(r);
		}
	} else if (r->vector != SPURIOUS_VECTOR && r->vector >= PIC_VECTOR_BASE + 16) {
		printk("hv: unexpected interrupt %u\n", r->vector);
	}
	if (ring_of(r) && current)
		return_to_guest(r);
}

/* The last step before any return to a guest: switch vCPU if the scheduler
 * asks, then deliver pending events. */
void return_to_guest(struct cpu_regs *r)
{
	if (cpu0.need_resched)
		schedule(r);
	evtchn_check_upcall(current, r);
	baseptr_settle(); /* as late as can be: the fewest pages to walk again after it */
	flush_settle();
}

noreturn void guest_bad_return(void)
{
	domain_crash(current->domain, "bad segment or frame on return to the guest", guest_regs());
}
