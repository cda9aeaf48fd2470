#!/usr/bin/env bash
# Installs the Debian packages Paravane needs to build and test, if missing.
# As root it runs apt-get; otherwise it names the packages to install.
# --quiet: say nothing when everything is already there.
set -euo pipefail

PACKAGES=(
	gcc-i686-linux-gnu binutils-i686-linux-gnu # freestanding i686 cross toolchain
	qemu-system-x86                            # qemu-system-i386, TCG
	libcmocka-dev                              # host unit tests
	bochs bochsbios vgabios bochs-term         # segment-limit isolation test
	grub-pc-bin grub-common xorriso mtools     # GRUB ISO for Bochs
	cpio                                       # dom0 initrd archives
	newlib-source xz-utils                     # newlib for ring-3 programs
	qemu-user                                  # runs them on the Linux i386 ABI
	gcc make                                   # host tools
	gdb                                        # make debug
	clang-format                               # make format, checked by make check
	python3                                    # test image mutator
	bsdutils                                   # script(1) to give Bochs a tty
	gnuplot-nox                                # make bench: bench/ratios.svg
	linux-perf                                 # make bench: the emulator's counts
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	[ "${1:-}" = --quiet ] || echo "All build and test dependencies are installed."
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "Paravane needs these Debian packages: ${missing[*]}" >&2
	echo "Install them with: sudo apt-get install ${missing[*]}" >&2
	exit 1
fi

echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
