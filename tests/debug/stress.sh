#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest stress, on the Debian kernels and on the debug kernel:
#
# 1. Four VMMs with two vCPUs each create and destroy VMs in a loop, in
#    cgroups that a mover swaps them between, while debugfs readers,
#    netlink dumps (the static CLI when given, and vtel-nlfuzz), resets and
#    STRESS_VTEL_CYCLES (>= 50) rmmod/insmod cycles of vtel run alongside;
#    then STRESS_SECS more seconds without reloads.
# 2. Afterwards: every VMM ran clean against KVM's own counters; the host
#    total counted per CPU equals what the records hold (live + retired +
#    evicted VMs) plus the counted drops; a fresh VM counts exactly
#    against KVM_GET_STATS_FD.
# 3. STRESS_KVM_CYCLES (>= 10) rmmod/insmod cycles of kvm_amd and kvm
#    under a loaded vtel, each followed by an exactly counted VM.
# 4. After the last rmmod: kmemleak names nothing of vtel, vmalloc holds
#    nothing of it, and kernel memory is back to its baseline.
# 5. On the debug kernel: failslab/fail_page_alloc sweep over insmod.
# Lockdep, KASAN, UBSAN and RCU splats fail the run through the console
# scan of tests/lab/run.sh. Prints "# stress: ..." with the figures.
. /lab/lib.sh
cd /tmp
CG=/sys/fs/cgroup
FUZZ=/extra/vtel-nlfuzz
CLI=/extra/vtel
SECS=${STRESS_SECS:-20}
VCYCLES=${STRESS_VTEL_CYCLES:-50}
KCYCLES=${STRESS_KVM_CYCLES:-10}
STOP=/tmp/stress.stop
# Small limits, so that eviction, the pools' refill and the limits are
# all reached while the VMs churn.
VTEL_ARGS="retired_vms=2 max_vms=6 max_vcpus=16 max_segments=24"

sval() { awk -v k="$1" '$1 == k { print $2 }' $DBG/summary 2>/dev/null; }
attached() { [ "$(sval attached)" = 1 ]; }
# kmem: unreclaimable slab + percpu + vmalloc, in kB.
kmem() {
	awk '/^(SUnreclaim|Percpu|VmallocUsed):/ { s += $2 } END { print s }' /proc/meminfo
}
# settle: free what caches and KASAN's quarantine hold (shrinking a slab
# cache drains its quarantine), so kmem compares like with like.
settle() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	for f in /sys/kernel/slab/*/shrink; do [ -e "$f" ] && echo 1 >"$f"; done 2>/dev/null
	sleep 1
}
vtel_vmalloc() { grep -c '\[vtel\]' /proc/vmallocinfo; }

load_kvm && pass st-kvm-load || fail st-kvm-load "kvm modules"
mkdir -p $CG/st-a $CG/st-b
echo "+cpu" >$CG/cgroup.subtree_control 2>/dev/null

# Baseline after one load and unload, so that one-time allocations
# (slab caches, the genetlink family's first registration) are in it.
insmod "$VTEL_KO" $VTEL_ARGS && rmmod vtel
settle
mem0=$(kmem)
say "kernel memory baseline ${mem0} kB"
insmod "$VTEL_KO" $VTEL_ARGS && pass st-insmod || fail st-insmod "insmod"

# ------------------------------------------------------------ phase 1
rm -f $STOP $STOP.reset
echo "0 up" >gen	# "<cycle> up|down": the reloads, for the netlink loop
t1=$(uptime_s)
i=0
while [ $i -lt 4 ]; do
	(
		n=0
		while [ ! -e $STOP ]; do
			sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' $CG/st-a \
				"$VMM" --io 150 --cpuid 20 --mmio 5 --vcpus 2 --vms 2 \
				>>vmm$i.out 2>>vmm$i.err || echo "rc=$?" >>vmm$i.err
			n=$((n + 1))
		done
		echo "$n" >vmm$i.runs
	) &
	i=$((i + 1))
done
# Readers of every debugfs file; files may vanish under them.
(
	n=0
	while [ ! -e $STOP ]; do
		for f in $DBG/* $DBG/vm/*/* $DBG/vm/*/*/* $DBG/cgroup/*/*; do
			[ -f "$f" ] && [ "${f##*/}" != reset ] && cat "$f" >/dev/null 2>&1
		done
		n=$((n + 1))
	done
	echo "$n" >reads.n
) &
# Netlink: the CLI's dumps and status, and malformed traffic (which
# resets and reconfigures too, so it stops with the resets).
(
	n=0 bad=0
	while [ ! -e $STOP.reset ]; do
		if [ -x $CLI ]; then
			for c in status vms cgroups exits; do
				g0=$(cat gen)
				$CLI $c >/dev/null 2>cli.last
				r=$?
				# A reload in between may fail it, nothing else.
				[ $r = 0 ] || [ "$g0" != "$(cat gen)" ] || [ "${g0#* }" = down ] ||
					{ bad=$((bad + 1)); echo "$c: $r $(cat cli.last)" >>nl.err; }
			done
		fi
		g0=$(cat gen)
		out=$("$FUZZ" -n 200 -s $n 2>&1)
		case $out in
		*"unanswered 0 "*) ;;
		*) [ "$g0" != "$(cat gen)" ] || [ "${g0#* }" = down ] ||
			{ bad=$((bad + 1)); echo "nlfuzz: $out" >>nl.err; } ;;
		esac
		echo "$out" | awk '/^nlfuzz:/ { print $3 }' >>fuzz.sent
		n=$((n + 1))
	done
	echo "$n $bad" >nl.n
) &
# Resets.
(
	while [ ! -e $STOP.reset ]; do
		{ echo 1 >$DBG/reset; } 2>/dev/null
		sleep 1
	done
) &
# Cgroup moves of every VMM process between st-a and st-b.
(
	n=0
	while [ ! -e $STOP ]; do
		for src in st-a st-b; do
			dst=st-b; [ $src = st-b ] && dst=st-a
			for p in $(cat $CG/$src/cgroup.procs); do
				echo "$p" >$CG/$dst/cgroup.procs 2>/dev/null && n=$((n + 1))
			done
		done
		usleep 200000
	done
	echo "$n" >moves.n
) &

# vtel reloads under all of that.
# rmmod fails with EAGAIN while a reader holds a file open: retry.
c=0 cbad=0 busy=0
while [ $c -lt "$VCYCLES" ]; do
	usleep 300000
	echo "$c down" >gen
	j=0
	while ! rmmod vtel 2>/dev/null && [ $j -lt 50 ]; do
		j=$((j + 1)); usleep 100000
	done
	busy=$((busy + j))
	mod_loaded vtel && { cbad=$((cbad + 1)); say "rmmod vtel failed in cycle $c"; }
	insmod "$VTEL_KO" $VTEL_ARGS || { cbad=$((cbad + 1)); say "insmod vtel failed in cycle $c"; }
	c=$((c + 1))
	echo "$c up" >gen
done
t_eq st-vtel-cycles-clean "$cbad" 0
say "vtel reload cycles: $c in $(since "$t1")s, $busy rmmod retries (module busy)"
sleep "$SECS"
# Resets stop first, so that the VMs evicted last are in the totals below.
touch $STOP.reset
sleep 6
touch $STOP
wait
say "phase 1 took $(since "$t1")s"

runs=$(cat vmm*.runs | awk '{ s += $1 } END { print s }')
vms=$(cat vmm*.out | awk '/^vm=/ { print $2, $1 }' | sort -u | wc -l)
errs=$(cat vmm*.err)
check st-vmms-clean "$(echo "$errs" | head -n 3)" [ -z "$errs" ]
bad=$(cat vmm*.out | awk '/^vm=/ {
	for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	if (v["io_exits"] != v["guest_io"] || v["mmio_exits"] != v["guest_mmio"] ||
	    v["halt_exits"] != 1 || v["exits"] < v["guest_io"] + v["guest_cpuid"] + v["guest_mmio"] + 1)
		print
}' | head -n 2)
check st-vmms-kvm-oracle "$bad" [ -z "$bad" ]
t_ge st-vm-churns "$vms" 40
read -r nlruns nlbad <nl.n
t_eq st-netlink-clean "$nlbad" 0
[ "$nlbad" = 0 ] || head -n 5 nl.err
fuzzed=$(awk '{ s += $1 } END { print s + 0 }' fuzz.sent)
t_gt st-netlink-fuzzed "$fuzzed" 0
t_gt st-cgroup-moves "$(cat moves.n)" 0
t_gt st-debugfs-reads "$(cat reads.n)" 0

# The host total, counted per CPU on the hot path, against the records:
# live + retired VMs (the vms view), plus what evicted VMs left, plus the
# exits of vCPUs without a record. Nothing runs now.
sleep 1
cpus=$(awk '$1 !~ /^#/ { s += $2 } END { printf "%.0f\n", s }' $DBG/cpus)
host=$(sval exits)
recs=$(awk '$1 !~ /^#/ { s += $6 } END { printf "%.0f\n", s }' $DBG/vms)
untracked=$(sval untracked_exits)
evicted=$((host - recs - untracked))
say "host $host = records $recs + evicted $evicted + untracked $untracked; per-CPU $cpus; vms_evicted $(sval vms_evicted)"
t_eq st-host-equals-per-cpu "$host" "$cpus"
t_gt st-evicted-part-in-host-total "$evicted" 0
t_gt st-evictions-happened "$(sval vms_evicted)" 0

# A fresh VM counts exactly against KVM's own counters.
echo 1 >$DBG/reset
vmm fresh.out --io 1000 --cpuid 100 --mmio 20 --vcpus 2; r=$?
check st-fresh-vmm "exit $r: $(cat fresh.out.err)" [ $r -eq 0 ]
sleep 0.5
kvm=$(sumf exits <fresh.out)
pid=$(field pid <fresh.out | head -n 1)
row=$(awk -v p="$pid" '$1 !~ /^#/ && $2 == p' $DBG/vms)
t_eq st-fresh-vm-exits "$(echo "$row" | awk '{ print $6 }')" "$kvm"
t_eq st-fresh-host-exits "$(sval exits)" "$kvm"
t_eq st-fresh-per-cpu-exits "$(awk '$1 !~ /^#/ { s += $2 } END { printf "%.0f\n", s }' $DBG/cpus)" "$kvm"
dir=$(echo "$row" | awk '{ print $10 }')
t_eq st-fresh-io "$(awk '$1 == "io" { print $2 }' "$DBG/vm/$dir/exits")" "$(sumf guest_io <fresh.out)"
t_eq st-fresh-cpuid "$(awk '$1 == "cpuid" { print $2 }' "$DBG/vm/$dir/exits")" 200

# ------------------------------------------------------------ kvm cycles
k=0 kbad=0
while [ $k -lt "$KCYCLES" ]; do
	unload_kvm || { kbad=$((kbad + 1)); say "rmmod kvm failed in cycle $k"; }
	load_kvm || { kbad=$((kbad + 1)); say "insmod kvm failed in cycle $k"; }
	wait_until 5 attached || { kbad=$((kbad + 1)); say "vtel not attached after kvm cycle $k"; }
	if vmm kc.out --io 100 --cpuid 10; then
		sleep 0.3
		pid=$(field pid <kc.out)
		got=$(awk -v p="$pid" '$1 !~ /^#/ && $2 == p { print $6 }' $DBG/vms)
		[ "$got" = "$(sumf exits <kc.out)" ] ||
			{ kbad=$((kbad + 1)); say "kvm cycle $k: vtel $got, kvm $(sumf exits <kc.out)"; }
	else
		kbad=$((kbad + 1)); say "kvm cycle $k: vmm failed: $(cat kc.out.err)"
	fi
	k=$((k + 1))
done
t_eq st-kvm-cycles-counted "$kbad" 0
rmmod vtel && pass st-rmmod || fail st-rmmod "rmmod"

# ------------------------------------------------------------ memory
t_eq st-vmalloc-released "$(vtel_vmalloc)" 0
settle
mem1=$(kmem)
say "kernel memory after $c+2 loads: ${mem1} kB (baseline ${mem0} kB)"
t_le st-kmem-baseline "$mem1" $((mem0 + 2048))
if [ -e /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	sleep 1
	echo scan >/sys/kernel/debug/kmemleak
	leaks=$(grep -c 'unreferenced object' /sys/kernel/debug/kmemleak)
	vleaks=$(grep -c 'vtel' /sys/kernel/debug/kmemleak)
	say "kmemleak: $leaks unreferenced objects, $vleaks lines naming vtel"
	[ "$vleaks" = 0 ] || head -n 40 /sys/kernel/debug/kmemleak
	t_eq st-kmemleak-vtel "$vleaks" 0
	echo clear >/sys/kernel/debug/kmemleak
else
	say "kmemleak: not in this kernel"
fi
say "stress: vtel cycles $c, kvm cycles $k, VMs $vms in $runs VMM runs, netlink runs $nlruns ($fuzzed fuzz messages), cgroup moves $(cat moves.n), debugfs passes $(cat reads.n)"

# ------------------------------------------------------------ failslab
# In the insmod task, after the first S bytes of slab and page
# allocations, the next 3 allocations fail (3, so that kvmalloc's vmalloc
# fallback fails too), for S sweeping 0..2 MiB. Early S stop the module
# loader, later ones vtel's init, which must unwind. Nothing but
# allocation-failure reports may be logged, and vtel must then load and
# count exactly.
FS=/sys/kernel/debug/failslab
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
	t_eq st-counts-after-faults "$(sval exits)" "$(sumf exits <f.out)"
	rmmod vtel
else
	say "failslab: not in this kernel"
fi
rmdir $CG/st-a $CG/st-b
lab_done
