#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest, on the debug kernel: vtel's own fault attribute (fail_alloc,
# kmod/vtel_alloc.[ch]) fails each of its allocation sites.
#
# - Init: for N = 1, 2, ..., insmod with fail_alloc=N,100,0,1, so that
#   exactly the N-th allocation of vtel's init fails, until an insmod
#   needs no injected failure. Each failed insmod must leave no module
#   behind; each that loads despite a failure must count a fresh VM
#   exactly (it degraded, in a counted way).
# - Run time: with vtel loaded, fail_alloc fails every K-th allocation
#   (K = 1, 2, 3, 5) while VMs come and go in new cgroups, views are
#   dumped over netlink (a cgroup by path, the config, VM events, a VM's
#   ports and pages) and read
#   from debugfs; afterwards the host total
#   equals the per-CPU total, and once injection stops a fresh VM counts
#   exactly against KVM.
# - Every site listed in /extra/fault-sites (from the sources, by
#   tests/debug/run.sh) must have failed at least once. vtel logs each
#   injected failure as "vtel: injected allocation failure at FILE:LINE".
# Nothing but injected-failure reports may be logged; kmemleak must name
# nothing of vtel. Prints "# fault: ..." with the figures.
. /lab/lib.sh
cd /tmp
CG=/sys/fs/cgroup
CLI=/extra/vtel
FUZZ=/extra/vtel-nlfuzz
FA=$DBG/fail_alloc
SITES=/extra/fault-sites
# Small limits keep the pools' prefill, and so the sweep, short.
ARGS="max_vms=4 max_vcpus=8 max_segments=16 max_cgroups=8 retired_vms=1"

sval() { awk -v k="$1" '$1 == k { print $2 }' $DBG/summary; }
# sites_from_dmesg: collect the failed sites into sites.hit, then clear.
sites_from_dmesg() {
	dmesg | sed -n 's/.*vtel: injected allocation failure at \([^ ]*\).*/\1/p' >>sites.hit
	# Anything else than the injected failures and their traces is a bug.
	dmesg | grep -v 'kmemleak: Cannot allocate' |
		grep -E 'BUG:|KASAN|UBSAN|circular locking|suspicious RCU|WARNING:.*vtel|list_(add|del) corruption' |
		head -n 3 >>splats
	dmesg -c >/dev/null
}
# fresh NAME: a new VM counts exactly against KVM's own counters.
fresh() {
	echo 1 >$DBG/reset
	vmm "$1.out" --io 300 --cpuid 30 --vcpus 2 || { echo "vmm: $(cat "$1.out.err")"; return 1; }
	sleep 0.3
	_p=$(field pid <"$1.out" | head -n 1)
	_g=$(awk -v p="$_p" '$1 !~ /^#/ && $2 == p { print $6 }' $DBG/vms)
	[ "$_g" = "$(sumf exits <"$1.out")" ] && [ "$(sval exits)" = "$_g" ] ||
		{ echo "vtel $_g host $(sval exits), kvm $(sumf exits <"$1.out")"; return 1; }
}

load_kvm && pass fi-kvm-load || fail fi-kvm-load "kvm modules"
: >sites.hit
: >splats
dmesg -c >/dev/null

# ------------------------------------------------------------ init
# fail_alloc=N,100,0,1 fails the N-th allocation of vtel's init, once.
# (Not /proc/self/fail-nth: busybox insmod retries a failed finit_module
# with init_module, and the retry would load with nothing failed.)
n=1 failed=0 degraded=0 bad=0
while [ $n -le 2000 ]; do
	dmesg -c >/dev/null
	# shellcheck disable=SC2086
	if insmod "$VTEL_KO" $ARGS fail_alloc=$n,100,0,1 2>/dev/null; then
		if ! dmesg | grep -q 'vtel: injected allocation failure'; then
			rmmod vtel
			sites_from_dmesg
			break	# vtel's init made fewer than n allocations
		fi
		degraded=$((degraded + 1))
		r=$(fresh "init$n") || { bad=$((bad + 1)); say "init n=$n: loaded degraded, but $r"; }
		rmmod vtel || { bad=$((bad + 1)); say "init n=$n: rmmod failed"; }
	else
		failed=$((failed + 1))
		mod_loaded vtel && { bad=$((bad + 1)); say "init n=$n: vtel listed after a failed insmod"; rmmod vtel; }
	fi
	sites_from_dmesg
	n=$((n + 1))
done
t_eq fi-init-unwound "$bad" 0
t_gt fi-init-some-failed "$failed" 0
say "fault: init made $((n - 1)) allocations; failing each once, $failed insmods failed cleanly and $degraded loaded degraded"
init_sites=$(sort -u sites.hit | wc -l)

# ------------------------------------------------------------ run time
# shellcheck disable=SC2086
insmod "$VTEL_KO" $ARGS && pass fi-insmod || fail fi-insmod "insmod"
check fi-debugfs-attr "no $FA" [ -f $FA/probability ]
echo N >$FA/task-filter
echo 0 >$FA/verbose
k_runs=0 bad=0
for k in 1 2 3 5; do
	echo "$k" >$FA/interval
	echo -1 >$FA/times
	echo 100 >$FA/probability
	i=0
	while [ $i -lt 3 ]; do
		mkdir -p $CG/fi-$k-$i
		sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' $CG/fi-$k-$i \
			"$VMM" --io 50 --cpuid 5 --vcpus 2 --vms 2 >rt$k-$i.out 2>&1 ||
			{ bad=$((bad + 1)); say "k=$k: vmm failed: $(tail -n 2 rt$k-$i.out)"; }
		for f in $DBG/* $DBG/vm/*/* $DBG/cgroup/*/*; do
			[ -f "$f" ] && [ "${f##*/}" != reset ] && cat "$f" >/dev/null 2>&1
		done
		ev=
		if [ -x $CLI ]; then
			for c in status vms cgroups exits config; do $CLI $c >/dev/null 2>&1; done
			# The GET_ADDRS dump's snapshot (vtel io), of the first VM.
			vm=$(awk '$1 !~ /^#/ { print $1; exit }' $DBG/vms 2>/dev/null)
			[ -z "$vm" ] || $CLI io --vm "$vm" >/dev/null 2>&1
			$CLI events --count 2 >/dev/null 2>&1 &
			ev=$!
		fi
		"$FUZZ" -p "/fi-$k-$i" >/dev/null 2>&1
		"$VMM" --io 20 --hold 1 >hold.out 2>&1 &
		hv=$!
		sleep 0.5
		[ -x $CLI ] && $CLI vms >/dev/null 2>&1
		vm=$(awk '$1 !~ /^#/ { print $1; exit }' $DBG/vms 2>/dev/null)
		[ -x $CLI ] && [ -n "$vm" ] && $CLI io --vm "$vm" >/dev/null 2>&1
		wait $hv
		sleep 0.5
		# The events listener, if it missed one.
		[ -z "$ev" ] || kill $ev 2>/dev/null
		wait
		i=$((i + 1))
	done
	echo 0 >$FA/probability
	k_runs=$((k_runs + 1))
	sleep 5.5	# a tick of the worker, which retries what failed
	host=$(sval exits)
	cpus=$(awk '$1 !~ /^#/ { s += $2 } END { printf "%.0f\n", s }' $DBG/cpus)
	[ "$host" = "$cpus" ] || { bad=$((bad + 1)); say "k=$k: host $host, per-CPU $cpus"; }
	r=$(fresh "rt$k") || { bad=$((bad + 1)); say "k=$k: after injection: $r"; }
	sites_from_dmesg
	for d in $CG/fi-$k-*; do rmdir "$d"; done
done
t_eq fi-runtime-degraded-counted "$bad" 0
rmmod vtel && pass fi-rmmod || fail fi-rmmod "rmmod vtel"
sites_from_dmesg

# ------------------------------------------------------------ verdict
sort -u sites.hit >sites.u
all=$(sort -u $SITES | wc -l)
hit=$(sort -u $SITES | grep -cxF -f sites.u)
missed=$(sort -u $SITES | grep -vxF -f sites.u | tr '\n' ' ')
say "fault: $hit of $all allocation sites failed at least once ($init_sites at init), all survived; never failed: ${missed:-none}"
say "fault: injected failures $(wc -l <sites.hit)"
t_eq fi-every-site-failed "$hit" "$all"
t_gt fi-sites-listed "$all" 0
check fi-no-splats "$(head -n 3 splats)" [ ! -s splats ]
kmemleak_vtel fi-kmemleak-vtel
lab_done
