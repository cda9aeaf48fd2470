/*
 * Descriptor tables. The GDT puts the kernel's flat ring-0 segments, the flat
 * ring-3 ones and the TSS at the selectors the hypervisor and the PV ABI use
 * (native.h); the slots below stay empty (a zero descriptor: loading one
 * faults). Every IDT gate is an interrupt gate, so the kernel always runs with
 * interrupts off, as the PV kernel runs with event upcalls masked; int3, into
 * and the system call may be raised from ring 3.
 */
#include "native.h"

struct tss {
	uint16_t link, pad0;
	uint32_t esp0;
	uint16_t ss0, pad1;
	uint32_t esp1;
	uint16_t ss1, pad2;
	uint32_t esp2;
	uint16_t ss2, pad3;
	uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint16_t es, pad4, cs, pad5, ss, pad6, ds, pad7, fs, pad8, gs, pad9, ldt, pad10;
	uint16_t trap, iomap_base;
} __attribute__((packed));

struct table_reg {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(4096)));
static uint64_t idt[256] __attribute__((aligned(8)));
static struct tss tss __attribute__((aligned(128)));
static struct tss df_tss __attribute__((aligned(128)));
static uint8_t df_stack[4096] __attribute__((aligned(16)));
extern char boot_stack_top[];

/* A flat code or data descriptor: base 0, 4 GiB, 32-bit, accessed. */
static uint64_t seg_desc(unsigned dpl, bool code)
{
	uint64_t access = 0x80 | (dpl << 5) | 0x10 | (code ? 0xB : 0x3);
	return 0xFFFF | (access << 40) | (0xFull << 48) | (0xCull << 52);
}

static uint64_t gate(uint32_t eip, unsigned dpl)
{
	uint64_t type = 0x80 | (dpl << 5) | 0xE; /* interrupt gate: IF cleared on entry */
	return (eip & 0xFFFF) | ((uint64_t)KERNEL_CS << 16) | (type << 40) |
	       ((uint64_t)(eip >> 16) << 48);
}

static uint64_t tss_desc(const struct tss *t)
{
	uint32_t base = (uint32_t)t, limit = sizeof(*t) - 1;
	return (limit & 0xFFFF) | ((uint64_t)(base & 0xFFFFFF) << 16) | (0x89ull << 40) |
	       ((uint64_t)(base >> 24) << 56);
}

static void gdt_init(void)
{
	gdt[KERNEL_CS >> 3] = seg_desc(0, true);
	gdt[KERNEL_DS >> 3] = seg_desc(0, false);
	gdt[USER_CS >> 3] = seg_desc(3, true);
	gdt[USER_DS >> 3] = seg_desc(3, false);
	gdt[TSS_SEL >> 3] = tss_desc(&tss);
	gdt[DF_TSS_SEL >> 3] = tss_desc(&df_tss);

	struct table_reg gdtr = { sizeof(gdt) - 1, (uint32_t)gdt };
	__asm__ volatile("lgdt %0\n\t"
			 "ljmp %1, $1f\n"
			 "1:\tmov %2, %%ds\n\t"
			 "mov %2, %%es\n\t"
			 "mov %2, %%ss\n\t"
			 "mov %3, %%fs\n\t"
			 "mov %3, %%gs"
			 :
			 : "m"(gdtr), "i"(KERNEL_CS), "r"(KERNEL_DS), "r"(0)
			 : "memory");
}

static void tss_init(void)
{
	tss.ss0 = KERNEL_DS;
	tss.esp0 = (uint32_t)boot_stack_top;
	tss.iomap_base = sizeof(tss); /* past the limit: no port is open to ring 3 */
	__asm__ volatile("ltr %w0" : : "r"(TSS_SEL));

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
		idt[v] = gate((uint32_t)trap_stubs + TRAP_STUB_SIZE * v, dpl);
	}
	idt[8] = ((uint64_t)DF_TSS_SEL << 16) | (0x85ull << 40); /* a task gate */
	struct table_reg idtr = { sizeof(idt) - 1, (uint32_t)idt };
	__asm__ volatile("lidt %0" : : "m"(idtr));
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
