#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# scripts/checker-valid.sh for kernel header trees that lack it (Debian's
# linux-headers-7.2 packages omit it, while their Makefile runs it for C=1
# and C=2 and, when it is missing, turns the checker off with only a make
# warning). Prints 1 when CHECKER [FLAGS] exists and parses
# __typeof_unqual__, which 7.x headers use; 0 otherwise.
command -v "${1:-}" >/dev/null 2>&1 || { echo 0; exit 0; }
t=$(mktemp) || { echo 0; exit 0; }
printf 'int f(const int *p);\nint f(const int *p) { __typeof_unqual__(*p) x = *p; return x; }\n' >"$t"
# The checker reports errors on stderr but exits 0.
if out=$("$@" "$t" 2>&1) && ! printf '%s\n' "$out" | grep -q error; then
	echo 1
else
	echo 0
fi
rm -f "$t"
