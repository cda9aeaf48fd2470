#!/usr/bin/env bash
# shellcheck disable=SC2317  # (functions called from traps look unreachable)
# Boots a multiboot kernel plus modules under Bochs (via a GRUB ISO) and
# captures COM1.  Bochs, unlike QEMU TCG, enforces segment limits.
#
#   tests/bochs/run-bochs.sh OUT_SERIAL_FILE TIMEOUT_SECONDS KERNEL_ELF "KERNEL ARGS" \
#                            MODULE1_ELF "MODULE1 ARGS" [MODULE2_ELF "MODULE2 ARGS" ...]
#
# The kernel's multiboot command line is "KERNEL ARGS" (GRUB does not prepend
# the kernel's file name; QEMU -kernel does).  Each module's command line is
# its file name (basename) followed by its args, as with QEMU's
# -initrd "dir/file args" (QEMU keeps the path as given: "dir/file args").
# Args are split on blanks; each word reaches the kernel as written except
# that GRUB puts a backslash before \ ' and ".
#
# OUT_SERIAL_FILE is everything written to COM1, GRUB's output included: it
# starts with GRUB's screen-clearing escapes and "  Booting `paravane'\n\r\n\r",
# so the kernel's first line is preceded by a carriage return.  Match
# the kernel's lines unanchored, or strip \r first.  A guest must wait for the
# UART to be empty (LSR bit 6) before its "Shutdown": Bochs drops what is
# still in the UART when it exits.
#
# The guest ends Bochs by writing the string "Shutdown" to port 0x8900.  A
# triple fault ends Bochs too (reset_on_triple_fault=0), instead of rebooting.
#
# Exit status: 0 if Bochs ended by itself (shutdown port, triple fault, panic:
# the serial output is the verdict; a one-line reason goes to stderr),
# 124 if it was still running after TIMEOUT_SECONDS (and was killed),
# 2 on a usage or setup error (bad arguments, missing tools, ISO build failed).
# OUT_SERIAL_FILE is written in every case where Bochs ran (possibly empty).
#
# Fully non-interactive: needs no tty and never touches the caller's terminal.
# Debian's bochs has only terminal displays and is built with its debugger, so
# it runs inside `script` (a private pty) with a debugger rc file holding "c";
# script's stdin is /dev/null and its output (curses screen, debugger
# chatter) goes to a file in the temp dir.
#
# Environment:
#   BOCHS           bochs binary (default: bochs)
#   BOCHS_CPU       the bochsrc "cpu:" line's options
#                   (default: model=core2_penryn_t9600, has PAE NX APIC TSC)
#   BOCHS_BIOS      BIOS image   (default: /usr/share/bochs/BIOS-bochs-latest)
#   BOCHS_VGABIOS   VGA BIOS     (default: /usr/share/vgabios/vgabios.bin)
#   RUN_BOCHS_KEEP  if 1, keep the temp dir (ISO, bochsrc, bochs.log,
#                   term.log) and print its path on stderr
#   RUN_BOCHS_LOG   if set, copy bochs.log there

set -u

me=run-bochs
die() { echo "$me: $*" >&2; exit 2; }

if [ $# -lt 4 ] || [ $(( ($# - 4) % 2 )) -ne 0 ]; then
    cat >&2 <<EOF
usage: $0 OUT_SERIAL_FILE TIMEOUT_SECONDS KERNEL_ELF "KERNEL ARGS" [MODULE_ELF "MODULE ARGS"]...
EOF
    exit 2
fi

out=$1 tmo=$2 kernel=$3 kargs=$4
shift 4
case $tmo in ''|*[!0-9]*) die "TIMEOUT_SECONDS must be a whole number: '$tmo'";; esac
[ "$tmo" -gt 0 ] || die "TIMEOUT_SECONDS must be positive"
[ -f "$kernel" ] || die "no such kernel: $kernel"
mods=() margs=()
while [ $# -gt 0 ]; do
    [ -f "$1" ] || die "no such module: $1"
    mods+=("$1") margs+=("$2")
    shift 2
done

bochs=${BOCHS:-bochs}
cpu=${BOCHS_CPU:-model=core2_penryn_t9600}
bios=${BOCHS_BIOS:-/usr/share/bochs/BIOS-bochs-latest}
vgabios=${BOCHS_VGABIOS:-/usr/share/vgabios/vgabios.bin}
grubdir=/usr/lib/grub/i386-pc
for t in "$bochs" grub-mkrescue xorriso script timeout; do
    command -v "$t" >/dev/null 2>&1 || die "missing tool: $t (Debian: bochs bochs-term bochsbios vgabios grub-pc-bin grub-common xorriso mtools)"
done
[ -f "$bios" ] || die "no BIOS image $bios (Debian package bochsbios)"
[ -f "$vgabios" ] || die "no VGA BIOS image $vgabios (Debian package vgabios)"
[ -d "$grubdir" ] || die "no $grubdir (Debian package grub-pc-bin)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/run-bochs.XXXXXX") || die "mktemp failed"

# Kills the Bochs we started, if it is still there (pid written by the shell
# that exec'd it, checked against /proc so a reused pid is left alone).
kill_bochs() {
    local pid
    pid=$(cat "$tmp/bochs.pid" 2>/dev/null) || return 0
    case $pid in ''|*[!0-9]*) return 0;; esac
    local i
    for i in 1 2 3 4 5 6 7 8 9 10; do
        [ -d "/proc/$pid" ] || return 0
        grep -qa "bochsrc" "/proc/$pid/cmdline" 2>/dev/null || return 0
        if [ "$i" -lt 5 ]; then kill -TERM "$pid" 2>/dev/null
        else kill -KILL "$pid" 2>/dev/null; fi
        sleep 0.2
    done
}
cleanup() {
    kill_bochs
    if [ "${RUN_BOCHS_KEEP:-0}" = 1 ]; then
        echo "$me: kept $tmp" >&2
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# GRUB reads a word in single quotes literally (no $ expansion, no ; { }).
grub_quote() {
    local w=$1
    printf "'%s'" "${w//\'/\'\\\'\'}"
}
grub_words() {
    local w s=
    # Split on blanks on purpose, without globbing.
    set -f
    # shellcheck disable=SC2086
    set -- $1
    set +f
    for w in "$@"; do s+=" $(grub_quote "$w")"; done
    printf '%s' "$s"
}

# ---- ISO ----------------------------------------------------------------------
mkdir -p "$tmp/iso/boot/grub"
cp "$kernel" "$tmp/iso/boot/hv.elf" || die "cannot copy $kernel"
{
    echo "serial --unit=0 --speed=115200"
    echo "terminal_input serial"
    echo "terminal_output serial"
    echo "set timeout=0"
    echo "set default=0"
    echo "menuentry 'paravane' {"
    echo "    multiboot /boot/hv.elf$(grub_words "$kargs")"
    i=0
    for m in "${mods[@]+"${mods[@]}"}"; do
        i=$((i + 1))
        cp "$m" "$tmp/iso/boot/mod$i.elf" || die "cannot copy $m"
        echo "    module /boot/mod$i.elf$(grub_words "$(basename -- "$m") ${margs[$((i - 1))]}")"
    done
    echo "    boot"
    echo "}"
} > "$tmp/iso/boot/grub/grub.cfg"

# -d: BIOS GRUB only (no EFI image, which would need mformat and time).
if ! grub-mkrescue -d "$grubdir" --fonts= --locales= --themes= \
        -o "$tmp/boot.iso" "$tmp/iso" > "$tmp/mkrescue.log" 2>&1; then
    cat "$tmp/mkrescue.log" >&2
    die "grub-mkrescue failed"
fi

# ---- Bochs --------------------------------------------------------------------
# Relative file names: Bochs runs in $tmp.
cat > "$tmp/bochsrc" <<EOF
megs: 128
romimage: file="$bios", options=fastboot
vgaromimage: file="$vgabios"
cpu: $cpu, count=1, reset_on_triple_fault=0
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata1: enabled=0
ata0-master: type=cdrom, path=boot.iso, status=inserted
boot: cdrom
display_library: term
com1: enabled=1, mode=file, dev=serial.txt
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
mouse: enabled=0
log: bochs.log
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
EOF
echo c > "$tmp/dbg.rc"

start=$(date +%s.%N)
(
    cd "$tmp" || exit 2
    # script runs the command with $SHELL -c; that shell records its pid and
    # becomes bochs.  TERM must name a terminfo entry or curses gives up.
    export SHELL=/bin/sh TERM=xterm LINES=25 COLUMNS=80
    # On timeout, SIGKILL script at once (on SIGTERM it waits 2 s before
    # killing its child); closing the pty sends Bochs SIGHUP, which ends it,
    # and kill_bochs below makes sure.
    exec timeout --foreground -s KILL "$tmo" script -qfec \
        "echo \$\$ > bochs.pid; exec $bochs -q -f bochsrc -rc dbg.rc" /dev/null
) < /dev/null > "$tmp/term.log" 2>&1
rc=$?
end=$(date +%s.%N)
kill_bochs

if [ -f "$tmp/serial.txt" ]; then
    cp "$tmp/serial.txt" "$out" || die "cannot write $out"
else
    : > "$out" || die "cannot write $out"
fi
[ -n "${RUN_BOCHS_LOG:-}" ] && cp "$tmp/bochs.log" "$RUN_BOCHS_LOG" 2>/dev/null

secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
# timeout -s KILL reports 137 (script killed); make sure it was the timer.
if [ "$rc" = 137 ] && awk -v a="$start" -v b="$end" -v t="$tmo" 'BEGIN { exit !(b - a >= t) }'; then
    echo "$me: timed out after ${tmo}s; Bochs killed" >&2
    exit 124
fi
if grep -q 'Shutdown port: shutdown requested' "$tmp/bochs.log" 2>/dev/null; then
    echo "$me: guest shut Bochs down after ${secs}s" >&2
else
    why=$(grep -E '(PANIC|ERROR)' "$tmp/bochs.log" 2>/dev/null | tail -n 3)
    echo "$me: Bochs ended by itself after ${secs}s (status $rc) without the shutdown port${why:+:
$why}" >&2
fi
exit 0
