#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tests/kernels.sh [--host] - print the supported kernels to build and
# test for, oldest first:
# - the newest installed kernel of each Debian 12 series (6.1, 6.12) that
#   has both its headers and its kvm modules;
# - the newest kernel in Debian (sid's), when tests/sid/setup.sh has made
#   its build chroot and lab kernel ($VTEL_CACHE/sid). Not with --host:
#   it is not installed on the host (for install and DKMS tests).
for series in 6.1 6.12; do
	ls -d /lib/modules/"$series".*/build 2>/dev/null |
		sed 's|/lib/modules/||; s|/build$||' |
		while read -r k; do
			[ -d /lib/modules/"$k"/kernel/arch/x86/kvm ] && echo "$k"
		done | sort -V | tail -n 1
done
[ "${1:-}" = --host ] && exit 0
"$(dirname "$0")"/sid/setup.sh --check && cat "${VTEL_CACHE:-/var/tmp/vtel-cache}/sid/kver"
exit 0
