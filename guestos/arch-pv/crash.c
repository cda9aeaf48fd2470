/*
 * Crash scenarios (command line crash=NAME): each makes the hypervisor crash
 * this domain in a different way. The system tests check that the hypervisor
 * reports it, dumps registers, and keeps running.
 */
#include "pv.h"

#define UNMAPPED_VA 0x10000000u

noreturn void pv_crash_scenario(const char *name);
noreturn void pv_crash_scenario(const char *name)
{
	printk("guest: crash scenario \"%s\"\n", name);
	if (!strcmp(name, "nohandler")) {
		HYPERVISOR_set_trap_table(0); /* no handlers at all */
		__asm__ volatile("ud2");
	} else if (!strcmp(name, "badstack")) {
		/* The exception frame cannot be written: the bounce itself faults. */
		__asm__ volatile("movl %0, %%esp\n\tud2" : : "i"(UNMAPPED_VA + 0x1000));
	} else if (!strcmp(name, "hvstack")) {
		/* The frame would land in the hypervisor's memory. */
		__asm__ volatile("movl %0, %%esp\n\tud2" : : "i"(HYPERVISOR_VIRT_START + 0x10));
	} else if (!strcmp(name, "badtraps")) {
		/* Every handler points at unmapped memory: each bounce faults again
		 * until the frames run the stack off its page. */
		static struct trap_info bad[32];
		for (unsigned v = 0; v < 20; v++)
			bad[v] = (struct trap_info){ (uint8_t)v, 0, FLAT_RING1_CS, UNMAPPED_VA };
		HYPERVISOR_set_trap_table((uint32_t)bad);
		__asm__ volatile("ud2");
	} else if (!strcmp(name, "badiret")) {
		/* Ask the iret hypercall to return to a ring-0 selector. */
		__asm__ volatile("pushl $0x202\n\tpushl $0xe008\n\tpushl $0\n\t"
				 "jmp *%0"
				 :
				 : "r"(hypercall_page + __HYPERVISOR_iret * HYPERCALL_SLOT_SIZE));
	}
	panic("crash scenario \"%s\" did not crash", name);
}
