/*
 * Event-channel bookkeeping (hv/evtchn_table.c): port allocation, the state
 * machine of each port and of both ends of a channel, refusals that change
 * nothing, and the 2-level pending/mask/selector bits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <evtchn_table.h>
#include <public/errno.h>

#define DOM_A 1
#define DOM_B 2

struct fixture {
	struct evtchn_domain a, b;
	struct shared_info s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	evtchn_table_init(&f->a, DOM_A, (void *)0xA);
	evtchn_table_init(&f->b, DOM_B, (void *)0xB);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static uint32_t status_of(struct evtchn_domain *t, uint32_t port)
{
	struct evtchn_status st;
	memset(&st, 0xEE, sizeof(st));
	assert_int_equal(evtchn_table_status(t, port, &st), 0);
	return st.status;
}

/* A byte-for-byte copy, to show a refused operation changed nothing. */
static struct evtchn_domain *snapshot(const struct evtchn_domain *t)
{
	struct evtchn_domain *c = malloc(sizeof(*c));
	assert_non_null(c);
	memcpy(c, t, sizeof(*c));
	return c;
}

static void assert_unchanged(struct evtchn_domain *before, const struct evtchn_domain *t)
{
	assert_memory_equal(before, t, sizeof(*t));
	free(before);
}

static void ports_start_at_one_and_run_out_at_1024(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(evtchn_table_alloc_unbound(&f->a, DOM_B), 1);
	assert_int_equal(evtchn_table_alloc_unbound(&f->a, DOM_B), 2);
	for (int p = 3; p < EVTCHN_NR_PORTS; p++)
		assert_int_equal(evtchn_table_alloc_unbound(&f->a, DOM_B), p);
	struct evtchn_domain *before = snapshot(&f->a);
	assert_int_equal(evtchn_table_alloc_unbound(&f->a, DOM_B), -XEN_ENOSPC);
	assert_int_equal(evtchn_table_bind_ipi(&f->a, 0), -XEN_ENOSPC);
	assert_int_equal(evtchn_table_bind_virq(&f->a, VIRQ_TIMER, 0), -XEN_ENOSPC);
	assert_unchanged(before, &f->a);
	/* A freed port is reused first. */
	assert_int_equal(evtchn_table_close(&f->a, 500), 0);
	assert_int_equal(evtchn_table_bind_ipi(&f->a, 0), 500);
}

static void bad_port_numbers_are_refused(void **state)
{
	struct fixture *f = *state;
	static const uint32_t bad[] = { 0, 5 /* free */, EVTCHN_NR_PORTS, 0xFFFFFFFF, 0x80000001 };
	struct evtchn_status st;
	struct evtchn_domain *to;
	uint32_t to_port;
	assert_int_equal(evtchn_table_alloc_unbound(&f->a, DOM_B), 1);
	struct evtchn_domain *before = snapshot(&f->a);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(evtchn_table_get(&f->a, bad[i]));
		assert_int_equal(evtchn_table_close(&f->a, bad[i]), -XEN_EINVAL);
		assert_int_equal(evtchn_table_send(&f->a, bad[i], &to, &to_port), -XEN_EINVAL);
		assert_int_equal(evtchn_table_bind_vcpu(&f->a, bad[i], 0), -XEN_EINVAL);
		assert_int_equal(evtchn_table_bind_interdomain(&f->b, &f->a, bad[i]), -XEN_EINVAL);
	}
	assert_int_equal(evtchn_table_status(&f->a, 0, &st), -XEN_EINVAL);
	assert_int_equal(evtchn_table_status(&f->a, EVTCHN_NR_PORTS, &st), -XEN_EINVAL);
	assert_int_equal(evtchn_table_status(&f->a, 0xFFFFFFFF, &st), -XEN_EINVAL);
	assert_int_equal(status_of(&f->a, 5), EVTCHNSTAT_closed); /* free, but a real port */
	assert_unchanged(before, &f->a);
}

static void interdomain_binds_only_a_port_reserved_for_the_caller(void **state)
{
	struct fixture *f = *state;
	struct evtchn_domain c;
	evtchn_table_init(&c, 3, NULL);
	int pa = evtchn_table_alloc_unbound(&f->a, DOM_B);
	assert_int_equal(pa, 1);
	struct evtchn_domain *before_a = snapshot(&f->a);
	assert_int_equal(evtchn_table_bind_interdomain(&c, &f->a, pa), -XEN_EINVAL);
	assert_int_equal(evtchn_table_bind_interdomain(&f->a, &f->a, pa), -XEN_EINVAL);
	assert_unchanged(before_a, &f->a);
	assert_int_equal(status_of(&c, 1), EVTCHNSTAT_closed);

	assert_int_equal(evtchn_table_alloc_unbound(&f->b, DOM_A), 1); /* b's port 1 */
	int pb = evtchn_table_bind_interdomain(&f->b, &f->a, pa);
	assert_int_equal(pb, 2);
	struct evtchn_status st;
	assert_int_equal(evtchn_table_status(&f->a, pa, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_interdomain);
	assert_int_equal(st.u.interdomain.dom, DOM_B);
	assert_int_equal(st.u.interdomain.port, pb);
	assert_int_equal(evtchn_table_status(&f->b, pb, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_interdomain);
	assert_int_equal(st.u.interdomain.dom, DOM_A);
	assert_int_equal(st.u.interdomain.port, pa);
	/* Bound already: a second bind is refused. */
	before_a = snapshot(&f->a);
	assert_int_equal(evtchn_table_bind_interdomain(&f->b, &f->a, pa), -XEN_EINVAL);
	assert_unchanged(before_a, &f->a);
	assert_int_equal(status_of(&f->b, 3), EVTCHNSTAT_closed);
}

static void sends_land_on_the_other_end(void **state)
{
	struct fixture *f = *state;
	struct evtchn_domain *to;
	uint32_t to_port;
	int pa = evtchn_table_alloc_unbound(&f->a, DOM_B);
	/* Unbound: nobody listens, the event is dropped. */
	assert_int_equal(evtchn_table_send(&f->a, pa, &to, &to_port), 0);
	assert_null(to);
	int pb = evtchn_table_bind_interdomain(&f->b, &f->a, pa);
	assert_int_equal(evtchn_table_send(&f->a, pa, &to, &to_port), 0);
	assert_ptr_equal(to, &f->b);
	assert_int_equal(to_port, pb);
	assert_int_equal(evtchn_table_send(&f->b, pb, &to, &to_port), 0);
	assert_ptr_equal(to, &f->a);
	assert_int_equal(to_port, pa);
	int ipi = evtchn_table_bind_ipi(&f->a, 0);
	assert_int_equal(evtchn_table_send(&f->a, ipi, &to, &to_port), 0);
	assert_ptr_equal(to, &f->a);
	assert_int_equal(to_port, ipi);
	int virq = evtchn_table_bind_virq(&f->a, VIRQ_DEBUG, 0);
	assert_int_equal(evtchn_table_send(&f->a, virq, &to, &to_port), -XEN_EINVAL);
}

static void loopback_connects_two_ports_of_one_domain(void **state)
{
	struct fixture *f = *state;
	struct evtchn_domain *to;
	uint32_t to_port;
	int p1 = evtchn_table_alloc_unbound(&f->a, DOM_A);
	int p2 = evtchn_table_bind_interdomain(&f->a, &f->a, p1);
	assert_int_equal(p1, 1);
	assert_int_equal(p2, 2);
	assert_int_equal(evtchn_table_send(&f->a, p2, &to, &to_port), 0);
	assert_ptr_equal(to, &f->a);
	assert_int_equal(to_port, p1);
	/* Closing one end leaves the other unbound and reserved for us again. */
	assert_int_equal(evtchn_table_close(&f->a, p2), 0);
	struct evtchn_status st;
	assert_int_equal(evtchn_table_status(&f->a, p1, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, DOM_A);
	assert_int_equal(status_of(&f->a, p2), EVTCHNSTAT_closed);
	assert_int_equal(evtchn_table_send(&f->a, p2, &to, &to_port), -XEN_EINVAL);
	assert_int_equal(evtchn_table_bind_interdomain(&f->a, &f->a, p1), p2);
}

static void closing_an_end_lets_the_peer_wait_for_the_closer(void **state)
{
	struct fixture *f = *state;
	int pa = evtchn_table_alloc_unbound(&f->a, DOM_B);
	int pb = evtchn_table_bind_interdomain(&f->b, &f->a, pa);
	assert_int_equal(evtchn_table_close(&f->a, pa), 0);
	struct evtchn_status st;
	assert_int_equal(evtchn_table_status(&f->b, pb, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, DOM_A);
	assert_int_equal(evtchn_table_close(&f->a, pa), -XEN_EINVAL); /* twice */
	/* A binds again to B's now-unbound port. */
	int again = evtchn_table_bind_interdomain(&f->a, &f->b, pb);
	assert_int_equal(again, pa);
	assert_int_equal(status_of(&f->b, pb), EVTCHNSTAT_interdomain);
}

static void reset_closes_everything_and_releases_peers(void **state)
{
	struct fixture *f = *state;
	int pa = evtchn_table_alloc_unbound(&f->a, DOM_B);
	int pb = evtchn_table_bind_interdomain(&f->b, &f->a, pa);
	evtchn_table_bind_virq(&f->b, VIRQ_TIMER, 0);
	evtchn_table_bind_ipi(&f->b, 0);
	evtchn_table_alloc_unbound(&f->b, DOM_A);
	evtchn_table_reset(&f->b);
	for (uint32_t p = 1; p < EVTCHN_NR_PORTS; p++)
		assert_int_equal(status_of(&f->b, p), EVTCHNSTAT_closed);
	assert_int_equal(evtchn_table_virq_port(&f->b, VIRQ_TIMER), 0);
	assert_int_equal(status_of(&f->a, pa), EVTCHNSTAT_unbound);
	assert_int_equal(evtchn_table_bind_virq(&f->b, VIRQ_TIMER, 0), 1);
	(void)pb;
}

static void virqs_bind_once_per_vcpu(void **state)
{
	struct fixture *f = *state;
	int p = evtchn_table_bind_virq(&f->a, VIRQ_TIMER, 0);
	assert_int_equal(p, 1);
	assert_int_equal(evtchn_table_virq_port(&f->a, VIRQ_TIMER), 1);
	assert_int_equal(evtchn_table_virq_port(&f->a, VIRQ_DEBUG), 0);
	assert_int_equal(evtchn_table_virq_port(&f->a, NR_VIRQS), 0);
	struct evtchn_domain *before = snapshot(&f->a);
	assert_int_equal(evtchn_table_bind_virq(&f->a, VIRQ_TIMER, 0), -XEN_EEXIST);
	assert_int_equal(evtchn_table_bind_virq(&f->a, NR_VIRQS, 0), -XEN_EINVAL);
	assert_int_equal(evtchn_table_bind_virq(&f->a, 0xFFFFFFFF, 0), -XEN_EINVAL);
	assert_int_equal(evtchn_table_bind_virq(&f->a, VIRQ_DEBUG, 1), -XEN_ENOENT);
	assert_int_equal(evtchn_table_bind_virq(&f->a, VIRQ_DEBUG, 0xFFFFFFFF), -XEN_ENOENT);
	assert_int_equal(evtchn_table_bind_ipi(&f->a, 1), -XEN_ENOENT);
	assert_int_equal(evtchn_table_bind_vcpu(&f->a, p, 1), -XEN_ENOENT);
	assert_unchanged(before, &f->a);
	struct evtchn_status st;
	assert_int_equal(evtchn_table_status(&f->a, p, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_virq);
	assert_int_equal(st.u.virq, VIRQ_TIMER);
	assert_int_equal(st.vcpu, 0);
	assert_int_equal(evtchn_table_bind_vcpu(&f->a, p, 0), 0);
	/* Closing frees the VIRQ for a new binding. */
	assert_int_equal(evtchn_table_close(&f->a, p), 0);
	assert_int_equal(evtchn_table_virq_port(&f->a, VIRQ_TIMER), 0);
	assert_int_equal(evtchn_table_bind_virq(&f->a, VIRQ_TIMER, 0), 1);
	assert_int_equal(evtchn_table_bind_virq(&f->a, NR_VIRQS - 1, 0), 2);
}

static void status_reports_each_kind(void **state)
{
	struct fixture *f = *state;
	int unbound = evtchn_table_alloc_unbound(&f->a, 7);
	int ipi = evtchn_table_bind_ipi(&f->a, 0);
	struct evtchn_status st;
	assert_int_equal(evtchn_table_status(&f->a, unbound, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, 7);
	assert_int_equal(st.vcpu, 0);
	assert_int_equal(status_of(&f->a, ipi), EVTCHNSTAT_ipi);
	assert_int_equal(status_of(&f->a, EVTCHN_NR_PORTS - 1), EVTCHNSTAT_closed);
}

/* ---- 2-level bits ---- */

static void raise_marks_selector_and_upcall_once(void **state)
{
	struct fixture *f = *state;
	struct vcpu_info *vi = &f->s.vcpu_info[0];
	assert_true(evtchn_bits_raise(&f->s, vi, 37));
	assert_int_equal(f->s.evtchn_pending[1], 1u << 5);
	assert_int_equal(vi->evtchn_pending_sel, 1u << 1);
	assert_int_equal(vi->evtchn_upcall_pending, 1);
	assert_true(evtchn_bits_pending(&f->s, 37));
	/* Again, or another port of the same word: nothing new to wake for. */
	assert_false(evtchn_bits_raise(&f->s, vi, 37));
	assert_false(evtchn_bits_raise(&f->s, vi, 63));
	assert_int_equal(f->s.evtchn_pending[1], (1u << 5) | (1u << 31));
	assert_true(evtchn_bits_raise(&f->s, vi, 1023));
	assert_int_equal(vi->evtchn_pending_sel, (1u << 1) | (1u << 31));
	/* Out of range: ignored. */
	assert_false(evtchn_bits_raise(&f->s, vi, 1024));
	assert_false(evtchn_bits_pending(&f->s, 1024));
	evtchn_bits_clear_pending(&f->s, 37);
	assert_false(evtchn_bits_pending(&f->s, 37));
	assert_true(evtchn_bits_pending(&f->s, 63));
}

static void masked_event_waits_for_unmask(void **state)
{
	struct fixture *f = *state;
	struct vcpu_info *vi = &f->s.vcpu_info[0];
	f->s.evtchn_mask[0] = 1u << 3;
	assert_false(evtchn_bits_raise(&f->s, vi, 3));
	assert_true(evtchn_bits_pending(&f->s, 3));
	assert_int_equal(vi->evtchn_pending_sel, 0);
	assert_int_equal(vi->evtchn_upcall_pending, 0);
	assert_true(evtchn_bits_unmask(&f->s, vi, 3));
	assert_int_equal(f->s.evtchn_mask[0], 0);
	assert_int_equal(vi->evtchn_pending_sel, 1);
	assert_int_equal(vi->evtchn_upcall_pending, 1);
	/* Unmasking a port that is not pending marks nothing. */
	f->s.evtchn_mask[2] = ~0u;
	assert_false(evtchn_bits_unmask(&f->s, vi, 70));
	assert_int_equal(f->s.evtchn_mask[2], ~(1u << 6));
	assert_int_equal(vi->evtchn_pending_sel, 1);
	/* The guest cleared the mask itself, then asks: still marked. */
	f->s.evtchn_mask[3] = 0;
	f->s.evtchn_pending[3] = 1;
	assert_true(evtchn_bits_unmask(&f->s, vi, 96));
	assert_int_equal(vi->evtchn_pending_sel, 1 | (1u << 3));
	assert_false(evtchn_bits_unmask(&f->s, vi, 2000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(ports_start_at_one_and_run_out_at_1024),
		T(bad_port_numbers_are_refused),
		T(interdomain_binds_only_a_port_reserved_for_the_caller),
		T(sends_land_on_the_other_end),
		T(loopback_connects_two_ports_of_one_domain),
		T(closing_an_end_lets_the_peer_wait_for_the_closer),
		T(reset_closes_everything_and_releases_peers),
		T(virqs_bind_once_per_vcpu),
		T(status_reports_each_kind),
		T(raise_marks_selector_and_upcall_once),
		T(masked_event_waits_for_unmask),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
