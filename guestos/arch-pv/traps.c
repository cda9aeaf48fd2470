/*
 * The guest's virtual IDT (set_trap_table) and its C trap handler. A trap in
 * a user process goes to pv_user_trap (entry.c). Tests arm trap_expect to
 * catch one trap and continue at a chosen address; any other trap is a kernel
 * bug and panics with the frame.
 */
#include "pv.h"

struct trap_expect trap_expect;
volatile uint32_t syscall_count;
uint32_t fault_eip;

/* Entry stubs in traps.S, one per exception vector the guest handles. */
extern char trap_0[], trap_1[], trap_3[], trap_4[], trap_5[], trap_6[], trap_7[], trap_8[],
    trap_10[], trap_11[], trap_12[], trap_13[], trap_14[], trap_16[], trap_17[], trap_18[],
    trap_19[];

#define ENTRY(v, dpl)                                     \
	{                                                 \
		v, dpl, FLAT_RING1_CS, (uint32_t)trap_##v \
	}
static const struct trap_info trap_table[] = {
	ENTRY(0, 0),	ENTRY(1, 0),  ENTRY(3, 3),
	ENTRY(4, 3),	ENTRY(5, 0),  ENTRY(6, 0),
	ENTRY(7, 0),	ENTRY(8, 0),  ENTRY(10, 0),
	ENTRY(11, 0),	ENTRY(12, 0), ENTRY(13, 0),
	ENTRY(14, 0),	ENTRY(16, 0), ENTRY(17, 0),
	ENTRY(18, 0),	ENTRY(19, 0), { SYSCALL_VECTOR, 3, FLAT_RING1_CS, (uint32_t)syscall_entry },
	{ 0, 0, 0, 0 },
};

void traps_init(void)
{
	long rc = HYPERVISOR_set_trap_table((uint32_t)trap_table);
	if (rc)
		panic("set_trap_table: %ld", rc);
}

void trap_expect_arm(void)
{
	trap_expect.vector = -1;
	trap_expect.armed = 1;
}

void pv_trap(struct arch_regs *f);
void pv_trap(struct arch_regs *f)
{
	bool from_user = (f->cs & 3) == 3;

	if (from_user && !trap_expect.armed && proc_current()->vm) {
		pv_user_trap(f); /* a process's fault: the core decides */
		return;
	}
	if (!trap_expect.armed)
		panic("unexpected trap %u at %08x (cs %04x) error %x cr2 %08x", f->vector, f->eip,
		      f->cs & 0xFFFF, f->error_code, shared_info->vcpu_info[0].arch.cr2);
	trap_expect.armed = 0;
	trap_expect.vector = (int)f->vector;
	trap_expect.error_code = f->error_code;
	trap_expect.eip = f->eip;
	trap_expect.cs = f->cs;
	trap_expect.eflags = f->eflags;
	trap_expect.cr2 = shared_info->vcpu_info[0].arch.cr2;
	if (from_user) {
		trap_expect.esp = f->esp;
		trap_expect.ss = f->ss;
		user_leave(0xFA017);
	}
	f->eip = trap_expect.resume;
}
