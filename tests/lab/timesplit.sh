#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest tests of the time split (guest, kvm, vmm, wait, idle) against
# oracles vtel does not write: KVM's own halt_wait_ns, halt_poll_success_ns
# and halt_poll_fail_ns (KVM_GET_STATS_FD), the vCPU thread's run delay
# (/proc/<tid>/schedstat) and the VMM's own clock, all printed by
# vtel-testvmm. Tolerances are documented in Documentation/testing.rst.
. /lab/lib.sh
cd /tmp

# vm_col PID N: column N of the vms row of a process's (only) VM.
#   6 exits 7 handling_ns 8 guest_ns 9 overhead_ppm 10 dir
#   11 kvm_ns 12 vmm_ns 13 wait_ns 14 idle_ns 15 poll_ns 16 wait_ppm
vm_col() { awk -v p="$1" -v c="$2" '$1 !~ /^#/ && $2 == p { print $c }' $DBG/vms | head -n1; }
# calc EXPR: integer result of an awk expression.
calc() { awk "BEGIN { printf \"%.0f\\n\", $1 }"; }
# ppm PART WHOLE
ppm() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f\n", a * 1e6 / b; else print 0 }'; }
# within NAME GOT WANT TOL_PPM FLOOR_NS: |got - want| <= max(want * tol, floor).
within() {
	if isnum "$2" && isnum "$3" && awk -v g="$2" -v w="$3" -v t="$4" -v f="$5" \
		'BEGIN { d = g - w; if (d < 0) d = -d; a = w * t / 1e6; if (a < f) a = f; exit !(d <= a) }'; then
		pass "$1"
	else
		fail "$1" "got '$2', want '$3' within $4 ppm or $5 ns"
	fi
}
# row_split P OUT: say the VM's split and KVM's figures; sets the globals.
row_split() {
	pid=$(field pid <"$2")
	H=$(vm_col "$pid" 7) G=$(vm_col "$pid" 8) OV=$(vm_col "$pid" 9)
	K=$(vm_col "$pid" 11) V=$(vm_col "$pid" 12) W=$(vm_col "$pid" 13)
	I=$(vm_col "$pid" 14) P=$(vm_col "$pid" 15)
	KW=$(field halt_wait_ns <"$2") KPS=$(field halt_poll_success_ns <"$2")
	KPF=$(field halt_poll_fail_ns <"$2") RD=$(field run_delay_ns <"$2")
	WALL=$(field wall_ns <"$2")
	KH=$(calc "$KW + $KPS + $KPF")
	SUM=$(calc "$G + $K + $V + $W + $I")
	say "$1: guest $G kvm $K vmm $V wait $W idle $I (poll $P) = $SUM; handling $H; overhead_ppm $OV"
	say "$1: KVM halt wait $KW + poll $KPS + $KPF = $KH; run delay $RD; VMM wall $WALL;" \
		"split_missed $(awk '$1 == "split_missed" { print $2 }' $DBG/summary)"
}

if [ ! -f "$VTEL_KO" ]; then
	fail vtel-ko-present "no /lab/vtel.ko in the initramfs"
	lab_done
	exit 0
fi
if load_kvm; then pass kvm-load; else fail kvm-load "kvm modules did not load"; fi
if insmod "$VTEL_KO"; then pass vtel-insmod; else fail vtel-insmod "insmod failed"; fi
wait_until 2 grep -q '^attached 1' $DBG/summary
say "halt_poll_ns $(cat /sys/module/kvm/parameters/halt_poll_ns)"
x=$(head -n1 $DBG/vms)
check vms-header-split "got '$x'" [ "$x" = "# vm pid comm state vcpus exits handling_ns guest_ns overhead_ppm dir kvm_ns vmm_ns wait_ns idle_ns poll_ns wait_ppm" ]

# ------------------------------------------------------------ idle guest
# 200 PIT ticks at 100 Hz, halting between them: about 2 s, nearly all idle.
# The idle runs pin the vCPU thread to one CPU: where the kernel marks the
# TSC unstable (the 6.1 lab), local_clock() differs between CPUs by more
# than a short halt, and a halt measured by KVM's ktime longer than its
# exit's local_clock() span is cut to that span (Documentation/design.rst).
PIN=$(($(nproc) - 1))
echo 1 >$DBG/reset
vmm idle.out --idle 200 --pin $PIN; r=$?
check idle-vmm "exit $r: $(cat idle.out.err)" [ $r -eq 0 ]
sed 's/^/# /' idle.out
# A tick can land between the last hlt and the final out.
x=$(field irqs <idle.out)
check idle-ticks "got '$x' ticks, want 200..202" [ "$x" -ge 200 -a "$x" -le 202 ]
row_split idle idle.out
# vtel's idle is KVM's halt time (wait + poll) less the run delay inside
# the halts, which is at most the thread's whole run delay. A halt that
# finds an interrupt pending before it polls or blocks is in the
# tracepoint's time but in none of KVM's counters: 0.1% slack above.
t_le idle-le-kvm-halt "$I" "$(calc "$KH * 1.001")"
t_ge idle-ge-kvm-halt-less-rundelay "$I" "$(calc "$KH - $RD")"
# Within 1%, or the run delay: a loaded host lengthens the waits inside
# halts, which are wait, not idle (a CI run on 7.2 was 1.2% under).
within idle-vs-kvm-halt "$I" "$KH" 10000 "$RD"
say "idle: vtel idle / KVM halt = $(awk -v a="$I" -v b="$KH" 'BEGIN { printf "%.5f", a / b }')"
t_le idle-poll-le-kvm-poll "$P" "$(calc "$KPS + $KPF")"
t_le idle-poll-le-idle "$P" "$I"
# Every ns from first entry to last exit is in one bucket; the VMM's wall
# time adds the first KVM_RUN's way in and the last one's way out.
t_le idle-sum-le-wall "$SUM" "$WALL"
within idle-sum-vs-wall "$SUM" "$WALL" 20000 30000000
t_eq idle-buckets-are-handling "$(calc "$K + $V + $W + $I")" "$H"
say "idle: sum/wall = $(awk -v a="$SUM" -v b="$WALL" 'BEGIN { printf "%.5f", a / b }')"

# ------------------------------------------------------------ idle, with work
# The guest works about 3 ms of each 10 ms tick (the loop count is
# calibrated first: TCG's speed varies) and halts the rest. Its overhead
# without idle must be far below the idle share KVM itself reports (halt
# time over the VMM's wall time): at least 25 points lower. The old
# formula, handling / (guest + handling), counts the halts as overhead
# and reads above the idle share.
echo 1 >$DBG/reset
vmm cal.out --idle 20 --busy 100000 --pin $PIN
g=$(vm_col "$(field pid <cal.out)" 8)
loops=$(awk -v g="$g" 'BEGIN { l = g > 0 ? 3000000 * 20 * 100000 / g : 100000;
	if (l > 4000000000) l = 4000000000; printf "%.0f\n", l }')
say "calibration: guest $g ns for 20 x 100000 loops: $loops loops for 3 ms"
# TCG slows down when the host is busy: if the guest worked so long that
# it hardly idled, try again with a third of the loops.
for try in 1 2 3; do
	echo 1 >$DBG/reset
	vmm busy.out --idle 100 --busy "$loops" --pin $PIN; r=$?
	share=$(ppm "$(field halt_wait_ns <busy.out)" "$(field wall_ns <busy.out)")
	[ $r -ne 0 ] || [ "$share" -ge 500000 ] && break
	say "busy: idle share $share ppm with $loops loops; again with a third"
	loops=$((loops / 3))
done
check busy-vmm "exit $r: $(cat busy.out.err)" [ $r -eq 0 ]
sed 's/^/# /' busy.out
row_split busy busy.out
share=$(ppm "$KH" "$WALL")
old=$(ppm "$H" "$(calc "$H + $G")")
say "busy: KVM idle share $share ppm, vtel overhead_ppm $OV, the old formula $old ppm, guest share $(ppm "$G" "$WALL") ppm"
t_gt busy-idle-share-large "$share" 300000
t_lt() { if isnum "$2" && isnum "$3" && [ "$2" -lt "$3" ]; then pass "$1"; else fail "$1" "got '$2', want < '$3'"; fi; }
t_lt busy-overhead-far-below-idle-share "$OV" "$(calc "$share - 250000")"
t_le busy-idle-le-kvm-halt "$I" "$(calc "$KH * 1.001")"
t_ge busy-idle-ge-kvm-halt-less-rundelay "$I" "$(calc "$KH - $RD")"
within busy-idle-vs-kvm-halt "$I" "$KH" 10000 "$RD"
within busy-sum-vs-wall "$SUM" "$WALL" 20000 30000000

# ------------------------------------------------------------ a CPU hog
# The vCPU thread and a spinning process share CPU 0: the thread's run
# delay grows, and vtel's wait is that growth less what accrued outside
# exits (before the first entry, while in the guest it is never queued).
# 2 s of looping under QEMU; 0.5 s under Bochs, where a guest second of
# cpuid exits takes minutes of host time (Documentation/testing.rst).
HOG_S=2
[ "$LAB_BACKEND" = bochs ] && HOG_S=0.5
echo 1 >$DBG/reset
vmm hog.out --pin 0 --hog --loop $HOG_S --cpuid 200; r=$?
check hog-vmm "exit $r: $(cat hog.out.err)" [ $r -eq 0 ]
sed 's/^/# /' hog.out
row_split hog hog.out
t_gt hog-run-delay "$RD" 100000000
t_le hog-wait-le-run-delay "$W" "$RD"
within hog-wait-vs-run-delay "$W" "$RD" 50000 5000000
say "hog: wait / run delay = $(awk -v a="$W" -v b="$RD" 'BEGIN { printf "%.5f", a / b }'), wait_ppm $(vm_col "$pid" 16)"
t_gt hog-wait-ppm "$(vm_col "$pid" 16)" 0
# The VMM's wall time also holds the run delay outside exits (before the
# first entry, after the last exit), which the hog makes tens of ms.
within hog-sum-vs-wall "$SUM" "$((WALL - (RD - W)))" 20000 30000000

# ------------------------------------------------------------ a slow VMM
# 100 port writes, each answered after the VMM sleeps 2 ms: most handling
# time is the VMM's.
echo 1 >$DBG/reset
vmm slow.out --io 100 --io-sleep 2000; r=$?
check slow-vmm "exit $r: $(cat slow.out.err)" [ $r -eq 0 ]
sed 's/^/# /' slow.out
row_split slow slow.out
t_ge slow-vmm-ge-sleeps "$V" 200000000
t_gt slow-vmm-most-of-handling "$(ppm "$V" "$H")" 900000
t_le slow-vmm-le-wall "$V" "$WALL"
dir=$(vm_col "$pid" 10)
io_vmm=$(awk -v r="$R_IO" '$1 == r { print $9 }' "$DBG/vm/$dir/exits")
say "slow: $R_IO row: $(awk -v r="$R_IO" '$1 == r' "$DBG/vm/$dir/exits")"
t_ge slow-io-reason-vmm "$io_vmm" 200000000
within slow-sum-vs-wall "$SUM" "$WALL" 20000 30000000

# ------------------------------------------------------------ views agree
# The host summary, the cpus rows and the VM rows carry the same split.
hv=$(awk '$1 == "vmm_ns" { print $2 }' $DBG/summary)
cv=$(awk '$1 !~ /^#/ { s += $6 } END { printf "%.0f\n", s }' $DBG/cpus)
t_eq host-vmm-eq-vms "$hv" "$(awk '$1 !~ /^#/ { s += $12 } END { printf "%.0f\n", s }' $DBG/vms)"
t_eq cpus-vmm-eq-host "$cv" "$hv"
t_eq split-missed-zero "$(awk '$1 == "split_missed" { print $2 }' $DBG/summary)" 0

rmmod vtel && pass rmmod-vtel || fail rmmod-vtel "rmmod failed"
lab_done
