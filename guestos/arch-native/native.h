/*
 * Internal interface of the ring-0 (native) port: the guest kernel on the bare
 * PC, with its own GDT, IDT, TSS, PAE page tables, UART, TSC and LAPIC timer.
 */
#ifndef NATIVE_NATIVE_H
#define NATIVE_NATIVE_H

#include <kernel.h>

/*
 * Selectors: the same slots as the hypervisor's GDT (ring 0 at 0xe008/0xe010)
 * and the same ring-3 selectors as the PV ABI's (0xe02b/0xe033), so a program
 * sees identical segment registers on both ports.
 */
#define KERNEL_CS 0xe008
#define KERNEL_DS 0xe010
#define USER_CS 0xe02b
#define USER_DS 0xe033
#define TSS_SEL 0xe040
#define DF_TSS_SEL 0xe048 /* the double-fault task's */
#define GDT_ENTRIES ((DF_TSS_SEL >> 3) + 1)

/* IDT vectors besides the exceptions. */
#define PIC_VECTOR_BASE 0x20 /* the legacy PICs, remapped here and masked */
#define SYSCALL_VECTOR 0x80  /* UAPI_SYSCALL_VECTOR: gate DPL 3 */
#define TIMER_VECTOR 0xF0    /* the LAPIC timer */
#define SPURIOUS_VECTOR 0xFF /* the LAPIC's spurious vector (no EOI) */

/* Page-table entry bits (PAE). */
#define PTE_P 0x001ull
#define PTE_RW 0x002ull
#define PTE_USER 0x004ull
#define PTE_PWT 0x008ull
#define PTE_PCD 0x010ull
#define PTE_A 0x020ull
#define PTE_D 0x040ull
#define PTE_PS 0x080ull
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000FFFFFFFFFF000ull

/* The local APIC, mapped at its physical address in the kernel's part. */
#define LAPIC_PADDR 0xFEE00000u
#define LAPIC_VA 0xFEE00000u

/*
 * What the trap stubs save: pusha order, the data segments, the vector and
 * error code, then the CPU's frame. An entry from ring 3 leaves it at the very
 * top of the thread's kernel stack (TSS.esp0). The same layout as the PV port's.
 */
struct arch_regs {
	uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax;
	uint32_t ds, es;
	uint32_t vector, error_code;
	uint32_t eip, cs, eflags;
	uint32_t esp, ss; /* only when the trap came from ring 3 */
};

/* ---- Instructions ---------------------------------------------------------- */

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
static inline uint32_t read_cr0(void)
{
	uint32_t v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}
static inline void write_cr0(uint32_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}
static inline uint32_t read_cr2(void)
{
	uint32_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}
static inline uint32_t read_cr3(void)
{
	uint32_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}
static inline void write_cr3(uint32_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}
static inline uint32_t read_cr4(void)
{
	uint32_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}
static inline void write_cr4(uint32_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}
static inline void invlpg(uint32_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}
static inline void cpu_relax(void)
{
	__asm__ volatile("pause");
}

#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR0_NE (1u << 5)
#define CR0_WP (1u << 16)
#define CR4_PAE (1u << 5)
#define MSR_EFER 0xC0000080u
#define EFER_NXE (1u << 11)
#define EFLAGS_IF (1u << 9)

/* ---- The port's files ------------------------------------------------------ */

/* head.S: the multiboot loader's registers */
extern uint32_t boot_mb_magic, boot_mb_info;

/* multiboot.c: what the loader told us, copied before any memory is reused */
#define BOOT_MAX_RANGES 16
struct boot_range {
	uint64_t start, end; /* physical, [start, end) */
};
struct boot_info {
	char cmdline[512];	     /* for kernel_main: the kernel's and module 1's arguments */
	uint32_t mod_start, mod_end; /* module 1 (the initrd), physical; 0 if none */
	unsigned nr_ranges;
	struct boot_range ram[BOOT_MAX_RANGES];
};
extern struct boot_info boot_info;
void multiboot_parse(uint32_t magic, uint32_t mbi_paddr);

/* console.c: the 16550 UART on COM1 */
void uart_init(void);
void uart_flush(void);

/* desc.c: GDT, TSS and IDT */
void desc_init(void);
uint32_t tss_esp0(void);
noreturn void native_double_fault(void);

/* traps.S */
extern char trap_stubs[]; /* 256 stubs of TRAP_STUB_SIZE bytes, one per vector */
#define TRAP_STUB_SIZE 16
noreturn void native_resume_frame(struct arch_regs *f);

/* traps.c: trap dispatch, the register dump */
void native_trap(struct arch_regs *f);
void native_dump_regs(const struct arch_regs *f, uint32_t cr2);
struct trap_expect {
	volatile int armed;
	uint32_t resume; /* where to continue after the trap (kernel-mode traps) */
	int vector;	 /* recorded: -1 if no trap came */
	uint32_t error_code, eip, cr2;
};
extern struct trap_expect trap_expect;
/* Run an instruction sequence that must trap in ring 0, and continue after it.
 * The sequence gets `arg` in ECX and may clobber EAX and EDX. */
#define EXPECT_TRAP(insns, arg)                                      \
	do {                                                         \
		trap_expect.vector = -1;                             \
		trap_expect.armed = 1;                               \
		__asm__ volatile("movl $1f, %[res]\n\t" insns "\n1:" \
				 : [res] "=m"(trap_expect.resume)    \
				 : "c"(arg)                          \
				 : "eax", "edx", "memory");          \
	} while (0)

/* entry.c: entries from user mode and the way back */
void native_syscall(struct arch_regs *f);
void native_user_trap(struct arch_regs *f, uint32_t cr2);
void native_return_to_user(void);

/* mmu.c: the kernel's page tables, address spaces */
void mmu_init(void);
extern uint64_t pte_nx; /* PTE_NX, or 0 on a CPU without NX */

/* time.c: TSC, PIT, LAPIC timer, RTC */
void time_init(void);
void lapic_init(void);
void lapic_eoi(void);
void lapic_timer_interrupt(void);
extern volatile uint32_t timer_interrupts;

#endif
