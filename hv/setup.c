/* hv_main: bring the machine up in order, build dom0, and run it. */
#include <hv.h>
#include <public/version.h>
#include <string.h>

extern uint32_t boot_mb_magic, boot_mb_info;
extern uint8_t hv_stack[];

struct percpu cpu0;

#define DEFAULT_DOM0_MEM (32u << 20)

/* A module's command line starts with its file name; the guest gets the rest. */
static const char *module_args(const char *cmdline)
{
	const char *p = strchr(cmdline, ' ');
	if (!p)
		return "";
	while (*p == ' ')
		p++;
	return p;
}

static void start_dom0(void)
{
	char err[160];
	if (!boot_info.nr_modules) {
		printk("hv: no dom0 image given (multiboot module 1)\n");
		return;
	}
	const struct boot_module *k = &boot_info.modules[0];
	const struct boot_module *rd = boot_info.nr_modules > 1 ? &boot_info.modules[1] : NULL;
	uint32_t pages = cmdline_size("dom0_mem", DEFAULT_DOM0_MEM) >> PAGE_SHIFT;

	struct domain *d = domain_alloc(0, pages);
	if (!d)
		panic("out of hypervisor heap");
	d->privileged = true;
	int rc = build_pv_domain(d, maddr_to_virt(k->start), k->end - k->start,
				 rd ? maddr_to_virt(rd->start) : NULL, rd ? rd->end - rd->start : 0,
				 module_args(k->cmdline), err, sizeof(err));
	if (rc) {
		printk("hv: dom0 image refused: %s (error %d)\n", err, rc);
		domain_free(d);
		return;
	}
	dom0 = d;
	/* The modules were copied into dom0: their frames go back to the allocator. */
	for (unsigned i = 0; i < boot_info.nr_modules; i++)
		for (uint32_t a = boot_info.modules[i].start & PAGE_MASK;
		     a < boot_info.modules[i].end; a += PAGE_SIZE)
			frame_free(a >> PAGE_SHIFT);
	vcpu_start(&d->vcpu0);
}

void hv_main(void)
{
	cpu0.stack_top = hv_stack + HV_STACK_SIZE;
	console_init();
	printk("\nhv: Paravane hypervisor, Xen %u.%u PV ABI (x86_32 PAE)\n", PARAVANE_XEN_MAJOR,
	       PARAVANE_XEN_MINOR);
	multiboot_parse(boot_mb_magic, boot_mb_info);
	desc_init();
	paging_init();
	mm_init();
	time_init();
	wallclock_init();
	apic_init();
	start_dom0();
	domain_no_dom0();
	schedule_away(); /* nothing to run: idle until the watchdog ends the machine */
}
