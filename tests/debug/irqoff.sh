#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest, on the debug kernel (booted -smp 1 -icount shift=0 by
# tests/debug/run.sh, so that a nanosecond of the trace clock is one
# instruction and a busy host cannot stretch a section): removing a cgroup
# with many segments keeps IRQs off only briefly (issue 7, defect 8). The
# worker folds the removed cgroup's segments into its parent under the
# fold mutex, and takes the raw vtel_table.lock (IRQs off) only to find
# the parent and to unlink.
#
# Oracles the kernel provides, not vtel:
# - a kprobe event on vtel_seg_fold() records EFLAGS (%flags) and the
#   caller: no fold may run with IF clear, and the release must have
#   folded at least the cgroup's segments;
# - the preemptirq tracepoints (irq_disable/irq_enable; TRACE_IRQFLAGS,
#   which PROVE_LOCKING selects): the worker's IRQ-off sections from a
#   spin_lock_irqsave to its unlock while vtel_cg_release() runs (a kprobe
#   and a kretprobe on it bracket it; the kernel has no frame pointers, so
#   the events' parent, which lock, is not known: vtel_table.lock's
#   sections are among them).
#   The unlink still walks the cgroup's segments with IRQs off, so the
#   longest section grows with them, but by at most 10,000 ns (10,000
#   instructions) per segment from 8 to 64 segments; with the folds under
#   the lock, as before the fix, a segment added about 96,000.
# Prints "# irqoff: ..." with the figures.
. /lab/lib.sh
cd /tmp
CG=/sys/fs/cgroup
TR=/sys/kernel/tracing

sval() { awk -v k="$1" '$1 == k { print $2 }' $DBG/summary; }

load_kvm && pass io-kvm-load || fail io-kvm-load "kvm modules"
insmod "$VTEL_KO" && pass io-insmod || fail io-insmod "insmod vtel"
{
	echo 'p:vtel_fold vtel:vtel_seg_fold flags=%flags caller=+0(%sp):symbol'
	echo 'p:vtel_rel_in vtel:vtel_cg_release'
	echo 'r:vtel_rel_out vtel:vtel_cg_release'
} >>$TR/kprobe_events && pass io-kprobe-events || fail io-kprobe-events "kprobe_events"
echo 8192 >$TR/buffer_size_kb
echo 1 >$TR/events/kprobes/enable

# round NAME VMS VCPUS: VMS x VCPUS vCPUs exit in cgroup NAME, the VMM
# ends, the cgroup is removed; prints "segs folds irqoff folds_irqs_off".
round() {
	mkdir $CG/$1
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' $CG/$1 \
		"$VMM" --io 5 --vcpus "$3" --vms "$2" >$1.out 2>&1 ||
		{ echo "vmm: $(tail -n 2 $1.out)" >&2; return 1; }
	segs=$(sval segments)
	rel=$(sval cgroups_released)
	echo >$TR/trace
	echo 1 >$TR/events/preemptirq/irq_disable/enable
	echo 1 >$TR/events/preemptirq/irq_enable/enable
	rmdir $CG/$1
	wait_until 30 sh -c "[ \$(awk '\$1 == \"cgroups_released\" { print \$2 }' $DBG/summary) -gt $rel ]" ||
		echo "# $1: not released" >&2
	echo 0 >$TR/events/preemptirq/irq_disable/enable
	echo 0 >$TR/events/preemptirq/irq_enable/enable
	cp $TR/trace $1.trace
	# CPU and time of each event. A section is an irq_disable and the
	# next irq_enable of its CPU; those that begin inside the release.
	awk -v segs="$segs" '
	function hexflags(l,   h, v, k) {
		if (!match(l, /flags=0x[0-9a-f]+/)) return -1
		h = substr(l, RSTART + 8, RLENGTH - 8); v = 0
		for (k = 1; k <= length(h); k++)
			v = v * 16 + index("0123456789abcdef", substr(h, k, 1)) - 1
		return v
	}
	{
		cpu = ""; t = ""
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^\[[0-9]+\]$/) cpu = $i
			if ($i ~ /^[0-9]+\.[0-9]+:$/) { t = substr($i, 1, length($i) - 1); break }
		}
		if (cpu == "" || t == "") next
	}
	/ vtel_rel_in: / { inrel = 1; relpid = $1; next }
	/ vtel_rel_out: / { inrel = 0; next }
	# Sections of the worker itself, spin_lock_irqsave to unlock.
	/ irq_disable: / {
		delete start[cpu]
		if (inrel && $1 == relpid && /caller=_raw_spin_lock_irqsave/) {
			start[cpu] = t; from[cpu] = $0
		}
		next
	}
	/ irq_enable: / && (cpu in start) {
		if (/caller=_raw_spin_unlock_irqrestore/) {
			d = (t - start[cpu]) * 1e9
			if (d > max) { max = d; what = from[cpu] " => " $0 }
			n++
		}
		delete start[cpu]
		next
	}
	/ vtel_fold: / {
		if (/caller=vtel_cg_release/) folds++
		f = hexflags($0)
		if (f >= 0 && f % 1024 < 512) off++
	}
	END {
		printf "%d %d %.0f %d %d\n", segs, folds, max, off, n
		gsub(/  +/, " ", what)
		print "# longest: " what >"/dev/stderr"
	}' $1.trace
}

r8=$(round few 1 8) && pass io-round-8 || fail io-round-8 "$r8"
r64=$(round many 8 8) && pass io-round-64 || fail io-round-64 "$r64"
set -- $r8
s8=$1 f8=$2 m8=$3 o8=$4 n8=$5
set -- $r64
s64=$1 f64=$2 m64=$3 o64=$4 n64=$5
say "irqoff: 8 vCPUs: $s8 segments, release folded $f8 ($o8 with IRQs off), longest irqsave section of the release $m8 ns of $n8"
say "irqoff: 64 vCPUs: $s64 segments, release folded $f64 ($o64 with IRQs off), longest irqsave section of the release $m64 ns of $n64"
t_ge io-8-folded "$f8" 8
t_ge io-64-folded "$f64" 64
t_gt io-sections-seen "$((n8 + n64))" 1
# Every fold, in the release or not, ran with IRQs on.
t_eq io-no-fold-irqs-off "$((o8 + o64))" 0
per=$(( (${m64%.*} - ${m8%.*}) / (64 - 8) ))
[ "$per" -ge 0 ] || per=0
say "irqoff: the longest section grew by $per ns per segment"
t_le io-irqoff-per-segment "$per" 10000
echo 0 >$TR/events/kprobes/enable
echo >$TR/kprobe_events
rmmod vtel && pass io-rmmod || fail io-rmmod "rmmod"
lab_done
