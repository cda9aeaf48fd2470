/*
 * Thin wrappers for the x86 instructions, and the architectural bits they take,
 * used by the hypervisor and the native guest kernel (the PV guest kernel only
 * uses the unprivileged ones: in ring 1 the rest trap).
 */
#ifndef LIB_X86_H
#define LIB_X86_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint64_t rdtsc(void)
{
	uint64_t v;
	__asm__ volatile("rdtsc" : "=A"(v));
	return v;
}
static inline uint64_t rdmsr(uint32_t msr)
{
	uint64_t v;
	__asm__ volatile("rdmsr" : "=A"(v) : "c"(msr));
	return v;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "A"(v));
}
static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}
#define DEFINE_CR(n)                                                       \
	static inline uint32_t read_cr##n(void)                            \
	{                                                                  \
		uint32_t v;                                                \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));          \
		return v;                                                  \
	}                                                                  \
	static inline void write_cr##n(uint32_t v)                         \
	{                                                                  \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); \
	}
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR
static inline void invlpg(uint32_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}
static inline void flush_tlb_local(void)
{
	write_cr3(read_cr3());
}
static inline void cpu_relax(void)
{
	__asm__ volatile("pause");
}
static inline void irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}
static inline void irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}
/* Enable interrupts and halt until the next one (sti's shadow covers hlt). */
static inline void safe_halt(void)
{
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR0_NE (1u << 5)
#define CR0_WP (1u << 16)
#define CR0_PG (1u << 31)
#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)
#define CR4_PGE (1u << 7)
#define MSR_EFER 0xC0000080u
#define EFER_NXE (1u << 11)
#define EFLAGS_IF (1u << 9)
#define EFLAGS_IOPL (3u << 12)
#define EFLAGS_TF (1u << 8)
#define EFLAGS_NT (1u << 14)
#define EFLAGS_VM (1u << 17)

/* The name of exception vector v (0-31), or NULL for a reserved one or above 31. */
static inline const char *x86_exception_name(unsigned v)
{
	static const char *const names[32] = {
		"divide error",
		"debug",
		"NMI",
		"breakpoint",
		"overflow",
		"bound range",
		"invalid opcode",
		"device not available",
		"double fault",
		"coprocessor overrun",
		"invalid TSS",
		"segment not present",
		"stack fault",
		"general protection",
		"page fault",
		"reserved",
		"x87 error",
		"alignment check",
		"machine check",
		"SIMD error",
	};
	return v < 32 ? names[v] : 0;
}

#endif
