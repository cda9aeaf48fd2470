/*
 * Internal interface of the ring-0 (native) port: the guest kernel on the bare
 * PC, with its own GDT, IDT, TSS, PAE page tables, UART, TSC and LAPIC timer.
 */
#ifndef NATIVE_NATIVE_H
#define NATIVE_NATIVE_H

#include "../arch-x86/arch_x86.h" /* struct arch_regs, PTE_*, USER_CS, <x86.h> */

/*
 * Selectors: the same slots as the hypervisor's GDT (ring 0 at 0xe008/0xe010)
 * and the same ring-3 selectors as the PV ABI's (USER_CS and USER_DS,
 * arch_x86.h), so a program sees identical segment registers on both ports.
 */
#define KERNEL_CS 0xe008
#define KERNEL_DS 0xe010
#define TSS_SEL 0xe040
#define DF_TSS_SEL 0xe048 /* the double-fault task's */
#define GDT_ENTRIES ((DF_TSS_SEL >> 3) + 1)

/* IDT vectors besides the exceptions. */
#define PIC_VECTOR_BASE 0x20 /* the legacy PICs, remapped here and masked */
#define TIMER_VECTOR 0xF0    /* the LAPIC timer */
#define SPURIOUS_VECTOR 0xFF /* the LAPIC's spurious vector (no EOI) */

/* The local APIC, mapped at its physical address (LAPIC_PADDR, lib/pc/lapic.h)
 * in the kernel's part. */
#define LAPIC_VA 0xFEE00000u

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
