/*
 * Native start: the first C code, on the boot stack with head.S's tables.
 * Brings the PC up in order (console, boot information, descriptor tables,
 * FPU, page tables and memory, time, the timer), then runs the core.
 */
#include "native.h"

/* crash=ud2|null|stack: a kernel bug on purpose, for the register dump's tests. */
static void crash_scenario(const char *cmdline)
{
	char what[16];
	if (!cmdline_copy_value(cmdline, "crash", what, sizeof(what)))
		return;
	printk("native: crash scenario \"%s\"\n", what);
	if (!strcmp(what, "ud2"))
		__asm__ volatile("ud2");
	else if (!strcmp(what, "null"))
		(void)*(volatile uint32_t *)0;
	else if (!strcmp(what, "stack")) /* the #UD frame cannot be pushed: #PF, then #DF */
		__asm__ volatile("mov $0x10000000, %esp; ud2");
	panic("crash scenario \"%s\" did not trap", what);
}

noreturn void native_start(void);
noreturn void native_start(void)
{
	uart_init();
	printk("native: Paravane guest kernel in ring 0\n");
	multiboot_parse(boot_mb_magic, boot_mb_info);
	desc_init();
	/* x87 errors as #MF, no emulation, no lazy switching: fnsave/frstor just work. */
	write_cr0((read_cr0() | CR0_MP | CR0_NE | CR0_WP) & ~(CR0_EM | CR0_TS));
	__asm__ volatile("fninit");
	mmu_init();
	time_init();
	lapic_init();
	if (boot_info.mod_end > boot_info.mod_start) {
		uint32_t len = boot_info.mod_end - boot_info.mod_start;
		initrd_set((const void *)(uintptr_t)(KERNEL_BASE + boot_info.mod_start), len);
		printk("native: initrd: %u bytes at %#x\n", len, boot_info.mod_start);
	}
	crash_scenario(boot_info.cmdline);
	kernel_main(boot_info.cmdline);
}
