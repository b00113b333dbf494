#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest smoke test of the lab and the test VMM, without vtel: the VMM's
# work must match KVM's own per-vCPU counters (io_exits == guest io,
# mmio_exits == guest mmio, halt_exits == 1, exits >= io + cpuid + mmio + 1).
. /lab/lib.sh
cd /tmp

t=$(uptime_s)
if load_kvm; then pass kvm-load; else fail kvm-load "insmod of the kvm modules failed or no /dev/kvm"; fi
say "kvm loaded in $(since "$t")s; cpus with svm: $(grep -c -w svm /proc/cpuinfo)"

t=$(uptime_s)
vmm one.out --io 3000 --cpuid 500 --mmio 200; r=$?
check vmm-basic-rc "exit $r: $(cat one.out.err)" [ $r -eq 0 ]
cat one.out
check_kvm_lines basic one.out 1
t_eq basic-guest-io "$(field guest_io <one.out)" 3000
t_eq basic-guest-mmio "$(field guest_mmio <one.out)" 200
say "basic run took $(since "$t")s"

t=$(uptime_s)
vmm two.out --io 1000 --cpuid 100 --mmio 50 --vcpus 2; r=$?
check vmm-vcpus2-rc "exit $r: $(cat two.out.err)" [ $r -eq 0 ]
cat two.out
check_kvm_lines vcpus2 two.out 2
t_eq vcpus2-distinct-tids "$(field tid <two.out | sort -u | wc -l)" 2
ids=$(field vcpu <two.out | sort -n | tr '\n' ' ')
check vcpus2-vcpu-ids "got '$ids'" [ "$ids" = "0 1 " ]
say "2-vCPU run took $(since "$t")s"

t=$(uptime_s)
vmm three.out --io 200 --cpuid 20 --mmio 10 --vms 3; r=$?
check vmm-vms3-rc "exit $r: $(cat three.out.err)" [ $r -eq 0 ]
cat three.out
check_kvm_lines vms3 three.out 3
ids=$(field vm <three.out | tr '\n' ' ')
check vms3-indices "got '$ids'" [ "$ids" = "0 1 2 " ]
say "3-VM run took $(since "$t")s"

t=$(uptime_s)
vmm loop.out --loop 2 --io 100 --cpuid 10 --mmio 5; r=$?
check vmm-loop-rc "exit $r: $(cat loop.out.err)" [ $r -eq 0 ]
cat loop.out
check_kvm_lines loop loop.out 1
t_gt loop-rounds "$(field rounds <loop.out)" 1
t_ge loop-wall-ns "$(field wall_ns <loop.out)" 2000000000
say "loop run took $(since "$t")s"

t=$(uptime_s)
vmm c1.out --io 2000 --cpuid 300 --mmio 100 & p1=$!
vmm c2.out --io 500 --cpuid 1000 --mmio 300 --vcpus 2 & p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
check concurrent-rc "exit $r1/$r2: $(cat c1.out.err c2.out.err)" [ $r1 -eq 0 -a $r2 -eq 0 ]
cat c1.out c2.out
check_kvm_lines concurrent-a c1.out 1
check_kvm_lines concurrent-b c2.out 2
say "concurrent runs took $(since "$t")s"

# Error paths: bad arguments and no /dev/kvm must fail with a message.
vmm bad.out --io nope; r=$?
check vmm-bad-arg "exit $r, stderr '$(cat bad.out.err)'" [ $r -ne 0 -a -s bad.out.err ]
if unload_kvm; then pass kvm-unload; else fail kvm-unload "rmmod kvm_amd kvm failed"; fi
vmm nokvm.out --io 1; r=$?
grep -q /dev/kvm nokvm.out.err; g=$?
check vmm-no-kvm "exit $r, stderr '$(cat nokvm.out.err)'" [ $r -ne 0 -a $g -eq 0 ]
say "no-kvm stderr: $(cat nokvm.out.err)"
if load_kvm; then pass kvm-reload; else fail kvm-reload "insmod after rmmod failed"; fi
vmm re.out --io 10 --cpuid 10 --mmio 10; r=$?
check vmm-after-reload-rc "exit $r: $(cat re.out.err)" [ $r -eq 0 ]
check_kvm_lines reload re.out 1

lab_done
