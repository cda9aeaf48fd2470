/*
 * PV start: the first C code. Maps shared_info, installs the trap table and the
 * ring-1 stack for entries from ring 3, prints start_info, then runs the core.
 */
#include "events.h"
#include "pv.h"
#include <public/sched.h>

struct start_info *start_info __hot_data;
uint64_t pv_entry_ns;
struct shared_info *shared_info __hot_data;
const uint32_t *p2m __hot_data;

uint32_t pv_boot_entry_sp;
static uint8_t kernel_trap_stack[8192] __attribute__((aligned(16)));

/* A frame of the direct map that stays ours: its address may be remapped
 * (shared_info, a foreign frame, a test's alias) and is never handed out again. */
uint32_t pv_alloc_page(void)
{
	uint32_t pfn = frame_alloc_zeroed();
	if (pfn == PMEM_NONE)
		panic("out of memory for a page");
	return (uint32_t)pfn_to_virt(pfn);
}

uint32_t pv_va_to_mfn(uint32_t va)
{
	return p2m[(va - GUEST_VIRT_BASE) / PAGE_SIZE];
}

uint32_t pv_user_setup(uint32_t *user_stack_top)
{
	static uint32_t code_va, stack_va;
	if (!code_va) {
		code_va = pv_alloc_page();
		stack_va = pv_alloc_page();
		memcpy((void *)code_va, user_code_start, (size_t)(user_code_end - user_code_start));
		uint32_t pages[2] = { code_va, stack_va };
		for (int i = 0; i < 2; i++) {
			uint64_t pte = ((uint64_t)pv_va_to_mfn(pages[i]) << 12) | PTE_P | PTE_RW |
				       PTE_USER | PTE_A | PTE_D;
			if (arch_set_pte(pages[i], pte, true))
				panic("cannot map the user test pages");
		}
	}
	*user_stack_top = stack_va + PAGE_SIZE;
	return code_va;
}

static void map_shared_info(void)
{
	uint32_t va = pv_alloc_page();
	uint64_t pte = (uint64_t)start_info->shared_info | PTE_P | PTE_RW | PTE_A | PTE_D;
	long rc =
	    HYPERVISOR_update_va_mapping(va, (uint32_t)pte, (uint32_t)(pte >> 32), UVMF_INVLPG);
	if (rc)
		panic("cannot map shared_info: %ld", rc);
	shared_info = (struct shared_info *)va;
}

static void print_start_info(const struct start_info *si)
{
	printk("guest: start_info: magic \"%s\"\n", si->magic);
	printk("guest:   nr_pages %u (%u MiB), flags %#x%s%s, shared_info at machine %#x\n",
	       si->nr_pages, si->nr_pages >> 8, si->flags,
	       si->flags & SIF_PRIVILEGED ? " privileged" : "",
	       si->flags & SIF_INITDOMAIN ? " initdomain" : "", si->shared_info);
	printk("guest:   pt_base %#x, nr_pt_frames %u, mfn_list %#x, p2m frames %u at pfn %u\n",
	       si->pt_base, si->nr_pt_frames, si->mfn_list, si->nr_p2m_frames, si->first_p2m_pfn);
	printk("guest:   mod_start %#x, mod_len %u\n", si->mod_start, si->mod_len);
	printk("guest:   cmd_line \"%s\"\n", si->cmd_line);
	if (si->mod_len) {
		char first[33];
		size_t n = 0;
		const char *m = (const char *)si->mod_start;
		while (n < si->mod_len && n < sizeof(first) - 1 && m[n] != '\n')
			first[n] = m[n], n++;
		first[n] = '\0';
		printk("guest: initrd: %u bytes, first line \"%s\"\n", si->mod_len, first);
	}
}

void pv_crash_scenario(const char *name);

noreturn void pv_start(struct start_info *si);
noreturn void pv_start(struct start_info *si)
{
	char buf[24];

	start_info = si;
	p2m = (const uint32_t *)si->mfn_list;
	printk("guest: Paravane PV kernel in ring %u\n", 1);
	pv_mm_init();
	map_shared_info();
	pv_entry_ns = arch_time_ns(); /* the first moment we can read the clock */
	traps_init();
	events_init();
	pv_boot_entry_sp = (uint32_t)kernel_trap_stack + sizeof(kernel_trap_stack);
	if (arch_set_kernel_stack(pv_boot_entry_sp))
		panic("stack_switch failed");
	print_start_info(si);
	if (cmdline_copy_value(si->cmd_line, "crash", buf, sizeof(buf)))
		pv_crash_scenario(buf);
	kernel_main(si->cmd_line);
}
