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

# execve inside qemu-i386 goes to the host kernel, so a ring-3 test that execs
# (shimtest) needs a host that runs i386 ELFs: natively (IA32 emulation) or,
# where the kernel refuses them (some VM hosts do), through binfmt_misc, which
# this registers to qemu-i386. Needs the cross toolchain and root.
i386_exec() {
	local dir
	dir=$(mktemp -d)
	printf '.globl _start\n_start: movl $1, %%eax\nxorl %%ebx, %%ebx\nint $0x80\n' >"$dir/t.S"
	i686-linux-gnu-gcc -nostdlib -static -o "$dir/t" "$dir/t.S" && "$dir/t" 2>/dev/null
	local rc=$?
	rm -rf "$dir"
	return $rc
}

ensure_i386_exec() {
	command -v i686-linux-gnu-gcc >/dev/null && command -v qemu-i386 >/dev/null || return 0
	i386_exec && return 0
	local misc=/proc/sys/fs/binfmt_misc
	if [ "$(id -u)" -ne 0 ]; then
		echo "This host cannot run i386 ELFs; as root, ci/install-deps.sh registers qemu-i386 for them (binfmt_misc)." >&2
		return 1
	fi
	[ -e "$misc/register" ] || mount -t binfmt_misc binfmt_misc "$misc"
	[ -e "$misc/paravane-i386" ] && echo -1 >"$misc/paravane-i386"
	# Static i386 executables (ELF class 32, little endian, e_type EXEC, e_machine 3).
	printf '%s' ':paravane-i386:M::\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x03\x00:\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:'"$(command -v qemu-i386)"':' >"$misc/register"
	i386_exec || {
		echo "i386 ELFs still do not run after registering qemu-i386 with binfmt_misc" >&2
		return 1
	}
	echo "Registered qemu-i386 for i386 ELFs (binfmt_misc: paravane-i386): this host does not run them."
}

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	ensure_i386_exec
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
ensure_i386_exec
