#!/usr/bin/env bash
# Self-test of the Bochs harness: builds the selftest kernel, boots it under
# tests/bochs/run-bochs.sh and checks what it printed.
#   tests/bochs/selftest/check.sh [--all]
# --all also checks that a hung guest times out (exit 124) and that a triple
# fault ends Bochs instead of rebooting.  Exit 0 if all checks pass.
set -u
here=$(cd "$(dirname "$0")" && pwd)
run=$here/../run-bochs.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bochs-selftest.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "bochs-selftest: FAIL: $*" >&2; fail=1; }
has() { grep -aqF -- "$2" "$1" || bad "$(basename "$1") lacks '$2'"; }

"$here/build.sh" "$tmp" || exit 2
k=$tmp/selftest.elf

bash "$run" "$tmp/ok.txt" 60 "$k" "one two=2" "$k" "selftest x=1"
rc=$?
[ "$rc" = 0 ] || bad "normal run: exit $rc, want 0"
for s in "BOCHS-OK" "cmdline=[one two=2]" "mods=00000001" \
         "mod0=[selftest.elf selftest x=1] elf=1" \
         " pae=1 nx=1 apic=1 tsc=1" "segment-limit: #GP=1" "BOCHS-DONE"; do
    has "$tmp/ok.txt" "$s"
done

if [ "${1:-}" = --all ]; then
    bash "$run" "$tmp/hang.txt" 5 "$k" "hang" "$k" "x"
    rc=$?
    [ "$rc" = 124 ] || bad "hang run: exit $rc, want 124"
    has "$tmp/hang.txt" "hanging"
    bash "$run" "$tmp/triple.txt" 60 "$k" "triple" "$k" "x"
    rc=$?
    [ "$rc" = 0 ] || bad "triple-fault run: exit $rc, want 0"
    has "$tmp/triple.txt" "triple-faulting"
fi

if [ "$fail" = 0 ]; then echo "bochs-selftest: PASS"; else cat -v "$tmp/ok.txt" >&2; fi
exit "$fail"
