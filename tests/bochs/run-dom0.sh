#!/usr/bin/env bash
# Boots hv + dom0 on Bochs with DOM0_ARGS (and the initrd BUILD_DIR/userland.cpio
# when DOM0_ARGS starts a program with init=) and checks that a serial line
# matches WANT and that dom0 powered off cleanly. Prints PASS or FAIL bochs_NAME.
#   run-dom0.sh BUILD_DIR NAME WANT DOM0_ARGS
# Bochs enforces segment limits and null selectors, as QEMU TCG does not: the
# "isolation" group's ring-1 accesses at and above 0xF6800000 must raise #GP, and
# a kernel entry that ran on with user mode's null DS would fault here
# (examples/syscalls makes a getpid with null DS and ES). The "selftest" group
# runs here too, on a second CPU model.
set -uo pipefail
build=$1 name=$2 want=$3 args=$4
here=$(dirname "$0")
serial="$build/tests/bochs-$name.log"
mkdir -p "$build/tests"

modules=("$build/dom0.elf" "$args")
[[ $args == init=* ]] && modules+=("$build/userland.cpio" "")
bash "$here/run-bochs.sh" "$serial.raw" 120 "$build/hv.elf" "" "${modules[@]}"
status=$?
tr -d '\r' <"$serial.raw" >"$serial"

fail() {
	echo "FAIL bochs_$name: $1"
	tail -n 25 "$serial" | sed 's/^/    | /'
	exit 1
}
[ "$status" = 124 ] && fail "timed out"
[ "$status" = 0 ] || fail "Bochs harness failed (status $status)"
for line in "$want" '^hv: d0 shut down: poweroff$'; do
	grep -q -E -- "$line" "$serial" || fail "no line matching /$line/"
done
echo "PASS bochs_$name"
