/* Internal interface of the ring-1 (PV) port. */
#ifndef PV_PV_H
#define PV_PV_H

#include "../arch-x86/arch_x86.h" /* struct arch_regs, PTE_*, USER_CS, <x86.h> */
#include <public/xen.h>
#include "hypercall.h"

#define GUEST_VIRT_BASE KERNEL_BASE    /* XEN_ELFNOTE_VIRT_BASE in head.S */
#define SYS_EXIT_TO_KERNEL 0xFFFFFFFFu /* ring-3 test code: leave user mode */

extern struct start_info *start_info;
extern struct shared_info *shared_info;
extern const uint32_t *p2m; /* start_info->mfn_list */
#define m2p ((const uint32_t *)MACH2PHYS_VIRT_START)

/* arch_pfn_to_mfn for the port's own hot paths (the page-table code calls it
 * for every entry it builds): inline, as a call costs more under TCG. */
static inline uint32_t pv_pfn_to_mfn(uint32_t pfn)
{
	return pfn < start_info->nr_pages ? p2m[pfn] : 0xFFFFFFFFu;
}

/* traps.c */
void traps_init(void);
struct trap_expect {
	volatile int armed;
	uint32_t resume; /* where to continue after the trap (ring-1 traps) */
	int vector;	 /* recorded: -1 if no trap came */
	uint32_t error_code, eip, cs, cr2, eflags;
	uint32_t esp, ss; /* recorded when from ring 3 */
};
extern struct trap_expect trap_expect;
void trap_expect_arm(void);
extern volatile uint32_t syscall_count;
/*
 * Run an instruction sequence that must trap, and continue after it. The
 * sequence gets `arg` in ECX and may clobber EAX and EDX; it may store the
 * address of the faulting instruction in fault_eip.
 */
#define EXPECT_TRAP(insns, arg)                                      \
	do {                                                         \
		trap_expect_arm();                                   \
		__asm__ volatile("movl $1f, %[res]\n\t" insns "\n1:" \
				 : [res] "=m"(trap_expect.resume)    \
				 : "c"(arg)                          \
				 : "eax", "edx", "memory");          \
	} while (0)
extern uint32_t fault_eip; /* traps.c */

/* user.S: ring-3 test code (copied into a user page) */
extern char user_code_start[], user_code_end[];
extern char user_syscall_loop[], user_hypercall[], user_ud2[], user_bench_loop[];
/* Enter ring 3 at eip with stack esp; returns when the user code exits. */
uint32_t user_enter(uint32_t eip, uint32_t esp, uint32_t ecx);
/* Leave ring 3 from a ring-1 trap handler: user_enter returns `value`. */
noreturn void user_leave(uint32_t value);
/* Ring-1 handler registered for the system-call vector. */
void syscall_entry(void);
void bare_iret_entry(void);

/* mm.c */
int pv_map_foreign(uint32_t va, uint16_t domid, uint32_t mfn);

/* mmu.c: the direct map, address spaces and the update queue */
void pv_mm_init(void);
uint64_t pv_l1e_maddr(uint32_t va); /* the kernel L1 entry mapping va, or 0 */
struct pv_mmu_stats {
	uint32_t updates;	  /* page-table entries sent through the queue */
	uint32_t tlb_flushes;	  /* TLB flushes or invlpg batches sent with them */
	uint32_t multicall_inner; /* hypercalls that rode inside a multicall */
	uint32_t switches;	  /* new base pointers */
	uint32_t pins;		  /* address spaces pinned */
	uint32_t l1_tables;	  /* user L1 tables made */
};
extern struct pv_mmu_stats pv_mmu_stats;

/* entry.c: entries from user mode and the way back */
void pv_syscall(struct arch_regs *f);
void pv_return_to_user(void);
void pv_upcall_return_to_user(void); /* events.c, after an upcall from ring 3 */
void pv_user_trap(struct arch_regs *f);
noreturn void pv_resume_frame(struct arch_regs *f); /* traps.S */

/* console.c: a domU's console ring; dom0's back end for every domU's ring */
void console_front_init(void);
bool console_front_write(const char *s, size_t n); /* false: no ring (dom0) */
int consback_attach(uint16_t domid, uint32_t mfn, uint32_t port);
void consback_detach(uint16_t domid);
/* The last bytes a domU wrote (NUL-terminated), for later retrieval. */
const char *consback_history(uint16_t domid);

/* services.c (dom0) and domu.c */
void domu_services(const char *cmdline);
uint32_t dom0_wait_dom_exc(uint32_t seen);
int dom0_start_domu(const char *file, const char *args, uint32_t pages, uint32_t weight);
int dom0_launch_domu(uint16_t id, const char *file, const char *args);
void dom0_destroy_domu(uint16_t id);
struct pv_domain_info;
const char *dom0_ending(const struct pv_domain_info *i); /* NULL while it runs */

/* start.c */
extern uint64_t pv_entry_ns;	  /* system time when pv_start began */
uint32_t pv_alloc_page(void);	  /* a zeroed page of our own, never freed (virtual) */
extern uint32_t pv_boot_entry_sp; /* ring-1 stack for the boot thread's ring-3 tests */
uint32_t pv_va_to_mfn(uint32_t va);
/* Map the user test code and a user stack; returns the code's user address. */
uint32_t pv_user_setup(uint32_t *user_stack_top);

#endif
