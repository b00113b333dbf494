#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tests/lab/prog-files.sh PROG [ROOT] - the files the lab needs to run a
# dynamically linked program of Debian's (perf, bpftrace): the binary, its
# shared libraries and the dynamic loader (all land flat in /extra). ROOT
# is a chroot to take them from, e.g. the sid chroot for the sid kernel,
# whose perf must match it; default the host.
B=${1:?usage: prog-files.sh PROG [ROOT]}
R=${2:-}
run() { if [ -n "$R" ]; then chroot "$R" "$@"; else "$@"; fi; }
P=$(run readlink -f "/usr/bin/$B")
[ -n "$P" ] && [ -x "$R$P" ] || exit 1
echo "$R$P"
run ldd "$P" | awk -v r="$R" '/=> \// { print r $3 } /^\t\/lib64/ { print r $1 }' |
	sort -u
