#!/usr/bin/env bash
# Runs the ring-3 programs under qemu-i386, QEMU's Linux user-mode emulator. Our
# system-call ABI is Linux i386's, so the binaries must behave there exactly as
# expected before Paravane's kernel runs them. Checks each program's exact stdout,
# stderr and exit status, and the segment layout of every ELF.
#
# Usage: tests/user/run.sh BUILD_DIR   (after `make user`)
# Prints "PASS name" or "FAIL name: reason" per check; exits non-zero on a failure.
set -uo pipefail
build=${1:?usage: tests/user/run.sh BUILD_DIR}
build=$(cd "$build" && pwd) || exit 1
cd "$(dirname "$0")/../.." || exit 1
QEMU_USER=${QEMU_USER:-qemu-i386}
READELF=${CROSS:-i686-linux-gnu-}readelf
TIMEOUT=${USER_TEST_TIMEOUT:-60}
failed=0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ulimit -c 0 # a program killed on purpose must not leave a core file

pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1: $2"
	failed=$((failed + 1))
}

for tool in "$QEMU_USER" "$READELF" timeout; do
	command -v "$tool" >/dev/null || {
		fail "user/setup" "$tool not found (Debian packages qemu-user, binutils-i686-linux-gnu)"
		exit 1
	}
done

# Compares file $2 with the expected text $3 (one line per line; "" = empty).
same_text() { # name file expected what
	local want=$work/want
	if [ -n "$3" ]; then printf '%s\n' "$3" >"$want"; else : >"$want"; fi
	diff -u "$want" "$2" >"$work/diff" && return 0
	fail "$1" "$4 differs from what was expected (- expected, + got)"
	tail -n +3 "$work/diff" | head -n 40 | sed 's/^/    /'
	return 1
}

# run_case NAME STATUS STDOUT STDERR -- COMMAND...: runs COMMAND with an empty
# environment; process ids in its stdout ("pid 1234") read as "pid N".
run_case() {
	local name=$1 want_status=$2 want_out=$3 want_err=$4 status
	shift 5
	timeout "$TIMEOUT" env -i "$@" >"$work/out" 2>"$work/err" </dev/null
	status=$?
	if [ "$status" = 124 ]; then
		fail "$name" "no exit within ${TIMEOUT} s"
		return
	fi
	sed -i -E 's/pid [0-9]+/pid N/g' "$work/out"
	if [ "$status" != "$want_status" ]; then
		fail "$name" "exit status $status, expected $want_status"
		sed 's/^/    stderr: /' "$work/err" | head -n 20
		return
	fi
	same_text "$name" "$work/out" "$want_out" stdout || return
	same_text "$name" "$work/err" "$want_err" stderr || return
	pass "$name"
}

# Static, not PIE, at 0x08048000: text R-X, rodata R, data RW, page-aligned; no
# interpreter, no dynamic section, a non-executable stack.
check_segments() { # elf
	local name
	name=segments/$(basename "$1" .elf)
	if ! "$READELF" -hlW "$1" >"$work/phdrs" 2>&1; then
		fail "$name" "readelf could not read $1"
		return
	fi
	local got
	got=$(awk '
		/^ *Type: / { print "type " $2 }
		$1 == "LOAD" {
			flags = ""; for (i = 7; i < NF; i++) flags = flags $i
			print "load " $3 " " flags " " $NF
			if ($2 !~ /000$/ || $3 !~ /000$/)
				print "unaligned " $3
		}
		$1 == "GNU_STACK" { flags = ""; for (i = 7; i < NF; i++) flags = flags $i; print "stack " flags }
		$1 == "INTERP" || $1 == "DYNAMIC" || $1 == "TLS" { print "unexpected " $1 }
	' "$work/phdrs")
	local first
	first=$(echo "$got" | awk '$1 == "load" { print $2; exit }')
	local shape
	shape=$(echo "$got" | awk '$1 == "load" { printf "%s/%s ", $3, $4 } $1 != "load" { printf "%s ", $0 }')
	local want="type EXEC RE/0x1000 R/0x1000 RW/0x1000 stack RW "
	if [ "$shape" != "$want" ] || [ "$first" != 0x08048000 ]; then
		fail "$name" "segments are [$shape] first at $first; expected [$want] first at 0x08048000"
		return
	fi
	pass "$name"
}

echo "== ring-3 programs under $QEMU_USER (the Linux i386 ABI is ours)"

hello=$build/examples/hello.elf
forkpipe=$build/examples/forkpipe.elf
shimtest=$build/user/tests/shimtest.elf
for elf in "$hello" "$forkpipe" "$shimtest"; do
	[ -f "$elf" ] || fail "user/build" "$elf is missing (make user)"
done
[ "$failed" = 0 ] || exit 1

run_case hello 0 "hello from ring 3
argc=3
argv[0]=hello
argv[1]=one
argv[2]=two words
malloc: 262144 bytes ok, 1234567890123
HELLO_WHO=world" "hello: this line goes to stderr" \
	-- HELLO_WHO=world "$QEMU_USER" -0 hello "$hello" one "two words"

run_case hello-noargs 0 "hello from ring 3
argc=1
argv[0]=hello
malloc: 262144 bytes ok, 1234567890123
HELLO_WHO=(unset)" "hello: this line goes to stderr" \
	-- "$QEMU_USER" -0 hello "$hello"

run_case forkpipe 0 "pipe: read fd 3, write fd 4
parent read the child's message: \"ping through the pipe from pid N\"
child exited with status 7
waitpid again: No children" "" \
	-- "$QEMU_USER" -0 forkpipe "$forkpipe"

# Its execve is the host kernel's: the host must run i386 ELFs, natively or
# through binfmt_misc (ci/install-deps.sh registers qemu-i386 where needed).
"$shimtest" --exit 0 >/dev/null 2>&1 ||
	fail "user/i386-exec" "this host does not run i386 ELFs, so execve under $QEMU_USER fails: run ci/install-deps.sh as root"
mkdir "$work/scratch"
run_case shimtest 0 "$(cat tests/user/shimtest/expected.stdout)" "" \
	-- "$QEMU_USER" "$shimtest" "$work/scratch" "$shimtest"

run_case exit-status 3 "" "" -- "$QEMU_USER" "$shimtest" --exit 3

for elf in "$build"/examples/*.elf "$build"/user/tests/*.elf; do
	check_segments "$elf"
done

[ "$failed" = 0 ]
