#!/usr/bin/env bash
# Boots hv + dom0 on Bochs with one test group on dom0's command line and checks
# that exactly COUNT tests ran and all passed, and that dom0 powered off cleanly.
#   run-group.sh BUILD_DIR GROUP COUNT
# Bochs enforces segment limits (QEMU TCG does not), so the "isolation" group,
# whose ring-1 reads, writes and jumps at and above 0xF6800000 must each raise
# #GP, can only pass here. The "selftest" group runs here too, on a second CPU model.
set -uo pipefail
build=$1 group=$2 count=$3
here=$(dirname "$0")
serial="$build/tests/bochs-$group.log"
mkdir -p "$build/tests"

bash "$here/run-bochs.sh" "$serial.raw" 120 "$build/hv.elf" "" "$build/dom0.elf" "$group"
status=$?
tr -d '\r' <"$serial.raw" >"$serial"

fail() {
	echo "FAIL bochs_$group: $1"
	tail -n 25 "$serial" | sed 's/^/    | /'
	exit 1
}
[ "$status" = 124 ] && fail "timed out"
[ "$status" = 0 ] || fail "Bochs harness failed (status $status)"
for want in "^$group: $count passed, 0 failed\$" '^hv: d0 shut down: poweroff$'; do
	grep -q -E -- "$want" "$serial" || fail "no line matching /$want/"
done
echo "PASS bochs_$group"
