#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest, booted with debugfs=off (run.sh --cmdline debugfs=off): vtel
# loads and its netlink family works without debugfs (issue 7, defect 4),
# checked with the kernel's YNL client against KVM's counters; and dumps
# left unread are charged to the reader's memory cgroup and bounded
# (defect 7). Extras: tests/lab/ynl-files.sh.
. /lab/lib.sh
cd /tmp
tar -C / -xf /extra/ynl-root.tar && pass nd-unpack || fail nd-unpack "tar"
export PYTHONPATH=/usr/lib/python3/dist-packages PYTHONDONTWRITEBYTECODE=1
PY=/usr/bin/python3.11
spec=$(ls /extra/*.yaml | head -n 1)
check nd-debugfs-off "debugfs is mounted" [ ! -e /sys/kernel/debug/kprobes ]
grep -q debugfs=off /proc/cmdline && pass nd-cmdline || fail nd-cmdline "$(cat /proc/cmdline)"
load_kvm && pass nd-kvm-load || fail nd-kvm-load "kvm modules"
if insmod "$VTEL_KO" 2>/tmp/insmod.err; then pass nd-insmod
else fail nd-insmod "insmod vtel.ko: $(cat /tmp/insmod.err)"; fi
vmm vm.out --io 400 --cpuid 40; r=$?
check nd-vmm "exit $r: $(cat vm.out.err)" [ $r -eq 0 ]
sleep 0.3
# ynl CMD...: one YNL request, its reply as JSON.
ynl() { "$PY" -S /ynl/cli.py --spec "$spec" --no-schema --output-json "$@"; }
st=$(ynl --do get-status)
say "get-status: $st"
jval() { echo "$1" | "$PY" -S -c "import json, sys; print(json.load(sys.stdin).get('$2'))"; }
t_eq nd-status-attached "$(jval "$st" attached)" 1
t_eq nd-status-exits-equal-kvm "$(jval "$st" exits)" "$(sumf exits <vm.out)"
vms=$(ynl --dump get-vms)
t_eq nd-vms-pid "$(echo "$vms" | "$PY" -S -c "import json, sys; print(json.load(sys.stdin)[0]['pid'])")" "$(field pid <vm.out)"
"$PY" -S /extra/ynl-check.py --park "$spec" /ynl
r=$?
check nd-park-exit "ynl-check.py --park exited $r" [ $r -eq 0 ]
rmmod vtel && pass nd-rmmod || fail nd-rmmod "rmmod vtel"
lab_done
