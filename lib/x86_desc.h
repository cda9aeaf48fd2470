/*
 * x86 descriptor encodings (segment, TSS and gate descriptors), the TSS and the
 * pseudo-descriptor lgdt/lidt take: hardware layouts, no state. The hypervisor
 * and the native guest kernel each build their own tables with these.
 */
#ifndef LIB_X86_DESC_H
#define LIB_X86_DESC_H

#include <stdbool.h>
#include <stdint.h>

/* The 32-bit task-state segment. */
struct x86_tss {
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

/* What lgdt and lidt load. */
struct x86_table_reg {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

/* A code or data descriptor: base 0, limit in 4 KiB pages (0xFFFFF: 4 GiB),
 * 32-bit, accessed bit set. */
static inline uint64_t x86_seg_desc(uint32_t limit_pages, unsigned dpl, bool code)
{
	uint64_t access = 0x80 | (dpl << 5) | 0x10 | (code ? 0xB : 0x3);
	return (limit_pages & 0xFFFF) | (access << 40) |
	       ((uint64_t)((limit_pages >> 16) & 0xF) << 48) | (0xCull << 52);
}

/* An available 32-bit TSS at base, byte-granular limit. */
static inline uint64_t x86_tss_desc(uint32_t base, uint32_t limit)
{
	return (limit & 0xFFFF) | ((uint64_t)(base & 0xFFFFFF) << 16) | (0x89ull << 40) |
	       ((uint64_t)(base >> 24) << 56);
}

/* An IDT gate to sel:eip: an interrupt gate (IF cleared on entry) or a trap gate. */
static inline uint64_t x86_gate(uint16_t sel, uint32_t eip, unsigned dpl, bool trap)
{
	uint64_t type = 0x80 | (dpl << 5) | (trap ? 0xF : 0xE);
	return (eip & 0xFFFF) | ((uint64_t)sel << 16) | (type << 40) |
	       ((uint64_t)(eip >> 16) << 48);
}

/* An IDT task gate to the TSS at selector tss_sel (DPL 0). */
static inline uint64_t x86_task_gate(uint16_t tss_sel)
{
	return ((uint64_t)tss_sel << 16) | (0x85ull << 40);
}

static inline void x86_lgdt(const struct x86_table_reg *r)
{
	__asm__ volatile("lgdt %0" : : "m"(*r) : "memory");
}

static inline void x86_lidt(const struct x86_table_reg *r)
{
	__asm__ volatile("lidt %0" : : "m"(*r));
}

static inline void x86_ltr(uint16_t tss_sel)
{
	__asm__ volatile("ltr %w0" : : "r"(tss_sel));
}

/* Load the GDT and every segment register from it: CS (a constant: the far
 * jump's immediate) and DS, ES, SS with cs's and ds's flat segments, FS and GS
 * with the null selector. */
#define X86_LOAD_GDT(gdtr, cs, ds)                             \
	__asm__ volatile("lgdt %0\n\t"                         \
			 "ljmp %1, $1f\n"                      \
			 "1:\tmov %2, %%ds\n\t"                \
			 "mov %2, %%es\n\t"                    \
			 "mov %2, %%ss\n\t"                    \
			 "mov %3, %%fs\n\t"                    \
			 "mov %3, %%gs"                        \
			 :                                     \
			 : "m"(gdtr), "i"(cs), "r"(ds), "r"(0) \
			 : "memory")

#endif
