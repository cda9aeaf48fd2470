/*
 * The arch interface: every privileged operation the guest kernel's core needs,
 * implemented twice (arch-pv/ with hypercalls and shared memory, arch-native/
 * with the instruction itself). Core code calls only these.
 * docs/architecture.md keeps the table: privileged instruction -> hypercall.
 */
#ifndef GUEST_ARCH_H
#define GUEST_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define noreturn __attribute__((__noreturn__))

/* Console output (PV: console_io; native: the UART). */
void arch_console_write(const char *s, size_t n);

/* Interrupt flag (PV: the upcall mask in vcpu_info; native: cli/sti/pushf). */
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);

/* Sleep until something happens (PV: SCHEDOP_block; native: sti; hlt). */
void arch_halt(void);

/* Page tables (PV: update_va_mapping / mmu_update; native: a store + invlpg). */
int arch_set_pte(uint32_t va, uint64_t pte, bool flush);
void arch_flush_tlb(void);
/* Machine frame behind a pseudo-physical one (native: the same number). */
uint32_t arch_pfn_to_mfn(uint32_t pfn);

/* Time (PV: vcpu_time_info; native: TSC calibrated against the PIT). */
uint64_t arch_time_ns(void);

/* Traps: the ring-1 stack used on entry from ring 3 (PV: stack_switch; native: TSS). */
int arch_set_kernel_stack(uint32_t sp);

/* Start the platform's services the command line asks for (PV dom0: boot the
 * domUs named by boot=; PV domU: its role). May not return (a domU's role). */
void arch_services(const char *cmdline);

/* Power (PV: SCHEDOP_shutdown; native: the exit port). */
noreturn void arch_shutdown(unsigned reason);

#endif
