#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the newest installed kernel of each supported series (6.1, 6.12)
# that has both its headers and its kvm modules.
for series in 6.1 6.12; do
	ls -d /lib/modules/"$series".*/build 2>/dev/null |
		sed 's|/lib/modules/||; s|/build$||' |
		while read -r k; do
			[ -d /lib/modules/"$k"/kernel/arch/x86/kvm ] && echo "$k"
		done | sort -V | tail -n 1
done
