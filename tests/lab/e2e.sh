#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest end-to-end test of vtel against its debugfs views, with KVM's own
# per-vCPU counters (printed by vtel-testvmm) as the oracle.  Every check is
# one TAP-like line; the runner counts them.  It runs on SVM (QEMU) and VMX
# (Bochs): reason names come from lib.sh ($R_IO, $R_CPUID, $R_MMIO, $R_HLT).
. /lab/lib.sh
cd /tmp

# ---------------------------------------------------------------- helpers

# sval KEY: a value from summary.
sval() { awk -v k="$1" '$1 == k { print $2 }' $DBG/summary 2>/dev/null; }
attached_is() { [ "$(sval attached)" = "$1" ]; }
# vms_rows PID: the vms rows of a process, by increasing vm id.
vms_rows() { awk -v p="$1" '$1 !~ /^#/ && $2 == p' $DBG/vms | sort -n; }
# reason FILE NAME...: the count of these reason rows, summed (empty if
# there is none).
reason() {
	_f=$1; shift
	awk -v r=" $* " '$1 !~ /^#/ && index(r, " " $1 " ") { s += $2; n++ }
		END { if (n) print s }' "$_f"
}
# rowsum FILE [COL]: sum of a column (default 2) over the data rows.
rowsum() { awk -v c="${2:-2}" '$1 !~ /^#/ { s += $c } END { printf "%.0f\n", s }' "$1"; }
# vm_state PID: the state column of a process's (first) VM.
vm_state() { vms_rows "$1" | awk 'NR == 1 { print $4 }'; }
vm_state_is() { [ "$(vm_state "$1")" = "$2" ]; }
# starts_with STR PREFIX
starts_with() { case $1 in "$2"*) return 0 ;; esac; return 1; }
readable() { cat "$1" >/dev/null; }
# exits_order FILE: rows of an exits view breaking count > 0 and, for a
# timed row, min <= p50 <= p99 <= max <= total (an untimed row, e.g. only a
# final hlt that never re-entered, has every time column 0).
exits_order() {
	awk '$1 !~ /^#/ && $1 != "overflow" {
		c = $2; t = $3; mn = $4; mx = $5; p50 = $6; p99 = $7
		ok = c > 0
		if (t > 0) ok = ok && mn <= p50 && p50 <= p99 && p99 <= mx && mx <= t
		else ok = ok && mn == 0 && mx == 0 && p50 == 0 && p99 == 0
		if (!ok) printf "[%s] ", $0
	}' "$1"
}
# exits_zero_min FILE: timed rows whose shortest exit took 0 ns, which no
# real exit does (a clamped negative clock delta would show up like this).
# Rows of 10+ exits with no handling time at all (hlt excepted: the test
# guests end on a hlt that never re-enters, so it is counted, not timed). (A single exit may read
# 0 ns where local_clock() is coarse: the 6.1 lab guest marks its TSC
# unstable. See Documentation/design.rst.)
exits_zero_min() { awk -v h="$R_HLT" '$1 !~ /^#/ && $1 != h && $2 >= 10 && $3 == 0 { printf "[%s] ", $0 }' "$1"; }
# kvm OUT K KEY: sum of KEY over the vCPU lines of VM K in a testvmm output.
kvm() { awk -v k="$2" '$1 == "vm=" k' "$1" | sumf "$3"; }
# insmod_vtel NAME: load vtel, one TAP line.
insmod_vtel() {
	if insmod "$VTEL_KO" 2>/tmp/insmod.err; then pass "$1"
	else fail "$1" "insmod vtel.ko: $(cat /tmp/insmod.err)"; fi
}
# wait_attached NAME 0|1: poll summary for up to 2 s.
wait_attached() {
	local t
	t=$(uptime_s)
	if wait_until 2 attached_is "$2"; then pass "$1"; say "$1 after $(since "$t")s"
	else fail "$1" "summary attached='$(sval attached)' after 2 s, want $2"; fi
}
# run_vmm NAME OUT ARGS...: run testvmm, one TAP line for its exit status.
run_vmm() {
	local n=$1 o=$2 r
	shift 2
	vmm "$o" "$@"
	r=$?
	check "$n-vmm" "testvmm $* exited $r: $(cat "$o.err")" [ $r -eq 0 ]
	sed 's/^/# /' "$o"
}

# check_vm P OUT K [full]: vtel's view of VM K of a testvmm run vs KVM's.
#   exits of the vms row == KVM's exits summed over vCPUs; in vm/<dir>/exits,
#   io == guest io, cpuid == guest cpuid (exactly), the MMIO reasons
#   (npf; EPT_VIOLATION + EPT_MISCONFIG) >= guest mmio, hlt == vCPUs.  With "full" also: comm, dir name, per-vCPU exits and tids
#   against KVM, vcpu<N>/exits, handling_ns/guest_ns > 0 and
#   handling_ns <= the vCPUs' summed wall time.
check_vm() {
	local p=$1 o=$2 k=$3 full=$4 pid row dir nv d ke x
	pid=$(awk -v k="$k" '$1 == "vm=" k' "$o" | field pid | head -n1)
	if [ -z "$pid" ]; then
		fail "$p-vm-row" "no testvmm output for vm=$k"
		return
	fi
	row=$(vms_rows "$pid" | sed -n "$((k + 1))p")
	if [ -z "$row" ]; then
		fail "$p-vm-row" "no row $((k + 1)) for pid $pid in vms: $(cat $DBG/vms | tr '\n' '|')"
		return
	fi
	say "$p vms row: $row"
	ke=$(kvm "$o" "$k" exits)
	t_eq "$p-exits-vs-kvm" "$(echo "$row" | awk '{ print $6 }')" "$ke"
	nv=$(awk -v k="$k" '$1 == "vm=" k' "$o" | wc -l)
	dir=$(echo "$row" | awk '{ print $10 }')
	d=$DBG/vm/$dir
	if ! wait_until 2 [ -f "$d/exits" ]; then
		fail "$p-vm-dir" "no $d/exits within 2 s (row: $row)"
		return
	fi
	sed 's/^/#   /' "$d/exits"
	t_eq "$p-io" "$(reason "$d/exits" $R_IO)" "$(kvm "$o" "$k" guest_io)"
	t_eq "$p-cpuid" "$(reason "$d/exits" $R_CPUID)" "$(kvm "$o" "$k" guest_cpuid)"
	t_ge "$p-mmio" "$(reason "$d/exits" $R_MMIO)" "$(kvm "$o" "$k" guest_mmio)"
	t_eq "$p-hlt" "$(reason "$d/exits" $R_HLT)" "$nv"
	t_eq "$p-vm-exits-rows" "$(rowsum "$d/exits")" "$ke"
	[ "$full" = full ] || return 0

	x=$(exits_order "$d/exits")
	check "$p-exits-order" "bad rows: $x" [ -z "$x" ]
	x=$(exits_zero_min "$d/exits")
	check "$p-exits-have-time" "rows with no handling time: $x" [ -z "$x" ]

	x=$(echo "$row" | awk '{ print $3 }')
	check "$p-comm" "comm '$x'" [ "$x" = vtel-testvmm ]
	x=$(echo "$row" | awk '{ print $5 }')
	t_eq "$p-vcpus-col" "$x" "$nv"
	# vcpus: "# vcpu tid exits handling_ns guest_ns"
	sed 's/^/#   /' "$d/vcpus"
	x=$(awk -v k="$k" '$1 == "vm=" k' "$o" | while read -r line; do
		id=$(echo "$line" | field vcpu)
		vrow=$(awk -v id="$id" '$1 !~ /^#/ && $1 == id' "$d/vcpus")
		[ -n "$vrow" ] || { echo "vcpu$id: no row in vcpus"; continue; }
		g=$(echo "$line" | field exits)
		r=$(echo "$vrow" | awk '{ print $3 }')
		[ "$r" = "$g" ] || echo "vcpu$id: exits '$r' != kvm $g"
		g=$(echo "$line" | field tid)
		r=$(echo "$vrow" | awk '{ print $2 }')
		[ "$r" = "$g" ] || echo "vcpu$id: tid '$r' != testvmm tid $g"
		if wait_until 2 [ -f "$d/vcpu$id/exits" ]; then
			g=$(echo "$line" | field guest_io)
			r=$(reason "$d/vcpu$id/exits" $R_IO)
			[ "$r" = "$g" ] || echo "vcpu$id/exits: io '$r' != guest_io $g"
			g=$(echo "$line" | field exits)
			r=$(rowsum "$d/vcpu$id/exits")
			[ "$r" = "$g" ] || echo "vcpu$id/exits: rows sum '$r' != kvm exits $g"
		else
			echo "no $d/vcpu$id/exits within 2 s"
		fi
	done)
	check "$p-per-vcpu" "$(echo $x)" [ -z "$x" ]
	t_eq "$p-vcpus-rows" "$(grep -vc '^#' "$d/vcpus")" "$nv"

	hn=$(echo "$row" | awk '{ print $7 }')
	gn=$(echo "$row" | awk '{ print $8 }')
	wall=$(kvm "$o" "$k" wall_ns)
	t_gt "$p-handling-ns" "$hn" 0
	t_gt "$p-guest-ns" "$gn" 0
	t_le "$p-handling-le-wall" "$hn" "$wall"
	say "$p: handling_ns=$hn guest_ns=$gn sum of vCPU wall_ns=$wall" \
		"($(awk -v h="$hn" -v g="$gn" -v w="$wall" 'BEGIN { printf "%.1f%%", 100 * (h + g) / w }') of wall)"
}

# ---------------------------------------------------------------- load

T=$(uptime_s)
if [ ! -f "$VTEL_KO" ]; then
	fail vtel-ko-present "no /lab/vtel.ko in the initramfs (run.sh --vtel-ko PATH)"
	lab_done
	exit 0
fi
say "clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource);" \
	"$(dmesg | grep -iE 'tsc.*unstable|sched_clock' | tr '\n' ';')"
say "vtel.ko: $(modinfo "$VTEL_KO" 2>/dev/null | grep -E '^(version|vermagic)' | tr '\n' ' ')"
if load_kvm; then pass kvm-load; else fail kvm-load "kvm modules did not load"; fi
insmod_vtel vtel-insmod-after-kvm
wait_attached attached-after-kvm 1
check "vendor-$LAB_ISA" "vendor '$(sval vendor)'" [ "$(sval vendor)" = $LAB_ISA ]
t_eq layout-errors-zero "$(sval layout_errors)" 0
check version-present "version '$(sval version)'" [ -n "$(sval version)" ]
x=$(head -n1 $DBG/vms)
check vms-header "got '$x'" starts_with "$x" "# vm pid comm state vcpus exits handling_ns guest_ns overhead_ppm dir"
x=$(head -n1 $DBG/exits)
check exits-header "got '$x'" starts_with "$x" "# reason count total_ns min_ns max_ns p50_ns p99_ns"
x=$(head -n1 $DBG/cpus)
check cpus-header "got '$x'" starts_with "$x" "# cpu exits handling_ns guest_ns"
sed 's/^/# /' $DBG/summary
say "load took $(since "$T")s"

# ---------------------------------------------------------------- one VM

T=$(uptime_s)
run_vmm basic basic.out --io 3000 --cpuid 500 --mmio 200
check_vm basic basic.out 0 full
wait_until 2 vm_state_is "$(field pid <basic.out)" retired
x=$(vm_state "$(field pid <basic.out)")
check basic-retired "state '$x' after the VMM exited" [ "$x" = retired ]
say "one VM took $(since "$T")s"

# A live VM (held open) is listed as live, then retired once closed.
T=$(uptime_s)
vmm hold.out --io 100 --cpuid 10 --hold 3 & hp=$!
x=
if wait_until 2 [ -s hold.out ]; then
	x=$(vm_state "$(field pid <hold.out)")
fi
check held-vm-live "state '$x' while the VMM holds its fds" [ "$x" = live ]
wait $hp
r=$?
check held-vmm "exit $r: $(cat hold.out.err)" [ $r -eq 0 ]
wait_until 2 vm_state_is "$(field pid <hold.out)" retired
x=$(vm_state "$(field pid <hold.out)")
check held-vm-retired "state '$x' after the VMM exited" [ "$x" = retired ]
check_vm held hold.out 0
say "held VM took $(since "$T")s"

# ---------------------------------------------------------------- 2 vCPUs

T=$(uptime_s)
run_vmm vcpus2 two.out --io 1000 --cpuid 200 --mmio 100 --vcpus 2
check_vm vcpus2 two.out 0 full
say "2 vCPUs took $(since "$T")s"

# ---------------------------------------------------------------- kvm_exit trace

# The kernel's own kvm_exit trace event names every exit from the same
# table (VMX_EXIT_REASONS or SVM_EXIT_REASONS): for one VM, vtel's count of
# each reason must equal the events traced for that VM's vCPU threads, and
# vtel may show no reason the event does not.
T=$(uptime_s)
TR=/sys/kernel/tracing
echo 0 >$TR/tracing_on
echo 4096 >$TR/buffer_size_kb
echo >$TR/trace
echo 1 >$TR/events/kvm/kvm_exit/enable
echo 1 >$TR/tracing_on
run_vmm trace tr.out --io 400 --cpuid 60 --mmio 30 --vcpus 2
echo 0 >$TR/tracing_on
echo 0 >$TR/events/kvm/kvm_exit/enable
x=$(cat $TR/per_cpu/cpu*/stats | awk '$1 == "overrun:" { s += $2 } END { print s + 0 }')
t_eq trace-no-overrun "$x" 0
# "<comm>-<tid> [cpu] flags ts: kvm_exit: vcpu N reason NAME rip ..."
tids=" $(field tid <tr.out | tr '\n' ' ')"
traced=$(awk -v t="$tids" '/ kvm_exit: / {
		split($1, a, "-"); if (!index(t, " " a[length(a)] " ")) next
		for (i = 1; i < NF; i++) if ($i == "reason") { n[$(i + 1)]++; break }
	} END { for (r in n) print r, n[r] }' $TR/trace | sort)
echo >$TR/trace
check_vm traced tr.out 0
d=$DBG/vm/$(vms_rows "$(field pid <tr.out | head -n1)" | awk '{ print $10 }')
counted=$(awk '$1 !~ /^#/ { print $1, $2 }' "$d/exits" 2>/dev/null | sort)
say "kvm_exit events by reason: $(echo $traced)"
say "vtel by reason:            $(echo $counted)"
t_eq trace-io "$(echo "$traced" | awk -v r=$R_IO '$1 == r { print $2 }')" "$(kvm tr.out 0 guest_io)"
check trace-reasons-equal-vtel "trace '$(echo $traced)' vtel '$(echo $counted)'" \
	[ -n "$traced" -a "$traced" = "$counted" ]
say "kvm_exit trace took $(since "$T")s"

# ---------------------------------------------------------------- concurrent

T=$(uptime_s)
vmm ca.out --io 2000 --cpuid 100 --mmio 50 & pa=$!
vmm cb.out --io 300 --cpuid 1500 --mmio 150 --vcpus 2 & pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
check concurrent-vmm "exit $ra/$rb: $(cat ca.out.err cb.out.err)" [ $ra -eq 0 -a $rb -eq 0 ]
sed 's/^/# /' ca.out cb.out
check_vm concurrent-a ca.out 0 full
check_vm concurrent-b cb.out 0 full
say "concurrent VMMs took $(since "$T")s"

# ---------------------------------------------------------------- --vms 3

T=$(uptime_s)
run_vmm vms3 three.out --io 200 --cpuid 30 --mmio 20 --vms 3
pid=$(field pid <three.out | head -n1)
rows=$(vms_rows "$pid")
t_eq vms3-rows "$(echo "$rows" | grep -c .)" 3
dirs=$(echo "$rows" | awk '{ print $10 }' | tr '\n' ' ')
want=$(echo "$rows" | awk -v p="$pid" 'NR == 1 { printf "%s ", p } NR > 1 { printf "%s.%s ", p, $1 }')
check vms3-dirs "dirs '$dirs', want '$want'" [ -n "$dirs" -a "$dirs" = "$want" ]
for k in 0 1 2; do check_vm "vms3-vm$k" three.out $k; done
say "--vms 3 took $(since "$T")s"

# ---------------------------------------------------------------- sums

# No VM runs now, so every view is stable.  The host view is every VM
# record plus evicted VMs plus untracked exits; nothing was evicted here.
se=$(sval exits)
he=$(rowsum $DBG/exits)
ve=$(rowsum $DBG/vms 6)
ue=$(sval untracked_exits)
ce=$(rowsum $DBG/cpus)
say "summary exits=$se, host exits rows=$he, vms rows=$ve, untracked=$ue, cpus=$ce, evicted VMs=$(sval vms_evicted)"
t_gt host-exits-nonzero "$se" 0
t_eq host-rows-eq-summary "$he" "$se"
t_eq no-evictions "$(sval vms_evicted)" 0
vu=$(awk -v a="$ve" -v b="$ue" 'BEGIN { if (a != "" && b != "") printf "%.0f\n", a + b }')
t_eq vms-plus-untracked-eq-summary "$vu" "$se"
t_eq cpus-eq-summary "$ce" "$se"
t_gt summary-handling-ns "$(sval handling_ns)" 0
t_gt summary-guest-ns "$(sval guest_ns)" 0
if [ "$ue" = 0 ]; then
	t_eq summary-handling-eq-vms "$(rowsum $DBG/vms 7)" "$(sval handling_ns)"
	t_eq summary-guest-eq-vms "$(rowsum $DBG/vms 8)" "$(sval guest_ns)"
else
	say "untracked exits: not comparing handling/guest ns with the vms rows"
fi
say "host exits:"; sed 's/^/#   /' $DBG/exits
x=$(exits_order $DBG/exits)
check host-exits-order "bad rows: $x" [ -z "$x" ]
x=$(exits_zero_min $DBG/exits)
check host-exits-have-time "rows with no handling time: $x" [ -z "$x" ]

# ---------------------------------------------------------------- reset

echo 1 >$DBG/reset
r=$?
check reset-write "echo 1 > reset exited $r" [ $r -eq 0 ]
t_eq reset-summary-exits "$(sval exits)" 0
t_eq reset-summary-handling "$(sval handling_ns)" 0
t_eq reset-host-rows "$(grep -vc '^#' $DBG/exits)" 0
t_eq reset-vms-exits "$(rowsum $DBG/vms 6)" 0
t_eq reset-cpus-exits "$(rowsum $DBG/cpus)" 0
run_vmm after-reset ar.out --io 700 --cpuid 70 --mmio 7
check_vm after-reset ar.out 0
t_eq after-reset-summary "$(sval exits)" "$(kvm ar.out 0 exits)"

# ---------------------------------------------------------------- kvm reload

T=$(uptime_s)
if unload_kvm; then pass rmmod-kvm-under-vtel; else fail rmmod-kvm-under-vtel "rmmod $KVM_VENDOR kvm failed"; fi
wait_attached detached-after-rmmod-kvm 0
x=$(sval exits)
check summary-reads-detached "exits '$x', vendor '$(sval vendor)'" isnum "$x"
if load_kvm; then pass kvm-reload; else fail kvm-reload "insmod kvm again failed"; fi
wait_attached reattached-after-kvm-reload 1
check "vendor-$LAB_ISA-after-reload" "vendor '$(sval vendor)'" [ "$(sval vendor)" = $LAB_ISA ]
run_vmm kvm-reload kr.out --io 500 --cpuid 50 --mmio 20 --vcpus 2
check_vm kvm-reload kr.out 0 full
say "kvm reload took $(since "$T")s"

# ---------------------------------------------------------------- rmmod vtel under load

# The background VM loops until bg.stop exists, so it runs through the
# rmmod and the insmod whatever the clock (Bochs guest time is far from wall
# time); "live with exits" is read from vtel before and after.
T=$(uptime_s)
bg_live() { awk '$1 !~ /^#/ && $3 == "vtel-testvmm" && $4 == "live" && $6 > 0' $DBG/vms 2>/dev/null | grep -q .; }
rm -f bg.stop
# At nice 19 (set before the exec, so the vCPU threads inherit it; busybox
# has renice, not nice): on Bochs's one CPU the shell then gets nearly all of it, and
# the background VM makes thousands of exits meanwhile, not 100,000.
sh -c 'renice -n 19 -p $$ >/dev/null && exec "$@"' sh "$VMM" --loop 60 --stop-file /tmp/bg.stop --io 50 --cpuid 20 --mmio 10 \
	>bg.out 2>bg.out.err & bp=$!
check bg-vm-running "no live testvmm row with exits in vms" wait_until 5 bg_live
if rmmod vtel 2>rm.err; then pass rmmod-vtel-under-load; else fail rmmod-vtel-under-load "$(cat rm.err)"; fi
check debugfs-gone-after-rmmod "$DBG still exists" [ ! -e $DBG ]
check bg-vm-running-after-rmmod "background testvmm gone" kill -0 $bp
insmod_vtel vtel-reinsmod-under-load
wait_attached reattached-under-load 1
check bg-vm-seen-after-reload "no live testvmm row with exits in vms" wait_until 5 bg_live
run_vmm reload-new nv.out --io 400 --cpuid 40 --mmio 40
check_vm reload-new nv.out 0
touch bg.stop
wait $bp
r=$?
check bg-vmm-survived "background testvmm exited $r: $(cat bg.out.err)" [ $r -eq 0 ]
sed 's/^/# /' bg.out
check_kvm_lines bg-vmm bg.out 1
# The background VM was picked up mid-run: counted, but never more than KVM.
row=$(vms_rows "$(field pid <bg.out)")
x=$(echo "$row" | awk '{ print $6 }')
say "background VM row after reload: $row (KVM exits $(kvm bg.out 0 exits))"
t_gt bg-vm-counted "$x" 0
t_le bg-vm-le-kvm "$x" "$(kvm bg.out 0 exits)"
say "rmmod vtel under load took $(since "$T")s"

# ---------------------------------------------------------------- kvm gone, vtel stays

T=$(uptime_s)
if unload_kvm; then pass rmmod-kvm-final; else fail rmmod-kvm-final "rmmod $KVM_VENDOR kvm failed"; fi
wait_attached detached-final 0
x=$(sval exits)
check summary-reads-without-kvm "exits '$x'" isnum "$x"
check vms-reads-without-kvm "cat vms failed" readable $DBG/vms
check exits-reads-without-kvm "cat exits failed" readable $DBG/exits

# vtel first, then kvm: attaches when kvm arrives.
if rmmod vtel 2>rm.err; then pass rmmod-vtel-without-kvm; else fail rmmod-vtel-without-kvm "$(cat rm.err)"; fi
insmod_vtel vtel-insmod-before-kvm
wait_attached unattached-without-kvm 0
check vendor-none-without-kvm "vendor '$(sval vendor)'" [ "$(sval vendor)" = none ]
if load_kvm; then pass kvm-load-after-vtel; else fail kvm-load-after-vtel "insmod kvm failed"; fi
wait_attached attached-when-kvm-arrives 1
check "vendor-$LAB_ISA-late" "vendor '$(sval vendor)'" [ "$(sval vendor)" = $LAB_ISA ]
run_vmm late late.out --io 3000 --cpuid 500 --mmio 200
check_vm late late.out 0 full
t_eq late-layout-errors "$(sval layout_errors)" 0
if rmmod vtel 2>rm.err; then pass rmmod-vtel-final; else fail rmmod-vtel-final "$(cat rm.err)"; fi
if unload_kvm; then pass rmmod-kvm-last; else fail rmmod-kvm-last "rmmod $KVM_VENDOR kvm failed"; fi
say "load orders took $(since "$T")s"

lab_done
