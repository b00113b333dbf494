#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest: vtel's own tracepoints. The test VMM sleeps a known time in
# userspace on each of N MMIO writes (or port writes); Debian's perf and
# bpftrace, which vtel did not write, must see exactly those exits as
# vtel:vtel_slow_exit events, with the VMM's pid, the MMIO reason and at
# least the sleep as handling time, and vtel's slow_exits must equal the
# number of events. Extras: the static vtel CLI, perf and bpftrace with
# their libraries (tests/lab/prog-files.sh). Under Bochs bpftrace may be
# left out (its LLVM and clang libraries are 200 MB; see
# Documentation/testing.rst): then its checks are not run, and say so.
. /lab/lib.sh
cd /tmp
LD=$(ls /extra/ld-linux-x86-64.so.* 2>/dev/null | head -n 1)
perf() { "$LD" --library-path /extra /extra/perf "$@"; }
bpftrace() { "$LD" --library-path /extra /extra/bpftrace "$@"; }
VTEL=/extra/vtel
EV=/sys/kernel/tracing/events/vtel
BPFTRACE=1
[ -x /extra/bpftrace ] || [ "$LAB_BACKEND" != bochs ] || BPFTRACE=0
N=5
SLEEP_US=150000		# the VMM's sleep on each slow exit
THRESH=75ms		# far above a TCG exit (~50 us, tens of ms on a busy host)

load_kvm || fail tr-kvm "kvm modules"
insmod "$VTEL_KO" || fail tr-insmod "insmod vtel.ko"
for e in vtel_slow_exit vtel_vm_start vtel_vm_stop; do
	check "tr-event-$e" "no $EV/$e" [ -d "$EV/$e" ]
done
check tr-perf-runs "perf does not start" perf --version

VENDOR=$(awk '$1 == "vendor" { print $2 }' $DBG/summary)
if [ "$VENDOR" = vmx ]; then MMIO_RE='^EPT_(VIOLATION|MISCONFIG)$' IO=IO_INSTRUCTION
else MMIO_RE='^npf$' IO=io; fi

# events FILE: the vtel_slow_exit lines of a perf script output as
# "pid reason handling_ns tid kvm_ns vmm_ns wait_ns idle_ns".
events() {
	grep 'vtel:vtel_slow_exit:' "$1" | sed 's/.*vtel:vtel_slow_exit: *//' |
		awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		       print v["pid"], v["reason"], v["handling_ns"], v["tid"],
			     v["kvm_ns"], v["vmm_ns"], v["wait_ns"], v["idle_ns"] }'
}
# slow_of PID: vtel's slow_exits of that VMM's VM, from vtel vms -j.
slow_of() {
	"$VTEL" vms -j | tr '{' '\n' | grep "\"pid\":$1[,}]" |
		sed -n 's/.*"slow_exits":\([0-9]*\).*/\1/p' | head -n 1
}
# record NAME VMM-ARGS...: perf record of vtel's events around one VM.
# (check() in lib.sh uses _n: this takes _rn.)
record() {
	_rn=$1; shift
	perf record -q -e vtel:vtel_slow_exit -e vtel:vtel_vm_start \
		-e vtel:vtel_vm_stop -a -o "$_rn.data" -- \
		"$VMM" --hold 0.2 "$@" >"$_rn.out" 2>"$_rn.err"
	check "tr-$_rn-vmm" "$(tail -n 3 "$_rn.err")" grep -q '^vm=' "$_rn.out"
	perf script -i "$_rn.data" >"$_rn.script" 2>"$_rn.script.err"
	events "$_rn.script" >"$_rn.ev"
	_pid=$(field pid <"$_rn.out" | head -n 1)
}

# 1. The global threshold, set at run time through the module parameter.
echo 75000 >/sys/module/vtel/parameters/slow_exit_us
t_eq tr-param-reads "$(cat /sys/module/vtel/parameters/slow_exit_us)" 75000
record global --mmio $N --mmio-sleep $SLEEP_US --cpuid 300
t_eq tr-global-count "$(wc -l <global.ev)" $N
bad=$(awk -v p="$_pid" -v re="$MMIO_RE" -v s=$((SLEEP_US * 1000)) \
	'$1 != p || $2 !~ re || $3 < s' global.ev)
check tr-global-fields "pid $_pid, reason $MMIO_RE, handling >= ${SLEEP_US}us: $bad" [ -z "$bad" ]
bad=$(awk '$3 <= 75000000' global.ev)
check tr-global-none-under "events under the threshold: $bad" [ -z "$bad" ]
# The VMM slept: that is vmm time, and the four parts add up exactly.
bad=$(awk -v s=$((SLEEP_US * 1000)) '$6 < s' global.ev)
check tr-global-vmm-ns "vmm_ns under the ${SLEEP_US}us sleep: $bad" [ -z "$bad" ]
bad=$(awk '$5 + $6 + $7 + $8 != $3' global.ev)
check tr-global-split-sum "kvm+vmm+wait+idle != handling: $bad" [ -z "$bad" ]
t_eq tr-global-slow-exits "$(slow_of "$_pid")" $N
t_eq tr-vm-start "$(grep -c "vtel:vtel_vm_start: pid=$_pid " global.script)" 1
t_eq tr-vm-stop "$(grep -c "vtel:vtel_vm_stop: pid=$_pid " global.script)" 1
sed -n '1,3p' global.script | sed 's/^/# /'

# 2. A per-reason threshold (CLI, netlink) fires only for its reason.
"$VTEL" config slow-exit 0 && pass tr-cli-global-off || fail tr-cli-global-off "vtel config slow-exit 0"
t_eq tr-param-follows "$(cat /sys/module/vtel/parameters/slow_exit_us)" 0
"$VTEL" config slow-exit $THRESH --reason $IO && pass tr-cli-reason ||
	fail tr-cli-reason "vtel config slow-exit $THRESH --reason $IO"
"$VTEL" config | sed 's/^/# /'
record reason --mmio $N --mmio-sleep $SLEEP_US --io $N --io-sleep $SLEEP_US --cpuid 300
t_eq tr-reason-count "$(wc -l <reason.ev)" $N
bad=$(awk -v p="$_pid" -v r=$IO -v s=$((SLEEP_US * 1000)) '$1 != p || $2 != r || $3 < s' reason.ev)
check tr-reason-only "only $IO from pid $_pid: $bad" [ -z "$bad" ]
t_eq tr-reason-slow-exits "$(slow_of "$_pid")" $N

# 3. Threshold 0 everywhere: nothing is recorded, nothing counted.
"$VTEL" config slow-exit default --reason $IO && pass tr-cli-reason-default ||
	fail tr-cli-reason-default "vtel config slow-exit default --reason $IO"
record off --mmio $N --mmio-sleep $SLEEP_US --io $N --io-sleep $SLEEP_US
t_eq tr-off-count "$(wc -l <off.ev)" 0
t_eq tr-off-slow-exits "$(slow_of "$_pid")" 0

# 4. bpftrace on the same tracepoint counts the same N, by reason name
# (args->reason is a char array: bpftrace reads it as a string).
"$VTEL" config slow-exit $THRESH >/dev/null
ulimit -l unlimited 2>/dev/null
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
if [ $BPFTRACE = 1 ]; then
	bpftrace -e 'tracepoint:vtel:vtel_slow_exit { @[args->reason] = count(); }' \
		-c "$VMM --mmio $N --mmio-sleep $SLEEP_US --cpuid 200" >bt.out 2>bt.err
	sed 's/^/# bpftrace: /' bt.out
	got=$(sed -n 's/^@\[\(.*\)\]: \([0-9]*\)$/\1 \2/p' bt.out)
	t_eq tr-bpftrace-count "$(echo "$got" | awk '{ s += $2 } END { print s + 0 }')" $N
	# (On VMX the N can be split between EPT_VIOLATION and EPT_MISCONFIG.)
	bad=$(echo "$got" | awk -v re="$MMIO_RE" -v n=$N '$1 !~ re { print "other:", $0 }
		$1 ~ re { s += $2 } END { if (s != n) print "mmio " s + 0 " != " n }')
	check tr-bpftrace-reason "bpftrace saw '$got': $bad ($(tail -n 2 bt.err))" [ -z "$bad" ]
else
	say "bpftrace: not in this Bochs initramfs, its two checks not run"
fi

# 5. Bad input: an unknown reason is refused and changes nothing.
"$VTEL" config slow-exit 1ms --reason no_such_reason 2>cfg.err
rc=$?
check tr-cli-bad-reason "exit $rc: $(cat cfg.err)" [ $rc -ne 0 ]
check tr-cli-bad-reason-msg "$(cat cfg.err)" grep -qi 'unknown exit reason' cfg.err
t_eq tr-bad-reason-unchanged "$(cat /sys/module/vtel/parameters/slow_exit_us)" 75000

# 6. The investigation of Documentation/perf.rst, for its example output:
# a VM whose VMM is slow on some MMIO exits.
wf() { echo "# wf\$ $*"; "$@" 2>&1 | sed 's/^/# wf: /'; }
"$VTEL" config slow-exit 0 >/dev/null
"$VMM" --mmio 50 --mmio-sleep 2000 --io 2000 --cpuid 500 >wf.out 2>&1
wpid=$(field pid <wf.out | head -n 1)
wf "$VTEL" exits --pid "$wpid"
for r in $R_MMIO; do wf "$VTEL" config slow-exit 1ms --reason $r; done
perf record -q -e vtel:vtel_slow_exit -a -o wf.data -- \
	"$VMM" --mmio 50 --mmio-sleep 2000 --io 2000 --cpuid 500 >/dev/null 2>&1
echo "# wf\$ perf script -i wf.data | head -n 4"
perf script -i wf.data 2>/dev/null | head -n 4 | sed 's/^/# wf: /'
perf script -i wf.data 2>/dev/null | grep -c vtel_slow_exit >wf.n
# (KVM's own first npf of a VM, mapping guest memory, can be slow too.)
check tr-wf-events "perf script saw $(cat wf.n) slow exits, want >= 50" [ "$(cat wf.n)" -ge 50 ]
wf perf trace --no-syscalls -e 'vtel:*' -- "$VMM" --mmio 3 --mmio-sleep 2000
[ $BPFTRACE = 0 ] ||
	wf bpftrace -e 'tracepoint:vtel:vtel_slow_exit { @us[args->reason] = hist(args->handling_ns / 1000); }' \
		-c "$VMM --mmio 50 --mmio-sleep 2000 --io 500"

rmmod vtel && pass tr-rmmod || fail tr-rmmod "rmmod vtel"
lab_done
