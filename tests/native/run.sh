#!/usr/bin/env bash
# The guest kernel natively in ring 0 (BUILD_DIR/native.elf) on QEMU's bare PC:
# each tests/native/*.test boots it and checks the serial console and the exact
# exit status; then the ring-3 programs must print the same under the native
# kernel as under the hypervisor (BUILD_DIR/hv.elf + dom0.elf).
#
# Usage: tests/native/run.sh BUILD_DIR   (after `make all native`: user included)
#
# A test file holds lines "key: value":
#   append:  the kernel's command line (QEMU -append; optional)
#   initrd:  "FILE ARGS": the multiboot module, FILE relative to the test's
#            work directory (userland.cpio: BUILD_DIR/examples/*.elf, stripped,
#            as /NAME); its ARGS join the kernel's command line (optional)
#   exit:    the exact QEMU exit status required ((reason << 1) | 1)
#   expect:  an extended regex that must match a whole serial line; in order
#   reject:  an extended regex that must match no serial line
#   timeout: seconds (default 30)
# Prints "PASS native/name" or "FAIL native/name: reason" (and the log's tail);
# exits non-zero if anything failed.
set -uo pipefail
build=${1:?usage: tests/native/run.sh BUILD_DIR}
cd "$(dirname "$0")/../.." || exit 1
work="$build/tests/native"
mkdir -p "$work"
QEMU=${QEMU:-qemu-system-i386}
failed=0
passed=0

pass() {
	echo "PASS native/$1"
	passed=$((passed + 1))
}
fail() { # name reason [log]
	echo "FAIL native/$1: $2"
	[ -n "${3:-}" ] && [ -f "$3" ] && tail -n 25 "$3" | sed 's/^/    | /'
	failed=$((failed + 1))
}

# boot LOG EXIT_FILE KERNEL [QEMU args...]: one boot under TCG, always bounded.
boot() {
	local log=$1 status_file=$2 kernel=$3
	shift 3
	timeout --kill-after=5 "$timeout_s" "$QEMU" -accel "${QEMU_ACCEL:-tcg}" \
		-cpu qemu32,+nx -m 128 -nodefaults -bios /usr/share/qemu/qboot.rom \
		-display none -serial stdio -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel "$kernel" "$@" </dev/null >"$log.raw" 2>&1
	echo $? >"$status_file"
	tr -d '\r' <"$log.raw" >"$log" && rm -f "$log.raw"
}

if [ ! -f "$build/native.elf" ]; then
	fail setup "$build/native.elf is missing (make native)"
	exit 1
fi

# The initrd: every example program, stripped, as /NAME (as tests/run.sh makes it).
rm -rf "$work/userland" && mkdir -p "$work/userland"
for elf in "$build"/examples/*.elf; do
	[ -f "$elf" ] || continue
	"${CROSS:-i686-linux-gnu-}strip" -o "$work/userland/$(basename "$elf" .elf)" "$elf" || exit 1
done
(cd "$work/userland" && ls | cpio --quiet -o -H newc) >"$work/userland.cpio" || exit 1
[ -s "$work/userland/hello" ] || echo "note: no $build/examples/*.elf (make user): the program tests will fail"

# ---- The test files -------------------------------------------------------------
for test_file in tests/native/*.test; do
	name=$(basename "$test_file" .test)
	field() { sed -n "s/^$1:[[:space:]]*//p" "$test_file"; }
	append=$(field append | head -n1)
	initrd=$(field initrd | head -n1)
	want_exit=$(field exit | head -n1)
	timeout_s=$(field timeout | head -n1)
	[ -n "$timeout_s" ] || timeout_s=30
	args=(-append "$append")
	[ -n "$initrd" ] && args+=(-initrd "$work/$initrd")
	log="$work/$name.log"
	boot "$log" "$log.status" "$build/native.elf" "${args[@]}"
	status=$(cat "$log.status")

	if [ "$status" = 124 ] || [ "$status" = 137 ]; then
		fail "$name" "timed out after ${timeout_s}s" "$log"
		continue
	fi
	if [ "$status" != "$want_exit" ]; then
		fail "$name" "exit status $status, expected $want_exit" "$log"
		continue
	fi
	ok=1
	line=0
	while IFS= read -r re; do
		found=$(tail -n +"$((line + 1))" "$log" | grep -n -x -E -m1 -- "$re" | cut -d: -f1)
		if [ -z "$found" ]; then
			fail "$name" "no line matching /^$re\$/ (in order)" "$log"
			ok=0
			break
		fi
		line=$((line + found))
	done < <(field expect)
	[ "$ok" = 1 ] || continue
	while IFS= read -r re; do
		[ -z "$re" ] && continue
		if grep -q -E -- "$re" "$log"; then
			fail "$name" "a line matches the rejected /$re/" "$log"
			ok=0
			break
		fi
	done < <(field reject)
	[ "$ok" = 1 ] && pass "$name"
done

# ---- The same programs under the hypervisor: the same output ---------------------
# What the core prints from kernel_main on, with init's free-frame and heap counts
# (which differ: dom0 has 32 MiB, the bare PC 128) reduced to "equal" or not.
program_output() {
	sed -n '/^guest: Paravane guest kernel, command line/,/^guest: shutting down/p' "$1" |
		sed -E 's/; free frames ([0-9]+) -> ([0-9]+), heap ([0-9]+) -> ([0-9]+) bytes$/; frames \1 \2 heap \3 \4/' |
		awk '/; frames [0-9]+ [0-9]+ heap/ { n = split($0, w, " ");
			eq = (w[n-4] == w[n-3] && w[n-1] == w[n]) ? "nothing leaked" : "LEAKED";
			sub(/; frames [0-9]+ [0-9]+ heap [0-9]+ [0-9]+$/, "; " eq) } { print }'
}

if [ -f "$build/hv.elf" ] && [ -f "$build/dom0.elf" ]; then
	timeout_s=60
	for init in "hello:one+two" "forkpipe" "hello;forkpipe;hello:again"; do
		name="same_as_pv_$(echo "$init" | tr -c 'a-z0-9\n' '_')"
		boot "$work/$name.native.log" "$work/$name.native.status" "$build/native.elf" \
			-append "" -initrd "$work/userland.cpio init=$init"
		boot "$work/$name.pv.log" "$work/$name.pv.status" "$build/hv.elf" \
			-append "" -initrd "$build/dom0.elf init=$init,$work/userland.cpio"
		native_status=$(cat "$work/$name.native.status")
		pv_status=$(cat "$work/$name.pv.status")
		program_output "$work/$name.native.log" >"$work/$name.native.out"
		program_output "$work/$name.pv.log" >"$work/$name.pv.out"
		if [ "$native_status" != 1 ] || [ "$pv_status" != 1 ]; then
			fail "$name" "exit status native $native_status, PV $pv_status, expected 1 for both" \
				"$work/$name.native.log"
		elif ! grep -q "^init: .*; nothing leaked$" "$work/$name.native.out" ||
			grep -q "LEAKED" "$work/$name.native.out" "$work/$name.pv.out"; then
			fail "$name" "a program did not run, or leaked frames or heap" "$work/$name.native.out"
		elif ! diff -u "$work/$name.pv.out" "$work/$name.native.out" >"$work/$name.diff"; then
			fail "$name" "native output differs from PV's (< PV, > native)" "$work/$name.diff"
		else
			pass "$name"
		fi
	done
else
	fail same_as_pv "$build/hv.elf and $build/dom0.elf are missing (make): nothing to compare with"
fi

echo "native: $passed passed, $failed failed"
[ "$failed" = 0 ]
