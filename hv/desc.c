/*
 * Descriptor tables. The GDT's first 14 pages are for guests (empty here: a
 * guest's own pages are mapped in front of our last page by hc_desc.c); the
 * last page holds the hypervisor's flat ring-0 segments, the guests' flat
 * ring-1 and ring-3 segments whose limits stop below the hypervisor, and the TSS.
 */
#include <hv.h>
#include <x86.h>

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

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(4096)));
static uint64_t idt[256] __attribute__((aligned(8)));
static struct tss tss __attribute__((aligned(128)));
extern char trap_stubs[];

/* A code/data descriptor: base 0, page-granular limit, 32-bit, accessed bit set. */
static uint64_t seg_desc(uint32_t limit_pages, unsigned dpl, bool code)
{
	uint64_t access = 0x80 | (dpl << 5) | 0x10 | (code ? 0xB : 0x3);
	return (limit_pages & 0xFFFF) | (access << 40) |
	       ((uint64_t)((limit_pages >> 16) & 0xF) << 48) | (0xCull << 52);
}

static uint64_t gate(uint16_t sel, uint32_t eip, unsigned dpl, bool trap)
{
	uint64_t type = 0x80 | (dpl << 5) | (trap ? 0xF : 0xE);
	return (eip & 0xFFFF) | ((uint64_t)sel << 16) | (type << 40) |
	       ((uint64_t)(eip >> 16) << 48);
}

#define GDT_IDX(sel) ((sel) >> 3)

static void gdt_init(void)
{
	gdt[GDT_IDX(HV_CS)] = seg_desc(0xFFFFF, 0, true);
	gdt[GDT_IDX(HV_DS)] = seg_desc(0xFFFFF, 0, false);
	gdt[GDT_IDX(FLAT_RING1_CS)] = seg_desc(GUEST_LIMIT_PAGES, 1, true);
	gdt[GDT_IDX(FLAT_RING1_DS)] = seg_desc(GUEST_LIMIT_PAGES, 1, false);
	gdt[GDT_IDX(FLAT_RING3_CS)] = seg_desc(GUEST_LIMIT_PAGES, 3, true);
	gdt[GDT_IDX(FLAT_RING3_DS)] = seg_desc(GUEST_LIMIT_PAGES, 3, false);

	uint32_t base = (uint32_t)&tss, limit = sizeof(tss) - 1;
	gdt[GDT_IDX(HV_TSS)] = (limit & 0xFFFF) | ((uint64_t)(base & 0xFFFFFF) << 16) |
			       (0x89ull << 40) | ((uint64_t)(base >> 24) << 56);

	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) gdtr = { sizeof(gdt) - 1, (uint32_t)gdt };
	__asm__ volatile("lgdt %0\n\t"
			 "ljmp %1, $1f\n"
			 "1:\tmov %2, %%ds\n\t"
			 "mov %2, %%es\n\t"
			 "mov %2, %%ss\n\t"
			 "mov %3, %%fs\n\t"
			 "mov %3, %%gs"
			 :
			 : "m"(gdtr), "i"(HV_CS), "r"(HV_DS), "r"(0)
			 : "memory");
}

void desc_load_gdt(uint32_t base)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) gdtr = { sizeof(gdt) - 1, base ? base : (uint32_t)gdt };
	__asm__ volatile("lgdt %0" : : "m"(gdtr) : "memory");
}

uint32_t desc_reserved_gdt_mfn(void)
{
	return virt_to_mfn(&gdt[GDT_FIRST_RESERVED]);
}

static void tss_init(void)
{
	tss.ss0 = HV_DS;
	tss.esp0 = (uint32_t)cpu0.stack_top;
	tss.ss1 = FLAT_RING1_DS;
	/* I/O bitmap offset past the limit: no port is open to rings 1-3. */
	tss.iomap_base = sizeof(tss);
	__asm__ volatile("ltr %w0" : : "r"(HV_TSS));
}

void idt_reset_gate(unsigned vector)
{
	/* int3 and into may be used from any ring; the hypercall gate from ring 1. */
	unsigned dpl = (vector == 3 || vector == 4) ? 3 : vector == HYPERCALL_VECTOR ? 1 : 0;
	idt[vector] = gate(HV_CS, (uint32_t)trap_stubs + 16 * vector, dpl, false);
}

/* A gate straight into a guest's ring-1 code (the system-call fast path). */
void idt_set_guest_gate(unsigned vector, uint16_t cs, uint32_t eip, unsigned dpl)
{
	/* A trap gate: ring 1 cannot re-enable interrupts itself, so they stay on. */
	idt[vector] = gate(cs, eip, dpl, true);
}

static void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++)
		idt_reset_gate(v);
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint32_t)idt };
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void tss_set_ring1_stack(uint32_t ss, uint32_t sp)
{
	tss.ss1 = (uint16_t)ss;
	tss.esp1 = sp;
}

void desc_init(void)
{
	gdt_init();
	tss_init();
	idt_init();
}
