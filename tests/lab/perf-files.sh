#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The files the lab needs to run Debian's perf: the binary, its shared
# libraries and the dynamic loader (all land flat in /extra).
P=$(readlink -f /usr/bin/perf)
[ -x "$P" ] || exit 1
echo "$P"
ldd "$P" | awk '/=> \// { print $3 } /^\t\/lib64/ { print $1 }' |
	sort -u
