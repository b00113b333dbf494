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

# Fault injection: in the insmod task, after the first S bytes of slab
# and page allocations, the next 3 allocations fail (3, so that
# kvmalloc's vmalloc fallback fails too), for S sweeping 0..2 MiB. Early
# S stop the module loader, later ones vtel's init, which must unwind.
# Nothing but allocation-failure reports may be logged, and vtel must
# then load and count exactly.
FP=/sys/kernel/debug/fail_page_alloc
if [ -d $FS ] && [ -d $FP ]; then
	for d in $FS $FP; do
		echo 1 >$d/task-filter
		echo 100 >$d/probability
		echo 0 >$d/verbose
		echo N >$d/ignore-gfp-wait
	done
	echo N >$FP/ignore-gfp-highmem
	echo 0 >$FP/min-order
	dmesg -c >/dev/null
	ok=0 failed=0 space=0
	while [ $space -le 2097152 ]; do
		for d in $FS $FP; do
			echo $space >$d/space
			echo 3 >$d/times
		done
		if sh -c 'echo 1 >/proc/self/make-it-fail && exec insmod "$0"' \
			"$VTEL_KO" 2>/dev/null; then
			ok=$((ok + 1))
			rmmod vtel || fail st-fault-inject "rmmod after space $space"
		else
			failed=$((failed + 1))
			grep -q '^vtel ' /proc/modules &&
				fail st-fault-inject "vtel listed after a failed insmod"
		fi
		space=$((space + 16384))
	done
	echo 0 >$FS/probability
	echo 0 >$FP/probability
	# kmemleak's own allocations fail under injection too: not a report.
	bad=$(dmesg | grep -v 'kmemleak: Cannot allocate' |
		grep -E 'WARNING:|BUG:|KASAN|UBSAN|lockdep|circular locking|suspicious RCU|kmemleak' | head -n 3)
	check st-fault-inject-clean "$bad" [ -z "$bad" ]
	dmesg -c >/dev/null	# the expected allocation-failure traces
	say "fault injection: insmod failed $failed times, succeeded $ok times"
	t_gt st-fault-inject-some-failed "$failed" 0
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
