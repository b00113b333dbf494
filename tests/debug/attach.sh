#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest, on the debug kernel: attaching to kvm fails at each step while
# a VM runs (issue 7, defect 10). vtel's fault attribute fail_attach
# (kmod/vtel_alloc.[ch]) fails the N-th step of vtel_attach(): 1 the
# kvm_arch_destroy_vm kprobe, 2 kvm_entry, 3 kvm_exit, 4 the split's marks
# (optional: vtel attaches without them). An injected kvm_exit failure
# first waits for the entry probe to make a vCPU record, so the error path
# has records to retire.
#
# For each N, with a VM looping, insmod vtel fail_attach=N,100,0,1; then:
# - N < 4: not attached; no live VM or vCPU record left, no segment, no
#   exit, and once the worker evicted what was retired (retired_vms=0),
#   mem_total back to what an insmod with no VM running shows;
# - N = 3: the entry probe had made records (the log says how many);
# - N = 4: attached without marks, and counts a fresh VM exactly;
# - after it, reloading kvm under the same vtel attaches, and a fresh VM
#   counts exactly against KVM's own counters.
# kmemleak must name nothing of vtel at the end.
. /lab/lib.sh
cd /tmp
ARGS="retired_vms=0"

sval() { awk -v k="$1" '$1 == k { print $2 }' $DBG/summary; }
live_vms() { awk '$1 !~ /^#/ && $4 == "live"' $DBG/vms | wc -l; }
# fresh NAME: a new VM counts exactly against KVM's own counters.
fresh() {
	echo 1 >$DBG/reset
	vmm "$1.out" --io 300 --cpuid 30 --vcpus 2 || { echo "vmm: $(cat "$1.out.err")"; return 1; }
	wait_until 10 sh -c "[ \"\$(awk '\$1 == \"exits\" { print \$2 }' $DBG/summary)\" = $(sumf exits <"$1.out") ]"
	_h=$(sval exits) _k=$(sumf exits <"$1.out")
	[ "$_h" = "$_k" ] || { echo "vtel host $_h, kvm $_k"; return 1; }
}
# left: what the failed attach left behind, as "key=value ..." for nonzero keys.
left() {
	for k in attached vms_live vcpus segments exits; do
		v=$(sval $k)
		[ "$v" = 0 ] || printf '%s=%s ' $k "$v"
	done
	[ "$(live_vms)" = 0 ] || printf 'vms-view=%s ' "$(live_vms)"
}
settled() { [ "$(sval vms_retired)" = 0 ] && [ "$(sval mem_total)" = "$base" ]; }

load_kvm && pass at-kvm-load || fail at-kvm-load "kvm modules"
dmesg -c >/dev/null
# The baseline: vtel loaded with no VM, after a worker tick.
# shellcheck disable=SC2086
insmod "$VTEL_KO" $ARGS && pass at-insmod-base || fail at-insmod-base "insmod"
sleep 6
base=$(sval mem_total)
say "attach: mem_total with no VM $base"
rmmod vtel

for n in 1 2 3 4; do
	rm -f stop
	"$VMM" --io 20 --cpuid 5 --vcpus 2 --loop 120 --stop-file /tmp/stop >loop$n.out 2>&1 &
	lp=$!
	sleep 1
	dmesg -c >/dev/null
	# shellcheck disable=SC2086
	insmod "$VTEL_KO" $ARGS fail_attach=$n,100,0,1 ||
		{ fail at-$n-insmod "insmod with fail_attach=$n"; kill $lp; wait; continue; }
	step=$(dmesg | sed -n 's/.*vtel: injected attach failure at \([a-z_]*\).*/\1/p')
	say "attach: n=$n failed $step: $(dmesg | grep -E 'failing kvm_exit|cannot|attached|no kvm_' | sed 's/^\[[^]]*\] //' | tr '\n' ';')"
	case $n in
	1) check at-1-step "$step" [ "$step" = kprobe ] ;;
	2) check at-2-step "$step" [ "$step" = kvm_entry ] ;;
	3) check at-3-step "$step" [ "$step" = kvm_exit ]
	   recs=$(dmesg | sed -n 's/.*failing kvm_exit with \([0-9]*\) vCPU records.*/\1/p')
	   t_gt at-3-entry-made-records "${recs:-0}" 0 ;;
	4) check at-4-step "$step" [ "$step" = marks ] ;;
	esac
	if [ $n -lt 4 ]; then
		# The VM still runs: the probes are gone, nothing may count it.
		sleep 1
		r=$(left)
		check at-$n-nothing-left "left: $r" [ -z "$r" ]
		wait_until 15 settled
		t_eq at-$n-retired-evicted "$(sval vms_retired)" 0
		t_eq at-$n-mem-baseline "$(sval mem_total)" "$base"
	else
		t_eq at-4-attached "$(sval attached)" 1
	fi
	touch stop
	wait $lp
	if [ $n = 3 ]; then
		# A later attach, under the same vtel: kvm comes again.
		unload_kvm && load_kvm && pass at-kvm-reload || fail at-kvm-reload "kvm reload"
		t_eq at-reattached "$(sval attached)" 1
		r=$(fresh fresh$n) && pass at-$n-fresh-exact || fail at-$n-fresh-exact "$r"
	elif [ $n = 4 ]; then
		r=$(fresh fresh$n) && pass at-$n-fresh-exact || fail at-$n-fresh-exact "$r"
	fi
	rmmod vtel && pass at-$n-rmmod || fail at-$n-rmmod "rmmod"
done
splats=$(dmesg | grep -E 'BUG:|KASAN|UBSAN|circular locking|suspicious RCU|WARNING:|list_(add|del) corruption' | head -n 3)
check at-no-splats "$splats" [ -z "$splats" ]
kmemleak_vtel at-kmemleak-vtel
lab_done
