#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tests/lab/perf-files.sh [ROOT] - the files the lab needs to run Debian's
# perf: the binary, its shared libraries and the dynamic loader (all land
# flat in /extra). ROOT is a chroot to take them from, e.g. the sid chroot
# for the sid kernel, whose perf must match it; default the host.
R=${1:-}
run() { if [ -n "$R" ]; then chroot "$R" "$@"; else "$@"; fi; }
P=$(run readlink -f /usr/bin/perf)
[ -n "$P" ] && [ -x "$R$P" ] || exit 1
echo "$R$P"
run ldd "$P" | awk -v r="$R" '/=> \// { print r $3 } /^\t\/lib64/ { print r $1 }' |
	sort -u
