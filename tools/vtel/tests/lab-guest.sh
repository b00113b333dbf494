#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In-guest (tests/lab/run.sh --script): the vtel CLI, /extra/vtel (static),
# against the real module, with KVM's own counters (vtel-testvmm's lines)
# as the oracle. One "ok - NAME" / "not ok - NAME: WHY" line per check;
# JSON and Prometheus outputs are printed between VTEL-FILE-BEGIN/END
# markers for tools/vtel/tests/lab.sh to validate on the host. Runs on SVM
# (QEMU) and VMX (Bochs): reason names are lib.sh's $R_IO, $R_HLT, $R_MMIO.
. /lab/lib.sh
cd /tmp
V=/extra/vtel

# rc NAME WANT CMD...: exit status WANT; on errors exactly one stderr line.
rc() {
	_n=$1 _w=$2
	shift 2
	"$@" >rc.out 2>rc.err
	_r=$?
	if [ $_r -eq $_w ] && { [ $_w -eq 0 ] || [ "$(wc -l <rc.err)" -eq 1 ]; }; then
		pass "$_n"
	else
		fail "$_n" "exit $_r want $_w, stderr: $(tr '\n' ' ' <rc.err)"
	fi
	sed 's/^/# stderr: /' rc.err
}
dump() { echo "VTEL-FILE-BEGIN $1"; cat "$1"; echo "VTEL-FILE-END $1"; }
# jnum KEY FILE: the first integer value of KEY in a JSON file.
jnum() { tr ',{}' '\n\n\n' <"$2" | awk -F: -v k="\"$1\"" '$1 == k { print $2; exit }'; }
# reason_count FILE REASON...: "count" of these reasons in exits JSON, summed.
reason_count() {
	_f=$1; shift
	for _r in "$@"; do
		tr '{' '\n' <"$_f" | awk -v r="\"reason\":\"$_r\"" 'index($0, r) {
			n = split($0, a, ",")
			for (i = 1; i <= n; i++) if (a[i] ~ /^"count":/) { sub(/"count":/, "", a[i]); print a[i] } }'
	done | awk '{ s += $1; n++ } END { if (n) print s }'
}

# ---- no module: exit 3
rc cli-nomod-status 3 $V status
load_kvm && pass cli-kvm-load || fail cli-kvm-load "kvm modules"
insmod "$VTEL_KO" && pass cli-insmod || fail cli-insmod "insmod vtel"
rc cli-status 0 $V status
cat rc.out
$V -j status >st.json
dump st.json
check cli-status-json-loaded "$(cat st.json)" grep -q '"loaded":true' st.json

# ---- a VM that lives until l.stop exists (not a clock: Bochs guest time is
# not wall time), sleeping 5 ms after each port write so that it makes a
# few hundred exits a second on either backend while the CLI samples it;
# at nice 19, so that on Bochs's one CPU the CLI is not starved
rm -f l.stop
sh -c 'renice -n 19 -p $$ >/dev/null && exec "$@"' sh "$VMM" --loop 60 \
	--stop-file /tmp/l.stop --io-sleep 5000 \
	--io 200 --cpuid 20 --mmio 10 --vcpus 2 >l.out 2>l.out.err &
P=$!
i=0
while [ $i -lt 50 ] && ! $V -j vms 2>/dev/null | grep -q "\"pid\":$P,"; do
	sleep 0.2
	i=$((i + 1))
done
rc cli-vms 0 $V vms
cat rc.out
$V -j vms >vms.json
dump vms.json
rc cli-exits-pid 0 $V exits --pid $P
cat rc.out
$V -j exits --pid $P >ex.json
dump ex.json
check cli-exits-pid-type "$(head -c 200 ex.json)" grep -q '"type":"vm"' ex.json
rc cli-vcpus 0 $V vcpus --pid $P
cat rc.out
check cli-vcpus-two "$(cat rc.out)" [ "$(grep -c '^ *[0-9]' rc.out)" -eq 2 ]
rc cli-exits-vcpu 0 $V -j exits --pid $P --vcpu 1
cp rc.out exv.json
dump exv.json
rc cli-hist-io 0 $V hist "$R_IO" --pid $P
cat rc.out
$V -j hist "$R_IO" --pid $P >h.json
dump h.json
rc cli-top-plain 0 $V top --count 2 --interval 0.5
cat rc.out
check cli-top-no-ansi "escape codes" [ "$(tr -dc '\033' <rc.out | wc -c)" -eq 0 ]
$V -j top --count 2 --interval 0.5 >top.jsonl
dump top.jsonl
t_eq cli-top-json-lines "$(wc -l <top.jsonl)" 2
rc cli-cgroups 0 $V cgroups
cat rc.out
$V -j cgroups >cg.json
dump cg.json

# ---- top on a real terminal (a pty): redraws, shows the VM, q quits
if [ -x /extra/vtel-pty ]; then
	mkdir -p /dev/pts
	grep -q ' /dev/pts ' /proc/mounts || mount -t devpts devpts /dev/pts
	/extra/vtel-pty 2.5 $V top --interval 0.5 >pty.out 2>&1
	r=$?
	t_eq cli-top-pty-q-quits "$r" 0
	check cli-top-pty-redraws "no ANSI clear" [ "$(grep -c "$(printf '\033')\[" pty.out)" -ge 2 ]
	check cli-top-pty-shows-vm "pid $P not on screen" grep -q "$P" pty.out
	check cli-top-pty-shows-io "no $R_IO row" grep -q "$R_IO" pty.out
	say "top on a pty (last screen):"
	tr '\033' '~' <pty.out | tail -n 12
fi

# ---- events: a short VM starts and stops
$V -j events --count 2 >ev.jsonl 2>ev.err &
E=$!
sleep 1
vmm e.out --io 5 --cpuid 1 --mmio 1
i=0
while [ $i -lt 50 ] && kill -0 $E 2>/dev/null; do
	sleep 0.2
	i=$((i + 1))
done
kill $E 2>/dev/null
wait $E
dump ev.jsonl
t_eq cli-events-two "$(wc -l <ev.jsonl)" 2
check cli-events-start-stop "$(cat ev.jsonl)" grep -q '"event":"stop"' ev.jsonl

# ---- the retired VM against KVM's counters
touch l.stop
wait $P
cat l.out
ID=$(tr '{' '\n' <vms.json | awk -v p="\"pid\":$P," 'index($0, p) { sub(/.*"vm_id":/, ""); sub(/,.*/, ""); print; exit }')
say "VM id of pid $P: $ID"
$V -j exits --vm "$ID" >done.json
dump done.json
$V exits --vm "$ID"
t_eq cli-oracle-io "$(reason_count done.json "$R_IO")" "$(sumf guest_io <l.out)"
t_eq cli-oracle-hlt "$(reason_count done.json "$R_HLT")" 2
t_ge cli-oracle-npf "$(reason_count done.json $R_MMIO)" "$(sumf guest_mmio <l.out)"
# The same VM's total three ways: the CLI (netlink), debugfs, KVM itself.
cli_total=$(tr ',' '\n' <done.json | awk -F: '$1 == "\"exits\"" { print $2; exit }')
dbg_total=$(awk -v id="$ID" '$1 == id { print $6 }' /sys/kernel/debug/vtel/vms)
t_eq cli-total-equals-kvm "$cli_total" "$(sumf exits <l.out)"
t_eq cli-total-equals-debugfs "$cli_total" "$dbg_total"
dir=$(awk -v id="$ID" '$1 == id { print $10 }' /sys/kernel/debug/vtel/vms)
t_eq cli-io-equals-debugfs "$(reason_count done.json "$R_IO")" \
	"$(awk -v r="$R_IO" '$1 == r { print $2 }' /sys/kernel/debug/vtel/vm/$dir/exits)"
# vtel io: the ports (0x10 out, 0x11 in: the round question) and the page
# against what the VMM saw and KVM counted. VMX reports an MMIO page's
# first access as a write and the rest without access type: sum its rows.
rc cli-io 0 $V io --vm "$ID"
cat rc.out
$V -j io --vm "$ID" >io.json
dump io.json
# row_field FILE KEY FIELD: the summed FIELD of the rows that start with KEY.
row_field() {
	tr '{' '\n' <"$1" | awk -v k="$2" -v f="\"$3\":" 'index($0, k) == 1 {
		sub(".*" f, ""); sub(/[,}].*/, ""); s += $0; n++ }
		END { if (n) print s }'
}
row_count() { row_field "$1" "$2" count; }
# reason_field FILE REASON FIELD: FIELD of REASON's exit row.
reason_field() {
	tr '{' '\n' <"$1" | awk -v r="\"reason\":\"$2\"" -v f="\"$3\":" 'index($0, r) {
		sub(".*" f, ""); sub(/[,}].*/, ""); print; exit }'
}
t_eq cli-io-port-0x10 "$(row_count io.json '"port":16,"dir":"out"')" \
	"$(($(sumf guest_io <l.out) - $(sumf rounds <l.out)))"
t_eq cli-io-port-0x11 "$(row_count io.json '"port":17,"dir":"in"')" \
	"$(sumf rounds <l.out)"
t_eq cli-io-page-0x9000 "$(row_count io.json '"gpa":36864,')" \
	"$(sumf mmio_exits <l.out)"
t_eq cli-io-other-empty "$(row_count io.json '"count"')" 0
# The rows' time split: the VMM slept 5 ms after each out 0x10 (vmm time,
# not wait), and the port rows split the io reason's time exactly.
t_ge cli-io-port-0x10-vmm-covers-sleeps \
	"$(row_field io.json '"port":16,"dir":"out"' vmm_ns)" \
	"$(( ($(sumf guest_io <l.out) - $(sumf rounds <l.out)) * 5000000 ))"
for f in total_ns kvm_ns vmm_ns wait_ns idle_ns; do
	t_eq "cli-io-ports-$f-is-io" "$(row_field io.json '"port":' $f)" \
		"$(reason_field done.json "$R_IO" $f)"
done
rc cli-vms-retired 0 $V vms
cat rc.out
check cli-vms-retired-state "$(cat rc.out)" grep -q retired rc.out

# ---- errors
rc cli-enoent-pid 5 $V exits --pid 1
rc cli-enoent-vm 5 $V exits --vm 4000
rc cli-enoent-vcpu 5 $V exits --vm "$ID" --vcpu 99
rc cli-enoent-reason 5 $V hist nosuchreason
rc cli-enoent-cgroup 5 $V exits --cgroup /no/such
rc cli-enoent-cgroup-dir 5 $V exits --cgroup-dir /no/such
rc cli-usage 2 $V exits --pid 1 --vm 2
rc cli-config-set 0 $V config slow_ns=1000 event_rate=50
$V -j config >cfg.json
dump cfg.json
t_eq cli-config-slow "$(jnum slow_ns cfg.json)" 1000
rc cli-config-bad 1 $V config event_rate=100001
rc cli-config-bad-reason 5 $V config slow-exit 1ms --reason no_such_reason
rc cli-config-slow-off 0 $V config slow_ns=0
$V -j config >cfg.json
t_eq cli-config-slow-off-reads "$(jnum slow_ns cfg.json)" 0

# ---- cgroups: a VM in /tenant-a/vm1
mkdir -p /sys/fs/cgroup/tenant-a/vm1
sh -c 'echo $$ >/sys/fs/cgroup/tenant-a/vm1/cgroup.procs && exec /bin/vtel-testvmm --io 300 --cpuid 10 --mmio 5' >cg.out 2>&1
cat cg.out
rc cli-cgroups-after 0 $V cgroups
cat rc.out
rc cli-exits-cgroup 0 $V -j exits --cgroup /tenant-a
cp rc.out exc.json
dump exc.json
t_eq cli-cgroup-io "$(reason_count exc.json "$R_IO")" 300
rc cli-exits-cgroup-own-parent 5 $V -j exits --cgroup /tenant-a --own
rc cli-exits-cgroup-own 0 $V -j exits --cgroup /tenant-a/vm1 --own
cp rc.out exo.json
dump exo.json
t_eq cli-cgroup-own-io "$(reason_count exo.json "$R_IO")" 300
rc cli-exits-cgroup-dir 0 $V exits --cgroup-dir /sys/fs/cgroup/tenant-a/vm1 --own
cat rc.out
rc cli-hist-cgroup 0 $V hist "$R_IO" --cgroup /tenant-a/vm1
cat rc.out
rc cli-cgroups-tree 0 $V cgroups --tree --interval 0.2
cat rc.out
rc cli-cgroups-tree-json 0 $V -j cgroups --tree --interval 0.2
cp rc.out cgt.json
dump cgt.json
# cpu.stat is read from the guest's cgroup2 mount.
check cli-cgroups-tree-cpu "no cpu_usage_usec for /tenant-a/vm1" \
	grep -q '"path":"/tenant-a/vm1","name":"vm1",[^}]*"own_exits":[1-9][0-9]*,"cpu_usage_usec":[0-9]' cgt.json
rc cli-top-cgroup 0 $V -j top --by cgroup --count 1 --interval 0.2
cp rc.out topcg.jsonl
dump topcg.jsonl
check cli-top-cgroup-vm1 "no /tenant-a/vm1 row" grep -q '"path":"/tenant-a/vm1"' topcg.jsonl

# ---- export
rc cli-export 0 $V export
cp rc.out m.prom
dump m.prom
check cli-export-cgroup "no vtel_cgroup_exits_total of /tenant-a/vm1" \
	grep -q '^vtel_cgroup_exits_total{cgroup="/tenant-a/vm1"} [1-9]' m.prom

# ---- unprivileged (su needs a passwd entry)
mkdir -p /etc
echo 'root:x:0:0::/:/bin/sh' >/etc/passwd
echo 'nobody:x:65534:65534::/:/bin/sh' >>/etc/passwd
echo 'root:x:0:' >/etc/group
echo 'nogroup:x:65534:' >>/etc/group
rc cli-unpriv-status 0 su nobody -s /bin/sh -c "$V status"
rc cli-unpriv-vms 4 su nobody -s /bin/sh -c "$V vms"
rc cli-unpriv-exits 4 su nobody -s /bin/sh -c "$V exits"
before=$(awk '$1 == "exits" { print $2 }' /sys/kernel/debug/vtel/summary)
slow_before=$($V -j config | tr ',' '\n' | grep -c '"slow_ns":1000')
rc cli-unpriv-reset 4 su nobody -s /bin/sh -c "$V reset"
rc cli-unpriv-config-set 4 su nobody -s /bin/sh -c "$V config event_rate=5 slow_ns=7"
rc cli-unpriv-config 0 su nobody -s /bin/sh -c "$V config"
rc cli-unpriv-events 4 su nobody -s /bin/sh -c "$V events --count 1"
t_eq cli-unpriv-counters-unchanged \
	"$(awk '$1 == "exits" { print $2 }' /sys/kernel/debug/vtel/summary)" "$before"
t_eq cli-unpriv-config-unchanged \
	"$($V -j config | tr ',' '\n' | grep -c '"slow_ns":1000')" "$slow_before"

# ---- reset, unload
rc cli-reset 0 $V reset
$V -j status >st2.json
dump st2.json
t_eq cli-reset-zero "$(jnum exits st2.json)" 0
rmmod vtel && pass cli-rmmod || fail cli-rmmod "rmmod vtel"
rc cli-nomod-after 3 $V -j exits
lab_done
