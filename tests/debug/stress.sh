#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest, on the debug kernel: reload and churn vtel and kvm under load,
# inject allocation failures into vtel's init, and ask kmemleak. Lockdep,
# KASAN, UBSAN and RCU splats fail the run through the console scan.
. /lab/lib.sh
cd /tmp
ROUNDS=${STRESS_ROUNDS:-5}
FS=/sys/kernel/debug/failslab

load_kvm && pass st-kvm-load || fail st-kvm-load "kvm modules"

# Churn: VMs come and go while vtel is unloaded and loaded again.
i=0
while [ $i -lt "$ROUNDS" ]; do
	insmod "$VTEL_KO" retired_vms=2 max_vcpus=4 max_segments=4 ||
		{ fail "st-churn-$i" "insmod"; break; }
	"$VMM" --io 200 --cpuid 20 --mmio 5 --vcpus 2 --loop 2 >c$i.out 2>&1 &
	p1=$!
	"$VMM" --io 100 --vms 3 >d$i.out 2>&1 &
	p2=$!
	sleep 1
	cat $DBG/summary $DBG/vms $DBG/cgroups >/dev/null
	rmmod vtel || { fail "st-churn-$i" "rmmod under load"; break; }
	wait $p1 $p2 || { fail "st-churn-$i" "a VMM failed: $(cat c$i.out d$i.out)"; break; }
	i=$((i + 1))
done
[ $i -eq "$ROUNDS" ] && pass st-churn-rounds

# kvm goes and comes back under vtel, twice.
insmod "$VTEL_KO" && pass st-insmod || fail st-insmod "insmod"
for j in 1 2; do
	"$VMM" --io 50 >k$j.out 2>&1 || fail "st-kvm-cycle-$j" "vmm"
	unload_kvm || fail "st-kvm-cycle-$j" "rmmod kvm_amd kvm"
	load_kvm || fail "st-kvm-cycle-$j" "reload kvm"
done
"$VMM" --io 50 >k3.out 2>&1 && pass st-kvm-cycles || fail st-kvm-cycles "vmm after cycles"
t_eq st-kvm-cycles-counted "$(awk '$1 == "exits" { print $2 }' $DBG/summary)" \
	"$(cat k1.out k2.out k3.out | sumf exits)"
rmmod vtel && pass st-rmmod || fail st-rmmod "rmmod"

# Fault injection: the Nth slab or page allocation of an insmod fails,
# N = 1..150, through /proc/self/fail-nth: first the module loader's, then
# vtel's init (kvzalloc falls back from slab to vmalloc, so both kinds are
# armed). Init must unwind cleanly every time, and vtel must load and count
# exactly once no fault is left. The allocation-failure reports this
# provokes are expected; anything else logged meanwhile fails the test.
FP=/sys/kernel/debug/fail_page_alloc
if [ -d $FS ] && [ -d $FP ]; then
	for d in $FS $FP; do
		echo 1 >$d/task-filter	# arms it; no task has make-it-fail
		echo 100 >$d/probability
		echo -1 >$d/times
		echo 0 >$d/verbose
		echo N >$d/ignore-gfp-wait
	done
	echo N >$FP/ignore-gfp-highmem
	echo 0 >$FP/min-order
	dmesg -c >/dev/null
	ok=0 failed=0 n=1
	while [ $n -le 150 ]; do
		if sh -c 'echo "$1" >/proc/self/fail-nth && exec insmod "$0"' \
			"$VTEL_KO" "$n" 2>/dev/null; then
			ok=$((ok + 1))
			rmmod vtel || fail st-fault-inject "rmmod after insmod $n"
		else
			failed=$((failed + 1))
		fi
		n=$((n + 1))
	done
	echo 0 >$FS/probability
	echo 0 >$FP/probability
	# kmemleak's own allocations fail under injection too: not a report.
	bad=$(dmesg | grep -v 'kmemleak: Cannot allocate' |
		grep -E 'WARNING:|BUG:|KASAN|UBSAN|lockdep|circular locking|suspicious RCU|kmemleak' | head -n 3)
	check st-fault-inject-clean "$bad" [ -z "$bad" ]
	dmesg -c >/dev/null	# the expected allocation-failure traces
	# How many insmods a fault stopped is reported, not asserted: most
	# injected faults land where the kernel falls back (kvmalloc to
	# vmalloc, retries), see Documentation/testing.rst.
	say "fault injection: insmod failed $failed times, succeeded $ok times"
	t_gt st-fault-inject-some-loaded "$ok" 0
	insmod "$VTEL_KO" && pass st-insmod-after-faults || fail st-insmod-after-faults "insmod"
	"$VMM" --io 100 >f.out 2>&1
	t_eq st-counts-after-faults "$(awk '$1 == "exits" { print $2 }' $DBG/summary)" "$(sumf exits <f.out)"
	rmmod vtel
else
	fail st-fault-inject "no $FS or $FP"
fi

if [ -e /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	sleep 1
	echo scan >/sys/kernel/debug/kmemleak
	leaks=$(grep -c 'unreferenced object' /sys/kernel/debug/kmemleak)
	vleaks=$(grep -c 'vtel' /sys/kernel/debug/kmemleak)
	say "kmemleak: $leaks unreferenced objects, $vleaks lines naming vtel"
	head -n 40 /sys/kernel/debug/kmemleak
	t_eq st-kmemleak-vtel "$vleaks" 0
fi
lab_done
