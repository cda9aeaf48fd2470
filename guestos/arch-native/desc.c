/*
 * Descriptor tables. The GDT puts the kernel's flat ring-0 segments, the flat
 * ring-3 ones and the TSS at the selectors the hypervisor and the PV ABI use
 * (native.h); the slots below stay empty (a zero descriptor: loading one
 * faults). Every IDT gate is an interrupt gate, so the kernel always runs with
 * interrupts off, as the PV kernel runs with event upcalls masked; int3, into
 * and the system call may be raised from ring 3.
 */
#include "native.h"
#include <x86_desc.h>

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(4096)));
static uint64_t idt[256] __hot_data __attribute__((aligned(8))); /* read at every trap */
static struct x86_tss tss __hot_data __attribute__((aligned(128)));
static struct x86_tss df_tss __attribute__((aligned(128)));
static uint8_t df_stack[4096] __attribute__((aligned(16)));
extern char boot_stack_top[];

#define FLAT_4G 0xFFFFF /* a segment's limit in pages: all 4 GiB */

static uint64_t tss_desc(const struct x86_tss *t)
{
	return x86_tss_desc((uint32_t)t, sizeof(*t) - 1);
}

static void gdt_init(void)
{
	gdt[KERNEL_CS >> 3] = x86_seg_desc(FLAT_4G, 0, true);
	gdt[KERNEL_DS >> 3] = x86_seg_desc(FLAT_4G, 0, false);
	gdt[USER_CS >> 3] = x86_seg_desc(FLAT_4G, 3, true);
	gdt[USER_DS >> 3] = x86_seg_desc(FLAT_4G, 3, false);
	gdt[TSS_SEL >> 3] = tss_desc(&tss);
	gdt[DF_TSS_SEL >> 3] = tss_desc(&df_tss);

	struct x86_table_reg gdtr = { sizeof(gdt) - 1, (uint32_t)gdt };
	X86_LOAD_GDT(gdtr, KERNEL_CS, KERNEL_DS);
}

static void tss_init(void)
{
	tss.ss0 = KERNEL_DS;
	tss.esp0 = (uint32_t)boot_stack_top;
	tss.iomap_base = sizeof(tss); /* past the limit: no port is open to ring 3 */
	x86_ltr(TSS_SEL);

	/* head.S's tables stay valid (they are in .bss) and map the kernel: good
	 * enough for the report, whatever CR3 was when the fault came. */
	df_tss.cr3 = read_cr3();
	df_tss.eip = (uint32_t)native_double_fault;
	df_tss.eflags = 0x2; /* interrupts off */
	df_tss.esp = (uint32_t)df_stack + sizeof(df_stack);
	df_tss.cs = KERNEL_CS;
	df_tss.ss = df_tss.ds = df_tss.es = KERNEL_DS;
	df_tss.iomap_base = sizeof(df_tss);
}

/* The double-fault task: the CPU saved the faulting state in the main TSS. */
noreturn void native_double_fault(void)
{
	printk("native: double fault in ring %u (a broken kernel stack?)\n", tss.cs & 3);
	printk("  eip %04x:%08x  eflags %08x  esp %08x  cr2 %08x\n", tss.cs, tss.eip, tss.eflags,
	       tss.esp, read_cr2());
	printk("  eax %08x  ebx %08x  ecx %08x  edx %08x\n", tss.eax, tss.ebx, tss.ecx, tss.edx);
	printk("  esi %08x  edi %08x  ebp %08x\n", tss.esi, tss.edi, tss.ebp);
	panic("double fault at %08x", tss.eip);
}

static void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++) {
		unsigned dpl = (v == 3 || v == 4 || v == SYSCALL_VECTOR) ? 3 : 0;
		/* interrupt gates: IF cleared on entry */
		idt[v] = x86_gate(KERNEL_CS, (uint32_t)trap_stubs + TRAP_STUB_SIZE * v, dpl, false);
	}
	idt[8] = x86_task_gate(DF_TSS_SEL);
	struct x86_table_reg idtr = { sizeof(idt) - 1, (uint32_t)idt };
	x86_lidt(&idtr);
}

void desc_init(void)
{
	gdt_init();
	tss_init();
	idt_init();
}

/* The stack the CPU switches to on an entry from ring 3 (PV: stack_switch). */
int arch_set_kernel_stack(uint32_t sp)
{
	tss.esp0 = sp;
	return 0;
}

uint32_t tss_esp0(void)
{
	return tss.esp0;
}
