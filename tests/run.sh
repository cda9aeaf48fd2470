#!/usr/bin/env bash
# `make check`: host unit tests, QEMU system tests, the Bochs isolation test.
# Ends with "N passed, N failed" and exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
build=${BUILD:-build}
passed=0
failed=0
failures=()

record() { # name status
	if [ "$2" = 0 ]; then passed=$((passed + 1)); else
		failed=$((failed + 1))
		failures+=("$1")
	fi
}

# Fixtures: hostile images and an initrd with known contents.
python3 tests/tools/mkbad.py "$build/dom0.elf" "$build/bad" || exit 1
{ echo "PARAVANE-INITRD-TEST"; head -c 4979 /dev/zero | tr '\0' 'x'; } >"$build/test-initrd.txt"
# dom0's initrd for the lifecycle tests: this same kernel, to be booted as domUs.
# Stripped: smaller to copy and stage while the hypervisor builds a domain.
rm -rf "$build/domus" && mkdir -p "$build/domus" &&
	"${CROSS:-i686-linux-gnu-}strip" -o "$build/domus/domu.elf" "$build/dom0.elf" || exit 1
(cd "$build/domus" && echo domu.elf | cpio --quiet -o -H newc) >"$build/domus.cpio" || exit 1
# init='s programs (tests/system/user_*.test): build/examples/NAME.elf as /NAME, stripped.
rm -rf "$build/userland" && mkdir -p "$build/userland" && for elf in "$build"/examples/*.elf; do
	"${CROSS:-i686-linux-gnu-}strip" -o "$build/userland/$(basename "$elf" .elf)" "$elf" || exit 1
done && (cd "$build/userland" && ls | cpio --quiet -o -H newc) >"$build/userland.cpio" || exit 1

echo "== formatting (clang-format --dry-run against .clang-format)"
make -s format-check >"$build/format.log" 2>&1
status=$?
[ "$status" = 0 ] && echo "PASS format" || { echo "FAIL format"; head -n 20 "$build/format.log"; }
record "format" "$status"

echo "== bench/report.py on made-up logs"
python3 tests/bench/test_report.py "$build/test-report" >"$build/test-report.log" 2>&1
status=$?
[ "$status" = 0 ] && echo "PASS bench_report" || { echo "FAIL bench_report"; cat "$build/test-report.log"; }
record "bench_report" "$status"

echo "== hot functions within a page (tests/tools/hot-layout.py)"
python3 tests/tools/hot-layout.py "$build" >"$build/hot-layout.log" 2>&1
status=$?
[ "$status" = 0 ] && echo "PASS hot_layout" || { echo "FAIL hot_layout"; cat "$build/hot-layout.log"; }
record "hot_layout" "$status"

echo "== bench/run.sh pairs: two pairs of boots of one row, and a row that does not exist"
pairs_out=$(BUILD="$build" bash bench/run.sh pairs null_syscall 2 2>&1)
status=$?
if [ "$status" = 0 ] &&
	grep -Eq '^bench: null_syscall PV/native of 2 pairs:( [0-9]+\.[0-9]{3}){2}$' <<<"$pairs_out" &&
	grep -Eq '^bench: null_syscall median [0-9]+\.[0-9]{3}$' <<<"$pairs_out" &&
	! BUILD="$build" bash bench/run.sh pairs no_such_row 1 >/dev/null 2>&1; then
	echo "PASS bench_pairs"
	status=0
else
	echo "FAIL bench_pairs (status $status)"
	sed 's/^/    /' <<<"$pairs_out" | head -n 20
	status=1
fi
record "bench_pairs" "$status"

echo "== unit tests (cmocka, ASan + UBSan)"
unit_out="$(pwd)/$build/unit"
if ! make -s -C tests/unit O="$unit_out" all >"$build/unit-build.log" 2>&1; then
	cat "$build/unit-build.log"
	record "unit/build" 1
else
	for t in $(make -s -C tests/unit list); do
		out=$("$unit_out/$t" 2>&1)
		status=$?
		p=$(echo "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
		f=$(echo "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
		echo "$t: ${p:-0} passed, ${f:-0} failed"
		passed=$((passed + ${p:-0}))
		failed=$((failed + ${f:-0}))
		if [ "$status" != 0 ]; then
			echo "$out" | grep -E '^\[  (FAILED|ERROR)|^\[  FAILED' | sed 's/^/    /'
			echo "$out" | tail -n 20 | sed 's/^/    | /'
			[ -z "$f" ] && failed=$((failed + 1))
			failures+=("unit/$t")
		fi
	done
fi

echo "== system tests (QEMU TCG)"
for t in tests/system/*.test; do
	bash tests/system/run-qemu.sh "$t" "$build"
	status=$?
	record "system/$(basename "$t" .test)" "$status"
done

user_out=$(bash tests/user/run.sh "$build" 2>&1)
status=$?
echo "$user_out"
passed=$((passed + $(echo "$user_out" | grep -c '^PASS')))
failed=$((failed + $(echo "$user_out" | grep -c '^FAIL')))
if [ "$status" != 0 ]; then
	failures+=("user")
	echo "$user_out" | grep -q '^FAIL' || failed=$((failed + 1))
fi

echo "== native kernel (ring 0 on QEMU's bare PC; ring-3 output against PV's)"
native_out=$(bash tests/native/run.sh "$build" 2>&1)
status=$?
echo "$native_out"
passed=$((passed + $(echo "$native_out" | grep -c '^PASS')))
failed=$((failed + $(echo "$native_out" | grep -c '^FAIL')))
if [ "$status" != 0 ]; then
	failures+=("native")
	echo "$native_out" | grep -q '^FAIL' || failed=$((failed + 1))
fi

echo "== Bochs (segment checks enforced): isolation, the self-test on a second CPU, syscalls"
# The self-test must run as many tests on Bochs as it did under QEMU.
selftests=$(sed -n 's/^selftest: \([0-9]*\) passed, 0 failed$/\1/p' "$build/tests/boot_selftest.log")
for group_count in isolation:5 "selftest:${selftests:-unknown}"; do
	group=${group_count%:*} count=${group_count#*:}
	bash tests/bochs/run-dom0.sh "$build" "$group" "^$group: $count passed, 0 failed\$" "$group"
	record "bochs/$group" $?
done
bash tests/bochs/run-dom0.sh "$build" syscalls '^syscalls: 0 failed$' init=syscalls
record "bochs/syscalls" $?

echo
if [ "$failed" != 0 ]; then
	printf 'failed: %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
