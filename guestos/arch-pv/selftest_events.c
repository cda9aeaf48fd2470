/*
 * Self-tests of event channels (part of the "selftest" group): delivery through
 * the event callback, masking, each kind of port, and the hypervisor's refusal
 * of hostile arguments with nothing changed. Upcalls stay masked except where a
 * test lets one through (deliver()).
 */
#include "events.h"
#include "pv.h"
#include <public/errno.h>
#include <public/vcpu.h>
#include <public/version.h>

#define UNMAPPED_VA 0x10000000u /* nothing below the kernel is mapped */
#define HV_ADDR 0xF8100000u	/* the hypervisor's image */
#define NO_DOMAIN 42		/* only dom0 exists during the self-test */
#define FREE_PORT 1000		/* far above anything the tests allocate */
#define SNAP_PORTS 32		/* ports whose status the snapshots compare */

struct hits {
	uint32_t count, port;
};

static void record(uint32_t port, void *data)
{
	struct hits *h = data;
	h->count++;
	h->port = port;
}

static long ev_op(unsigned cmd, const void *arg)
{
	return HYPERVISOR_event_channel_op(cmd, (uint32_t)arg);
}

static volatile struct vcpu_info *vi(void)
{
	return &shared_info->vcpu_info[0];
}

static bool bit(const volatile uint32_t *words, uint32_t port)
{
	return (words[port / 32] >> (port % 32)) & 1;
}
static bool pending(uint32_t port)
{
	return bit(shared_info->evtchn_pending, port);
}
static bool masked(uint32_t port)
{
	return bit(shared_info->evtchn_mask, port);
}

static struct evtchn_status status_of(uint32_t port)
{
	struct evtchn_status st = { .dom = DOMID_SELF, .port = port };
	long rc = ev_op(EVTCHNOP_status, &st);
	if (rc)
		st.status = 0xE0000000u | (uint32_t)-rc; /* shows up in a failed CHECK */
	return st;
}

/* Every test starts with our callback registered (selftest.c's callback test
 * replaces it), upcalls masked and nothing pending. */
static void begin(void)
{
	CHECK_EQ(evtchn_set_callbacks(), 0);
	arch_irq_save();
	CHECK_EQ(vi()->evtchn_upcall_pending, 0);
	CHECK_EQ(vi()->evtchn_pending_sel, 0);
}

/* Let the hypervisor deliver whatever is pending, then mask upcalls again. */
static void deliver(void)
{
	arch_irq_restore(0);
	arch_irq_save();
}

/* A read-only copy of an argument: the hypervisor reads it but cannot write results. */
static const void *read_only(const void *src, size_t n)
{
	static uint32_t va;
	if (!va)
		va = pv_alloc_page();
	uint64_t pte = ((uint64_t)pv_va_to_mfn(va) << 12) | PTE_P | PTE_A;
	CHECK_EQ(arch_set_pte(va, pte | PTE_RW | PTE_D, true), 0);
	memcpy((void *)va, src, n);
	CHECK_EQ(arch_set_pte(va, pte, true), 0);
	return (const void *)va;
}

/* What a refused operation must leave alone: port states and the bits. */
struct snapshot {
	struct evtchn_status st[SNAP_PORTS];
	uint32_t pending[32], mask[32], sel;
	uint8_t upcall_pending;
};

static void take(struct snapshot *s)
{
	memset(s, 0, sizeof(*s));
	for (uint32_t p = 1; p < SNAP_PORTS; p++)
		s->st[p] = status_of(p);
	for (unsigned w = 0; w < 32; w++) {
		s->pending[w] = shared_info->evtchn_pending[w];
		s->mask[w] = shared_info->evtchn_mask[w];
	}
	s->sel = vi()->evtchn_pending_sel;
	s->upcall_pending = vi()->evtchn_upcall_pending;
}

static bool unchanged(const struct snapshot *before)
{
	static struct snapshot now;
	take(&now);
	return !memcmp(before, &now, sizeof(now));
}

/* One of each kind of port, for the hostile tests to leave untouched. */
struct ports {
	int unbound, a, b, ipi, virq;
};

static struct ports bind_some(void)
{
	static struct hits h;
	struct ports p;
	p.unbound = evtchn_alloc_unbound(DOMID_SELF);
	p.a = evtchn_alloc_unbound(DOMID_SELF);
	p.b = evtchn_bind_interdomain(DOMID_SELF, (uint32_t)p.a, record, &h);
	p.ipi = evtchn_bind_ipi(record, &h);
	p.virq = evtchn_bind_virq(VIRQ_DEBUG, record, &h);
	CHECK(p.unbound > 0 && p.a > 0 && p.b > 0 && p.ipi > 0 && p.virq > 0);
	CHECK(p.virq < SNAP_PORTS);
	deliver(); /* the bind's notification of b */
	return p;
}

static void close_all(const struct ports *p)
{
	CHECK_EQ(evtchn_close((uint32_t)p->unbound), 0);
	CHECK_EQ(evtchn_close((uint32_t)p->a), 0);
	CHECK_EQ(evtchn_close((uint32_t)p->b), 0);
	CHECK_EQ(evtchn_close((uint32_t)p->ipi), 0);
	CHECK_EQ(evtchn_close((uint32_t)p->virq), 0);
}

KTEST(selftest, events_loopback_interdomain)
{
	static struct hits ha, hb;
	ha = hb = (struct hits){ 0, 0 };
	begin();
	uint32_t unhandled = evtchn_unhandled;

	int a = evtchn_alloc_unbound(DOMID_SELF);
	CHECK(a > 0);
	struct evtchn_status st = status_of((uint32_t)a);
	CHECK_EQ(st.status, EVTCHNSTAT_unbound);
	CHECK_EQ(st.u.unbound.dom, 0); /* reserved for us: loopback */
	CHECK(masked((uint32_t)a));

	int b = evtchn_bind_interdomain(DOMID_SELF, (uint32_t)a, record, &hb);
	CHECK(b > 0 && b != a);
	st = status_of((uint32_t)a);
	CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
	CHECK_EQ(st.u.interdomain.dom, 0);
	CHECK_EQ(st.u.interdomain.port, b);
	st = status_of((uint32_t)b);
	CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
	CHECK_EQ(st.u.interdomain.port, a);
	/* The new end is notified once on binding (the remote may have sent before). */
	CHECK(pending((uint32_t)b));
	CHECK_EQ(hb.count, 0); /* upcalls are masked */
	deliver();
	CHECK_EQ(hb.count, 1);
	CHECK_EQ(hb.port, b);

	CHECK_EQ(evtchn_bind((uint32_t)a, record, &ha), 0);
	uint32_t upcalls = evtchn_upcalls;
	CHECK_EQ(evtchn_send((uint32_t)b), 0); /* lands on a */
	CHECK(pending((uint32_t)a));
	CHECK(!pending((uint32_t)b));
	CHECK_EQ(vi()->evtchn_upcall_pending, 1);
	CHECK_EQ(vi()->evtchn_pending_sel, 1u << (a / 32));
	CHECK_EQ(ha.count, 0);
	deliver();
	CHECK_EQ(ha.count, 1);
	CHECK_EQ(ha.port, a);
	CHECK_EQ(hb.count, 1);
	CHECK_EQ(evtchn_upcalls - upcalls, 1);
	CHECK(!pending((uint32_t)a));
	CHECK_EQ(vi()->evtchn_upcall_pending, 0);
	CHECK_EQ(vi()->evtchn_pending_sel, 0);
	deliver(); /* nothing more to come */
	CHECK_EQ(ha.count, 1);
	CHECK_EQ(evtchn_upcalls - upcalls, 1);

	CHECK_EQ(evtchn_send((uint32_t)a), 0); /* and the other way */
	deliver();
	CHECK_EQ(hb.count, 2);
	CHECK_EQ(ha.count, 1);

	CHECK_EQ(evtchn_close((uint32_t)a), 0);
	CHECK_EQ(status_of((uint32_t)b).status, EVTCHNSTAT_unbound);
	CHECK_EQ(status_of((uint32_t)b).u.unbound.dom, 0);
	CHECK_EQ(evtchn_close((uint32_t)b), 0);
	CHECK_EQ(evtchn_unhandled, unhandled);
}

KTEST(selftest, events_masked_port_waits_for_unmask)
{
	static struct hits h;
	h = (struct hits){ 0, 0 };
	begin();
	int p = evtchn_bind_ipi(record, &h);
	CHECK(p > 0);
	evtchn_mask((uint32_t)p);
	CHECK_EQ(evtchn_send((uint32_t)p), 0);
	CHECK(pending((uint32_t)p));
	CHECK_EQ(vi()->evtchn_upcall_pending, 0); /* masked: no upcall */
	CHECK_EQ(vi()->evtchn_pending_sel, 0);
	deliver();
	CHECK_EQ(h.count, 0);
	CHECK(pending((uint32_t)p));
	/* Unmasking brings the event that arrived meanwhile. */
	CHECK_EQ(evtchn_unmask((uint32_t)p), 0);
	CHECK(!masked((uint32_t)p));
	CHECK_EQ(vi()->evtchn_upcall_pending, 1);
	CHECK_EQ(h.count, 0); /* upcalls are still masked */
	deliver();
	CHECK_EQ(h.count, 1);
	CHECK_EQ(h.port, p);
	CHECK(!pending((uint32_t)p));
	CHECK_EQ(evtchn_close((uint32_t)p), 0);
}

KTEST(selftest, events_unmask_hypercall)
{
	static struct hits h;
	static struct snapshot before;
	h = (struct hits){ 0, 0 };
	begin();
	int p = evtchn_bind_ipi(record, &h);
	evtchn_mask((uint32_t)p);
	CHECK_EQ(evtchn_send((uint32_t)p), 0);
	/* The hypervisor clears the mask bit itself and marks the pending event. */
	struct evtchn_unmask op = { (uint32_t)p };
	CHECK_EQ(ev_op(EVTCHNOP_unmask, &op), 0);
	CHECK(!masked((uint32_t)p));
	CHECK_EQ(vi()->evtchn_upcall_pending, 1);
	deliver();
	CHECK_EQ(h.count, 1);
	/* Unmasking an idle port marks nothing. */
	CHECK_EQ(ev_op(EVTCHNOP_unmask, &op), 0);
	CHECK_EQ(vi()->evtchn_upcall_pending, 0);
	/* Refusals leave every mask bit as it was (FREE_PORT and 0 stay masked). */
	evtchn_mask(FREE_PORT);
	take(&before);
	static const uint32_t bad[] = { 0, FREE_PORT, EVTCHN_NR_PORTS, 0xFFFFFFFF };
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		op.port = bad[i];
		CHECK_EQ(ev_op(EVTCHNOP_unmask, &op), -XEN_EINVAL);
	}
	CHECK_EQ(ev_op(EVTCHNOP_unmask, (void *)HV_ADDR), -XEN_EFAULT);
	CHECK_EQ(ev_op(EVTCHNOP_unmask, (void *)UNMAPPED_VA), -XEN_EFAULT);
	CHECK(masked(FREE_PORT) && masked(0));
	CHECK(unchanged(&before));
	CHECK_EQ(evtchn_close((uint32_t)p), 0);
}

KTEST(selftest, events_virq_bind_and_rebind)
{
	static struct hits h;
	static struct snapshot before;
	begin();
	int p = evtchn_bind_virq(VIRQ_DEBUG, record, &h);
	CHECK(p > 0);
	struct evtchn_status st = status_of((uint32_t)p);
	CHECK_EQ(st.status, EVTCHNSTAT_virq);
	CHECK_EQ(st.u.virq, VIRQ_DEBUG);
	CHECK_EQ(st.vcpu, 0);
	take(&before);
	struct evtchn_bind_virq op = { VIRQ_DEBUG, 0, 0xABCD };
	CHECK_EQ(ev_op(EVTCHNOP_bind_virq, &op), -XEN_EEXIST);
	CHECK_EQ(op.port, 0xABCD); /* a refused bind writes nothing back */
	/* Only the hypervisor raises a VIRQ. */
	CHECK_EQ(evtchn_send((uint32_t)p), -XEN_EINVAL);
	CHECK(unchanged(&before));
	/* Closed, it may be bound again. */
	CHECK_EQ(evtchn_close((uint32_t)p), 0);
	CHECK_EQ(status_of((uint32_t)p).status, EVTCHNSTAT_closed);
	p = evtchn_bind_virq(VIRQ_DEBUG, record, &h);
	CHECK(p > 0);
	/* Each VIRQ gets its own port; dom0 is privileged, so DOM_EXC is allowed. */
	int t = evtchn_bind_virq(VIRQ_TIMER, record, &h);
	int c = evtchn_bind_virq(VIRQ_CONSOLE, record, &h);
	int x = evtchn_bind_virq(VIRQ_DOM_EXC, record, &h);
	int last = evtchn_bind_virq(NR_VIRQS - 1, record, &h);
	CHECK(t > 0 && c > 0 && x > 0 && last > 0);
	CHECK(t != p && c != p && x != p && c != t && x != t && x != c && last != x);
	CHECK_EQ(status_of((uint32_t)x).u.virq, VIRQ_DOM_EXC);
	CHECK_EQ(evtchn_close((uint32_t)p), 0);
	CHECK_EQ(evtchn_close((uint32_t)t), 0);
	CHECK_EQ(evtchn_close((uint32_t)c), 0);
	CHECK_EQ(evtchn_close((uint32_t)x), 0);
	CHECK_EQ(evtchn_close((uint32_t)last), 0);
}

KTEST(selftest, events_ipi_and_bind_vcpu)
{
	static struct hits h;
	h = (struct hits){ 0, 0 };
	begin();
	int p = evtchn_bind_ipi(record, &h);
	CHECK(p > 0);
	struct evtchn_status st = status_of((uint32_t)p);
	CHECK_EQ(st.status, EVTCHNSTAT_ipi);
	CHECK_EQ(st.vcpu, 0);
	CHECK_EQ(evtchn_send((uint32_t)p), 0); /* lands on the port itself */
	CHECK(pending((uint32_t)p));
	deliver();
	CHECK_EQ(h.count, 1);
	CHECK_EQ(h.port, p);
	struct evtchn_bind_vcpu bv = { (uint32_t)p, 0 };
	CHECK_EQ(ev_op(EVTCHNOP_bind_vcpu, &bv), 0);
	bv.vcpu = 1;
	CHECK_EQ(ev_op(EVTCHNOP_bind_vcpu, &bv), -XEN_ENOENT); /* only vCPU 0 exists */
	CHECK_EQ(status_of((uint32_t)p).vcpu, 0);
	struct evtchn_bind_ipi bi = { 1, 0xABCD };
	CHECK_EQ(ev_op(EVTCHNOP_bind_ipi, &bi), -XEN_ENOENT);
	CHECK_EQ(bi.port, 0xABCD);
	CHECK_EQ(evtchn_close((uint32_t)p), 0);
}

static uint32_t chain_port;
static void chain(uint32_t port, void *data)
{
	record(port, data);
	evtchn_send(chain_port); /* raised from inside the callback */
}

KTEST(selftest, events_callback_preserves_the_interrupted_code)
{
	static struct hits h1, h2;
	h1 = h2 = (struct hits){ 0, 0 };
	begin();
	int p = evtchn_bind_ipi(chain, &h1);
	chain_port = (uint32_t)evtchn_bind_ipi(record, &h2);
	CHECK_EQ(evtchn_send((uint32_t)p), 0);
	uint32_t upcalls = evtchn_upcalls;
	/* Unmask by hand and make a hypercall: the event arrives on its way back. The
	 * callback returns through the iret hypercall with every register, the
	 * hypercall's result and the upcall mask (0) as they were. */
	uint32_t a = __HYPERVISOR_xen_version, b = XENVER_version, c = (uint32_t)vi();
	uint32_t d = 0xD0D0D0D0, s = 0x5E5E5E5E, di = 0xD1D1D1D1;
	__asm__ volatile("movb $0, 1(%%ecx)\n\t" /* evtchn_upcall_mask = 0 */
			 "int $0x82"
			 : "+a"(a), "+b"(b), "+c"(c), "+d"(d), "+S"(s), "+D"(di)
			 :
			 : "memory");
	uint8_t mask_after = vi()->evtchn_upcall_mask;
	arch_irq_save();
	CHECK_EQ(a, 0x30000);
	CHECK_EQ(b, XENVER_version);
	CHECK_EQ(c, (uint32_t)vi());
	CHECK_EQ(d, 0xD0D0D0D0);
	CHECK_EQ(s, 0x5E5E5E5E);
	CHECK_EQ(di, 0xD1D1D1D1);
	CHECK_EQ(mask_after, 0);
	CHECK_EQ(h1.count, 1);
	CHECK_EQ(h2.count, 1); /* the event raised inside came in the same upcall */
	CHECK_EQ(h2.port, chain_port);
	CHECK_EQ(evtchn_upcalls - upcalls, 1);
	CHECK_EQ(evtchn_close((uint32_t)p), 0);
	CHECK_EQ(evtchn_close(chain_port), 0);
}

/*
 * Ring-3 code for the timer test, copied into a user page: a pure spin (no
 * system calls, so a tick lands in ring 3) that leaves with EBX = 3 * ECX.
 */
__asm__(".pushsection .rodata\n"
	"user_spin_start:\n"
	"	xor %ebx, %ebx\n"
	"1:	add $3, %ebx\n"
	"	dec %ecx\n"
	"	jnz 1b\n"
	"	mov $0xFFFFFFFF, %eax\n" /* SYS_EXIT_TO_KERNEL: user_enter returns EBX */
	"	int $0x80\n"
	"user_spin_end:\n"
	".popsection");
extern const char user_spin_start[], user_spin_end[];

static uint32_t user_spin_setup(void)
{
	static uint32_t va;
	if (!va) {
		va = pv_alloc_page();
		memcpy((void *)va, user_spin_start, (size_t)(user_spin_end - user_spin_start));
		uint64_t pte =
		    ((uint64_t)pv_va_to_mfn(va) << 12) | PTE_P | PTE_RW | PTE_USER | PTE_A | PTE_D;
		CHECK_EQ(arch_set_pte(va, pte, true), 0);
	}
	return va;
}

/* The timer's VIRQ arrives while ring 3 runs: the callback is entered on the
 * kernel stack and returns to user mode through the iret hypercall, with the
 * user's registers intact. */
KTEST(selftest, events_timer_virq_interrupts_ring3)
{
	static struct hits h;
	static struct vcpu_set_periodic_timer per = { 1000000 }; /* 1 ms */
	const uint32_t spins = 200000;
	h = (struct hits){ 0, 0 };
	begin();
	int p = evtchn_bind_virq(VIRQ_TIMER, record, &h);
	CHECK(p > 0);
	uint32_t stack, code = user_spin_setup();
	pv_user_setup(&stack);
	uint32_t from_user = evtchn_upcalls_from_user, runs = 0;
	bool all_ok = true;
	CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, (uint32_t)&per), 0);
	arch_irq_restore(0);
	/* Spin in ring 3 until a tick has interrupted it (a run takes about a
	 * millisecond under TCG; a faster CPU needs a few). */
	while (evtchn_upcalls_from_user == from_user && runs < 1000) {
		all_ok &= user_enter(code, stack, spins) == 3 * spins;
		runs++;
	}
	arch_irq_save();
	CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, 0), 0);
	deliver();     /* a tick raised after masking */
	CHECK(all_ok); /* the user's EBX and ECX survived every event */
	if (evtchn_upcalls_from_user == from_user)
		printk("    no upcall from ring 3 in %u runs (%u timer events)\n", runs, h.count);
	CHECK(evtchn_upcalls_from_user != from_user);
	CHECK(h.count >= 1);
	CHECK_EQ(h.port, p);
	CHECK_EQ(evtchn_close((uint32_t)p), 0);
}

KTEST(selftest, events_status_of_each_kind)
{
	begin();
	struct ports p = bind_some();
	CHECK_EQ(status_of(FREE_PORT).status, EVTCHNSTAT_closed);
	struct evtchn_status st = status_of((uint32_t)p.unbound);
	CHECK_EQ(st.status, EVTCHNSTAT_unbound);
	CHECK_EQ(st.u.unbound.dom, 0);
	st = status_of((uint32_t)p.b);
	CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
	CHECK_EQ(st.u.interdomain.dom, 0);
	CHECK_EQ(st.u.interdomain.port, p.a);
	CHECK_EQ(status_of((uint32_t)p.ipi).status, EVTCHNSTAT_ipi);
	st = status_of((uint32_t)p.virq);
	CHECK_EQ(st.status, EVTCHNSTAT_virq);
	CHECK_EQ(st.u.virq, VIRQ_DEBUG);
	/* Our own id instead of DOMID_SELF gives the same answer. */
	struct evtchn_status own = { .dom = 0, .port = (uint32_t)p.b };
	CHECK_EQ(ev_op(EVTCHNOP_status, &own), 0);
	CHECK_EQ(own.status, EVTCHNSTAT_interdomain);
	CHECK_EQ(own.u.interdomain.port, p.a);
	/* Refusals. */
	static const uint32_t bad[] = { 0, EVTCHN_NR_PORTS, 0xFFFFFFFF };
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		struct evtchn_status q = { .dom = DOMID_SELF, .port = bad[i], .status = 77 };
		CHECK_EQ(ev_op(EVTCHNOP_status, &q), -XEN_EINVAL);
		CHECK_EQ(q.status, 77);
	}
	struct evtchn_status q = { .dom = NO_DOMAIN, .port = (uint32_t)p.b };
	CHECK_EQ(ev_op(EVTCHNOP_status, &q), -XEN_ESRCH);
	q.dom = DOMID_INVALID;
	CHECK_EQ(ev_op(EVTCHNOP_status, &q), -XEN_ESRCH);
	q.dom = DOMID_SELF;
	CHECK_EQ(ev_op(EVTCHNOP_status, read_only(&q, sizeof(q))), -XEN_EFAULT);
	CHECK_EQ(ev_op(EVTCHNOP_status, (void *)HV_ADDR), -XEN_EFAULT);
	CHECK_EQ(ev_op(EVTCHNOP_status, (void *)UNMAPPED_VA), -XEN_EFAULT);
	CHECK_EQ(ev_op(EVTCHNOP_status, (void *)(HYPERVISOR_VIRT_START - 8)), -XEN_EFAULT);
	close_all(&p);
}

KTEST(selftest, events_close_then_send)
{
	static struct hits h;
	h = (struct hits){ 0, 0 };
	begin();
	int p = evtchn_bind_ipi(record, &h);
	evtchn_mask((uint32_t)p);
	CHECK_EQ(evtchn_send((uint32_t)p), 0);
	CHECK(pending((uint32_t)p));
	CHECK_EQ(evtchn_close((uint32_t)p), 0);
	CHECK(!pending((uint32_t)p)); /* closing drops what was pending */
	CHECK_EQ(status_of((uint32_t)p).status, EVTCHNSTAT_closed);
	CHECK_EQ(evtchn_send((uint32_t)p), -XEN_EINVAL);
	CHECK_EQ(evtchn_close((uint32_t)p), -XEN_EINVAL);
	struct evtchn_unmask um = { (uint32_t)p };
	CHECK_EQ(ev_op(EVTCHNOP_unmask, &um), -XEN_EINVAL);
	struct evtchn_bind_vcpu bv = { (uint32_t)p, 0 };
	CHECK_EQ(ev_op(EVTCHNOP_bind_vcpu, &bv), -XEN_EINVAL);
	CHECK(!pending((uint32_t)p));
	/* Closing one end of a channel: the other end's sends are dropped. */
	int a = evtchn_alloc_unbound(DOMID_SELF);
	int b = evtchn_bind_interdomain(DOMID_SELF, (uint32_t)a, record, &h);
	deliver();
	CHECK_EQ(evtchn_close((uint32_t)b), 0);
	CHECK_EQ(evtchn_send((uint32_t)a), 0); /* unbound: dropped, as in Xen */
	CHECK(!pending((uint32_t)a) && !pending((uint32_t)b));
	CHECK_EQ(evtchn_send((uint32_t)b), -XEN_EINVAL);
	CHECK_EQ(vi()->evtchn_upcall_pending, 0);
	CHECK_EQ(evtchn_close((uint32_t)a), 0);
	deliver();
	CHECK_EQ(h.count, 1); /* only the bind's notification of b */
}

/* EVTCHNOP_reset closes every port of dom0: fine in the self-test, where no
 * service holds ports (they bind lazily), and it checks exactly that. */
KTEST(selftest, events_reset)
{
	static struct snapshot before;
	begin();
	struct ports p = bind_some();
	evtchn_mask((uint32_t)p.ipi);
	CHECK_EQ(evtchn_send((uint32_t)p.ipi), 0);
	take(&before);
	struct evtchn_reset r = { NO_DOMAIN };
	CHECK_EQ(ev_op(EVTCHNOP_reset, &r), -XEN_ESRCH);
	CHECK_EQ(ev_op(EVTCHNOP_reset, (void *)HV_ADDR), -XEN_EFAULT);
	CHECK_EQ(ev_op(EVTCHNOP_reset, (void *)UNMAPPED_VA), -XEN_EFAULT);
	CHECK(unchanged(&before));
	CHECK_EQ(evtchn_reset(), 0);
	for (uint32_t port = 1; port < SNAP_PORTS; port++)
		CHECK_EQ(status_of(port).status, EVTCHNSTAT_closed);
	CHECK(!pending((uint32_t)p.ipi));
	/* Everything may be bound afresh, the VIRQ included. */
	int v = evtchn_bind_virq(VIRQ_DEBUG, NULL, NULL);
	CHECK(v > 0);
	CHECK_EQ(evtchn_close((uint32_t)v), 0);
	/* Our own id works as DOMID_SELF does. */
	int u = evtchn_alloc_unbound(DOMID_SELF);
	r.dom = 0;
	CHECK_EQ(ev_op(EVTCHNOP_reset, &r), 0);
	CHECK_EQ(status_of((uint32_t)u).status, EVTCHNSTAT_closed);
}

KTEST(selftest, events_hostile_alloc_and_bind)
{
	static struct snapshot before;
	begin();
	struct ports p = bind_some();
	take(&before);

	struct evtchn_alloc_unbound au = { NO_DOMAIN, DOMID_SELF, 0xABCD };
	CHECK_EQ(ev_op(EVTCHNOP_alloc_unbound, &au), -XEN_ESRCH);
	au = (struct evtchn_alloc_unbound){ DOMID_SELF, NO_DOMAIN, 0xABCD };
	CHECK_EQ(ev_op(EVTCHNOP_alloc_unbound, &au), -XEN_ESRCH);
	au.remote_dom = DOMID_IO;
	CHECK_EQ(ev_op(EVTCHNOP_alloc_unbound, &au), -XEN_ESRCH);
	au.remote_dom = 0xFFFF;
	CHECK_EQ(ev_op(EVTCHNOP_alloc_unbound, &au), -XEN_ESRCH);
	CHECK_EQ(au.port, 0xABCD);
	au.remote_dom = DOMID_SELF; /* valid, but the result cannot be written */
	CHECK_EQ(ev_op(EVTCHNOP_alloc_unbound, read_only(&au, sizeof(au))), -XEN_EFAULT);
	CHECK_EQ(ev_op(EVTCHNOP_alloc_unbound, (void *)HV_ADDR), -XEN_EFAULT);
	CHECK_EQ(ev_op(EVTCHNOP_alloc_unbound, (void *)UNMAPPED_VA), -XEN_EFAULT);

	struct evtchn_bind_interdomain bi = { NO_DOMAIN, 0, (uint32_t)p.unbound, 0xABCD };
	CHECK_EQ(ev_op(EVTCHNOP_bind_interdomain, &bi), -XEN_ESRCH);
	bi.remote_dom = DOMID_SELF;
	/* Not a port, not in use, not unbound (IPI, VIRQ, already connected). */
	const uint32_t bad[] = { 0,
				 EVTCHN_NR_PORTS,
				 0xFFFFFFFF,
				 FREE_PORT,
				 (uint32_t)p.ipi,
				 (uint32_t)p.virq,
				 (uint32_t)p.a,
				 (uint32_t)p.b };
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		bi.remote_port = bad[i];
		CHECK_EQ(ev_op(EVTCHNOP_bind_interdomain, &bi), -XEN_EINVAL);
	}
	CHECK_EQ(bi.local_port, 0xABCD);
	bi.remote_port = (uint32_t)p.unbound; /* valid, but the result cannot be written */
	CHECK_EQ(ev_op(EVTCHNOP_bind_interdomain, read_only(&bi, sizeof(bi))), -XEN_EFAULT);
	CHECK_EQ(ev_op(EVTCHNOP_bind_interdomain, (void *)HV_ADDR), -XEN_EFAULT);

	struct evtchn_bind_virq bv = { NR_VIRQS, 0, 0xABCD };
	CHECK_EQ(ev_op(EVTCHNOP_bind_virq, &bv), -XEN_EINVAL);
	bv.virq = 0xFFFFFFFF;
	CHECK_EQ(ev_op(EVTCHNOP_bind_virq, &bv), -XEN_EINVAL);
	bv = (struct evtchn_bind_virq){ VIRQ_CONSOLE, 1, 0xABCD };
	CHECK_EQ(ev_op(EVTCHNOP_bind_virq, &bv), -XEN_ENOENT);
	bv.vcpu = 0xFFFFFFFF;
	CHECK_EQ(ev_op(EVTCHNOP_bind_virq, &bv), -XEN_ENOENT);
	CHECK_EQ(bv.port, 0xABCD);
	bv.vcpu = 0;
	CHECK_EQ(ev_op(EVTCHNOP_bind_virq, read_only(&bv, sizeof(bv))), -XEN_EFAULT);
	CHECK_EQ(ev_op(EVTCHNOP_bind_virq, (void *)HV_ADDR), -XEN_EFAULT);

	struct evtchn_bind_ipi ipi = { 0xFFFFFFFF, 0xABCD };
	CHECK_EQ(ev_op(EVTCHNOP_bind_ipi, &ipi), -XEN_ENOENT);
	ipi.vcpu = 0;
	CHECK_EQ(ev_op(EVTCHNOP_bind_ipi, read_only(&ipi, sizeof(ipi))), -XEN_EFAULT);
	CHECK_EQ(ev_op(EVTCHNOP_bind_ipi, (void *)UNMAPPED_VA), -XEN_EFAULT);

	struct evtchn_bind_pirq pirq = { 1, 0, 0xABCD };
	CHECK_EQ(ev_op(EVTCHNOP_bind_pirq, &pirq), -XEN_ENOSYS);
	CHECK(unchanged(&before));
	/* The refused binds left VIRQ_CONSOLE free. */
	int c = evtchn_bind_virq(VIRQ_CONSOLE, NULL, NULL);
	CHECK(c > 0);
	CHECK_EQ(evtchn_close((uint32_t)c), 0);
	close_all(&p);
}

KTEST(selftest, events_hostile_port_numbers)
{
	static struct snapshot before;
	begin();
	struct ports p = bind_some();
	take(&before);
	static const uint32_t bad[] = { 0, EVTCHN_NR_PORTS, 0xFFFFFFFF, 0x80000001, FREE_PORT };
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		struct evtchn_close cl = { bad[i] };
		struct evtchn_send se = { bad[i] };
		struct evtchn_unmask um = { bad[i] };
		struct evtchn_bind_vcpu bv = { bad[i], 0 };
		CHECK_EQ(ev_op(EVTCHNOP_close, &cl), -XEN_EINVAL);
		CHECK_EQ(ev_op(EVTCHNOP_send, &se), -XEN_EINVAL);
		CHECK_EQ(ev_op(EVTCHNOP_unmask, &um), -XEN_EINVAL);
		CHECK_EQ(ev_op(EVTCHNOP_bind_vcpu, &bv), -XEN_EINVAL);
	}
	struct evtchn_bind_vcpu bv = { (uint32_t)p.ipi, 1 };
	CHECK_EQ(ev_op(EVTCHNOP_bind_vcpu, &bv), -XEN_ENOENT);
	static const uint32_t bad_ptrs[] = { HV_ADDR, UNMAPPED_VA, HYPERVISOR_VIRT_START - 2 };
	static const unsigned cmds[] = { EVTCHNOP_close, EVTCHNOP_send, EVTCHNOP_unmask,
					 EVTCHNOP_bind_vcpu };
	for (unsigned i = 0; i < ARRAY_SIZE(bad_ptrs); i++)
		for (unsigned j = 0; j < ARRAY_SIZE(cmds); j++)
			CHECK_EQ(ev_op(cmds[j], (void *)bad_ptrs[i]), -XEN_EFAULT);
	CHECK(unchanged(&before));
	close_all(&p);
}

KTEST(selftest, events_unknown_commands)
{
	static struct snapshot before;
	static uint32_t zeros[8];
	begin();
	take(&before);
	static const uint32_t cmds[] = { 11, 12, 13, 14, 99, 0x80000000, 0xFFFFFFFF };
	for (unsigned i = 0; i < ARRAY_SIZE(cmds); i++) {
		CHECK_EQ(ev_op(cmds[i], zeros), -XEN_ENOSYS);
		CHECK_EQ(ev_op(cmds[i], (void *)HV_ADDR), -XEN_ENOSYS);
	}
	CHECK(unchanged(&before));
}
