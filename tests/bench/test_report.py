#!/usr/bin/env python3
"""bench/report.py on made-up logs: every row in the table, PV/native as the
median of the per-round ratios (round k's PV boot against round k's native
boot), the range, the fastest-sample ratio and the targets' verdicts.

    test_report.py WORKDIR     exits non-zero, saying why, on a wrong report
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPORT = os.path.join(HERE, "..", "..", "bench", "report.py")

rows = subprocess.run([sys.executable, REPORT, "--rows"], check=True,
                      capture_output=True, text=True).stdout.split()
work = sys.argv[1]
os.makedirs(work, exist_ok=True)

# Three rounds. fork_exit: native 100 / 50 / 100, PV 300 / 150 / 160: per-round
# ratios 3.0, 3.0, 1.6 -> 3.00 (1.60-3.00); pooling the samples instead would
# give 160 / 95 = 1.68. The CPU loop: the host twice as slow in round 2 for
# both ports, so 1.00 in every round.
pv_ticks = {"fork_exit": [300, 150, 160], "cpu_loop": [100, 200, 100]}
native_ticks = {"fork_exit": [100, 50, 100], "cpu_loop": [100, 200, 100]}


def log(path, ticks, counters, rounds=3):
    with open(path, "w") as f:
        for rnd in range(rounds):
            for row in rows:
                t = ticks.get(row, [50, 50, 50])[rnd]
                f.write(f"bench: {row} samples {t} {t + 10} {t - 5}\n")
                f.write(f"bench: {row} median={t} min={t - 5} max={t + 10} n=10 reps=3 "
                        f"{counters}\n")


c_pv = ("entries=3.00 hypercalls=11.00 exceptions=0.00 interrupts=0.00 "
        "tlb_flushes=3.00 pt_updates=10.00")
c_native = ("entries=n/a hypercalls=n/a exceptions=n/a interrupts=n/a "
            "tlb_flushes=n/a pt_updates=n/a")
log(os.path.join(work, "pv.log"), pv_ticks, c_pv)
log(os.path.join(work, "native.log"), native_ticks, c_native)
# The instruction counts (-icount boots): one boot per port, every row.
log(os.path.join(work, "pv.icount"), {"fork_exit": [2000]}, c_pv, rounds=1)
log(os.path.join(work, "native.icount"), {"fork_exit": [1000]}, c_native, rounds=1)
# The emulator's counts (perf boots): one line per row and port.
for port, refills in (("pv", 53.6), ("native", 35.0)):
    with open(os.path.join(work, f"{port}.emu"), "w") as f:
        for row in rows:
            f.write(f"bench: {row} emu refills={refills} lookups=96.6 flushes=1.00 "
                    f"deliveries={refills / 10:.2f}\n")
env = dict(os.environ, BENCH_ICOUNT_PV=os.path.join(work, "pv.icount"),
           BENCH_ICOUNT_NATIVE=os.path.join(work, "native.icount"),
           BENCH_EMU_PV=os.path.join(work, "pv.emu"),
           BENCH_EMU_NATIVE=os.path.join(work, "native.emu"))
subprocess.run([sys.executable, REPORT, work, os.path.join(work, "pv.log"),
                os.path.join(work, "native.log")], check=True, env=env)
report = open(os.path.join(work, "REPORT.md")).read()


def row_line(label):
    for line in report.splitlines():
        if line.startswith(f"| {label} |"):
            return line
    sys.exit(f"test_report: no table row for {label}")


def expect(label, *parts):
    line = row_line(label)
    for part in parts:
        if part not in line:
            sys.exit(f"test_report: row {label!r} lacks {part!r}: {line}")


expect("fork+exit", "| 3.00 (1.60–3.00) (**not met**) | 3.22 |", "| 3.00 | 11.00 |")
expect("CPU loop", "1.00 (1.00–1.00) (met)")
expect("null system call", "1.00 (1.00–1.00) (met)")
main_table = report.split("## Instructions per operation")[0]
if main_table.count("\n| ") != len(rows) + 1:
    sys.exit("test_report: the table does not have one line per row")
if "| fork+exit | 1,000 | 2,000 | 2.00 |" not in report:
    sys.exit("test_report: no instruction count for fork+exit (1,000 native, 2,000 PV)")
if "| context switch | 35.0 | 53.6 | 96.6 | 96.6 | 1.00 | 1.00 | 3.50 | 5.36 |" not in report:
    sys.exit("test_report: no emulator counts for the context switch (35.0 native, 53.6 PV)")
# Without perf the report says why the emulator's table is missing.
env = dict(env, BENCH_EMU_PV="", BENCH_EMU_NATIVE="", BENCH_EMU_SKIPPED="perf is not installed")
subprocess.run([sys.executable, REPORT, work, os.path.join(work, "pv.log"),
                os.path.join(work, "native.log")], check=True, env=env)
if "Not counted in this run: perf is not installed" not in open(os.path.join(work, "REPORT.md")).read():
    sys.exit("test_report: a run without perf does not say why the emulator's counts are missing")
print("test_report: ok")
