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

/*
 * User address spaces (an L3, an L2 for each user 1 GiB slot in use, and the
 * kernel's L2, shared, under slot 3). A new one is "building": its
 * page tables are ordinary writable memory and arch_as_map writes them
 * directly. arch_as_ready makes them page tables (read-only, pinned): from then
 * on arch_as_map only queues the update, and arch_mmu_flush applies every
 * queued update at once (PV: one mmu_update), with the TLB invalidations they
 * need. The queue is flushed before a TLB flush, a switch of address space and
 * every return to user mode, and by arch_mmu_flush.
 */
#define ARCH_PROT_READ 1u
#define ARCH_PROT_WRITE 2u
#define ARCH_PROT_EXEC 4u
#define ARCH_AS_NO_TABLE 2	/* arch_as_lookup: no page table covers va's span */
#define ARCH_AS_SPAN (2u << 20) /* what one lowest-level page table maps */
struct arch_as;
/* A new, empty, building address space; NULL if out of memory. */
struct arch_as *arch_as_create(void);
/*
 * Map user page va (below USER_END) to frame pfn with ARCH_PROT_* rights, or
 * unmap it (prot 0). 0, or -UAPI_ENOMEM (uapi/errno.h) when no frame is left for a page table.
 * The core keeps the frames' reference counts; this only writes the entry.
 */
int arch_as_map(struct arch_as *as, uint32_t va, uint32_t pfn, unsigned prot);
/* 1 with *pfn and *prot if va is mapped (queued updates included), 0 if not,
 * ARCH_AS_NO_TABLE if nothing maps the ARCH_AS_SPAN around va. */
int arch_as_lookup(struct arch_as *as, uint32_t va, uint32_t *pfn, unsigned *prot);
/* The first mapped page in [va, end) (queued updates included), with *pfn and
 * *prot; end if there is none. va and end are page-aligned, end <= USER_END.
 * What walks over a range use: it skips empty entries and absent tables. */
uint32_t arch_as_next(struct arch_as *as, uint32_t va, uint32_t end, uint32_t *pfn, unsigned *prot);
/* Building -> live: page tables read-only and pinned. 0 or a negative errno. */
int arch_as_ready(struct arch_as *as);
/* Load as (NULL: the kernel's own tables, which map no user memory). */
void arch_as_switch(struct arch_as *as);
/* Free as's page tables (switching away first if it is loaded); every frame it
 * still maps loses one reference (pmem_put). */
void arch_as_destroy(struct arch_as *as);
/* Apply the queued page-table updates and TLB invalidations. */
void arch_mmu_flush(void);
/* (Before kernel_main, the arch start code has given pmem every frame of the
 * direct map the kernel may use: pmem_init and pmem_add_free.) */

/*
 * Threads and user mode. struct arch_regs is what an entry from user mode saved
 * (PV: the trap stubs' frame); it sits at the top of the thread's kernel stack.
 */
struct arch_regs;
struct arch_regs *arch_user_regs(void *kstack_top);
/* A fresh program image: EIP = entry, ESP = sp, other registers zero. */
void arch_regs_init(struct arch_regs *r, uint32_t entry, uint32_t sp);
/* The system-call number; the six arguments into args. */
uint32_t arch_regs_syscall(const struct arch_regs *r, uint32_t args[6]);
void arch_regs_set_result(struct arch_regs *r, uint32_t value);
void arch_regs_copy(struct arch_regs *dst, const struct arch_regs *src);
uint32_t arch_regs_pc(const struct arch_regs *r);
uint32_t arch_regs_sp(const struct arch_regs *r);
/* Signal frames (uapi/syscall.h, "Signal handlers"): push one on the user
 * stack and enter the handler (0, or -UAPI_EFAULT: the frame could not be
 * written and r is unchanged); and take one back at ESP - 8 for sigreturn
 * (0 with the saved mask and EAX, which r gets from the system call's result;
 * or -UAPI_EFAULT and r unchanged). */
int arch_signal_enter(struct arch_regs *r, int sig, uint32_t handler, uint32_t restorer,
		      uint32_t oldmask);
int arch_signal_return(struct arch_regs *r, uint32_t *oldmask, uint32_t *eax);
/* A new thread's saved stack pointer: switching to it runs fn(arg) on the stack
 * below `top` (which must leave room for an arch_regs above it). */
uint32_t arch_thread_init(void *top, void (*fn)(void *), void *arg);
/* Save the callee-saved state on this stack into *save_sp, resume new_sp. */
void arch_switch(uint32_t *save_sp, uint32_t new_sp);
/* Before switching to a thread: its address space (NULL: keep the loaded one)
 * and the stack for its entries from user mode (0: keep). One hypercall at most. */
void arch_switch_prepare(struct arch_as *as, uint32_t user_entry_sp);
/* Enter user mode with r (the new thread's or exec's), after the core's work. */
noreturn void arch_enter_user(struct arch_regs *r);
/* The user FPU state (native and PV alike: fnsave/frstor, not privileged). */
#define ARCH_FPU_SIZE 108
void arch_fpu_save(void *buf); /* saves, and leaves the FPU reinitialised */
void arch_fpu_restore(const void *buf);
void arch_fpu_reset(void);
/* Wait for an event or until deadline_ns (0: no deadline), then return. */
void arch_idle(uint64_t deadline_ns);
/* One timer interrupt at deadline_ns (at once if past), replacing any timer
 * set before; it calls sched_timer_interrupt, and from user mode the way
 * back runs the core's work (proc_user_return). */
void arch_timer_set(uint64_t deadline_ns);

/* Time (PV: vcpu_time_info; native: TSC calibrated against the PIT). */
uint64_t arch_time_ns(void);
/* Wall-clock time, nanoseconds since 1970-01-01 UTC (PV: shared_info's wc_*). */
uint64_t arch_wallclock_ns(void);

/* Traps: the ring-1 stack used on entry from ring 3 (PV: stack_switch; native: TSS). */
int arch_set_kernel_stack(uint32_t sp);

/* Start the platform's services the command line asks for (PV dom0: boot the
 * domUs named by boot=; PV domU: its role). May not return (a domU's role). */
void arch_services(const char *cmdline);

/* The hypervisor's counters for this domain, for the hv_counters system call
 * (PV: domctl getcounters; native: -UAPI_ENOSYS, there is no hypervisor).
 * 0 or a negative errno. */
struct uapi_hv_counters;
int arch_hv_counters(struct uapi_hv_counters *c);

/* Power (PV: SCHEDOP_shutdown; native: the exit port). */
noreturn void arch_shutdown(unsigned reason);

#endif
