/*
 * Hypercall dispatch: one table, built from HV_HYPERCALLS, indexed by Xen's
 * numbers. Unknown numbers get -ENOSYS. multicall runs a batch through the same
 * table.
 */
#include <hv.h>
#include <hypercalls.h>

#define ARGC_ENUM(num, name, argc) ARGC_##name = argc,
enum { XEN_HYPERCALLS(ARGC_ENUM) };

#define ARGS_0(r)
#define ARGS_1(r) (r)->ebx
#define ARGS_2(r) ARGS_1(r), (r)->ecx
#define ARGS_3(r) ARGS_2(r), (r)->edx
#define ARGS_4(r) ARGS_3(r), (r)->esi
#define ARGS_5(r) ARGS_4(r), (r)->edi

typedef long (*hypercall_fn)(const struct cpu_regs *r);

#define THUNK(name, argc)                                                           \
	_Static_assert(ARGC_##name == argc, "argument count differs from the ABI"); \
	static long hc_##name(const struct cpu_regs *r)                             \
	{                                                                           \
		(void)r;                                                            \
		return do_##name(ARGS_##argc(r));                                   \
	}
HV_HYPERCALLS(THUNK)

#define TABLE_ENTRY(name, argc) [__HYPERVISOR_##name] = hc_##name,
static const hypercall_fn hypercall_table[NR_HYPERCALLS] = { HV_HYPERCALLS(TABLE_ENTRY) };

#define NAME_ENTRY(num, name, argc) [num] = #name,
const char *const hypercall_names[NR_HYPERCALLS] = { XEN_HYPERCALLS(NAME_ENTRY) };

static inline __attribute__((always_inline)) long hypercall_call(uint32_t nr,
								 const struct cpu_regs *args)
{
	if (nr >= NR_HYPERCALLS || !hypercall_table[nr])
		return -XEN_ENOSYS;
	if (nr != __HYPERVISOR_stack_switch) /* the one that needs no address space */
		baseptr_settle();
	current->domain->stats.hypercalls[nr]++;
	return hypercall_table[nr](args);
}

void hypercall_dispatch(struct cpu_regs *r)
{
	r->eax = (uint32_t)hypercall_call(r->eax, r);
}

long do_multicall(uint32_t calls, uint32_t count)
{
	long rc = 0;
	cpu0.in_multicall = true;
	for (uint32_t i = 0; i < count; i++) {
		struct multicall_entry e;
		uint32_t at = calls + i * sizeof(e);
		/* The whole array must be below the hypervisor; the copy can stop
		 * at args[4], the last argument a hypercall takes. */
		if (count > HYPERVISOR_VIRT_START / sizeof(e) ||
		    copy_from_guest(&e, at, offsetof(struct multicall_entry, args[5]))) {
			rc = -XEN_EFAULT;
			break;
		}
		if (e.op == __HYPERVISOR_multicall || e.op == __HYPERVISOR_iret) {
			e.result = (uint32_t)-XEN_EINVAL; /* cannot nest or return from here */
		} else {
			struct cpu_regs args; /* the handlers read only the five below */
			args.ebx = e.args[0];
			args.ecx = e.args[1];
			args.edx = e.args[2];
			args.esi = e.args[3];
			args.edi = e.args[4];
			e.result = (uint32_t)hypercall_call(e.op, &args);
		}
		if (copy_to_guest(at + offsetof(struct multicall_entry, result), &e.result, 4)) {
			rc = -XEN_EFAULT;
			break;
		}
	}
	cpu0.in_multicall = false;
	return rc;
}
