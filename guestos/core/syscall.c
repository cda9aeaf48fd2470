/*
 * The system-call dispatcher: the table is generated from UAPI_SYSCALLS
 * (uapi/syscall.h), the same list libc-shim's stubs come from, so numbers,
 * handlers and stubs cannot drift apart. Unknown numbers fail with ENOSYS.
 */
#include <kernel.h>

typedef long (*syscall_fn)(const uint32_t *a, struct arch_regs *regs);

#define SYSCALL_ENTRY_(nr, name, nargs) [nr] = sys_##name,
static const syscall_fn syscall_table[] = { UAPI_SYSCALLS(SYSCALL_ENTRY_) };
#undef SYSCALL_ENTRY_

void syscall_dispatch(struct arch_regs *r)
{
	uint32_t a[6];
	uint32_t nr = arch_regs_syscall(r, a);
	syscall_fn fn = nr < ARRAY_SIZE(syscall_table) ? syscall_table[nr] : NULL;
	long ret = fn ? fn(a, r) : -UAPI_ENOSYS;
	arch_regs_set_result(r, (uint32_t)ret);
}

SYSCALL_DEFINE(hv_counters)
{
	struct uapi_hv_counters c;
	int rc = arch_hv_counters(&c);
	return rc ? rc : copy_to_user(a[0], &c, sizeof(c));
}
