/*
 * Paravane guest ABI: the core of Xen's x86_32 PAE ("x86_32p") paravirtual interface.
 * Written for Paravane from the publicly documented numbers and layouts.
 * Shared by the hypervisor and every guest; standard C only, no other includes
 * beyond stdint. Version: PARAVANE_ABI_VERSION, bumped on any change.
 */
#ifndef PUBLIC_XEN_H
#define PUBLIC_XEN_H

#define PARAVANE_ABI_VERSION 1

/* ---- Address-space layout seen by a guest ---------------------------------- */

/* Everything at or above this address belongs to the hypervisor. */
#define HYPERVISOR_VIRT_START 0xF5800000
/* Read-only machine-to-physical table: one 32-bit pseudo-physical frame number
 * per machine frame, indexed by machine frame number. Readable from ring 1. */
#define MACH2PHYS_VIRT_START 0xF5800000
#define MACH2PHYS_VIRT_END 0xF6800000
/* Last byte a guest segment reaches (flat segments, page-granular limit 0xF67FF). */
#define GUEST_SEGMENT_LIMIT 0xF67FFFFF

/* ---- Flat segment selectors provided by the hypervisor ----------------------- */

#define FLAT_RING1_CS 0xe019 /* guest kernel code, DPL 1 */
#define FLAT_RING1_DS 0xe021 /* guest kernel data/stack, DPL 1 */
#define FLAT_RING3_CS 0xe02b /* guest user code, DPL 3 */
#define FLAT_RING3_DS 0xe033 /* guest user data/stack, DPL 3 */
#define FLAT_KERNEL_CS FLAT_RING1_CS
#define FLAT_KERNEL_DS FLAT_RING1_DS
#define FLAT_USER_CS FLAT_RING3_CS
#define FLAT_USER_DS FLAT_RING3_DS
/* GDT entries from this index on are the hypervisor's (14 pages of 512). */
#define FIRST_RESERVED_GDT_ENTRY 7168

/* ---- Hypercalls ------------------------------------------------------------- */

/*
 * Entry: `int $0x82` from ring 1 (the gate has DPL 1, so ring 3 gets #GP).
 * EAX = number, arguments in EBX, ECX, EDX, ESI, EDI; result in EAX (>= 0, or a
 * negated errno from public/errno.h). A 64-bit argument takes two slots, low first.
 * Guests normally call through the hypercall page: slot i at page + 32 * i.
 */
#define HYPERCALL_VECTOR 0x82
#define HYPERCALL_SLOT_SIZE 32

#ifndef __ASSEMBLER__ /* the rest is C only */
#include <stdint.h>

/*
 * Every hypercall of the ABI: X(number, name, argument count). This one list
 * feeds the hypervisor's dispatch table and counters, the guest's wrappers and
 * the documentation, so they cannot drift apart.
 */
#define XEN_HYPERCALLS(X)                       \
	X(0, set_trap_table, 1)                 \
	X(1, mmu_update, 4)                     \
	X(2, set_gdt, 2)                        \
	X(3, stack_switch, 2)                   \
	X(4, set_callbacks, 4)                  \
	X(5, fpu_taskswitch, 1)                 \
	X(6, sched_op_compat, 2)                \
	X(7, platform_op, 1)                    \
	X(8, set_debugreg, 2)                   \
	X(9, get_debugreg, 1)                   \
	X(10, update_descriptor, 4)             \
	X(12, memory_op, 2)                     \
	X(13, multicall, 2)                     \
	X(14, update_va_mapping, 4)             \
	X(15, set_timer_op, 2)                  \
	X(16, event_channel_op_compat, 1)       \
	X(17, xen_version, 2)                   \
	X(18, console_io, 3)                    \
	X(19, physdev_op_compat, 1)             \
	X(20, grant_table_op, 3)                \
	X(21, vm_assist, 2)                     \
	X(22, update_va_mapping_otherdomain, 5) \
	X(23, iret, 0)                          \
	X(24, vcpu_op, 3)                       \
	X(26, mmuext_op, 4)                     \
	X(29, sched_op, 2)                      \
	X(30, callback_op, 2)                   \
	X(32, event_channel_op, 2)              \
	X(33, physdev_op, 2)                    \
	X(35, sysctl, 1)                        \
	X(36, domctl, 1)

#define XEN_HC_ENUM(num, name, argc) __HYPERVISOR_##name = num,
enum { XEN_HYPERCALLS(XEN_HC_ENUM) };
#undef XEN_HC_ENUM
/* One past the highest hypercall number the ABI can name. */
#define NR_HYPERCALLS 64

/* ---- Domain identifiers ------------------------------------------------------- */

typedef uint16_t domid_t;
#define DOMID_FIRST_RESERVED 0x7FF0u
#define DOMID_SELF 0x7FF0u
#define DOMID_IO 0x7FF1u
#define DOMID_XEN 0x7FF2u
#define DOMID_INVALID 0x7FF4u
#define DOMID_IDLE 0x7FFFu

/* ---- console_io(cmd, count, buffer) ------------------------------------------ */

#define CONSOLEIO_write 0 /* write count bytes; returns 0, -EFAULT */
#define CONSOLEIO_read                                              \
	1 /* dom0 only: read up to count bytes; returns bytes read, \
	   * -EPERM for other domains, -EFAULT */

/* ---- vm_assist(cmd, type) ------------------------------------------------------ */

#define VMASST_CMD_enable 0
#define VMASST_CMD_disable 1
#define VMASST_TYPE_4gb_segments 0	  /* not supported: -EINVAL */
#define VMASST_TYPE_4gb_segments_notify 1 /* not supported: -EINVAL */
#define VMASST_TYPE_writable_pagetables 2 /* not supported: -EINVAL */
#define VMASST_TYPE_pae_extended_cr3 3	  /* supported; the L3 may be anywhere */
#define MAX_VMASST_TYPE 3

/* ---- set_trap_table(struct trap_info *table) ----------------------------------
 * The table ends at the first entry whose address is 0. Returns 0, -EFAULT, or
 * -EINVAL (vector's code selector not a ring-1 selector). A NULL table clears all. */
struct trap_info {
	uint8_t vector;	  /* exception or interrupt vector */
	uint8_t flags;	  /* bits 0-1: highest ring allowed to `int` it;
			   * bit 2: mask events (upcall mask) on entry */
	uint16_t cs;	  /* handler code selector (RPL 0 is taken as RPL 1) */
	uint32_t address; /* handler entry point; 0 ends the table */
};
#define TI_GET_DPL(ti) ((ti)->flags & 3)
#define TI_GET_IF(ti) ((ti)->flags & 4)

/* ---- multicall(struct multicall_entry *calls, count) ---------------------------
 * Each call runs as if made alone; its result lands in `result`. Returns 0, or
 * -EFAULT if the array cannot be read or written, -EINVAL for a nested multicall. */
struct multicall_entry {
	uint32_t op;	  /* hypercall number */
	uint32_t result;  /* filled in by the hypervisor */
	uint32_t args[6]; /* the call's arguments, as the registers would carry them */
};

/* ---- mmu_update(reqs, count, done *, foreigndom) --------------------------------
 * ptr's low two bits select the command. Returns 0 or a negated errno; `done`
 * (if not NULL) receives the number of requests completed. */
struct mmu_update {
	uint64_t ptr; /* machine address of the entry (or MFN << 12 for MACHPHYS) | cmd */
	uint64_t val; /* new entry value (or the pseudo-physical frame for MACHPHYS) */
};
#define MMU_NORMAL_PT_UPDATE 0	    /* write a validated page-table entry */
#define MMU_MACHPHYS_UPDATE 1	    /* M2P[ptr >> 12] = val */
#define MMU_PT_UPDATE_PRESERVE_AD 2 /* as NORMAL, keeping accessed/dirty bits */

/* ---- update_va_mapping(va, pte_lo, pte_hi, flags) ------------------------------- */
#define UVMF_NONE 0
#define UVMF_TLB_FLUSH 1 /* flush the whole TLB afterwards */
#define UVMF_INVLPG 2	 /* flush only this address */
#define UVMF_FLUSHTYPE_MASK 3
#define UVMF_LOCAL 0
#define UVMF_ALL 4 /* on every CPU the domain runs on */

/* ---- mmuext_op(ops, count, done *, foreigndom) ----------------------------------
 * PIN_Lx / UNPIN / NEW_BASEPTR take an MFN of the caller's in arg1; PIN_L4 is
 * -EINVAL (PAE). An L3's slot 3 must name an L2 (which gets the hypervisor's
 * entries from slot 428 on); unlike Xen, that L2 may serve several L3s at once
 * (a kernel's one L2 shared by all its address spaces). SET_LDT (arg1 =
 * page-aligned address, arg2 = entries) accepts only arg2 = 0 (no LDT):
 * -EINVAL otherwise.
 * TLB_FLUSH_MULTI / INVLPG_MULTI (arg1 = address for INVLPG): arg2 points to
 * a 32-bit vCPU bitmap; a domain has one vCPU, so bit 0 flushes the caller
 * and other bits are ignored. -EFAULT if the bitmap cannot be read; INVLPG:
 * -EINVAL for an address at or above HYPERVISOR_VIRT_START.
 * CLEAR_PAGE (arg1 = MFN) zeroes, COPY_PAGE (arg1 = destination MFN, arg2 =
 * source MFN) copies a page: both frames the caller's (-EPERM), the
 * destination one it could map writable, not a page or descriptor table
 * (-EINVAL). FLUSH_CACHE (wbinvd): privileged domains only (-EPERM).
 * Other commands: -ENOSYS. */
struct mmuext_op {
	uint32_t cmd;
	uint32_t arg1; /* MFN or linear address */
	uint32_t arg2; /* entry count, vCPU mask pointer, or source MFN */
};
#define MMUEXT_PIN_L1_TABLE 0
#define MMUEXT_PIN_L2_TABLE 1
#define MMUEXT_PIN_L3_TABLE 2
#define MMUEXT_PIN_L4_TABLE 3
#define MMUEXT_UNPIN_TABLE 4
#define MMUEXT_NEW_BASEPTR 5
#define MMUEXT_TLB_FLUSH_LOCAL 6
#define MMUEXT_INVLPG_LOCAL 7
#define MMUEXT_TLB_FLUSH_MULTI 8
#define MMUEXT_INVLPG_MULTI 9
#define MMUEXT_TLB_FLUSH_ALL 10
#define MMUEXT_INVLPG_ALL 11
#define MMUEXT_FLUSH_CACHE 12
#define MMUEXT_SET_LDT 13
#define MMUEXT_CLEAR_PAGE 16
#define MMUEXT_COPY_PAGE 17

/* ---- set_gdt(frame_list, entries) ------------------------------------------------
 * frame_list: guest array of (entries + 511) / 512 MFNs (uint32_t), at most
 * FIRST_RESERVED_GDT_ENTRY entries; each frame must be the caller's, mapped
 * nowhere writable, with every descriptor valid (see update_descriptor).
 * entries = 0 returns to the hypervisor's GDT. 0, -EINVAL, -EPERM, -EFAULT.
 *
 * ---- update_descriptor(ma_lo, ma_hi, desc_lo, desc_hi) --------------------------
 * Write one descriptor at machine address ma (8-byte aligned) in a GDT frame
 * or any frame of the caller's that is not a page table. Refused (-EINVAL):
 * DPL 0; code/data segments reaching HYPERVISOR_VIRT_START (limit scaled by
 * G; expand-down segments up to 64 KiB or 4 GiB by B); any system descriptor
 * but a 32-bit call gate to a guest selector or FLAT_RING1_CS/FLAT_RING3_CS.
 * Not-present descriptors always pass. -EPERM: not the caller's frame. */

/* ---- Per-vCPU time, in vcpu_info ------------------------------------------------
 * ns = system_time + ((((tsc - tsc_timestamp) << tsc_shift) (or >> -tsc_shift))
 *      * tsc_to_system_mul) >> 32. `version` is odd while the hypervisor updates
 * the record: read it before and after, and retry if it changed or was odd. */
struct vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;	    /* TSC at the moment system_time was taken */
	uint64_t system_time;	    /* nanoseconds since the hypervisor booted */
	uint32_t tsc_to_system_mul; /* 32.32 fixed-point ns per (shifted) tick */
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad1[2];
}; /* 32 bytes */

struct arch_vcpu_info {
	uint32_t cr2; /* faulting address of the last page fault bounced */
	uint32_t pad[5];
}; /* 24 bytes */

struct vcpu_info {
	uint8_t evtchn_upcall_pending; /* an event is waiting for the upcall */
	uint8_t evtchn_upcall_mask;    /* 1: no upcalls (the virtual "interrupts off") */
	uint8_t pad0[2];
	uint32_t evtchn_pending_sel; /* which words of evtchn_pending to scan */
	struct arch_vcpu_info arch;
	struct vcpu_time_info time;
}; /* 64 bytes */

#define XEN_LEGACY_MAX_VCPUS 32

struct arch_shared_info {
	uint32_t max_pfn;
	uint32_t pfn_to_mfn_frame_list_list;
	uint32_t nmi_reason;
	uint32_t pad[32];
};

/* One page per domain, mapped by the guest from start_info.shared_info. */
struct shared_info {
	struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS]; /* @0 */
	uint32_t evtchn_pending[32];			  /* @2048 */
	uint32_t evtchn_mask[32];			  /* @2176 */
	uint32_t wc_version;				  /* @2304 wall clock, odd while updating */
	uint32_t wc_sec;				  /* @2308 boot time, seconds since 1970 */
	uint32_t wc_nsec;				  /* @2312 */
	struct arch_shared_info arch;			  /* @2316 */
};

/* ---- start_info: the page whose address a guest finds in ESI at entry ----------- */

#define MAX_GUEST_CMDLINE 1024
#define START_INFO_MAGIC "xen-3.0-x86_32p"

struct start_info {
	char magic[32];	       /* @0 "xen-3.0-x86_32p" */
	uint32_t nr_pages;     /* @32 pseudo-physical frames the domain has */
	uint32_t shared_info;  /* @36 machine address of the shared_info page */
	uint32_t flags;	       /* @40 SIF_* */
	uint32_t store_mfn;    /* @44 xenstore ring frame (domU) */
	uint32_t store_evtchn; /* @48 xenstore event channel (domU) */
	union {
		struct {
			uint32_t mfn;	 /* @52 console ring frame (domU) */
			uint32_t evtchn; /* @56 console event channel (domU) */
		} domU;
		struct {
			uint32_t info_off;  /* @52 offset of console_info in this page (dom0) */
			uint32_t info_size; /* @56 its size, 0 if none */
		} dom0;
	} console;
	uint32_t pt_base;		  /* @60 virtual address of the bootstrap L3 */
	uint32_t nr_pt_frames;		  /* @64 bootstrap page-table frames, L3 included */
	uint32_t mfn_list;		  /* @68 virtual address of the P2M list */
	uint32_t mod_start;		  /* @72 virtual address of the initrd (or its PFN with
					   * SIF_MOD_START_PFN), 0 if none */
	uint32_t mod_len;		  /* @76 initrd length in bytes */
	char cmd_line[MAX_GUEST_CMDLINE]; /* @80 NUL-terminated */
	uint32_t first_p2m_pfn;		  /* @1104 */
	uint32_t nr_p2m_frames;		  /* @1108 */
};

#define SIF_PRIVILEGED 1    /* the domain may use privileged operations */
#define SIF_INITDOMAIN 2    /* this is domain 0 */
#define SIF_MULTIBOOT_MOD 4 /* mod_start/mod_len describe a multiboot module */
#define SIF_MOD_START_PFN 8 /* mod_start is a PFN, not a virtual address */

#endif /* __ASSEMBLER__ */

#endif
