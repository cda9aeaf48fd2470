/* What a guest may write into a descriptor table (see desc_rules.h). Pure logic. */
#include <desc_rules.h>
#include <public/errno.h>
#include <public/xen.h>

static int gate_target_ok(uint16_t sel)
{
	if (sel & 4)
		return 1; /* LDT selector: the guest's own (validated) descriptors */
	if ((sel >> 3) < FIRST_RESERVED_GDT_ENTRY)
		return 1; /* the guest's own GDT entries, each validated here too */
	/* Of the hypervisor's entries only the flat guest code segments. */
	return (sel & ~3u) == (FLAT_RING1_CS & ~3u) || (sel & ~3u) == (FLAT_RING3_CS & ~3u);
}

int desc_check(uint64_t desc)
{
	uint32_t a = (uint32_t)desc, b = (uint32_t)(desc >> 32);

	if (!(b & DESC_P))
		return 0; /* loading it raises #NP: harmless whatever it says */
	if (DESC_DPL(b) == 0)
		return -XEN_EINVAL; /* ring 0 is the hypervisor's */
	if (!(b & DESC_S)) {
		/* System descriptors: a TSS, LDT or interrupt gate would hand ring 0
		 * to the guest. A call gate into ring 1 or 3 code is fine. */
		if (DESC_TYPE(b) != DESC_CALL_GATE32 || (b & 0xE0))
			return -XEN_EINVAL;
		return gate_target_ok((uint16_t)(a >> 16)) ? 0 : -XEN_EINVAL;
	}
	uint32_t base = (a >> 16) | ((b & 0xFF) << 16) | (b & 0xFF000000);
	uint32_t limit = (a & 0xFFFF) | (b & 0xF0000);
	if (b & DESC_G)
		limit = (limit << 12) | 0xFFF;
	/* The highest offset the segment admits. */
	uint64_t last = limit;
	if (!(b & DESC_CODE) && (b & DESC_EXPAND_DOWN))
		last = (b & DESC_DB) ? 0xFFFFFFFFu : 0xFFFFu;
	if ((uint64_t)base + last >= HYPERVISOR_VIRT_START)
		return -XEN_EINVAL; /* would reach (or wrap round to) the hypervisor */
	return 0;
}
