#!/usr/bin/env bash
# Builds the Bochs-harness selftest kernel into OUT_DIR/selftest.elf.
#   tests/bochs/selftest/build.sh OUT_DIR
set -euo pipefail
if [ $# -ne 1 ]; then
    echo "usage: $0 OUT_DIR" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
out=$1
cross=${CROSS:-i686-linux-gnu-}
mkdir -p "$out"
"${cross}gcc" -m32 -c -ffreestanding -nostdinc -fno-pic -fno-pie \
    -Wa,--fatal-warnings -o "$out/selftest.o" "$here/selftest.S"
"${cross}ld" -m elf_i386 -nostdlib -static --build-id=none -z noexecstack --no-warn-rwx-segments \
    -T "$here/linker.ld" -o "$out/selftest.elf" "$out/selftest.o"
rm -f "$out/selftest.o"
