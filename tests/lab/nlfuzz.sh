#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest: fuzz the vtel generic netlink family as root and as uid 65534,
# then check that the kernel is clean and vtel still counts exactly.
. /lab/lib.sh
cd /tmp
FUZZ=/extra/vtel-nlfuzz
N=${NLFUZZ_COUNT:-20000}

load_kvm && pass nl-kvm-load || fail nl-kvm-load "kvm modules"
insmod "$VTEL_KO" && pass nl-insmod || fail nl-insmod "insmod vtel"

vmm a.out --io 500 --cpuid 50
before=$(awk '$1 == "exits" { print $2 }' $DBG/summary)
t_gt nl-baseline-counted "$before" 500

# Unprivileged: reset and config changes are refused, counters unchanged.
r=$("$FUZZ" -u -c 6)
check nl-unpriv-reset-eperm "got '$r'" [ "$r" = "cmd 6 error -1" ]
r=$("$FUZZ" -u -c 8)
check nl-unpriv-setconfig-eperm "got '$r'" [ "$r" = "cmd 8 error -1" ]
after=$(awk '$1 == "exits" { print $2 }' $DBG/summary)
t_eq nl-unpriv-counters-unchanged "$after" "$before"
# Commands without attributes reject any attribute (strict validation).
for c in 1 6 7; do
	r=$("$FUZZ" -a -c $c)
	check "nl-cmd$c-rejects-attributes" "got '$r'" [ "$r" = "cmd $c error -22" ]
done
r=$("$FUZZ" -a -c 4)
check nl-view-takes-flags "got '$r'" [ "$r" = "cmd 4 error 0" ]
# Status is open to everyone.
r=$("$FUZZ" -u -c 1)
check nl-unpriv-status-ok "got '$r'" [ "$r" = "cmd 1 error 0" ]

t=$(uptime_s)
out=$("$FUZZ" -u -n "$N" -s 7); r=$?
say "$out ($(since "$t")s)"
check nl-fuzz-unpriv "exit $r: $out" [ $r -eq 0 ]
after=$(awk '$1 == "exits" { print $2 }' $DBG/summary)
t_eq nl-fuzz-unpriv-counters-unchanged "$after" "$before"
sent=$(echo "$out" | awk '{ print $3 }')
t_eq nl-fuzz-unpriv-sent "$sent" "$N"

t=$(uptime_s)
out=$("$FUZZ" -n "$N" -s 11); r=$?
say "$out ($(since "$t")s)"
check nl-fuzz-root "exit $r: $out" [ $r -eq 0 ]
# Some random requests must be valid enough to succeed, or the fuzzer
# only exercised the policy checks.
t_gt nl-fuzz-root-some-accepted "$(echo "$out" | awk '{ print $13 }')" 100

# Still counting exactly.
echo 1 > $DBG/reset
vmm b.out --io 3000 --cpuid 500 --mmio 200; r=$?
check nl-vmm-after-fuzz "exit $r: $(cat b.out.err)" [ $r -eq 0 ]
sleep 1
pid=$(field pid <b.out)
kvm_exits=$(sumf exits <b.out)
row=$(awk -v p="$pid" '$2 == p' $DBG/vms)
t_eq nl-after-fuzz-vm-exits "$(echo "$row" | awk '{ print $6 }')" "$kvm_exits"
dir=$(echo "$row" | awk '{ print $10 }')
t_eq nl-after-fuzz-io "$(awk '$1 == "io" { print $2 }' $DBG/vm/$dir/exits)" 3000
t_eq nl-after-fuzz-cpuid "$(awk '$1 == "cpuid" { print $2 }' $DBG/vm/$dir/exits)" 500

rmmod vtel && pass nl-rmmod || fail nl-rmmod "rmmod vtel"
lab_done
