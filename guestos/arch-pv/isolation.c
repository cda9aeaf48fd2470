/*
 * Isolation (command line word "isolation"): from ring 1, reads, writes and a
 * jump at and above the guest segment limit (0xF67FFFFF) must each raise #GP
 * and come back to us, never touching the hypervisor. Only an emulator that
 * enforces segment limits (Bochs) can pass this: under QEMU TCG the accesses
 * to mapped hypervisor pages go through.
 */
#include "pv.h"

#define HV_IMAGE 0xF8100000u  /* the hypervisor's code (mapped, supervisor) */
#define HV_FIXMAP 0xFFFFF000u /* the LAPIC page */

KTEST(isolation, m2p_below_limit_readable)
{
	CHECK_EQ(m2p[p2m[0]], 0);
	CHECK_EQ(m2p[p2m[start_info->nr_pages - 1]], start_info->nr_pages - 1);
}

KTEST(isolation, read_at_limit_faults)
{
	EXPECT_TRAP("movl (%%ecx), %%eax", 0xF6800000u);
	CHECK_EQ(trap_expect.vector, 13);
	EXPECT_TRAP("movl (%%ecx), %%eax", 0xF67FFFFEu); /* straddles the limit */
	CHECK_EQ(trap_expect.vector, 13);
}

KTEST(isolation, read_hypervisor_faults)
{
	EXPECT_TRAP("movl (%%ecx), %%eax", HV_IMAGE);
	CHECK_EQ(trap_expect.vector, 13);
	EXPECT_TRAP("movl (%%ecx), %%eax", HV_FIXMAP);
	CHECK_EQ(trap_expect.vector, 13);
}

KTEST(isolation, write_hypervisor_faults)
{
	EXPECT_TRAP("movl $0xDEAD, (%%ecx)", HV_IMAGE);
	CHECK_EQ(trap_expect.vector, 13);
	EXPECT_TRAP("movb $0, (%%ecx)", 0xF6800000u);
	CHECK_EQ(trap_expect.vector, 13);
}

KTEST(isolation, jump_into_hypervisor_faults)
{
	EXPECT_TRAP("movl $2f, fault_eip\n2:\tjmp *%%ecx", HV_IMAGE);
	CHECK_EQ(trap_expect.vector, 13);
	CHECK_EQ(trap_expect.eip, fault_eip); /* the jump itself faulted */
}
