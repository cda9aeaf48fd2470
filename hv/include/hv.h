/*
 * The hypervisor's index: every function one file offers another, grouped by
 * the file that defines it. Read this first to see the whole surface.
 */
#ifndef HV_HV_H
#define HV_HV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <domain.h>
#include <frame.h>
#include <layout.h>
#include <public/errno.h>
#include <regs.h>

#define noreturn __attribute__((__noreturn__))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ROUND_UP(x, a) (((x) + (a)-1) / (a) * (a))

/* Interrupt vectors the hypervisor uses itself. */
#define PIC_VECTOR_BASE 0x20
#define TIMER_VECTOR 0xF0
#define SPURIOUS_VECTOR 0xFF

/* console.c: 16550 UART and printk */
void console_init(void);
void console_write(const char *s, size_t n);
void console_flush(void); /* wait until the UART has sent everything */
size_t console_read(char *buf, size_t n);
bool console_input_pending(void);
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* power.c: ending the machine */
/* QEMU exits with (code << 1) | 1 (isa-debug-exit); Bochs stops too. */
noreturn void machine_exit(unsigned code);
noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define HV_EXIT_PANIC 0x7F   /* QEMU status 255 */
#define HV_EXIT_NO_DOM0 0x20 /* QEMU status 65: dom0 could not be built */

/* cmdline.c: hypervisor command line "key=value key2" */
void cmdline_set(const char *s);
/* Value of key (or "" for a bare key), NULL if absent. Copies into buf. */
const char *cmdline_get(const char *key, char *buf, size_t len);
uint32_t cmdline_size(const char *key, uint32_t dflt); /* "32M", "4096K" */

/* multiboot.c: what the boot loader handed over */
struct boot_module {
	uint32_t start, end; /* physical */
	char cmdline[256];
};
struct boot_info {
	uint32_t mem_end; /* end of usable RAM we manage, physical */
	unsigned nr_ranges;
	struct {
		uint32_t start, end;
	} ranges[32]; /* usable RAM */
	unsigned nr_modules;
	struct boot_module modules[4];
};
extern struct boot_info boot_info;
void multiboot_parse(uint32_t magic, uint32_t mbi_paddr);

/* paging.c: the hypervisor's page tables */
extern uint64_t pte_nx; /* _PAGE_NX if the CPU has NX, else 0 */
void paging_init(void);
const uint64_t *paging_hv_l2_entries(void); /* L2 slots HV_L2_FIRST_SLOT..511 */
uint32_t paging_idle_cr3(void);
void paging_map_m2p(uint32_t *m2p, uint32_t nr_frames);
void paging_map_fixmap(uint32_t va, uint32_t paddr, bool uncached);
/* Map machine frame mfn (INVALID_MFN: nothing) at va in the per-domain area. */
void paging_map_perdomain(uint32_t va, uint32_t mfn, bool writable);
/* Point mapping-cache slot `slot` at machine frame mfn (mapcache.c's). */
void paging_map_mapcache(unsigned slot, uint32_t mfn);
/* Map page `page` of the staging window to mfn (INVALID_MFN: unmap). */
void paging_map_staging(unsigned page, uint32_t mfn);

/* mapcache.c: frame_map and frame_unmap (declared in mm_types.h). */

/* hc_mm.c: MMUEXT_NEW_BASEPTR defers its CR3 load; whatever needs the guest's
 * new address space settles it first (new_baseptr says who). */
void baseptr_load(void);
static inline void baseptr_settle(void)
{
	if (cpu0.baseptr_pending)
		baseptr_load();
}
/* hc_mm.c: the flush a change of type owes (mm_retype_flush), before any
 * write through a guest address; a base pointer waiting for its load pays it. */
void flush_owed_pay(void);
static inline void flush_settle(void)
{
	if (cpu0.flush_owed)
		flush_owed_pay();
}

/* mm.c: boot-time memory setup (frame table, M2P, heap) */
extern uint32_t *m2p; /* hypervisor's writable view of the M2P */
void mm_init(void);
void m2p_set(uint32_t mfn, uint32_t pfn);
/* Give back every frame of a dying domain (its CR3, GDT and pins first);
 * returns how many stay as orphans because another domain still maps them. */
uint32_t mm_domain_teardown(struct domain *d);

/* heap.c: the hypervisor heap */
void heap_init(void *base, size_t size);
void *xzalloc(size_t size);
void xfree(void *p);
size_t heap_free_bytes(void);

/* desc.c: GDT, TSS, IDT */
void desc_init(void);
void idt_set_guest_gate(unsigned vector, uint16_t cs, uint32_t eip, unsigned dpl);
void idt_reset_gate(unsigned vector);
void tss_set_ring1_stack(uint32_t ss, uint32_t sp);
void desc_load_gdt(uint32_t base);    /* 0: the hypervisor's own GDT */
uint32_t desc_reserved_gdt_mfn(void); /* the page holding the hypervisor's entries */

/* hc_desc.c: a vCPU's own GDT (set_gdt) */
void gdt_load(const struct vcpu *v); /* on every switch to v */
void gdt_release(struct vcpu *v);    /* drop its frames (domain teardown) */

/* traps.c: exceptions, interrupts, bounces to guests */
void trap_dispatch(struct cpu_regs *r);
void return_to_guest(struct cpu_regs *r);
void dump_regs(const struct cpu_regs *r);
noreturn void guest_bad_return(void);
/* Build a native frame on the guest's stack and point the vCPU at cs:eip
 * (the event callback uses it directly); false if the frame cannot be written. */
bool bounce_frame(struct vcpu *v, struct cpu_regs *r, uint32_t cs, uint32_t eip, bool has_error,
		  uint32_t error_code, bool mask_events);
/* Build a native exception frame on the guest's stack and point it at its handler. */
bool bounce_to_guest(struct vcpu *v, struct cpu_regs *r, unsigned vector, bool has_error,
		     uint32_t error_code);

/* guest_access.c: the one way to touch guest memory (range-checked, fault-safe) */
int copy_from_guest(void *dst, uint32_t guest_src, size_t n);
int copy_to_guest(uint32_t guest_dst, const void *src, size_t n);
bool guest_range_ok(uint32_t addr, size_t n);

/* time.c: TSC and nanoseconds since boot; apic.c: the LAPIC timer */
void time_init(void);
uint64_t now_ns(void);
uint64_t tsc_hz(void);
void time_update_vcpu(struct vcpu *v);
void wallclock_init(void);
uint32_t boot_wallclock(void); /* seconds since 1970 when the hypervisor booted */
void apic_init(void);
/* Interrupt in ns nanoseconds (at least a few microseconds from now). */
void apic_set_oneshot(uint64_t ns);
void apic_timer_interrupt(void);
void apic_eoi(void);

/* domain.c: domain lifecycle */
#define MAX_DOMAINS 64
extern struct domain *dom0;
extern struct domain *domains[MAX_DOMAINS]; /* by id; NULL: free */
extern uint64_t domains_present;	    /* bit id set: domains[id] is not NULL */
/* The index of m's lowest set bit (m not 0): __builtin_ctzll would call libgcc. */
static inline unsigned lowest_bit64(uint64_t m)
{
	uint32_t lo = (uint32_t)m;
	return lo ? (unsigned)__builtin_ctz(lo) : 32 + (unsigned)__builtin_ctz((uint32_t)(m >> 32));
}
/* Each domain that exists, by id: a timer interrupt visits the few there are,
 * not all MAX_DOMAINS slots (under TCG the scan's loop cost every system
 * call a few percent; bench/HISTORY.md). Not for loops that free domains. */
#define for_each_domain(d)                     \
	for (uint64_t left_ = domains_present; \
	     left_ && ((d) = domains[lowest_bit64(left_)], true); left_ &= left_ - 1)
struct domain *domain_alloc(domid_t id, uint32_t max_pages);
/* The live domain with this id (DOMID_SELF: the caller's), or NULL. */
struct domain *domain_lookup(domid_t id);
noreturn void domain_crash(struct domain *d, const char *why, const struct cpu_regs *r);
noreturn void domain_shutdown(struct domain *d, unsigned reason);
void domain_print_stats(const struct domain *d);
void domain_free(struct domain *d);   /* an empty domain (no frames) */
int domain_destroy(struct domain *d); /* 0, -EPERM (dom0), -EBUSY (self) */
void domain_watchdog(void);	      /* each timer tick: end the machine after dom0 */
void domain_no_dom0(void);	      /* boot could not start dom0 */

/* builder.c: the PV domain builder */
int build_pv_domain(struct domain *d, const void *image, size_t image_len, const void *initrd,
		    size_t initrd_len, const char *cmdline, char *err, size_t errlen);

/* sched.c: running vCPUs */
noreturn void vcpu_start(struct vcpu *v);
/* Leave the current vCPU for good (its domain ended) and run another. */
noreturn void schedule_away(void);
void vcpu_block(struct vcpu *v);
void vcpu_yield(struct vcpu *v);
void sched_tick(uint64_t now);
uint64_t sched_deadline(uint64_t now); /* end of the running vCPU's slice or cap budget */
uint64_t vcpu_cpu_time(const struct vcpu *v);
/* Make a blocked vCPU runnable (an event or its timer arrived). */
void vcpu_wake(struct vcpu *v);
/* Switch the frame r (at the top of the stack) to the next vCPU to run. */
void schedule(struct cpu_regs *r);

/* timer.c: guest timers and the LAPIC deadline */
void timers_run(uint64_t now);
void timers_reprogram(uint64_t now);

/* hc_traps.c: load a vCPU's direct system-call gate into the IDT */
void traps_load(const struct vcpu *v);

/* hypercall.c: the dispatch table and multicall */
void hypercall_dispatch(struct cpu_regs *r);
extern const char *const hypercall_names[NR_HYPERCALLS];

/* pte_rules.c: what a guest may put in its page tables (see pte.h) */
/* desc_rules.c: what a guest may put in its descriptor tables (see desc_rules.h) */
/* mm_types.c: page types, reference counts, validation (see mm_types.h) */

#endif
