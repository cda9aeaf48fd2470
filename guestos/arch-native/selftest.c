/*
 * The native self-test (command-line word "selftest", as on the PV port, which
 * runs its own): the descriptor tables, the kernel's page-table rights (W^X,
 * NX, nothing mapped below the kernel), exceptions caught in ring 0, time and
 * the LAPIC timer, and user address spaces through the arch interface. Each
 * test checks through CHECK; kernel_main reports the verdict.
 */
#include "native.h"

#define UNMAPPED_VA 0x10000000u /* the kernel's own tables map nothing below it */
#define USER_VA 0x20000000u
/* How late a timer may wake us under TCG on a loaded host: generous on purpose
 * (this checks it fires, never early; bench/ measures how late). */
#define TIMER_TOLERANCE_NS 50000000ull

uint32_t fault_eip;
extern char __text_start[];
static const uint8_t ret_insn[] = { 0xC3 }; /* read-only data: a `ret` */

static uint16_t selector(int which)
{
	uint16_t v = 0;
	if (which == 0)
		__asm__ volatile("mov %%cs, %0" : "=r"(v));
	else
		__asm__ volatile("mov %%ss, %0" : "=r"(v));
	return v;
}

KTEST(selftest, ring0_selectors)
{
	CHECK_EQ(selector(0), KERNEL_CS);
	CHECK_EQ(selector(1), KERNEL_DS);
	CHECK(read_cr0() & CR0_WP); /* the kernel respects read-only pages too */
	CHECK(read_cr4() & CR4_PAE);
	CHECK(rdmsr(MSR_EFER) & EFER_NXE);
}

KTEST(selftest, interrupts_off_in_the_kernel)
{
	unsigned long flags = arch_irq_save();
	CHECK_EQ(flags & EFLAGS_IF, 0); /* interrupt gates: the kernel runs with IF clear */
	arch_irq_restore(flags | EFLAGS_IF);
	CHECK(arch_irq_save() & EFLAGS_IF);
	arch_irq_restore(flags);
	CHECK_EQ(arch_irq_save() & EFLAGS_IF, 0);
}

KTEST(selftest, divide_error_and_breakpoint)
{
	EXPECT_TRAP("movl $1, %%eax\n\txorl %%edx, %%edx\n\tmovl $2f, fault_eip\n"
		    "2:\tdivl %%ecx",
		    0);
	CHECK_EQ(trap_expect.vector, 0);
	CHECK_EQ(trap_expect.eip, fault_eip);
	EXPECT_TRAP("movl $2f, fault_eip\n\tint3\n2:", 0);
	CHECK_EQ(trap_expect.vector, 3);
	CHECK_EQ(trap_expect.eip, fault_eip); /* a trap: the frame points past int3 */
	EXPECT_TRAP("ud2", 0);
	CHECK_EQ(trap_expect.vector, 6);
}

KTEST(selftest, kernel_page_rights)
{
	/* Nothing below the kernel in the kernel's own tables. */
	EXPECT_TRAP("movl (%%ecx), %%eax", UNMAPPED_VA + 0x123);
	CHECK_EQ(trap_expect.vector, 14);
	CHECK_EQ(trap_expect.cr2, UNMAPPED_VA + 0x123);
	CHECK_EQ(trap_expect.error_code, 0); /* read, not present, supervisor */
	EXPECT_TRAP("movl (%%ecx), %%eax", 0);
	CHECK_EQ(trap_expect.vector, 14);
	/* The kernel's text is read-only (CR0.WP: in ring 0 too). */
	EXPECT_TRAP("movl (%%ecx), %%eax\n\tmovl %%eax, (%%ecx)", (uint32_t)__text_start);
	CHECK_EQ(trap_expect.vector, 14);
	CHECK_EQ(trap_expect.error_code, 3); /* write, protection */
	CHECK_EQ(trap_expect.cr2, (uint32_t)__text_start);
	/* Read-only data and the direct map are not executable. */
	EXPECT_TRAP("jmp *%%ecx", (uint32_t)ret_insn);
	CHECK_EQ(trap_expect.vector, 14);
	CHECK_EQ(trap_expect.error_code, 0x11); /* instruction fetch, protection */
	CHECK_EQ(trap_expect.cr2, (uint32_t)ret_insn);
	uint32_t pfn = frame_alloc_zeroed();
	uint8_t *page = pfn_to_virt(pfn);
	page[0] = 0xC3;
	EXPECT_TRAP("jmp *%%ecx", (uint32_t)page);
	CHECK_EQ(trap_expect.vector, 14);
	CHECK_EQ(trap_expect.error_code, 0x11);
	frame_put(pfn);
}

KTEST(selftest, time_and_timer)
{
	CHECK(arch_wallclock_ns() / 1000000000 > 1577836800u); /* after 2020-01-01 */
	/* Idle until 3 ms ahead: the LAPIC timer ends it, never early, not much late. */
	uint32_t ticks = timer_interrupts;
	uint64_t t0 = arch_time_ns(), deadline = t0 + 3000000;
	do
		arch_idle(deadline);
	while (arch_time_ns() < deadline);
	uint64_t t1 = arch_time_ns();
	CHECK(t1 >= deadline);
	CHECK(timer_interrupts > ticks);
	if (t1 - t0 >= 3000000 + TIMER_TOLERANCE_NS)
		printk("    woke %llu ns after the deadline\n", t1 - deadline);
	CHECK(t1 - t0 < 3000000 + TIMER_TOLERANCE_NS);
	/* A deadline already past returns at once: interrupts stay off, none is taken. */
	ticks = timer_interrupts;
	arch_idle(1);
	CHECK_EQ(timer_interrupts, ticks);
}

KTEST(selftest, user_address_space)
{
	uint32_t free0 = pmem_free_frames(), pfn, got;
	unsigned prot;
	struct arch_as *as = arch_as_create();
	CHECK(as != NULL);
	CHECK_EQ(arch_as_lookup(as, USER_VA, &got, &prot), ARCH_AS_NO_TABLE);
	pfn = frame_alloc_zeroed();
	*(volatile uint32_t *)pfn_to_virt(pfn) = 0x5EED;
	CHECK_EQ(arch_as_map(as, USER_VA, pfn, ARCH_PROT_READ), 0);
	CHECK_EQ(arch_as_ready(as), 0);
	CHECK_EQ(arch_as_lookup(as, USER_VA, &got, &prot), 1);
	CHECK_EQ(got, pfn);
	CHECK_EQ(prot, ARCH_PROT_READ);
	CHECK_EQ(arch_as_lookup(as, USER_VA + PAGE_SIZE, &got, &prot), 0);
	arch_as_switch(as);
	CHECK_EQ(*(volatile uint32_t *)USER_VA, 0x5EED);
	/* Read-only for the kernel too; writable after a remap and a flush. */
	EXPECT_TRAP("movl $1, (%%ecx)", USER_VA);
	CHECK_EQ(trap_expect.error_code, 3); /* write, protection (U/S tells the CPL: 0) */
	CHECK_EQ(arch_as_map(as, USER_VA, pfn, ARCH_PROT_READ | ARCH_PROT_WRITE), 0);
	arch_mmu_flush();
	*(volatile uint32_t *)USER_VA = 0xF00D;
	CHECK_EQ(*(volatile uint32_t *)pfn_to_virt(pfn), 0xF00D);
	/* Not executable without ARCH_PROT_EXEC. */
	EXPECT_TRAP("jmp *%%ecx", USER_VA);
	CHECK_EQ(trap_expect.vector, 14);
	CHECK_EQ(trap_expect.error_code, 0x11); /* fetch, protection */
	/* Unmapped: gone from the TLB after the flush. */
	CHECK_EQ(arch_as_map(as, USER_VA, 0, 0), 0);
	arch_mmu_flush();
	EXPECT_TRAP("movl (%%ecx), %%eax", USER_VA);
	CHECK_EQ(trap_expect.vector, 14);
	pmem_get(pfn); /* the core's part: a mapping holds a reference */
	CHECK_EQ(arch_as_map(as, USER_VA, pfn, ARCH_PROT_READ), 0);
	arch_as_destroy(as); /* loaded: freed at the next switch */
	arch_as_switch(NULL);
	CHECK_EQ(pmem_refs(pfn), 1); /* the mapping's reference went */
	frame_put(pfn);
	CHECK_EQ(pmem_free_frames(), free0);
}
