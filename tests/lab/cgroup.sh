#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest: cgroup v2 attribution. VMMs run in tenant-a/{vm1,vm2} and
# tenant-b with known exit mixes; a VMM moves between cgroups mid-run;
# a finished cgroup is removed and re-created. The oracles are the guest's
# own counts and KVM's per-vCPU statistics.
. /lab/lib.sh
cd /tmp
CG=/sys/fs/cgroup
Q=/extra/vtel-nlfuzz

load_kvm && pass cg-kvm-load || fail cg-kvm-load "kvm modules"
# retired_vms=1: finished VMs are evicted, so cgroup totals must survive
# eviction, not just retirement.
insmod "$VTEL_KO" retired_vms=1 && pass cg-insmod || fail cg-insmod "insmod"
mkdir -p $CG/tenant-a/vm1 $CG/tenant-a/vm2 $CG/tenant-b $CG/mv-old $CG/mv-new
check cg-mkdir "cgroup2 not mounted?" [ -d $CG/tenant-a/vm1 ]

# incg CGROUP OUT ARGS...: run the VMM inside CGROUP.
incg() {
	_c=$1 _o=$2; shift 2
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$CG/$_c" "$VMM" "$@" \
		>"$_o" 2>"$_o.err"
}
cgid() { stat -c %i "$CG/$1"; }
# cgroups file: id exits handling guest ppm rollup_exits rollup_h rollup_g path
own() { awk -v p="/$1" '$9 == p { print $2 }' $DBG/cgroups; }
rollup() { awk -v p="/$1" '$9 == p { print $6 }' $DBG/cgroups; }
reason() { awk -v r="$2" '$1 == r { print $2 }' "$DBG/cgroup/$(cgid "$1")/exits"; }
# The names of the exits the test VMM makes, per vendor: see lib.sh.
io() { reason "$1" "$R_IO"; }
cpuid() { reason "$1" "$R_CPUID"; }
# wait_for FILE: the worker creates debugfs entries asynchronously.
wait_for() { _i=0; while [ ! -e "$1" ] && [ $_i -lt 40 ]; do sleep 0.1; _i=$((_i + 1)); done; }

incg tenant-a/vm1 vm1.out --io 1000 --cpuid 100; r1=$?
incg tenant-a/vm2 vm2.out --io 2000 --cpuid 200 --vcpus 2; r2=$?
incg tenant-b b.out --io 500 --cpuid 50; r3=$?
check cg-vmms-ran "exit $r1 $r2 $r3" [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ $r3 -eq 0 ]
wait_for "$DBG/cgroup/$(cgid tenant-b)/exits"
sleep 0.5
say "cgroups:"; cat $DBG/cgroups
say "summary vms_evicted $(awk '$1 == "vms_evicted" { print $2 }' $DBG/summary)"
t_ge cg-vms-were-evicted "$(awk '$1 == "vms_evicted" { print $2 }' $DBG/summary)" 2

for c in vm1 vm2 b; do
	case $c in b) path=tenant-b ;; *) path=tenant-a/$c ;; esac
	t_eq "cg-$c-exits-equal-kvm" "$(own $path)" "$(sumf exits <$c.out)"
	t_eq "cg-$c-io-exact" "$(io $path)" "$(sumf guest_io <$c.out)"
	t_eq "cg-$c-cpuid-exact" "$(cpuid $path)" "$(sumf guest_cpuid <$c.out)"
done
t_eq cg-vm2-io-is-2x2000 "$(io tenant-a/vm2)" 4000
a=$(( $(own tenant-a/vm1) + $(own tenant-a/vm2) ))
t_eq cg-tenant-a-rollup "$(rollup tenant-a)" "$a"
t_eq cg-tenant-a-own-zero "$(own tenant-a)" 0
t_eq cg-tenant-b-rollup-is-own "$(rollup tenant-b)" "$(own tenant-b)"
# The rollup's time split (columns 15-18) is its children's own (10-13).
col() { awk -v p="/$1" -v c="$2" '$9 == p { print $c }' $DBG/cgroups; }
for i in 0 1 2 3; do
	t_eq "cg-tenant-a-rollup-split-$i" "$(col tenant-a $((15 + i)))" \
		"$(( $(col tenant-a/vm1 $((10 + i))) + $(col tenant-a/vm2 $((10 + i))) ))"
done
t_eq cg-tenant-b-rollup-vmm-is-own "$(col tenant-b 16)" "$(col tenant-b 11)"
t_gt cg-tenant-a-rollup-vmm "$(col tenant-a 16)" 0
r=$("$Q" -p /tenant-a)
say "netlink /tenant-a: $r"
t_eq cg-netlink-path-rollup "$(echo "$r" | awk '{ print $5 }')" "$a"
r=$("$Q" -g "$(cgid tenant-a)")
t_eq cg-netlink-id-rollup "$(echo "$r" | awk '{ print $5 }')" "$a"

# A VMM moved while it runs is split exactly between old and new. It loops
# until mv.stop exists, and is moved once vtel has counted exits in mv-old,
# stopped once it has in mv-new (no clock: Bochs guest time is not wall time).
# Not through incg: $! must be the VMM itself (sh execs it).
counted_in() { _c=$(own "$1"); [ -n "$_c" ] && [ "$_c" -gt 0 ]; }
rm -f mv.stop
# (nice 19: see e2e.sh's background VM)
sh -c 'echo $$ > "$0/cgroup.procs" && renice -n 19 -p $$ >/dev/null && exec "$@"' \
	"$CG/mv-old" "$VMM" \
	--io 50 --cpuid 10 --loop 60 --stop-file /tmp/mv.stop >mv.out 2>mv.out.err &
bg=$!
check cg-move-counted-before "no exits in mv-old" wait_until 5 counted_in mv-old
echo $bg > $CG/mv-new/cgroup.procs && pass cg-move-write || fail cg-move-write "echo pid > cgroup.procs"
check cg-move-counted-after "no exits in mv-new" wait_until 5 counted_in mv-new
touch mv.stop
wait $bg; r=$?
check cg-move-vmm "exit $r: $(cat mv.out.err)" [ $r -eq 0 ]
sleep 0.5
o=$(own mv-old) n=$(own mv-new) k=$(sumf exits <mv.out)
say "move: old $o new $n kvm $k"
t_gt cg-move-old-nonzero "$o" 0
t_gt cg-move-new-nonzero "$n" 0
t_eq cg-move-split-exact "$((o + n))" "$k"
t_eq cg-move-io-split-exact "$(( $(io mv-old) + $(io mv-new) ))" "$(sumf guest_io <mv.out)"

# rmdir works (vtel pins nothing), the cgroup is then unknown, its
# parent's rollup keeps what it had, and a new one at the path starts at 0.
old_id=$(cgid tenant-a/vm1)
rmdir $CG/tenant-a/vm1; r=$?
check cg-rmdir "rmdir exited $r" [ $r -eq 0 ]
r=$("$Q" -g "$old_id")
say "netlink removed id $old_id: $r"
check cg-removed-id-enoent "got '$r'" [ "$(echo "$r" | awk '{ print $3 }')" = -2 ]
i=0; while [ -e "$DBG/cgroup/$old_id" ] && [ $i -lt 80 ]; do sleep 0.1; i=$((i + 1)); done
check cg-removed-record-released "cgroup/$old_id still there" [ ! -e "$DBG/cgroup/$old_id" ]
t_eq cg-tenant-a-rollup-keeps-removed "$(rollup tenant-a)" "$a"
mkdir $CG/tenant-a/vm1
check cg-recreated-new-id "same id $old_id" [ "$(cgid tenant-a/vm1)" != "$old_id" ]
incg tenant-a/vm1 vm1b.out --io 300; r=$?
wait_for "$DBG/cgroup/$(cgid tenant-a/vm1)/exits"
sleep 0.3
t_eq cg-recreated-starts-at-zero "$(own tenant-a/vm1)" "$(sumf exits <vm1b.out)"
t_eq cg-recreated-io "$(io tenant-a/vm1)" 300

rmmod vtel && pass cg-rmmod || fail cg-rmmod "rmmod vtel"
rmdir $CG/tenant-a/vm1 $CG/tenant-a/vm2 $CG/tenant-a $CG/tenant-b $CG/mv-old $CG/mv-new
check cg-rmdir-all-after-rmmod "rmdir failed" [ ! -d $CG/tenant-a ]
lab_done
