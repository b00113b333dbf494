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

# failslab: the Nth allocation of insmod fails, for N = 1..; init must
# unwind cleanly every time and succeed once no fault is injected.
if [ -d $FS ]; then
	echo 1 >$FS/task-filter
	echo 100 >$FS/probability
	echo 0 >$FS/interval
	echo -1 >$FS/times
	echo 0 >$FS/space
	echo 1 >$FS/verbose
	ok=0 failed=0 n=0
	while [ $n -lt 40 ]; do
		echo $n >$FS/space 2>/dev/null
		echo 1 >$FS/times
		# Only this subshell (and the insmod it execs) gets faults.
		if sh -c 'echo 1 >/proc/self/make-it-fail && exec insmod "$0"' "$VTEL_KO" 2>/dev/null; then
			ok=$((ok + 1))
			rmmod vtel || fail st-failslab "rmmod after insmod $n"
		else
			failed=$((failed + 1))
		fi
		n=$((n + 1))
	done
	echo 0 >$FS/probability
	say "failslab: insmod failed $failed times, succeeded $ok times"
	t_gt st-failslab-some-failed "$failed" 0
	insmod "$VTEL_KO" && pass st-insmod-after-failslab || fail st-insmod-after-failslab "insmod"
	"$VMM" --io 100 >f.out 2>&1
	t_eq st-counts-after-failslab "$(awk '$1 == "exits" { print $2 }' $DBG/summary)" "$(sumf exits <f.out)"
	rmmod vtel
else
	fail st-failslab "no $FS"
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
