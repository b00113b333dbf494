#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Prints a directory holding the kernel's YNL client (tools/net/ynl) and its
# genetlink schemas (Documentation/netlink) from linux-source-6.12: the
# tree tests/kunit/run.sh extracts into $VTEL_CACHE when it is there, or
# just those two directories extracted into $VTEL_CACHE/ynl-src (once).
set -eu
CACHE=${VTEL_CACHE:-/var/tmp/vtel-cache}
TAR=${VTEL_KERNEL_TAR:-/usr/src/linux-source-6.12.tar.xz}
for d in "$CACHE/linux-source-6.12" "$CACHE/ynl-src/linux-source-6.12"; do
	if [ -f "$d/tools/net/ynl/lib/ynl.py" ] &&
	   [ -f "$d/Documentation/netlink/genetlink.yaml" ]; then
		echo "$d"
		exit 0
	fi
done
[ -r "$TAR" ] || { echo "ynl-src.sh: no kernel tree and no $TAR" >&2; exit 1; }
mkdir -p "$CACHE/ynl-src"
(
	flock 9
	d=$CACHE/ynl-src/linux-source-6.12
	if [ ! -f "$d/tools/net/ynl/lib/ynl.py" ]; then
		tmp=$(mktemp -d "$CACHE/ynl-src/.x.XXXXXX")
		tar -C "$tmp" -xJf "$TAR" linux-source-6.12/tools/net/ynl \
			linux-source-6.12/Documentation/netlink >&2
		rm -rf "$d"
		mv "$tmp/linux-source-6.12" "$d"
		rmdir "$tmp"
	fi
) 9>"$CACHE/ynl-src/.lock"
echo "$CACHE/ynl-src/linux-source-6.12"
