#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest: every operation of the vtel family, do and dump, and its event,
# through the kernel's own YNL client knowing the family only from the YAML
# spec (tests/lab/ynl-check.py). Extras: tests/lab/ynl-files.sh.
. /lab/lib.sh
cd /tmp
tar -C / -xf /extra/ynl-root.tar && pass ynl-unpack || fail ynl-unpack "tar"
export PYTHONPATH=/usr/lib/python3/dist-packages PYTHONDONTWRITEBYTECODE=1
load_kvm && pass ynl-kvm-load || fail ynl-kvm-load "kvm modules"
# ynl-check.py's PARAMS: the config must echo these.
insmod "$VTEL_KO" max_vms=37 max_vcpus=91 retired_vms=5 retired_secs=777 &&
	pass ynl-insmod || fail ynl-insmod "insmod vtel"
t=$(uptime_s)
# The one spec among the extras (YNL_SPEC= of ynl-files.sh picks it).
spec=$(ls /extra/*.yaml | head -n 1)
say "spec under test: $spec"
/usr/bin/python3.11 -S /extra/ynl-check.py "$spec" /ynl; r=$?
check ynl-check-exit "ynl-check.py exited $r" [ $r -eq 0 ]
say "ynl checks took $(since "$t")s"
lab_done
