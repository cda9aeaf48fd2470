/*
 * Trap dispatch for the native kernel: the LAPIC timer, spurious interrupts,
 * exceptions from user mode (entry.c hands them to the core) and from the
 * kernel, which are bugs: a register dump, a backtrace and a panic. Tests arm
 * trap_expect to catch one kernel-mode trap and continue at a chosen address.
 */
#include "native.h"

struct trap_expect trap_expect;
static uint32_t spurious;

static void backtrace(uint32_t ebp)
{
	printk("  backtrace:");
	for (int i = 0; i < 8 && ebp >= KERNEL_BASE && ebp < KERNEL_DIRECT_END - 8 && !(ebp & 3);
	     i++) {
		const uint32_t *frame = (const uint32_t *)ebp;
		printk(" %08x", frame[1]);
		if (frame[0] <= ebp)
			break;
		ebp = frame[0];
	}
	printk("\n");
}

void native_dump_regs(const struct arch_regs *f, uint32_t cr2)
{
	const char *name = x86_exception_name(f->vector);
	if (!name)
		name = "interrupt";
	bool user = (f->cs & 3) == 3;
	printk("native: trap %u (%s) in ring %u, error code %#x\n", f->vector, name, f->cs & 3,
	       f->error_code);
	printk("  eip %04x:%08x  eflags %08x  esp %08x  cr2 %08x\n", f->cs & 0xFFFF, f->eip,
	       f->eflags, user ? f->esp : (uint32_t)&f->esp, cr2);
	printk("  eax %08x  ebx %08x  ecx %08x  edx %08x\n", f->eax, f->ebx, f->ecx, f->edx);
	printk("  esi %08x  edi %08x  ebp %08x  ds %04x  es %04x\n", f->esi, f->edi, f->ebp,
	       f->ds & 0xFFFF, f->es & 0xFFFF);
	printk("  cr0 %08x  cr3 %08x  cr4 %08x  tss.esp0 %08x\n", read_cr0(), read_cr3(),
	       read_cr4(), tss_esp0());
	if (!user)
		backtrace(f->ebp);
}

void native_trap(struct arch_regs *f)
{
	if (f->vector == TIMER_VECTOR) {
		lapic_timer_interrupt();
		if ((f->cs & 3) == 3 && proc_current()->vm)
			native_return_to_user(); /* the slice may have ended */
		return;
	}
	if (f->vector == SPURIOUS_VECTOR ||
	    (f->vector >= PIC_VECTOR_BASE && f->vector < PIC_VECTOR_BASE + 16)) {
		spurious++; /* no EOI: the PICs are masked, the LAPIC wants none here */
		return;
	}
	uint32_t cr2 = f->vector == 14 ? read_cr2() : 0;
	bool from_user = (f->cs & 3) == 3;
	if (from_user && f->vector < 32 && proc_current()->vm) {
		native_user_trap(f, cr2); /* a process's fault: the core decides */
		return;
	}
	if (!from_user && trap_expect.armed) {
		trap_expect.armed = 0;
		trap_expect.vector = (int)f->vector;
		trap_expect.error_code = f->error_code;
		trap_expect.eip = f->eip;
		trap_expect.cr2 = cr2;
		f->eip = trap_expect.resume;
		return;
	}
	native_dump_regs(f, cr2);
	panic("unexpected trap %u at %08x", f->vector, f->eip);
}
