#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest: requests vtel must refuse, with their errno and extended ack
# (tests/lab/nlerr-check.py), sent by the kernel's YNL client and as raw
# generic netlink, as root and as nobody. Extras: tests/lab/ynl-files.sh
# and tests/lab/nlerr-check.py.
. /lab/lib.sh
cd /tmp
tar -C / -xf /extra/ynl-root.tar && pass nlerr-unpack || fail nlerr-unpack "tar"
export PYTHONPATH=/usr/lib/python3/dist-packages PYTHONDONTWRITEBYTECODE=1
load_kvm && pass nlerr-kvm-load || fail nlerr-kvm-load "kvm modules"
insmod "$VTEL_KO" && pass nlerr-insmod || fail nlerr-insmod "insmod vtel"
mkdir -p /sys/fs/cgroup/nlerr
sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' /sys/fs/cgroup/nlerr \
	"$VMM" --io 20 --cpuid 5 --vcpus 2 >vm.out 2>&1 && pass nlerr-vmm || fail nlerr-vmm "$(tail -n 2 vm.out)"
pid=$(field pid <vm.out | head -n 1)
wait_until 10 sh -c "awk '\$1 !~ /^#/ && \$4 == \"retired\"' $DBG/vms | grep -q ." || fail nlerr-vm-retired "not retired"
vm=$(awk '$1 !~ /^#/ { print $1; exit }' $DBG/vms)
spec=$(ls /extra/*.yaml | head -n 1)
t=$(uptime_s)
/usr/bin/python3.11 -S /extra/nlerr-check.py "$spec" /ynl "$vm" 2 "$pid"; r=$?
check nlerr-check-exit "nlerr-check.py exited $r" [ $r -eq 0 ]
say "nlerr checks took $(since "$t")s"
rmmod vtel && pass nlerr-rmmod || fail nlerr-rmmod "rmmod"
lab_done
