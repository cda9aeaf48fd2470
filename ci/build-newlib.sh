#!/usr/bin/env bash
# Builds newlib (from Debian's newlib-source) for ring-3 programs: i686-elf, with the
# i686-linux-gnu- cross tools, installed once into a cache outside the tree.
#
# Usage: ci/build-newlib.sh        (progress on stderr; the install prefix is the
#                                   last line on stdout, for make to capture)
# Cache: ${PARAVANE_CACHE:-$HOME/.cache/paravane}/newlib-3.3.0-<hash>/, where <hash>
# covers the flags, this script, the source tarball and the compiler version, so any
# change to them builds a fresh copy beside the old one. The stamp file .complete is
# written last and the directory appears by one rename, so an interrupted build
# leaves nothing that looks finished.
set -euo pipefail

NEWLIB_VERSION=3.3.0
TARBALL=/usr/src/newlib/newlib-$NEWLIB_VERSION.tar.xz
TOPDIR=newlib-salsa # the tarball's top folder (Debian's packaging names it so)
CROSS=i686-linux-gnu-
JOBS=2

CONFIGURE_ARGS=(
	--target=i686-elf
	--disable-multilib
	--disable-nls
	--enable-newlib-io-long-long
	--enable-newlib-io-c99-formats
)
# Without the -U's newlib believes it targets Linux: it turns on __DYNAMIC_REENT__
# and the large-file variants, which our system layer does not provide.
TARGET_CFLAGS="-O2 -g -U__linux__ -U__gnu_linux__ -Ulinux -U__unix__ -Uunix \
-fno-pie -fno-pic -fno-stack-protector"
TARGET_TOOLS=(AR=ar AS=as CC=gcc GCC=gcc LD=ld NM=nm OBJCOPY=objcopy OBJDUMP=objdump
	RANLIB=ranlib READELF=readelf STRIP=strip)

# Debian packages the build needs (the host gcc runs newlib's top-level configure).
PACKAGES=(newlib-source gcc-i686-linux-gnu binutils-i686-linux-gnu gcc make xz-utils)

say() { echo "build-newlib: $*" >&2; }
die() {
	say "$*"
	exit 1
}

install_missing() {
	local missing=() p
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] ||
		die "missing Debian packages: ${missing[*]} (sudo apt-get install ${missing[*]})"
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# Everything that changes the installed bytes goes into the key.
cache_key() {
	{
		echo "$NEWLIB_VERSION"
		printf '%s\n' "${CONFIGURE_ARGS[@]}" "$TARGET_CFLAGS" "$CROSS"
		sha256sum <"${BASH_SOURCE[0]}"
		sha256sum <"$TARBALL"
		"${CROSS}gcc" --version | head -n 1
	} | sha256sum | cut -c1-16
}

# Runs in $work: unpack, configure, build, install into $work/stage$prefix.
# Called as an `if` condition, where set -e is off: every step is chained.
build() {
	local work=$1 prefix=$2 t
	local tool_vars=()
	for t in "${TARGET_TOOLS[@]}"; do
		tool_vars+=("${t%%=*}_FOR_TARGET=${CROSS}${t#*=}")
	done
	# MAKEINFO=true: the info manuals are not needed and texinfo may be absent.
	tar -xJf "$TARBALL" -C "$work" &&
		mkdir "$work/build" &&
		cd "$work/build" &&
		"../$TOPDIR/configure" --prefix="$prefix" "${CONFIGURE_ARGS[@]}" \
			"${tool_vars[@]}" CFLAGS_FOR_TARGET="$TARGET_CFLAGS" &&
		make -j"$JOBS" MAKEINFO=true all-target-newlib &&
		make MAKEINFO=true DESTDIR="$work/stage" install-target-newlib
}

main() {
	install_missing
	[ -r "$TARBALL" ] || die "$TARBALL not found (Debian package newlib-source)"

	local cache=${PARAVANE_CACHE:-$HOME/.cache/paravane}
	local prefix
	mkdir -p "$cache"
	cache=$(cd "$cache" && pwd -P)
	prefix=$cache/newlib-$NEWLIB_VERSION-$(cache_key)

	if [ ! -f "$prefix/.complete" ]; then
		# One builder at a time per key (make -j may start us twice).
		exec 9>"$prefix.lock"
		flock 9
		[ -f "$prefix/.complete" ] || build_into "$cache" "$prefix"
	fi
	echo "$prefix"
}

build_into() {
	local cache=$1 prefix=$2 start
	WORK=$(mktemp -d "$cache/.newlib-build.XXXXXX")
	trap 'rm -rf "$WORK"' EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	# Work dirs of builds that were killed outright (SIGKILL, power loss).
	find "$cache" -maxdepth 1 -name '.newlib-build.*' -mmin +120 -exec rm -rf {} + || true
	start=$(date +%s)
	say "building newlib $NEWLIB_VERSION into $prefix (a minute or so on 2 cores)"
	if ! (build "$WORK" "$prefix") >"$WORK/build.log" 2>&1; then
		cp "$WORK/build.log" "$prefix.failed.log"
		tail -n 40 "$WORK/build.log" >&2
		die "build failed; full log: $prefix.failed.log"
	fi
	[ -f "$WORK/stage$prefix/i686-elf/lib/libc.a" ] || die "no libc.a after install"
	cp "$WORK/build.log" "$WORK/stage$prefix/build.log"
	echo "newlib $NEWLIB_VERSION built in $(($(date +%s) - start)) s" >"$WORK/stage$prefix/.complete"
	rm -rf "$prefix" "$prefix.failed.log" # a leftover without .complete
	mv -T "$WORK/stage$prefix" "$prefix"
	say "done in $(($(date +%s) - start)) s"
}

main "$@"
