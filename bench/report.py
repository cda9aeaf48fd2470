#!/usr/bin/env python3
"""Writes bench/REPORT.md and the chart's data from the bench program's output.

    report.py OUT_DIR PV_LOG [NATIVE_LOG]

PV_LOG and NATIVE_LOG are serial logs of one boot each holding the program's
`bench: NAME median=... ` lines (examples/bench/bench.c). Writes OUT_DIR/REPORT.md
and OUT_DIR/ratios.dat (for bench/ratios.gp). The run's facts (command lines,
commit, QEMU) come from the environment bench/run.sh sets. Exits non-zero if a
log lacks a row.
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Our rows, in order: name, label, what one operation is, target PV/native (lo, hi).
ROWS = [
    ("null_syscall", "null system call", "`int $0x80` with getpid's number (lmbench's null call is getppid, which Paravane lacks)", (None, 1.05)),
    ("getpid", "getpid()", "newlib's getpid() through libc-shim", None),
    ("pipe_rw", "pipe write+read", "one process writes 1 byte into a pipe and reads it back", None),
    ("fork_exit", "fork+exit", "fork, the child's _exit, the parent's waitpid", (None, 1.5)),
    ("fork_exec", "fork+exec+exit", "fork, the child execs /bench nop, which exits; waitpid", None),
    ("ctxsw", "context switch", "one of the 2 switches of a 1-byte pipe round trip between two processes (pipe work included)", (None, 1.5)),
    ("page_fault", "demand-zero fault", "first write to a fresh page of an anonymous mapping", (None, 1.5)),
    ("cow_fault", "copy-on-write fault", "write to a page shared with a forked child", None),
    ("mmap_1m", "mmap+munmap 1 MiB", "anonymous mmap of 1 MiB, a write to its first page, munmap", None),
    ("sbrk_page", "sbrk growth", "sbrk(4096) and a write to the new page", None),
    ("cpu_loop", "CPU loop", "1000 xorshift steps: no system call, no memory", (0.98, 1.02)),
]
COUNTERS = ["entries", "hypercalls", "exceptions", "tlb_flushes", "pt_updates", "interrupts"]
LINE = re.compile(r"^bench: (\w+) (median=.*)$")
EMU = re.compile(r"^bench: (\w+) emu (refills=.*)$")
SAMPLES = re.compile(r"^bench: (\w+) samples ([0-9 ]+)$")


def parse_emu(path):
    """row -> {refills, lookups, flushes, deliveries} per operation, from
    bench/run.sh's emulator counts (`bench: NAME emu refills=R lookups=L
    flushes=F deliveries=D`; logs older than the deliveries have none)."""
    rows = {}
    with open(path, errors="replace") as f:
        for line in f:
            m = EMU.match(line.rstrip("\r\n"))
            if m:
                rows[m.group(1)] = {k: float(v) for k, v in
                                    (kv.split("=", 1) for kv in m.group(2).split())}
    return rows


def parse(path):
    """row -> {median, min, max, reps, boots, counters...} over every boot in the log.

    With `bench: NAME samples ...` lines (bench/run.sh's full runs) the statistics
    are over all of a row's samples, from all its boots; without them (smoke),
    the single boot's. The counters are the mean of the boots' per-operation ones.
    """
    lines, samples = {}, {}
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            m = LINE.match(line)
            if m:
                lines.setdefault(m.group(1), []).append(
                    dict(kv.split("=", 1) for kv in m.group(2).split()))
            m = SAMPLES.match(line)
            if m:
                samples.setdefault(m.group(1), []).extend(int(v) for v in m.group(2).split())
    rows = {}
    for name, boots in lines.items():
        r = {"boots": len(boots), "boot_medians": [int(b["median"]) for b in boots]}
        for k in COUNTERS:
            vals = [b.get(k, "n/a") for b in boots]
            r[k] = "n/a" if "n/a" in vals else f"{sum(float(v) for v in vals) / len(vals):.2f}"
        s = sorted(samples.get(name, []))
        if s:
            r.update(median=s[len(s) // 2], min=s[0], max=s[-1], reps=len(s))
        else:
            b = boots[-1]
            r.update(median=int(b["median"]), min=int(b["min"]), max=int(b["max"]),
                     reps=int(b["reps"]))
        rows[name] = r
    return rows


def xen2003():
    """row -> (lmbench column, table, L-UP us, Xen us), numbers as strings or ''."""
    out = {}
    with open(os.path.join(HERE, "xen2003.tsv")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = (line.rstrip("\n").split("\t") + [""] * 5)[:5]
            out[cols[0]] = tuple(c.strip() for c in cols[1:])
    return out


def ticks(r):
    return f"{r['median']:,} ({r['min']:,}–{r['max']:,})"


def round_ratios(p, n):
    """PV/native per round: the k-th boot of each port ran in the same round,
    one right after the other, so the pair shares the host's state of the moment
    (this host's speed drifts by up to 1.6x over minutes, for both ports)."""
    pairs = zip(p["boot_medians"], n["boot_medians"])
    return sorted(a / b for a, b in pairs if b)


def ratio_text(rs):
    if len(rs) == 1:
        return f"{rs[0]:.2f}"
    return f"{rs[len(rs) // 2]:.2f} ({rs[0]:.2f}–{rs[-1]:.2f})"


def target_text(t):
    if not t:
        return ""
    lo, hi = t
    return f"≤ {hi:.2f}" if lo is None else f"{(lo + hi) / 2:.2f} ± {(hi - lo) / 2:.2f}"


def met(t, ratio):
    if not t or ratio is None:
        return ""
    lo, hi = t
    ok = ratio <= hi and (lo is None or ratio >= lo)
    return " (met)" if ok else " (**not met**)"


def main():
    if sys.argv[1:] == ["--rows"]:
        print(" ".join(name for name, *_ in ROWS))
        return
    out_dir, pv_log = sys.argv[1], sys.argv[2]
    native_log = sys.argv[3] if len(sys.argv) > 3 else None
    pv = parse(pv_log)
    native = parse(native_log) if native_log else {}
    missing = [n for n, *_ in ROWS if n not in pv] + \
        ([f"native {n}" for n, *_ in ROWS if n not in native] if native_log else [])
    if missing:
        sys.exit(f"report.py: rows missing from the logs: {', '.join(missing)}")
    xen = xen2003()
    env = os.environ.get

    md = []
    w = md.append
    w("# Paravirtualization overhead: the same kernel natively and on Paravane\n")
    w("Generated by `make bench` (bench/run.sh, bench/report.py): do not edit by hand; "
      "the history at the end comes from bench/HISTORY.md.\n")
    w(f"- Measured: {env('BENCH_DATE', '?')}, commit `{env('BENCH_COMMIT', '?')}`, "
      f"{env('BENCH_QEMU', 'QEMU')} (TCG) on {env('BENCH_HOST', '?')}.")
    w(f"- PV: `{env('BENCH_PV_CMD', '?')}`")
    if native_log:
        w(f"- Native: `{env('BENCH_NATIVE_CMD', '?')}`")
    else:
        w(f"- Native: **missing**: {env('BENCH_NATIVE_MISSING', 'no native kernel')}. "
          "Only the PV columns are measured; the native column and the ratios are empty "
          "until the native port (guestos/arch-native/, build/native.elf) exists.")
    w(f"- Runs: {env('BENCH_ROUNDS_TEXT', '?')}; ROW is each row's name. In a boot, a "
      "row runs one untimed warm-up repetition, then timed ones; each gives a sample, "
      "its ticks divided by its operations. Ticks: per row, the median (min–max) of all "
      f"{pv['null_syscall']['reps']} samples of a port, in TSC ticks per operation. "
      "PV/native: the median (min–max) over the rounds of each round's ratio of the two "
      "boots' medians; the two boots of a round run back to back, so a ratio is not "
      "skewed by the host's speed, which drifts between rounds (though it also drifts "
      "within them: see the ranges). *fastest*: the ratio of the two ports' fastest "
      "samples, which noise on the host can only slow down. The targets are judged "
      "on PV/native. The two kernels "
      f"get the same memory ({env('BENCH_MEM', '?')} MiB) and run in the same `make bench`.\n")

    w("## Caveat: these are TCG timings\n")
    w("QEMU's TCG translates guest code; it does not run it on the CPU. Ring "
      "transitions, page-table walks, TLB flushes and `int`/`iret` cost what the "
      "emulator makes them cost, which is not what hardware charges. So compare the "
      "ratios (PV against native, measured in one run with the same TSC) and the "
      "counts (hypervisor entries, hypercalls, TLB flushes and page-table updates per "
      "operation, which do not depend on the emulator), not the absolute ticks. The "
      "Xen 2003 ratios were measured on hardware. Most of what a TCG timing charges "
      "beyond the instructions is soft-TLB refills: every CR3 load or full flush "
      "empties QEMU's TLB, and each page touched afterwards, the hypervisor's "
      "included, is walked again (bench/HISTORY.md).\n")
    w("How far the host alone moves a ratio shows in the rows that do no privileged "
      "work at all: the CPU loop and getpid() execute the same instructions on both "
      "ports (see the instruction table), so their PV/native ranges, and their "
      "distance from 1.00, are the host's noise. A target tighter than that noise "
      "(the CPU loop's ±0.02) cannot be settled by one run's timings.\n")

    w("## Results\n")
    w("| operation | native ticks | PV ticks | PV/native | fastest | target | Xen 2003 (L-UP → Xen) "
      "| entries | hypercalls | exceptions | TLB flushes | PT updates |")
    w("|---|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---:|")
    dat = ["# row label pv_over_native pv_entries"]
    for name, label, _, target in ROWS:
        p = pv[name]
        n = native.get(name)
        rs = round_ratios(p, n) if n else []
        ratio = rs[len(rs) // 2] if rs else None
        fastest = f"{p['min'] / n['min']:.2f}" if n else "—"
        x = xen.get(name)
        if not x:
            xtext = "no lmbench counterpart"
        elif x[2] and x[3]:
            xtext = f"{x[2]} → {x[3]} µs = {float(x[3]) / float(x[2]):.2f} ({x[0]})"
        else:
            xtext = f"not found ({x[0]})"
        c = [p.get(k, "?") for k in COUNTERS]
        w(f"| {label} | {ticks(n) if n else 'missing'} | {ticks(p)} "
          f"| {ratio_text(rs) if rs else '—'}{met(target, ratio)} "
          f"| {fastest} "
          f"| {target_text(target)} "
          f"| {xtext} | {c[0]} | {c[1]} | {c[2]} | {c[3]} | {c[4]} |")
        dat.append(f"{name} \"{label}\" {ratio if ratio else 'NaN'} {p['entries']}")
    w("")
    w("Counters are the hypervisor's for the PV run, over the timed windows only, per "
      "operation (the `hv_counters` system call; the native kernel has none). *entries*: "
      "entries into the hypervisor (a multicall counts once; exceptions bounced count); "
      "*hypercalls*: each call inside a multicall counted; *TLB flushes*: full flushes "
      "and CR3 loads (not `invlpg`); *PT updates*: page-table entries the hypervisor "
      "validated and wrote. Hardware interrupts, taken by both kernels alike, are left "
      "out of *entries*; per operation they were: " +
      ", ".join(f"{n} {pv[n]['interrupts']}" for n, *_ in ROWS) + ".\n")

    icount_pv, icount_native = env("BENCH_ICOUNT_PV"), env("BENCH_ICOUNT_NATIVE")
    if icount_pv and icount_native:
        ipv, inat = parse(icount_pv), parse(icount_native)
        w("## Instructions per operation\n")
        w("One more boot per port with every row, under QEMU's `-icount shift=0`: the "
          "TSC then advances by one for each guest instruction executed (rings 0, 1 and "
          "3, the hypervisor's included), so these are exact counts that repeat from run "
          "to run, whatever the host does. They leave out what the emulator charges "
          "beyond instructions (soft-TLB refills after a flush, the work of `int` and "
          "`iret`), which the timings above include.\n")
        w("| operation | native | PV | PV/native |")
        w("|---|---:|---:|---:|")
        for name, label, _, _ in ROWS:
            if name in ipv and name in inat and inat[name]["median"]:
                a, b = ipv[name]["median"], inat[name]["median"]
                w(f"| {label} | {b:,} | {a:,} | {a / b:.2f} |")
        w("")

    emu_pv, emu_native = env("BENCH_EMU_PV"), env("BENCH_EMU_NATIVE")
    if emu_pv and emu_native:
        epv, enat = parse_emu(emu_pv), parse_emu(emu_native)
        w("## What the emulator charges\n")
        w("Counted by perf through uprobes on QEMU's own functions, per operation: "
          "*refills*, soft-TLB entries filled (`tlb_set_page_full`: a page walked, "
          "after a CR3 load or flush emptied the TLB, or for the first time); "
          "*lookups*, translation blocks looked up in QEMU's hash table "
          "(`qht_lookup_custom`: the jump cache is emptied with the TLB); *flushes*, "
          "full TLB flushes (`tcg_flush_jmp_cache`); *deliveries*, interrupts and "
          "exceptions the CPU delivered (`x86_cpu_do_interrupt`: each `int`, fault "
          "and hardware interrupt, whose handler then returns with an `iret`). Per "
          "row and port, a `samples+ROW` boot less a `smoke+ROW` boot, divided by "
          "the operations between them. A refill and the lookups after it cost from "
          "about 60 to 300 ticks, depending on the host, and a delivery with its "
          "`iret` over a thousand (bench/HISTORY.md), so these are most of what the "
          "timings add to the instructions.\n")
        w("| operation | refills native | refills PV | lookups native | lookups PV "
          "| flushes native | flushes PV | deliveries native | deliveries PV |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")

        def deliveries(counts):  # logs from before the column have none
            return f"{counts['deliveries']:.2f}" if "deliveries" in counts else "–"
        for name, label, _, _ in ROWS:
            if name in epv and name in enat:
                a, b = epv[name], enat[name]
                w(f"| {label} | {b['refills']:,.1f} | {a['refills']:,.1f} | "
                  f"{b['lookups']:,.1f} | {a['lookups']:,.1f} | {b['flushes']:.2f} "
                  f"| {a['flushes']:.2f} | {deliveries(b)} | {deliveries(a)} |")
        w("")
    elif env("BENCH_EMU_SKIPPED"):
        w("## What the emulator charges\n")
        w(f"Not counted in this run: {env('BENCH_EMU_SKIPPED')} (bench/run.sh uses "
          "perf and uprobes on QEMU's functions).\n")

    w("![PV/native per operation](ratios.svg)\n")

    w("## What each row measures\n")
    for name, label, what, _ in ROWS:
        w(f"- **{label}** (`{name}`): {what}.")
    w("")
    w("## The Xen 2003 column\n")
    w("Barham et al., \"Xen and the Art of Virtualization\", SOSP 2003, section 4.2 "
      "(Operating System Benchmarks), the lmbench tables (native Linux uniprocessor, "
      "L-UP, against XenoLinux). bench/xen2003.tsv maps our rows to lmbench's columns "
      "and holds the paper's numbers; a row says *not found* while its numbers are "
      "empty there. They are copied only from the paper itself, never from memory. "
      "The searches available to this project (four sessions, over a hundred queries "
      "over stored pages, documents and code) reached two kinds of copy: a text of "
      "the paper that goes from section 4.2's first paragraph to section 4.3 without "
      "the page that holds the tables, and whole copies of the paper (and of Clark et "
      "al.'s 2004 repetition of it) of which the search tools return only the first "
      "page. So none are quoted yet.\n")

    hist = os.path.join(HERE, "HISTORY.md")
    if os.path.exists(hist):
        with open(hist) as f:
            w(f.read().rstrip("\n") + "\n")

    with open(os.path.join(out_dir, "REPORT.md"), "w") as f:
        f.write("\n".join(md))
    with open(os.path.join(out_dir, "ratios.dat"), "w") as f:
        f.write("\n".join(dat) + "\n")


if __name__ == "__main__":
    main()
