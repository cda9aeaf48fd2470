/*
 * Hypercalls: `int $0x82` with the number in EAX, inline, which is what each
 * slot of the hypercall page holds (public/xen.h). Inline saves a call and a
 * return and keeps the page off hot paths: under TCG each is a jump QEMU looks
 * up, and the page one more soft-TLB entry after every flush. The page stays
 * for iret, whose slot is jumped to. HYPERVISOR_<name>(args...) exists for
 * every hypercall of the ABI, generated from XEN_HYPERCALLS in public/xen.h.
 */
#ifndef PV_HYPERCALL_H
#define PV_HYPERCALL_H

#include <public/xen.h>
#include <stdint.h>

extern char hypercall_page[];

static inline long hypercall5(unsigned nr, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4,
			      uint32_t a5)
{
	long ret;
	__asm__ volatile("int $0x82"
			 : "=a"(ret), "+b"(a1), "+c"(a2), "+d"(a3), "+S"(a4), "+D"(a5)
			 : "0"(nr)
			 : "memory");
	return ret;
}

#define HC_PARAMS_0 void
#define HC_PARAMS_1 uint32_t a1
#define HC_PARAMS_2 HC_PARAMS_1, uint32_t a2
#define HC_PARAMS_3 HC_PARAMS_2, uint32_t a3
#define HC_PARAMS_4 HC_PARAMS_3, uint32_t a4
#define HC_PARAMS_5 HC_PARAMS_4, uint32_t a5
#define HC_ARGS_0 0, 0, 0, 0, 0
#define HC_ARGS_1 a1, 0, 0, 0, 0
#define HC_ARGS_2 a1, a2, 0, 0, 0
#define HC_ARGS_3 a1, a2, a3, 0, 0
#define HC_ARGS_4 a1, a2, a3, a4, 0
#define HC_ARGS_5 a1, a2, a3, a4, a5

#define HC_WRAPPER(num, name, argc)                            \
	static inline long HYPERVISOR_##name(HC_PARAMS_##argc) \
	{                                                      \
		return hypercall5(num, HC_ARGS_##argc);        \
	}
/* (HYPERVISOR_iret exists too but is not called: the iret slot is jumped to
 * with EAX pushed; see pv_iret in traps.S.) */
XEN_HYPERCALLS(HC_WRAPPER)
#undef HC_WRAPPER

#endif
