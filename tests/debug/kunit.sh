#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest, on the debug kernel: vtel's KUnit suites as a module
# (/extra/vtel_kunit.ko, built by tests/debug/build.sh), under KASAN,
# lockdep and kmemleak, and for their share of the gcov coverage. Each
# test case is one TAP line; every suite of kmod/tests must have run.
. /lab/lib.sh
KU=/extra/vtel_kunit.ko
K=/sys/kernel/debug/kunit
check ku-insmod "insmod vtel_kunit.ko failed" insmod $KU
suites=0
for r in $K/*/results; do
	[ -f "$r" ] || continue
	s=${r%/results}
	s=${s##*/}
	suites=$((suites + 1))
	# Cases are the lines one level in: "    ok N name" / "    not ok N name".
	awk -v s="$s" '
		/^    ok [0-9]+ / { $1 = $2 = ""; sub(/^ +/, ""); print "ok - ku-" s "-" $0 }
		/^    not ok [0-9]+ / { $1 = $2 = $3 = ""; sub(/^ +/, ""); print "not ok - ku-" s "-" $0 ": see the console" }
	' "$r"
	grep -q '^    not ok ' "$r" && cat "$r"
done
for s in $(cat /extra/suites); do
	check "ku-$s-ran" "no $K/$s/results" [ -f "$K/$s/results" ]
done
t_gt ku-suites-ran "$suites" 0
rmmod vtel_kunit && pass ku-rmmod || fail ku-rmmod "rmmod vtel_kunit"
kmemleak_vtel ku-kmemleak-vtel
lab_done
