#!/usr/bin/env bash
# Runs one system test under QEMU TCG and checks it.
#   run-qemu.sh TEST_FILE BUILD_DIR
# A test file holds lines "key: value":
#   hv:      hypervisor command line (optional)
#   kernel:  dom0 image, relative to BUILD_DIR (default dom0.elf), then its args;
#            NONE for no module at all
#   initrd:  second module, relative to BUILD_DIR, then its args (optional)
#   exit:    the exact QEMU exit status required
#   expect:  an extended regex that must match a serial line; expects match in order
#   anywhere: an extended regex that must match some serial line, in any order
#            (for output of domains that run concurrently)
#   reject:  an extended regex that must match no serial line
#   timeout: seconds (default 30)
#   memory:  the machine's RAM in MiB (default 128)
#   stdin:   a line typed on the serial console (QEMU's stdin) one second in
# Prints "PASS name" or "FAIL name: reason" (and the log's tail); exit 0 on pass.
set -uo pipefail
test_file=$1
build=$2
name=$(basename "$test_file" .test)
log="$build/tests/$name.log"
mkdir -p "$build/tests"

field() { sed -n "s/^$1:[[:space:]]*//p" "$test_file"; }

hv_args=$(field hv | head -n1)
kernel=$(field kernel | head -n1)
[ -n "$kernel" ] || kernel="dom0.elf"
initrd_line=$(field initrd | head -n1)
want_exit=$(field exit | head -n1)
timeout_s=$(field timeout | head -n1)
[ -n "$timeout_s" ] || timeout_s=30

modules=(-initrd "$build/$kernel")
if [ "$kernel" = NONE ]; then
	modules=()
elif [ -n "$initrd_line" ]; then
	modules=(-initrd "$build/$kernel,$build/$initrd_line")
fi

memory=$(field memory | head -n1)
[ -n "$memory" ] || memory=128
stdin_line=$(field stdin | head -n1)
feed() { # what QEMU reads from its stdin (the serial console)
	if [ -n "$stdin_line" ]; then sleep 1; printf '%s\n' "$stdin_line"; fi
}
feed | timeout --kill-after=5 "$timeout_s" qemu-system-i386 -accel "${QEMU_ACCEL:-tcg}" \
	-cpu qemu32,+nx -m "$memory" -nodefaults -bios /usr/share/qemu/qboot.rom \
	-display none -serial stdio -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel "$build/hv.elf" -append "$hv_args" "${modules[@]}" >"$log" 2>&1
status=${PIPESTATUS[1]}
tr -d '\r' <"$log" >"$log.txt" && mv "$log.txt" "$log"

fail() {
	echo "FAIL $name: $1"
	tail -n 25 "$log" | sed 's/^/    | /'
	exit 1
}

[ "$status" = 124 ] && fail "timed out after ${timeout_s}s"
[ "$status" = "$want_exit" ] || fail "exit status $status, expected $want_exit"

# Every expect must match, in order.
line=0
while IFS= read -r re; do
	found=$(tail -n +"$((line + 1))" "$log" | grep -n -E -m1 -- "$re" | cut -d: -f1)
	[ -n "$found" ] || fail "no line matching /$re/ (in order)"
	line=$((line + found))
done < <(field expect)

while IFS= read -r re; do
	[ -z "$re" ] && continue
	grep -q -E -- "$re" "$log" || fail "no line matching /$re/ (anywhere)"
done < <(field anywhere)

while IFS= read -r re; do
	[ -z "$re" ] && continue
	grep -q -E -- "$re" "$log" && fail "a line matches the rejected /$re/"
done < <(field reject)

echo "PASS $name"
