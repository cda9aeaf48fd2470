#!/usr/bin/env bash
# Boots hv + dom0 on Bochs with init=PROG from BUILD_DIR/userland.cpio and checks
# that the program reported no failure ("PROG: 0 failed") and that dom0 powered
# off cleanly.
#   run-program.sh BUILD_DIR PROG
# Bochs checks every segment access, as QEMU TCG does not: a kernel entry that
# ran on with user mode's null DS would fault here and pass under QEMU
# (examples/syscalls checks a getpid with null DS and ES).
set -uo pipefail
build=$1 prog=$2
here=$(dirname "$0")
serial="$build/tests/bochs-$prog.log"
mkdir -p "$build/tests"

bash "$here/run-bochs.sh" "$serial.raw" 120 "$build/hv.elf" "" "$build/dom0.elf" "init=$prog" \
	"$build/userland.cpio" ""
status=$?
tr -d '\r' <"$serial.raw" >"$serial"

fail() {
	echo "FAIL bochs_$prog: $1"
	tail -n 25 "$serial" | sed 's/^/    | /'
	exit 1
}
[ "$status" = 124 ] && fail "timed out"
[ "$status" = 0 ] || fail "Bochs harness failed (status $status)"
for want in "^$prog: 0 failed\$" '^hv: d0 shut down: poweroff$'; do
	grep -q -E -- "$want" "$serial" || fail "no line matching /$want/"
done
echo "PASS bochs_$prog"
