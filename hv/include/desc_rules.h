/*
 * What a guest may put in its GDT or LDT (hv/desc_rules.c, pure logic): one
 * 8-byte descriptor at a time; tests/unit/test_desc_rules.c tries to break it.
 */
#ifndef HV_DESC_RULES_H
#define HV_DESC_RULES_H

#include <stdint.h>

#define DESC_P (1u << 15) /* in the high word */
#define DESC_S (1u << 12) /* code or data (clear: a system descriptor) */
#define DESC_CODE (1u << 11)
#define DESC_EXPAND_DOWN (1u << 10) /* data segments */
#define DESC_DB (1u << 22)
#define DESC_G (1u << 23)
#define DESC_DPL(b) (((b) >> 13) & 3)
#define DESC_TYPE(b) (((b) >> 8) & 0xF)
#define DESC_CALL_GATE32 0xC

/*
 * 0 or -XEN_EINVAL. A descriptor that is not present always passes (loading
 * it faults). A present one must have DPL 1..3; a code or data segment must lie
 * wholly below HYPERVISOR_VIRT_START (limit scaled by G; an expand-down
 * segment reaches up to 64 KiB or 4 GiB by its B bit); the only system
 * descriptor allowed is a 32-bit call gate whose target is a guest selector
 * (below FIRST_RESERVED_GDT_ENTRY) or the flat ring-1/ring-3 code selectors.
 */
int desc_check(uint64_t desc);

#endif
