#!/usr/bin/env bash
# `make bench`: the bench program (examples/bench) under the PV port (hv.elf +
# dom0.elf) and, when it has been built, under the native port (native.elf), in
# the same session under QEMU TCG; then bench/REPORT.md and bench/ratios.svg.
# Each row runs in a boot of its own, the two ports alternating, several rounds.
#
#   bench/run.sh [smoke]     smoke: tiny counts, one boot per port, and the
#                            report written to BUILD/bench/ instead
#   bench/run.sh pairs ROW [N]  N (default 12) pairs of boots of one row, the
#                            ports alternating: each pair's PV/native ratio,
#                            sorted, and their median (an A/B of a change; no
#                            report is written)
#
# Environment: BUILD (default build), NATIVE_ELF (default BUILD/native.elf),
# BENCH_MEM (MiB for each kernel, default 80), BENCH_ROUNDS (default 15),
# QEMU (default qemu-system-i386), QEMU_ACCEL (default tcg).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
build=${BUILD:-build}
work="$build/bench"
mode=${1:-full}
out=bench
[ "$mode" = smoke ] && out=$work
native_elf=${NATIVE_ELF:-$build/native.elf}
QEMU=${QEMU:-qemu-system-i386}
mkdir -p "$work" "$out"

die() {
	echo "bench: $*" >&2
	exit 1
}
for f in hv.elf dom0.elf examples/bench.elf; do
	[ -f "$build/$f" ] || die "$build/$f is missing (make all)"
done
command -v gnuplot >/dev/null || die "gnuplot is missing (Debian gnuplot-nox: make deps)"

# The initrd: every example program, stripped, as /NAME (as tests/run.sh makes it).
rm -rf "$work/userland" && mkdir -p "$work/userland"
for elf in "$build"/examples/*.elf; do
	"${CROSS:-i686-linux-gnu-}strip" -o "$work/userland/$(basename "$elf" .elf)" "$elf" ||
		die "cannot strip $elf"
done
(cd "$work/userland" && ls | cpio --quiet -o -H newc) >"$work/userland.cpio" ||
	die "cannot pack $work/userland.cpio"

# The same memory for both kernels: dom0 gets BENCH_MEM MiB from the hypervisor
# (from the bottom of the 128 MiB PC, all in the hypervisor's direct map while
# BENCH_MEM stays below some 90), the native kernel a PC with BENCH_MEM MiB. Under TCG
# the first write to a frame that last held executed code is slow (QEMU drops the
# code translated from it), so the kernels must go through equally many frames.
mem=${BENCH_MEM:-80}
rounds=${BENCH_ROUNDS:-15}
qemu_flags=(-accel "${QEMU_ACCEL:-tcg}" -cpu qemu32,+nx -nodefaults
	-bios /usr/share/qemu/qboot.rom -display none -serial stdio -no-reboot
	-device isa-debug-exit,iobase=0xf4,iosize=0x04)
extra_flags=()
# qemu_command PORT ARGS: sets cmd to the QEMU command line that runs bench ARGS
# (words joined by +) under PORT, and shown to the same line quoted for a shell.
qemu_command() {
	if [ "$1" = pv ]; then
		cmd=("$QEMU" "${qemu_flags[@]}" "${extra_flags[@]}" -m 128 -kernel "$build/hv.elf" -append "dom0_mem=${mem}M"
			-initrd "$build/dom0.elf init=bench:$2,$work/userland.cpio")
	else
		cmd=("$QEMU" "${qemu_flags[@]}" "${extra_flags[@]}" -m "$mem" -kernel "$native_elf"
			-initrd "$work/userland.cpio init=bench:$2")
	fi
	shown="${cmd[*]:0:${#cmd[@]}-1} \"${cmd[${#cmd[@]}-1]}\""
}

# boot PORT ARGS LOG: one boot, bounded; it must power off (status 1) after the
# program's last line. Its bench: lines are appended to LOG.
boot() {
	local port=$1 args=$2 log=$3 raw="$work/last.log" status
	qemu_command "$port" "$args"
	timeout --kill-after=5 600 "${cmd[@]}" </dev/null >"$raw" 2>&1
	status=$?
	tr -d '\r' <"$raw" | grep '^bench: ' >>"$log"
	[ "$status" = 1 ] || die "the $port run of \"$args\" exited with status $status, not 1 (see $raw)"
	tr -d '\r' <"$raw" | grep -q '^bench: done' || die "the $port run of \"$args\" did not finish (see $raw)"
}

ports=(pv)
if [ -f "$native_elf" ]; then
	ports+=(native)
else
	echo "bench: $native_elf is missing: the report has the PV columns only"
	export BENCH_NATIVE_MISSING="$native_elf was not found when this report was made"
fi
for port in "${ports[@]}"; do : >"$work/$port.log"; done

# Pairs: one row, a PV boot then a native one, N times; a pair's ratio is of
# the two boots' medians, so a drift of the host's speed between pairs cancels.
if [ "$mode" = pairs ]; then
	row=${2:-}
	pairs=${3:-12}
	[ "${#ports[@]}" = 2 ] || die "pairs needs the native port ($native_elf)"
	[[ " $(python3 bench/report.py --rows) " == *" $row "* ]] ||
		die "usage: bench/run.sh pairs ROW [N]; ROW is one of: $(python3 bench/report.py --rows)"
	[[ "$pairs" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive number of pairs"
	median_of() { sed -n "s/^bench: $row median=\([0-9]*\) .*/\1/p" "$1"; }
	ratios=()
	for i in $(seq "$pairs"); do
		for port in pv native; do
			: >"$work/pair.$port.log"
			boot "$port" "samples+$row" "$work/pair.$port.log"
		done
		ratios+=("$(awk -v p="$(median_of "$work/pair.pv.log")" -v n="$(median_of "$work/pair.native.log")" \
			'BEGIN { printf "%.3f", p / n }')")
	done
	printf '%s\n' "${ratios[@]}" | sort -n | awk -v row="$row" '{ r[NR] = $1; line = line " " $1 }
		END { m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
		      printf "bench: %s PV/native of %d pairs:%s\nbench: %s median %.3f\n", row, NR, line, row, m }'
	exit 0
fi

# Full: every row in a boot of its own (no row inherits another's memory), the
# ports alternating and taking turns to go first, BENCH_ROUNDS times over.
# Smoke: one boot per port with every row.
if [ "$mode" = smoke ]; then
	for port in "${ports[@]}"; do boot "$port" smoke "$work/$port.log"; done
else
	rows=$(python3 bench/report.py --rows) || die "report.py --rows failed"
	for round in $(seq "$rounds"); do
		echo "bench: round $round of $rounds"
		for row in $rows; do
			order=("${ports[@]}")
			[ $((round % 2)) = 0 ] && [ "${#ports[@]}" = 2 ] && order=(native pv)
			for port in "${order[@]}"; do boot "$port" "samples+$row" "$work/$port.log"; done
		done
	done
fi
for port in "${ports[@]}"; do grep -v ' samples ' "$work/$port.log" | sed "s/^/$port: /"; done

# Instructions: one more boot per port with every row, under -icount (QEMU's
# clock then advances one nanosecond per guest instruction, so the TSC counts
# the instructions executed, the hypervisor's included): exact, and the same in
# every run, whatever the host does.
if [ "$mode" != smoke ]; then
	extra_flags=(-icount shift=0,sleep=off)
	for port in "${ports[@]}"; do
		: >"$work/$port.icount.log"
		boot "$port" samples "$work/$port.icount.log"
		grep -v ' samples ' "$work/$port.icount.log" | sed "s/^/$port (instructions): /"
	done
	export BENCH_ICOUNT_PV="$work/pv.icount.log"
	[ "${#ports[@]}" = 2 ] && export BENCH_ICOUNT_NATIVE="$work/native.icount.log"
	extra_flags=()
fi

# What the emulator charges beyond instructions, per operation: soft-TLB refills,
# translation-block hash lookups and full TLB flushes, counted exactly by perf
# through uprobes on QEMU's own functions (bench/HISTORY.md). Per row and port,
# a samples+ROW boot less a smoke+ROW boot (the boot's own work cancels), divided
# by the operations between them. Optional: without perf, or with a QEMU whose
# functions are not found, the report says why the table is missing.
emu_functions=(refills=tlb_set_page_full lookups=qht_lookup_custom flushes=tcg_flush_jmp_cache
	deliveries=x86_cpu_do_interrupt)
# The QEMU binary itself (Debian's qemu-system-i386 is a wrapper script).
qemu_binary() {
	local bin
	bin=$(command -v "$QEMU") || return 1
	if [ "$(head -c 2 "$bin")" = "#!" ]; then
		bin=/usr/libexec/$(basename "$bin")
		[ -x "$bin" ] || return 1
	fi
	echo "$bin"
}
emu_probes() {
	local bin fn
	command -v perf >/dev/null || { echo "perf is not installed"; return 1; }
	bin=$(qemu_binary) || { echo "the QEMU binary was not found"; return 1; }
	perf probe -q -d 'paravane:*' >/dev/null 2>&1
	for fn in "${emu_functions[@]}"; do
		perf probe -q -x "$bin" "paravane:$fn" >/dev/null 2>&1 ||
			{ echo "perf cannot probe ${fn#*=} in $bin"; return 1; }
	done
}
# emu_boot PORT ARGS: the three counts of one boot and its row's operations.
emu_boot() {
	local stat="$work/emu.stat" ops
	qemu_command "$1" "$2"
	perf stat -x, -e paravane:refills,paravane:lookups,paravane:flushes,paravane:deliveries \
		-o "$stat" \
		timeout --kill-after=5 600 "${cmd[@]}" </dev/null >"$work/last.log" 2>&1
	ops=$(tr -d '\r' <"$work/last.log" |
		sed -n 's/^bench: [a-z_0-9]* median=.* n=\([0-9]*\) reps=\([0-9]*\).*/\1 \2/p' |
		awk '{ print $1 * ($2 + 1) }')
	[ -n "$ops" ] || die "the $1 run of \"$2\" printed no row (see $work/last.log)"
	echo "$ops $(awk -F, '/paravane:refills/ { r = $1 } /paravane:lookups/ { l = $1 }
		/paravane:flushes/ { f = $1 } /paravane:deliveries/ { d = $1 }
		END { print r, l, f, d }' "$stat")"
}
if [ "$mode" != smoke ]; then
	if why=$(emu_probes); then
		for port in "${ports[@]}"; do
			: >"$work/$port.emu.log"
			for row in $rows; do
				read -r o1 r1 l1 f1 d1 <<<"$(emu_boot "$port" "samples+$row")"
				read -r o0 r0 l0 f0 d0 <<<"$(emu_boot "$port" "smoke+$row")"
				awk -v row="$row" -v ops=$((o1 - o0)) -v r=$((r1 - r0)) -v l=$((l1 - l0)) \
					-v f=$((f1 - f0)) -v d=$((d1 - d0)) 'BEGIN {
					printf "bench: %s emu refills=%.1f lookups=%.1f flushes=%.2f deliveries=%.2f\n",
					row, r / ops, l / ops, f / ops, d / ops }' >>"$work/$port.emu.log"
			done
			sed "s/^/$port (emulator): /" "$work/$port.emu.log"
		done
		perf probe -q -d 'paravane:*' >/dev/null 2>&1
		export BENCH_EMU_PV="$work/pv.emu.log"
		[ "${#ports[@]}" = 2 ] && export BENCH_EMU_NATIVE="$work/native.emu.log"
	else
		echo "bench: no emulator counts: $why"
		export BENCH_EMU_SKIPPED="$why"
	fi
fi

qemu_command pv "$([ "$mode" = smoke ] && echo smoke || echo samples+ROW)"
export BENCH_PV_CMD="$shown"
export BENCH_MEM=$mem BENCH_ROUNDS_TEXT="$([ "$mode" = smoke ] && echo "one boot per port with every row (smoke)" ||
	echo "$rounds rounds; in each, every row in a boot of its own, the ports alternating")"
logs=("$work/pv.log")
if [ "${#ports[@]}" = 2 ]; then
	qemu_command native "$([ "$mode" = smoke ] && echo smoke || echo samples+ROW)"
	export BENCH_NATIVE_CMD="$shown"
	logs+=("$work/native.log")
fi
native=$((${#ports[@]} - 1))

BENCH_DATE=$(date -u +%Y-%m-%d)
BENCH_COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git status --porcelain -- hv guestos libc-shim examples 2>/dev/null)" ] &&
	BENCH_COMMIT="$BENCH_COMMIT + uncommitted changes"
BENCH_QEMU=$("$QEMU" --version | head -n1 | sed 's/ (.*//')
BENCH_HOST="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1), $(nproc) CPUs"
export BENCH_DATE BENCH_COMMIT BENCH_QEMU BENCH_HOST

python3 bench/report.py "$out" "${logs[@]}" || die "report.py failed"
gnuplot -e "dat='$out/ratios.dat'; out='$out/ratios.svg'; native=$native" bench/ratios.gp ||
	die "gnuplot failed"
rm -f "$out/ratios.dat"
echo "bench: wrote $out/REPORT.md and $out/ratios.svg"
