/*
 * The register frame every entry into the hypervisor leaves at the top of the
 * per-CPU stack (built by entry.S). esp/ss are only there when the CPU came
 * from ring 1 or 3; ring_of() tells.
 */
#ifndef HV_REGS_H
#define HV_REGS_H

#include <stdint.h>

struct cpu_regs {
	uint32_t ebx, ecx, edx, esi, edi, ebp, eax; /* @0..24 */
	uint32_t ds, es, fs, gs;		    /* @28..40 */
	uint32_t vector, error_code;		    /* @44, @48 */
	uint32_t eip, cs, eflags;		    /* @52..60: pushed by the CPU */
	uint32_t esp, ss;			    /* @64, @68: only from rings 1-3 */
};

static inline unsigned ring_of(const struct cpu_regs *r)
{
	return r->cs & 3;
}

#define REGS_EAX 24
#define REGS_VECTOR 44
#define REGS_EIP 52

#endif
