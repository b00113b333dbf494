#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/sid/setup.sh - create and cache the Debian sid build chroot and the
# sid lab kernel, for the third supported kernel: the newest in Debian.
#
#   tests/sid/setup.sh            create what is missing (idempotent)
#   tests/sid/setup.sh --check    exit 0 only if both are ready
#
# $VTEL_CACHE/sid/root   mmdebstrap chroot: the newest sid kernel's headers
#                        (through linux-headers-amd64, so no fixed version),
#                        the gcc they were built with, sparse (the host's is
#                        too old for 7.x headers) and linux-perf
# $VTEL_CACHE/sid/lab    linux-binary, linux-modules and linux-base of that
#                        kernel, unpacked with dpkg -x (a LAB_ROOT for
#                        tests/lab/run.sh); nothing is installed on the host
# $VTEL_CACHE/sid/kver   the kernel release, e.g. 7.2.13+deb14-amd64
#
# The mirror is the one the host's apt uses (VTEL_SID_MIRROR overrides it).
# sid's Release file can be past its Valid-Until date on that mirror, so
# the chroot's source line says check-valid-until=no: for that suite only.
set -euo pipefail

CACHE=${VTEL_CACHE:-/var/tmp/vtel-cache}
SID=$CACHE/sid
ROOT=$SID/root
LAB=$SID/lab
PKGS="linux-headers-amd64 make libelf-dev xz-utils kmod sparse linux-perf"

die() { echo "sid/setup.sh: error: $*" >&2; exit 1; }

ready() {
	[ -f "$ROOT/.vtel-ready" ] && [ -f "$LAB/.vtel-ready" ] && [ -s "$SID/kver" ]
}

if [ "${1:-}" = --check ]; then
	ready
	exit
fi

# The first Debian mirror of the host's sources (one-line or deb822).
host_mirror() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {
			if ($(i + 1) !~ /-security$/ && $i ~ /debian\/?$/) print $i; break } }' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk 'BEGIN { RS = ""; FS = "\n" }
		{ uri = ""; sec = 0
		  for (i = 1; i <= NF; i++) {
			if ($i ~ /^URIs:/) { split($i, a, /[ \t]+/); uri = a[2] }
			if ($i ~ /^Suites:.*-security/) sec = 1
		  }
		  if (uri ~ /debian\/?$/ && !sec) print uri }' "$f"
	done
}

mkdir -p "$SID"
exec 9>"$SID/.lock"
flock 9
ready && exit 0

t0=$(date +%s)
if [ ! -f "$ROOT/.vtel-ready" ]; then
	mirror=${VTEL_SID_MIRROR:-$(host_mirror | head -n 1)}
	[ -n "$mirror" ] || die "no Debian mirror in /etc/apt/sources.list*; set VTEL_SID_MIRROR"
	command -v mmdebstrap >/dev/null || die "mmdebstrap is not installed (make deps)"
	echo "sid: creating the build chroot from $mirror (a few minutes)"
	rm -rf "$ROOT" "$ROOT.tmp"
	# No docs, man pages or locales: a build chroot needs none of them.
	mmdebstrap --variant=apt --mode=root --quiet \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--dpkgopt='path-exclude=/usr/share/info/*' \
		--include="${PKGS// /,}" \
		sid "$ROOT.tmp" "deb [check-valid-until=no] $mirror sid main"
	# kbuild runs scripts/checker-valid.sh before sparse; the headers
	# package lacks it, and without it C=2 quietly checks nothing.
	for d in "$ROOT.tmp"/usr/src/linux-headers-*-common; do
		[ -e "$d/scripts/checker-valid.sh" ] ||
			! grep -q checker-valid.sh "$d/Makefile" ||
			install -m 755 "$(dirname "$0")/checker-valid.sh" "$d/scripts/"
	done
	touch "$ROOT.tmp/.vtel-ready"
	mv "$ROOT.tmp" "$ROOT"
fi

# The headers linux-headers-amd64 pulled in: the newest sid kernel.
kver=$(cd "$ROOT/usr/src" && ls -d linux-headers-*-amd64 | sed 's/^linux-headers-//' |
	sort -V | tail -n 1)
if [ -z "$kver" ] || [ ! -d "$ROOT/lib/modules/$kver/build" ]; then
	die "no kernel headers in $ROOT"
fi

if [ ! -f "$LAB/.vtel-ready" ] || [ "$(cat "$SID/kver" 2>/dev/null)" != "$kver" ]; then
	echo "sid: unpacking the $kver lab kernel"
	rm -rf "$LAB" "$LAB.tmp" "$ROOT/tmp/vtel-debs"
	mkdir -p "$LAB.tmp" "$ROOT/tmp/vtel-debs"
	chroot "$ROOT" chown _apt /tmp/vtel-debs
	# mmdebstrap leaves no package lists behind.
	ls "$ROOT"/var/lib/apt/lists/*_Packages* >/dev/null 2>&1 ||
		chroot "$ROOT" apt-get update -q
	chroot "$ROOT" sh -c "cd /tmp/vtel-debs && apt-get download -q \
		linux-binary-$kver linux-modules-$kver linux-base-$kver"
	for d in "$ROOT"/tmp/vtel-debs/*.deb; do dpkg -x "$d" "$LAB.tmp"; done
	rm -rf "$ROOT/tmp/vtel-debs"
	[ -r "$LAB.tmp/usr/lib/modules/$kver/vmlinuz" ] ||
		die "no vmlinuz in linux-binary-$kver"
	touch "$LAB.tmp/.vtel-ready"
	mv "$LAB.tmp" "$LAB"
	echo "$kver" >"$SID/kver"
fi
echo "sid: $kver ready in $SID ($(du -sh "$SID" | cut -f1), $(( $(date +%s) - t0 ))s)"
