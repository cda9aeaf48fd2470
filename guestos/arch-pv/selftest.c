/*
 * The PV self-test (command-line word "selftest"): hypercalls, bounced
 * exceptions, privileged instructions in ring 1, ring 3 and the direct
 * system-call gate, and the hypervisor's refusal of bad arguments. Each test
 * prints what it checks through CHECK; kernel_main reports the verdict.
 */
#include "events.h"
#include "domctl.h"
#include "pv.h"
#include <public/domctl.h>
#include <public/errno.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>

#define UNMAPPED_VA 0x10000000u /* no L1 there: nothing below the kernel is mapped */
#define HV_ADDR 0xF8100000u	/* the hypervisor's image (docs/architecture.md) */
/* How late a timer may wake us under TCG on a loaded host: generous on purpose
 * (this checks it fires, never early; bench/ measures how late). */
#define TIMER_TOLERANCE_NS 50000000ull

/* A hypercall by number, straight through the gate, with EBX = 0. */
static long raw_hypercall(uint32_t nr)
{
	long ret;
	__asm__ volatile("int $0x82" : "=a"(ret) : "a"(nr), "b"(0) : "memory");
	return ret;
}

static long update_va(uint32_t va, uint64_t pte, uint32_t flags)
{
	return HYPERVISOR_update_va_mapping(va, (uint32_t)pte, (uint32_t)(pte >> 32), flags);
}

KTEST(selftest, xen_version)
{
	char extra[16], caps[1024];
	struct xen_platform_parameters pp;
	CHECK_EQ(HYPERVISOR_xen_version(XENVER_version, 0), 0x30000);
	CHECK_EQ(HYPERVISOR_xen_version(XENVER_extraversion, (uint32_t)extra), 0);
	CHECK(!strcmp(extra, "-paravane"));
	CHECK_EQ(HYPERVISOR_xen_version(XENVER_capabilities, (uint32_t)caps), 0);
	CHECK(!strcmp(caps, "xen-3.0-x86_32p"));
	CHECK_EQ(HYPERVISOR_xen_version(XENVER_platform_parameters, (uint32_t)&pp), 0);
	CHECK_EQ(pp.virt_start, HYPERVISOR_VIRT_START);
	CHECK_EQ(HYPERVISOR_xen_version(XENVER_pagesize, 0), 4096);
	CHECK_EQ(HYPERVISOR_xen_version(XENVER_capabilities, HV_ADDR), -XEN_EFAULT);
	CHECK_EQ(HYPERVISOR_xen_version(XENVER_capabilities, UNMAPPED_VA), -XEN_EFAULT);
	CHECK_EQ(HYPERVISOR_xen_version(99, 0), -XEN_ENOSYS);
}

KTEST(selftest, unknown_hypercalls)
{
	CHECK_EQ(raw_hypercall(11), -XEN_ENOSYS); /* a gap in Xen's numbering */
	CHECK_EQ(raw_hypercall(63), -XEN_ENOSYS);
	CHECK_EQ(raw_hypercall(64), -XEN_ENOSYS);
	CHECK_EQ(raw_hypercall(0xFFFFFFFF), -XEN_ENOSYS);
	CHECK_EQ(raw_hypercall(__HYPERVISOR_xen_version), 0x30000); /* EBX = 0 */
}

KTEST(selftest, console_io)
{
	char buf[8];
	CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 0, 0), 0);
	CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 16, HV_ADDR), -XEN_EFAULT);
	CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 16, UNMAPPED_VA), -XEN_EFAULT);
	CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 0x100, HYPERVISOR_VIRT_START - 0x80),
		 -XEN_EFAULT);
	long n = HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), (uint32_t)buf);
	CHECK(n >= 0 && n <= (long)sizeof(buf));
	CHECK_EQ(HYPERVISOR_console_io(7, 0, 0), -XEN_ENOSYS);
}

KTEST(selftest, start_info_and_p2m)
{
	const struct start_info *si = start_info;
	CHECK(!strcmp(si->magic, "xen-3.0-x86_32p"));
	CHECK_EQ(si->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN), SIF_PRIVILEGED | SIF_INITDOMAIN);
	CHECK(si->nr_pages >= 1024);
	CHECK(si->pt_base > GUEST_VIRT_BASE && (si->pt_base & 0xFFF) == 0);
	CHECK(si->mfn_list > GUEST_VIRT_BASE && si->mfn_list < si->pt_base);
	CHECK_EQ(si->nr_p2m_frames, (si->nr_pages * 4 + 4095) / 4096);
	/* The read-only M2P agrees with our P2M for every frame we own. */
	unsigned bad = 0;
	for (uint32_t pfn = 0; pfn < si->nr_pages; pfn++)
		bad += m2p[p2m[pfn]] != pfn;
	CHECK_EQ(bad, 0);
	CHECK_EQ(shared_info->vcpu_info[0].evtchn_upcall_mask, 1); /* masked at entry */
	CHECK_EQ(shared_info->arch.max_pfn, si->nr_pages);
}

KTEST(selftest, divide_error_bounced)
{
	EXPECT_TRAP("movl $1, %%eax\n\txorl %%edx, %%edx\n\tmovl $2f, fault_eip\n"
		    "2:\tdivl %%ecx",
		    0);
	CHECK_EQ(trap_expect.vector, 0);
	CHECK_EQ(trap_expect.eip, fault_eip);
	CHECK_EQ(trap_expect.cs & 0xFFFF, FLAT_RING1_CS);
	CHECK_EQ(trap_expect.cs >> 16, 1);	     /* saved upcall mask rides in CS bits 16+ */
	CHECK_EQ(trap_expect.eflags & (1u << 9), 0); /* IF shows the mask inverted */
}

KTEST(selftest, page_faults_bounced)
{
	EXPECT_TRAP("movl (%%ecx), %%eax", UNMAPPED_VA + 0x123);
	CHECK_EQ(trap_expect.vector, 14);
	CHECK_EQ(trap_expect.cr2, UNMAPPED_VA + 0x123);
	CHECK_EQ(trap_expect.error_code, 0); /* read, not present, supervisor */
	EXPECT_TRAP("movl $1, (%%ecx)", UNMAPPED_VA + 0x456);
	CHECK_EQ(trap_expect.vector, 14);
	CHECK_EQ(trap_expect.cr2, UNMAPPED_VA + 0x456);
	CHECK_EQ(trap_expect.error_code, 2); /* write, not present */
	/* Our page tables and the M2P are mapped read-only: writes fault (P|W). */
	EXPECT_TRAP("movl $0, (%%ecx)", start_info->pt_base);
	CHECK_EQ(trap_expect.vector, 14);
	CHECK_EQ(trap_expect.error_code, 3);
	EXPECT_TRAP("movl $0, (%%ecx)", MACH2PHYS_VIRT_START);
	CHECK_EQ(trap_expect.vector, 14);
	CHECK_EQ(trap_expect.error_code, 3);
}

KTEST(selftest, breakpoint_and_invalid_opcode)
{
	EXPECT_TRAP("movl $2f, fault_eip\n\tint3\n2:", 0);
	CHECK_EQ(trap_expect.vector, 3);
	CHECK_EQ(trap_expect.eip, fault_eip); /* a trap: the frame points past int3 */
	EXPECT_TRAP("ud2", 0);
	CHECK_EQ(trap_expect.vector, 6);
}

KTEST(selftest, privileged_instructions_gp)
{
	static const uint8_t zero_gdtr[6];
	EXPECT_TRAP("cli", 0);
	CHECK_EQ(trap_expect.vector, 13);
	EXPECT_TRAP("sti", 0);
	CHECK_EQ(trap_expect.vector, 13);
	EXPECT_TRAP("hlt", 0);
	CHECK_EQ(trap_expect.vector, 13);
	EXPECT_TRAP("movl %%cr3, %%eax\n\tmovl %%eax, %%cr3", 0);
	CHECK_EQ(trap_expect.vector, 13);
	EXPECT_TRAP("lgdt (%%ecx)", zero_gdtr);
	CHECK_EQ(trap_expect.vector, 13);
	EXPECT_TRAP("inb $0x80, %%al", 0);
	CHECK_EQ(trap_expect.vector, 13);
	EXPECT_TRAP("outb %%al, $0xf4", 0);
	CHECK_EQ(trap_expect.vector, 13);
	CHECK_EQ(trap_expect.error_code, 0);
	/* `int N` through a gate ring 1 may not use: #GP naming the vector. */
	EXPECT_TRAP("int $0x40", 0);
	CHECK_EQ(trap_expect.vector, 13);
	CHECK_EQ(trap_expect.error_code, (0x40 << 3) | 2);
}

KTEST(selftest, ring3_hypercall_refused)
{
	uint32_t stack, code = pv_user_setup(&stack);
	trap_expect_arm();
	uint32_t ret = user_enter(code + (uint32_t)(user_hypercall - user_code_start), stack, 0);
	CHECK_EQ(ret, 0xFA017);
	CHECK_EQ(trap_expect.vector, 13);
	CHECK_EQ(trap_expect.error_code, (0x82 << 3) | 2);
	CHECK_EQ(trap_expect.cs & 0xFFFF, FLAT_RING3_CS);
	CHECK_EQ(trap_expect.ss, FLAT_RING3_DS);
}

KTEST(selftest, ring3_exception_on_kernel_stack)
{
	uint32_t stack, code = pv_user_setup(&stack);
	trap_expect_arm();
	uint32_t ret = user_enter(code + (uint32_t)(user_ud2 - user_code_start), stack, 0);
	CHECK_EQ(ret, 0xFA017);
	CHECK_EQ(trap_expect.vector, 6);
	CHECK_EQ(trap_expect.eip, code + (uint32_t)(user_ud2 - user_code_start));
	CHECK_EQ(trap_expect.cs & 0xFFFF, FLAT_RING3_CS);
	CHECK(trap_expect.esp > stack - PAGE_SIZE && trap_expect.esp <= stack);
}

KTEST(selftest, direct_system_calls)
{
	uint32_t stack, code = pv_user_setup(&stack);
	struct pv_domain_counters before = dom_own_counters();
	uint32_t calls_before = syscall_count;
	uint32_t ret =
	    user_enter(code + (uint32_t)(user_syscall_loop - user_code_start), stack, 1000);
	struct pv_domain_counters after = dom_own_counters();
	CHECK_EQ(ret, 0x5CA11);
	CHECK_EQ(syscall_count - calls_before, 1000);
	/* None of the 1001 int $0x80 entered the hypervisor: only the domctl did. */
	unsigned exceptions = 0, hypercalls = 0;
	for (int i = 0; i < 32; i++)
		exceptions += after.exceptions[i] - before.exceptions[i];
	for (int i = 0; i < 64; i++)
		hypercalls += after.hypercalls[i] - before.hypercalls[i];
	CHECK_EQ(exceptions, 0);
	CHECK_EQ(hypercalls, 1);
	CHECK_EQ(after.other_entries - before.other_entries, 0);
}

KTEST(selftest, multicall)
{
	static char msg[] = "";
	static struct multicall_entry calls[4];
	calls[0] =
	    (struct multicall_entry){ .op = __HYPERVISOR_xen_version, .args = { XENVER_version } };
	calls[1] = (struct multicall_entry){ .op = __HYPERVISOR_console_io,
					     .args = { CONSOLEIO_write, 0, (uint32_t)msg } };
	calls[2] = (struct multicall_entry){ .op = 11 };
	calls[3] = (struct multicall_entry){ .op = __HYPERVISOR_multicall };
	CHECK_EQ(HYPERVISOR_multicall((uint32_t)calls, 4), 0);
	CHECK_EQ(calls[0].result, 0x30000);
	CHECK_EQ(calls[1].result, 0);
	CHECK_EQ((int32_t)calls[2].result, -XEN_ENOSYS);
	CHECK_EQ((int32_t)calls[3].result, -XEN_EINVAL);
	CHECK_EQ(HYPERVISOR_multicall(UNMAPPED_VA, 1), -XEN_EFAULT);
	CHECK_EQ(HYPERVISOR_multicall(HV_ADDR, 1), -XEN_EFAULT);
	CHECK_EQ(HYPERVISOR_multicall((uint32_t)calls, 0), 0);
}

KTEST(selftest, vm_assist)
{
	CHECK_EQ(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_pae_extended_cr3), 0);
	CHECK_EQ(HYPERVISOR_vm_assist(VMASST_CMD_disable, VMASST_TYPE_pae_extended_cr3), 0);
	CHECK_EQ(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_4gb_segments), -XEN_EINVAL);
	CHECK_EQ(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables),
		 -XEN_EINVAL);
	CHECK_EQ(HYPERVISOR_vm_assist(VMASST_CMD_enable, 99), -XEN_EINVAL);
	CHECK_EQ(HYPERVISOR_vm_assist(5, VMASST_TYPE_pae_extended_cr3), -XEN_ENOSYS);
}

KTEST(selftest, trap_table_and_callbacks_checked)
{
	static struct trap_info bad_cs[] = { { 0, 0, 0xe008, 0xC0001000 }, { 0, 0, 0, 0 } };
	static struct trap_info bad_addr[] = { { 0, 0, FLAT_RING1_CS, HV_ADDR }, { 0, 0, 0, 0 } };
	CHECK_EQ(HYPERVISOR_set_trap_table((uint32_t)bad_cs), -XEN_EINVAL);
	CHECK_EQ(HYPERVISOR_set_trap_table((uint32_t)bad_addr), -XEN_EINVAL);
	CHECK_EQ(HYPERVISOR_set_trap_table(HV_ADDR), -XEN_EFAULT);
	CHECK_EQ(HYPERVISOR_set_trap_table(UNMAPPED_VA), -XEN_EFAULT);
	/* Nothing changed: vector 0 still reaches our handler. */
	EXPECT_TRAP("movl $1, %%eax\n\txorl %%edx, %%edx\n\tdivl %%ecx", 0);
	CHECK_EQ(trap_expect.vector, 0);
	CHECK_EQ(HYPERVISOR_set_callbacks(0xe008, 0xC0001000, FLAT_RING1_CS, 0xC0001000),
		 -XEN_EINVAL);
	CHECK_EQ(HYPERVISOR_set_callbacks(FLAT_RING1_CS, HV_ADDR, FLAT_RING1_CS, 0xC0001000),
		 -XEN_EINVAL);
	CHECK_EQ(HYPERVISOR_set_callbacks(FLAT_RING1_CS, 0xC0001000, FLAT_RING1_CS, 0xC0001000), 0);
	CHECK_EQ(HYPERVISOR_stack_switch(0xe010, 0x1000), -XEN_EPERM); /* RPL 0 */
	CHECK_EQ(HYPERVISOR_stack_switch(FLAT_RING3_DS, 0x1000), -XEN_EPERM);
	CHECK_EQ(HYPERVISOR_stack_switch(0x0009, 0x1000), -XEN_EINVAL); /* RPL 1, not ours */
	CHECK_EQ(evtchn_set_callbacks(), 0); /* our real callbacks back */
}

KTEST(selftest, update_va_mapping_rules)
{
	uint32_t va = pv_alloc_page(), va2 = pv_alloc_page();
	uint64_t own = ((uint64_t)pv_va_to_mfn(va) << 12) | PTE_P | PTE_RW | PTE_A | PTE_D;
	uint64_t pt = ((uint64_t)pv_va_to_mfn(start_info->pt_base) << 12) | PTE_P | PTE_A;
	uint64_t hv = (0x100ull << 12) | PTE_P | PTE_RW; /* the hypervisor's first frame */

	/* Alias va's frame at va2: a write through one shows through the other. */
	CHECK_EQ(update_va(va2, own, UVMF_INVLPG), 0);
	*(volatile uint32_t *)va = 0x600DF00D;
	CHECK_EQ(*(volatile uint32_t *)va2, 0x600DF00D);
	CHECK_EQ(update_va(va2, own | PTE_NX, UVMF_TLB_FLUSH), 0);
	CHECK_EQ(update_va(va2, hv, UVMF_INVLPG), -XEN_EPERM);
	CHECK_EQ(update_va(va2, pt | PTE_RW, UVMF_INVLPG), -XEN_EPERM);
	CHECK_EQ(update_va(va2, own | PTE_PS, UVMF_INVLPG), -XEN_EINVAL);
	CHECK_EQ(update_va(va2, own | PTE_G, UVMF_INVLPG), -XEN_EINVAL);
	CHECK_EQ(update_va(va2, own | (1ull << 52), UVMF_INVLPG), -XEN_EINVAL);
	CHECK_EQ(update_va(va2, own, 0x10), -XEN_EINVAL);
	CHECK_EQ(update_va(HYPERVISOR_VIRT_START, own, UVMF_INVLPG), -XEN_EINVAL);
	CHECK_EQ(update_va(UNMAPPED_VA, own, UVMF_INVLPG), -XEN_EINVAL);
	/* After every refusal va2 still maps va's frame. */
	*(volatile uint32_t *)va = 0x5AFE;
	CHECK_EQ(*(volatile uint32_t *)va2, 0x5AFE);
	/* A page table may be mapped read-only. */
	CHECK_EQ(update_va(va2, pt, UVMF_INVLPG), 0);
	CHECK_EQ(((volatile uint64_t *)va2)[3] & 1, 1); /* L3 slot 3 is present */
	CHECK_EQ(update_va(va2, 0, UVMF_INVLPG), 0);	/* unmap */
	EXPECT_TRAP("movl (%%ecx), %%eax", va2);
	CHECK_EQ(trap_expect.vector, 14);
}

KTEST(selftest, mmu_update_rules)
{
	uint32_t va = pv_alloc_page(), va2 = pv_alloc_page();
	uint32_t mfn = pv_va_to_mfn(va);
	uint64_t own = ((uint64_t)mfn << 12) | PTE_P | PTE_RW | PTE_A | PTE_D;
	uint64_t ptr = pv_l1e_maddr(va2);
	static struct mmu_update req[3];
	uint32_t done = 99;

	CHECK(ptr != 0);
	req[0] = (struct mmu_update){ ptr | MMU_NORMAL_PT_UPDATE, own };
	CHECK_EQ(HYPERVISOR_mmu_update((uint32_t)req, 1, (uint32_t)&done, DOMID_SELF), 0);
	CHECK_EQ(done, 1);
	arch_flush_tlb();
	*(volatile uint32_t *)va = 0xC0FFEE;
	CHECK_EQ(*(volatile uint32_t *)va2, 0xC0FFEE);
	/* A batch stops at the first bad request and says how far it got. */
	req[0] = (struct mmu_update){ ptr | MMU_NORMAL_PT_UPDATE, own };
	req[1] = (struct mmu_update){ ptr | MMU_NORMAL_PT_UPDATE, (0x100ull << 12) | PTE_P };
	req[2] = (struct mmu_update){ ptr | MMU_NORMAL_PT_UPDATE, 0 };
	CHECK_EQ(HYPERVISOR_mmu_update((uint32_t)req, 3, (uint32_t)&done, DOMID_SELF), -XEN_EPERM);
	CHECK_EQ(done, 1);
	CHECK_EQ(*(volatile uint32_t *)va2, 0xC0FFEE); /* still mapped */
	/* Only L1 frames we own may be written; entries are 8-byte aligned. */
	uint64_t not_pt = (uint64_t)mfn << 12;
	req[0] = (struct mmu_update){ not_pt | MMU_NORMAL_PT_UPDATE, 0 };
	CHECK_EQ(HYPERVISOR_mmu_update((uint32_t)req, 1, 0, DOMID_SELF), -XEN_EINVAL);
	req[0] = (struct mmu_update){ (0x100ull << 12) | MMU_NORMAL_PT_UPDATE, 0 };
	CHECK_EQ(HYPERVISOR_mmu_update((uint32_t)req, 1, 0, DOMID_SELF), -XEN_EINVAL);
	req[0] = (struct mmu_update){ (ptr + 4) | MMU_NORMAL_PT_UPDATE, 0 };
	CHECK_EQ(HYPERVISOR_mmu_update((uint32_t)req, 1, 0, DOMID_SELF), -XEN_EINVAL);
	CHECK_EQ(HYPERVISOR_mmu_update((uint32_t)req, 1, 0, 42), -XEN_ESRCH); /* no such domain */
	CHECK_EQ(HYPERVISOR_mmu_update(HV_ADDR, 1, 0, DOMID_SELF), -XEN_EFAULT);
	/* A fault on reading a request (or an op) is -EFAULT, not a crash. */
	CHECK_EQ(HYPERVISOR_mmu_update(UNMAPPED_VA, 1, 0, DOMID_SELF), -XEN_EFAULT);
	CHECK_EQ(HYPERVISOR_mmuext_op(UNMAPPED_VA, 1, 0, DOMID_SELF), -XEN_EFAULT);
	/* M2P updates: only for our own frames; the read-only M2P shows them. */
	uint32_t pfn = m2p[mfn];
	req[0] = (struct mmu_update){ ((uint64_t)mfn << 12) | MMU_MACHPHYS_UPDATE, pfn };
	CHECK_EQ(HYPERVISOR_mmu_update((uint32_t)req, 1, 0, DOMID_SELF), 0);
	CHECK_EQ(m2p[mfn], pfn);
	req[0] = (struct mmu_update){ (0x100ull << 12) | MMU_MACHPHYS_UPDATE, 1 };
	CHECK_EQ(HYPERVISOR_mmu_update((uint32_t)req, 1, 0, DOMID_SELF), -XEN_EPERM);
	req[0] = (struct mmu_update){ ((uint64_t)mfn << 12) | MMU_MACHPHYS_UPDATE, 1u << 30 };
	CHECK_EQ(HYPERVISOR_mmu_update((uint32_t)req, 1, 0, DOMID_SELF), -XEN_EINVAL);
	CHECK_EQ(m2p[mfn], pfn);
}

static long set_timer(uint64_t deadline)
{
	return HYPERVISOR_set_timer_op((uint32_t)deadline, (uint32_t)(deadline >> 32));
}

KTEST(selftest, sched_op_and_time)
{
	static struct sched_shutdown bad = { 99 };
	uint64_t t0 = arch_time_ns();
	CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_yield, 0), 0);
	/* Block until a one-shot timer 3 ms ahead: never early, not much late. */
	CHECK_EQ(set_timer(t0 + 3000000), 0);
	CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_block, 0), 0);
	uint64_t t1 = arch_time_ns();
	CHECK(t1 >= t0 + 3000000);
	CHECK(t1 - t0 < 3000000 + TIMER_TOLERANCE_NS);
	shared_info->vcpu_info[0].evtchn_upcall_mask = 1; /* block unmasked events */
	CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown, (uint32_t)&bad), -XEN_EINVAL);
	CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown, HV_ADDR), -XEN_EFAULT);
	CHECK_EQ(HYPERVISOR_sched_op(77, 0), -XEN_ENOSYS);
}

static long poll(uint32_t *ports, uint32_t n, uint64_t timeout)
{
	static struct sched_poll p;
	p = (struct sched_poll){ (uint32_t)ports, n, timeout };
	return HYPERVISOR_sched_op(SCHEDOP_poll, (uint32_t)&p);
}

static void ignore_event(uint32_t port, void *data)
{
	(void)port;
	(void)data;
}

KTEST(selftest, sched_poll)
{
	static uint32_t ports[SCHED_POLL_MAX_PORTS + 1];
	int timer_port = evtchn_bind_virq(VIRQ_TIMER, ignore_event, NULL);
	CHECK(timer_port > 0);
	evtchn_mask((uint32_t)timer_port); /* poll must see it even masked */
	ports[0] = (uint32_t)timer_port;
	/* Times out, never early. */
	uint64_t t0 = arch_time_ns();
	CHECK_EQ(poll(ports, 1, t0 + 2000000), 0);
	CHECK(arch_time_ns() >= t0 + 2000000);
	/* Woken by the (masked) timer event: the timer is the only thing that can end it. */
	t0 = arch_time_ns();
	CHECK_EQ(set_timer(t0 + 2000000), 0);
	CHECK_EQ(poll(ports, 1, 0), 0);
	CHECK(arch_time_ns() >= t0 + 2000000);
	CHECK_EQ(poll(ports, 1, 0), 0); /* still pending: returns at once */
	CHECK_EQ(poll(ports, SCHED_POLL_MAX_PORTS + 1, 0), -XEN_EINVAL);
	ports[1] = 1024;
	CHECK_EQ(poll(ports, 2, 0), -XEN_EINVAL);
	CHECK_EQ(poll((uint32_t *)HV_ADDR, 1, 0), -XEN_EFAULT);
	static struct multicall_entry mc;
	mc = (struct multicall_entry){ .op = __HYPERVISOR_sched_op, .args = { SCHEDOP_poll, 0 } };
	CHECK_EQ(HYPERVISOR_multicall((uint32_t)&mc, 1), 0);
	CHECK_EQ((int32_t)mc.result, -XEN_EINVAL);
	CHECK_EQ(evtchn_close((uint32_t)timer_port), 0);
}

KTEST(selftest, wall_clock)
{
	/* The hypervisor read the RTC at boot: some time after 2020-01-01. */
	CHECK(shared_info->wc_sec > 1577836800u);
	CHECK_EQ(shared_info->wc_version & 1, 0);
}

KTEST(selftest, timer_just_before_block_is_not_lost)
{
	/* A deadline 1 us away fires before the block begins (the hypercall alone
	 * takes longer); the block must still return, with VIRQ_TIMER unbound. */
	for (int i = 0; i < 100; i++) {
		CHECK_EQ(set_timer(arch_time_ns() + 1000), 0);
		CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_block, 0), 0);
		shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
	}
}

KTEST(selftest, vcpu_op_timers)
{
	static struct vcpu_set_periodic_timer per;
	static struct vcpu_set_singleshot_timer one;
	CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 0, 0), 1);
	CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, 0), -XEN_ENOENT);
	per.period_ns = 1000;
	CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, (uint32_t)&per), -XEN_EINVAL);
	CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, HV_ADDR), -XEN_EFAULT);
	one = (struct vcpu_set_singleshot_timer){ 1, VCPU_SSHOTTMR_future, 0 };
	CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, (uint32_t)&one), -XEN_ETIME);
	CHECK_EQ(HYPERVISOR_vcpu_op(99, 0, 0), -XEN_ENOSYS);
	/* A 2 ms periodic timer wakes three blocks in a row, about 2 ms apart.
	 * A one-shot timer that fired while we ran (at boot) would end the first
	 * block at once: cancelled first. An event still pending may end it too,
	 * so the time counts from before the timer is set: at least two periods. */
	CHECK_EQ(HYPERVISOR_set_timer_op(0, 0), 0);
	per.period_ns = 2000000;
	uint64_t t0 = arch_time_ns();
	CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, (uint32_t)&per), 0);
	for (int i = 0; i < 3; i++) {
		HYPERVISOR_sched_op(SCHEDOP_block, 0);
		shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
	}
	uint64_t t1 = arch_time_ns();
	CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, 0), 0);
	CHECK(t1 - t0 >= 4000000);
	CHECK(t1 - t0 < 6000000 + TIMER_TOLERANCE_NS);
}

/* The kernel makes its hypercalls with an inline int $0x82; the page's slots
 * (what other guests call) must do the same thing. */
KTEST(selftest, hypercall_page_slots)
{
	long ret;
	uint32_t a1 = XENVER_version, a2 = 0;
	__asm__ volatile(
	    "call *%[slot]"
	    : "=a"(ret), "+b"(a1), "+c"(a2)
	    : [slot] "r"(hypercall_page + __HYPERVISOR_xen_version * HYPERCALL_SLOT_SIZE)
	    : "edx", "esi", "edi", "memory");
	CHECK_EQ(ret, HYPERVISOR_xen_version(XENVER_version, 0));
	CHECK_EQ(ret >> 16, 3);
}

KTEST(selftest, iret_hypercall)
{
	/* Return through the iret slot to a label with EAX and the mask restored. */
	uint32_t eax_out, eflags;
	__asm__ volatile("pushfl\n\tpopl %0" : "=r"(eflags));
	shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
	/* The slot pushes EAX itself, so the frame holds eip, cs, eflags. */
	__asm__ volatile("pushl %[fl]\n\t" /* eflags with IF clear: stay masked */
			 "pushl %[cs]\n\t"
			 "pushl $1f\n\t"
			 "movl $0x1234ABCD, %%eax\n\t"
			 "jmp *%[slot]\n"
			 "1:"
			 : "=a"(eax_out)
			 : [fl] "d"(eflags & ~(1u << 9)), [cs] "i"(FLAT_RING1_CS),
			   [slot] "c"(hypercall_page + __HYPERVISOR_iret * HYPERCALL_SLOT_SIZE)
			 : "memory");
	CHECK_EQ(eax_out, 0x1234ABCD);
	CHECK_EQ(shared_info->vcpu_info[0].evtchn_upcall_mask, 1);
}

KTEST(selftest, domctl_checked)
{
	static struct pv_domctl op;
	op = (struct pv_domctl){ .cmd = PV_DOMCTL_getcounters,
				 .interface_version = 99,
				 .domain = DOMID_SELF };
	CHECK_EQ(HYPERVISOR_domctl((uint32_t)&op), -XEN_EINVAL);
	op.interface_version = PV_DOMCTL_INTERFACE_VERSION;
	op.domain = 42;
	CHECK_EQ(HYPERVISOR_domctl((uint32_t)&op), -XEN_ESRCH);
	op.domain = DOMID_SELF;
	op.cmd = 1000;
	CHECK_EQ(HYPERVISOR_domctl((uint32_t)&op), -XEN_ENOSYS);
	CHECK_EQ(HYPERVISOR_domctl(HV_ADDR), -XEN_EFAULT);
	struct pv_domain_counters before = dom_own_counters();
	EXPECT_TRAP("cli", 0);
	struct pv_domain_counters after = dom_own_counters();
	CHECK(after.hypercalls[__HYPERVISOR_console_io] > 0);
	CHECK_EQ(after.hypercalls[__HYPERVISOR_domctl] - before.hypercalls[__HYPERVISOR_domctl], 1);
	CHECK_EQ(after.exceptions[13] - before.exceptions[13], 1);
}
