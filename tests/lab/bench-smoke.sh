#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest smoke test of the hot-path microbenchmark (kmod/vtel_bench.c,
# the vtel.ko built with VTEL_BENCH=1, passed as /extra/vtel-bench.ko):
# it runs once, prints its figures, and the real probes counted every
# call it made (2 warm-up pairs + N). Time is reported, never asserted.
. /lab/lib.sh
N=10000
B=/sys/kernel/debug/vtel_bench
load_kvm && pass smoke-kvm || fail smoke-kvm "kvm modules"
insmod /extra/vtel-bench.ko && pass smoke-insmod || fail smoke-insmod "insmod vtel-bench.ko"
check smoke-unchecked-layout "ran before the SVM layout was checked" \
	sh -c "! echo $N >$B 2>/dev/null"
vmm vm.out --io 100 --cpuid 100
check_kvm_lines smoke vm.out 1
before=$(awk '$1 == "exits" { print $2 }' $DBG/summary)
retired=$(awk '$1 == "vms_retired" { print $2 }' $DBG/summary)
t_eq smoke-vm-exits "$before" "$(field exits <vm.out)"
check smoke-run "write $N to $B" sh -c "echo $N >$B"
say "bench: $(cat $B)"
t_eq smoke-pairs "$(field pairs <$B)" $N
after=$(awk '$1 == "exits" { print $2 }' $DBG/summary)
t_eq smoke-counted "$((after - before))" $((N + 2))
t_eq smoke-retired "$(awk '$1 == "vms_retired" { print $2 }' $DBG/summary)" $((retired + 1))
check smoke-bad-input "accepted 0 pairs" sh -c "! echo 0 >$B 2>/dev/null"
rmmod vtel && pass smoke-rmmod || fail smoke-rmmod "rmmod vtel"
lab_done
