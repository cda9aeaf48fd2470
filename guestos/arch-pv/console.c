/*
 * Consoles. A domU writes its console output into its ring page and signals
 * the console port; dom0's back end maps every domU's ring, prints each
 * complete line tagged with the domain id, and keeps the recent output.
 */
#include "events.h"
#include "pv.h"
#include <public/console.h>
#include <public/errno.h>
#include <public/sched.h>

#define RING_SIZE 2048
#define HISTORY 1024
#define MAX_DOMS 64

/* ---- front end (domU) ---- */

static struct xencons_interface *front;
static uint32_t front_port;

void console_front_init(void)
{
	uint32_t mfn = start_info->console.domU.mfn;
	front = (struct xencons_interface *)(GUEST_VIRT_BASE + m2p[mfn] * PAGE_SIZE);
	front_port = start_info->console.domU.evtchn;
}

bool console_front_write(const char *s, size_t n)
{
	if (!front)
		return false;
	while (n) {
		uint32_t prod = front->out_prod, space = RING_SIZE - (prod - front->out_cons);
		if (!space) { /* full: let dom0 drain it */
			evtchn_send(front_port);
			HYPERVISOR_sched_op(SCHEDOP_yield, 0);
			continue;
		}
		uint32_t k = n < space ? (uint32_t)n : space;
		for (uint32_t i = 0; i < k; i++)
			front->out[(prod + i) % RING_SIZE] = s[i];
		__asm__ volatile("" ::: "memory"); /* data before the index (x86: in order) */
		front->out_prod = prod + k;
		s += k, n -= k;
	}
	evtchn_send(front_port);
	return true;
}

/* ---- back end (dom0) ---- */

struct consback {
	volatile struct xencons_interface *ring; /* NULL: slot unused */
	uint32_t va, port;
	char line[128];
	size_t len;
	char history[HISTORY];
	size_t hist_len;
};
static struct consback backs[MAX_DOMS];

static void keep(struct consback *b, char c)
{
	if (b->hist_len == HISTORY - 1) {
		memmove(b->history, b->history + HISTORY / 2, HISTORY / 2 - 1);
		b->hist_len = HISTORY / 2 - 1;
	}
	b->history[b->hist_len++] = c;
	b->history[b->hist_len] = '\0';
}

static void drain(uint32_t port, void *data)
{
	struct consback *b = data;
	uint16_t domid = (uint16_t)(b - backs);
	(void)port;
	while (b->ring && b->ring->out_cons != b->ring->out_prod) {
		uint32_t cons = b->ring->out_cons;
		char c = b->ring->out[cons % RING_SIZE];
		b->ring->out_cons = cons + 1;
		keep(b, c);
		if (c != '\n' && b->len < sizeof(b->line) - 1) {
			b->line[b->len++] = c;
			continue;
		}
		b->line[b->len] = '\0';
		printk("[d%u] %s\n", domid, b->line);
		b->len = 0;
	}
}

int consback_attach(uint16_t domid, uint32_t mfn, uint32_t port)
{
	if (domid >= MAX_DOMS)
		return -XEN_EINVAL;
	struct consback *b = &backs[domid];
	if (!b->va)
		b->va = pv_alloc_page(); /* one mapping slot per domain id, reused */
	int rc = pv_map_foreign(b->va, domid, mfn);
	if (rc)
		return rc;
	b->ring = (volatile struct xencons_interface *)b->va;
	b->len = b->hist_len = 0;
	b->history[0] = '\0';
	int local = evtchn_bind_interdomain(domid, port, drain, b);
	if (local < 0) {
		b->ring = NULL;
		pv_map_foreign(b->va, DOMID_SELF, 0);
		return local;
	}
	b->port = (uint32_t)local;
	return 0;
}

void consback_detach(uint16_t domid)
{
	struct consback *b = &backs[domid];
	if (domid >= MAX_DOMS || !b->ring)
		return;
	drain(b->port, b);
	evtchn_close(b->port);
	b->ring = NULL;
	pv_map_foreign(b->va, DOMID_SELF, 0); /* drop our reference on its frame */
}

const char *consback_history(uint16_t domid)
{
	return domid < MAX_DOMS ? backs[domid].history : "";
}
