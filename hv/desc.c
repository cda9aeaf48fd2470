/*
 * Descriptor tables. The GDT's first 14 pages are for guests (empty here: a
 * guest's own pages are mapped in front of our last page by hc_desc.c); the
 * last page holds the hypervisor's flat ring-0 segments, the guests' flat
 * ring-1 and ring-3 segments whose limits stop below the hypervisor, and the TSS.
 */
#include <hv.h>
#include <x86.h>
#include <x86_desc.h>

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(4096)));
static uint64_t idt[256] __attribute__((aligned(8)));
static struct x86_tss tss __attribute__((aligned(128)));
extern char trap_stubs[], hypercall_stub[], page_fault_stub[]; /* entry.S */

#define GDT_IDX(sel) ((sel) >> 3)

static void gdt_init(void)
{
	gdt[GDT_IDX(HV_CS)] = x86_seg_desc(0xFFFFF, 0, true);
	gdt[GDT_IDX(HV_DS)] = x86_seg_desc(0xFFFFF, 0, false);
	gdt[GDT_IDX(FLAT_RING1_CS)] = x86_seg_desc(GUEST_LIMIT_PAGES, 1, true);
	gdt[GDT_IDX(FLAT_RING1_DS)] = x86_seg_desc(GUEST_LIMIT_PAGES, 1, false);
	gdt[GDT_IDX(FLAT_RING3_CS)] = x86_seg_desc(GUEST_LIMIT_PAGES, 3, true);
	gdt[GDT_IDX(FLAT_RING3_DS)] = x86_seg_desc(GUEST_LIMIT_PAGES, 3, false);
	gdt[GDT_IDX(HV_TSS)] = x86_tss_desc((uint32_t)&tss, sizeof(tss) - 1);

	struct x86_table_reg gdtr = { sizeof(gdt) - 1, (uint32_t)gdt };
	X86_LOAD_GDT(gdtr, HV_CS, HV_DS);
}

void desc_load_gdt(uint32_t base)
{
	struct x86_table_reg gdtr = { sizeof(gdt) - 1, base ? base : (uint32_t)gdt };
	x86_lgdt(&gdtr);
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
	x86_ltr(HV_TSS);
}

void idt_reset_gate(unsigned vector)
{
	/* int3 and into may be used from any ring; the hypercall gate from ring 1. */
	unsigned dpl = (vector == 3 || vector == 4) ? 3 : vector == HYPERCALL_VECTOR ? 1 : 0;
	uint32_t stub = vector == HYPERCALL_VECTOR ? (uint32_t)hypercall_stub
			: vector == 14		   ? (uint32_t)page_fault_stub
						   : (uint32_t)trap_stubs + 16 * vector;
	idt[vector] = x86_gate(HV_CS, stub, dpl, false);
}

/* A gate straight into a guest's ring-1 code (the system-call fast path). */
void idt_set_guest_gate(unsigned vector, uint16_t cs, uint32_t eip, unsigned dpl)
{
	/* A trap gate: ring 1 cannot re-enable interrupts itself, so they stay on. */
	idt[vector] = x86_gate(cs, eip, dpl, true);
}

static void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++)
		idt_reset_gate(v);
	struct x86_table_reg idtr = { sizeof(idt) - 1, (uint32_t)idt };
	x86_lidt(&idtr);
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
