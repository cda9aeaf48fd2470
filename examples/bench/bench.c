/*
 * bench: lmbench-style latencies of the guest kernel's operations, measured in
 * ring 3 with rdtsc, the same program under the PV port and the native one
 * (bench/run.sh compares the two). Our own code, not lmbench's.
 *
 *   bench [smoke] [samples] [ROW...]
 *       every row (or the ROWs named), with full or tiny (smoke) counts;
 *       samples: also print each repetition's ticks per operation
 *   bench nop
 *       exits at once (the program fork_exec runs)
 *
 * Each row runs one untimed warm-up repetition, then REPS timed ones of N
 * operations each; a repetition's time divided by its operations is one sample.
 * One line per row, in TSC ticks per operation (both ports read the same TSC,
 * so their ratio is exact; under TCG the ticks are the emulator's):
 *
 *   bench: NAME median=T min=T max=T n=N reps=R entries=E hypercalls=H
 *          exceptions=X interrupts=I tlb_flushes=F pt_updates=P      (one line)
 *
 * The counters are the hypervisor's for this domain (the hv_counters system
 * call) over the timed windows only, per operation; "n/a" where the kernel has
 * no hypervisor under it (native).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Raw system calls (libc-shim) and the Paravane ABI: struct uapi_hv_counters. */
#include "shim.h"

#define SELF "/bench"
#define PAGE 4096
#define MAX_REPS 31

extern char **environ;

static char *map_anon(uint32_t bytes)
{
	long r = shim_syscall6(UAPI_SYS_mmap2, 0, (long)bytes, UAPI_PROT_READ | UAPI_PROT_WRITE,
			       UAPI_MAP_PRIVATE | UAPI_MAP_ANONYMOUS, -1, 0);
	if (shim_failed(r)) {
		printf("bench: mmap2 of %lu bytes failed (%ld)\n", (unsigned long)bytes, r);
		exit(1);
	}
	return (char *)r;
}

static void unmap(char *p, uint32_t bytes)
{
	shim_syscall6(UAPI_SYS_munmap, (long)p, (long)bytes, 0, 0, 0, 0);
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* ---- One timed window: TSC ticks and hypervisor counters around it --------- */

#define NCOUNTERS 6
static const char *const counter_names[NCOUNTERS] = {
	"entries", "hypercalls", "exceptions", "interrupts", "tlb_flushes", "pt_updates",
};

static int have_counters; /* the kernel answered hv_counters */
static int print_samples; /* "samples" on the command line */

static void read_counters(uint32_t out[NCOUNTERS])
{
	struct uapi_hv_counters c;
	memset(out, 0, NCOUNTERS * sizeof(uint32_t));
	if (!have_counters ||
	    shim_failed(shim_syscall6(UAPI_SYS_hv_counters, (long)&c, 0, 0, 0, 0, 0)))
		return;
	out[0] = c.entries;
	out[1] = c.hypercalls;
	out[2] = c.exceptions;
	out[3] = c.interrupts;
	out[4] = c.tlb_flushes;
	out[5] = c.pt_updates;
}

struct window {
	uint32_t c0[NCOUNTERS];
	uint64_t t0;
	uint64_t ticks;	       /* of the last window */
	uint32_t d[NCOUNTERS]; /* counter deltas of the last window */
};
static struct window win;

static void begin(void)
{
	read_counters(win.c0);
	win.t0 = rdtsc();
}

static void end(void)
{
	uint64_t t1 = rdtsc();
	uint32_t c1[NCOUNTERS];
	read_counters(c1);
	win.ticks = t1 - win.t0;
	for (int i = 0; i < NCOUNTERS; i++)
		win.d[i] = c1[i] - win.c0[i];
}

/* ---- The operations: each does its setup, then begin(); n operations; end() -- */

static void row_null(int n)
{
	begin();
	for (int i = 0; i < n; i++) {
		long r;
		__asm__ volatile("int $0x80" : "=a"(r) : "a"(UAPI_SYS_getpid) : "memory");
	}
	end();
}

static void row_getpid(int n)
{
	begin();
	for (int i = 0; i < n; i++)
		getpid();
	end();
}

static void row_pipe(int n)
{
	int fd[2];
	char c = 'x';
	if (pipe(fd))
		exit(1);
	begin();
	for (int i = 0; i < n; i++) {
		write(fd[1], &c, 1);
		read(fd[0], &c, 1);
	}
	end();
	close(fd[0]);
	close(fd[1]);
}

static void forks(int n, int exec)
{
	begin();
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			if (exec) {
				char *args[] = { "bench", "nop", NULL };
				execve(SELF, args, environ);
			}
			_exit(0);
		}
		waitpid(pid, NULL, 0);
	}
	end();
}

static void row_fork_exit(int n)
{
	forks(n, 0);
}

static void row_fork_exec(int n)
{
	forks(n, 1);
}

/* n round trips of one byte between two processes: 2n switches. */
static void row_ctxsw(int n)
{
	int ping[2], pong[2];
	char c = 0;
	if (pipe(ping) || pipe(pong))
		exit(1);
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i <= n; i++) {
			read(ping[0], &c, 1);
			write(pong[1], &c, 1);
		}
		_exit(0);
	}
	write(ping[1], &c, 1); /* one untimed round: the child is running and waiting */
	read(pong[0], &c, 1);
	begin();
	for (int i = 0; i < n; i++) {
		write(ping[1], &c, 1);
		read(pong[0], &c, 1);
	}
	end();
	waitpid(pid, NULL, 0);
	close(ping[0]), close(ping[1]), close(pong[0]), close(pong[1]);
}

static void row_fault(int n)
{
	char *p = map_anon((uint32_t)n * PAGE);
	begin();
	for (int i = 0; i < n; i++)
		p[i * PAGE] = 1;
	end();
	unmap(p, (uint32_t)n * PAGE);
}

/* Pages written before a fork, then written again while a child still shares them. */
static void row_cow(int n)
{
	char *p = map_anon((uint32_t)n * PAGE);
	int go[2];
	for (int i = 0; i < n; i++)
		p[i * PAGE] = 1;
	if (pipe(go))
		exit(1);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		read(go[0], &c, 1); /* keeps the pages shared until the parent is done */
		_exit(0);
	}
	begin();
	for (int i = 0; i < n; i++)
		p[i * PAGE] = 2;
	end();
	write(go[1], "x", 1);
	waitpid(pid, NULL, 0);
	close(go[0]), close(go[1]);
	unmap(p, (uint32_t)n * PAGE);
}

/* mmap of 1 MiB, a write to its first page, munmap. */
static void row_mmap(int n)
{
	begin();
	for (int i = 0; i < n; i++) {
		char *p = map_anon(1 << 20);
		p[0] = 1;
		unmap(p, 1 << 20);
	}
	end();
}

/* The break grows by one page, which is then written. */
static void row_sbrk(int n)
{
	begin();
	for (int i = 0; i < n; i++) {
		char *p = sbrk(PAGE);
		if (p == (char *)-1)
			exit(1);
		p[0] = 1;
	}
	end();
	sbrk(-(long)n * PAGE);
}

/* 1000 steps of a xorshift generator per operation: no system call, no memory. */
static volatile uint32_t cpu_sink;
static void row_cpu(int n)
{
	uint32_t x = 2463534242u;
	begin();
	for (int i = 0; i < n * 1000; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
	}
	end();
	cpu_sink = x;
}

struct row {
	const char *name;
	void (*run)(int n);
	int n_full, n_smoke; /* operations per repetition (ctxsw: round trips) */
	int per;	     /* operations each counts: 2 switches per round trip */
};

static const struct row rows[] = {
	{ "null_syscall", row_null, 20000, 100, 1 }, /* int $0x80, getpid's number */
	{ "getpid", row_getpid, 20000, 100, 1 },     /* newlib's getpid() */
	{ "pipe_rw", row_pipe, 5000, 50, 1 },	     /* 1 byte in, 1 byte out */
	{ "fork_exit", row_fork_exit, 100, 4, 1 },   /* + waitpid */
	{ "fork_exec", row_fork_exec, 30, 3, 1 },    /* + exec of "bench nop" */
	{ "ctxsw", row_ctxsw, 2000, 20, 2 },	     /* pipe ping-pong */
	{ "page_fault", row_fault, 1000, 16, 1 },    /* demand-zero */
	{ "cow_fault", row_cow, 1000, 16, 1 },	     /* copy-on-write */
	{ "mmap_1m", row_mmap, 500, 8, 1 },	     /* mmap, one write, munmap */
	{ "sbrk_page", row_sbrk, 1000, 16, 1 },	     /* one page, one write */
	{ "cpu_loop", row_cpu, 2000, 20, 1 },	     /* 1000 xorshift steps */
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* "12.34" for total / ops, or "n/a". */
static const char *per_op(char *buf, size_t len, uint64_t total, uint64_t ops)
{
	if (!have_counters)
		return "n/a";
	uint64_t h = (total * 100 + ops / 2) / ops;
	snprintf(buf, len, "%llu.%02llu", (unsigned long long)(h / 100),
		 (unsigned long long)(h % 100));
	return buf;
}

static void measure(const struct row *r, int smoke, int reps)
{
	int n = smoke ? r->n_smoke : r->n_full;
	uint64_t ops = (uint64_t)n * (uint64_t)r->per, sample[MAX_REPS];
	uint64_t total[NCOUNTERS] = { 0 };
	r->run(n); /* warm-up: translated code, page tables, pipe buffers */
	for (int i = 0; i < reps; i++) {
		r->run(n);
		sample[i] = win.ticks / ops;
		for (int c = 0; c < NCOUNTERS; c++)
			total[c] += win.d[c];
	}
	if (print_samples) {
		printf("bench: %s samples", r->name);
		for (int i = 0; i < reps; i++)
			printf(" %llu", (unsigned long long)sample[i]);
		printf("\n");
	}
	qsort(sample, (size_t)reps, sizeof(sample[0]), cmp_u64);
	printf("bench: %s median=%llu min=%llu max=%llu n=%llu reps=%d", r->name,
	       (unsigned long long)sample[reps / 2], (unsigned long long)sample[0],
	       (unsigned long long)sample[reps - 1], (unsigned long long)ops, reps);
	for (int c = 0; c < NCOUNTERS; c++) {
		char buf[32];
		printf(" %s=%s", counter_names[c],
		       per_op(buf, sizeof(buf), total[c], ops * (uint64_t)reps));
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "nop"))
		_exit(0);
	int smoke = 0, selected = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "smoke") || !strcmp(argv[i], "samples")) {
			smoke |= !strcmp(argv[i], "smoke");
			print_samples |= !strcmp(argv[i], "samples");
			continue;
		}
		int known = 0;
		for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++)
			known |= !strcmp(argv[i], rows[r].name);
		if (!known) {
			printf("bench: unknown row %s\n", argv[i]);
			return 2;
		}
		selected++;
	}
	int reps = smoke ? 3 : 11;
	struct uapi_hv_counters probe;
	have_counters =
	    !shim_failed(shim_syscall6(UAPI_SYS_hv_counters, (long)&probe, 0, 0, 0, 0, 0));
	printf("bench: start mode=%s unit=tsc reps=%d counters=%s\n", smoke ? "smoke" : "full",
	       reps, have_counters ? "hypervisor" : "none");
	int done = 0;
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		int wanted = !selected;
		for (int i = 1; i < argc; i++)
			wanted |= !strcmp(argv[i], rows[r].name);
		if (!wanted)
			continue;
		fflush(stdout);
		measure(&rows[r], smoke, reps);
		done++;
	}
	printf("bench: done rows=%d\n", done);
	return 0;
}
