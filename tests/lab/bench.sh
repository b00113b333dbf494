#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest benchmark, run by tests/bench.sh under -smp 1 -icount shift=0:
# virtual nanoseconds are guest instructions, so the cost a probe adds per
# exit is (ns with it - ns without) / exits. Each configuration runs the
# same VM (N port writes + N cpuid) ROUNDS times; the median is reported.
. /lab/lib.sh
cd /tmp
N=${BENCH_N:-20000}
ROUNDS=${BENCH_ROUNDS:-3}
T=/sys/kernel/tracing
LD=$(ls /extra/ld-linux-x86-64.so.* 2>/dev/null | head -n 1)
perf() { "$LD" --library-path /extra /extra/perf "$@"; }

load_kvm && pass bench-kvm || fail bench-kvm "kvm modules"

# run NAME [PREFIX...]: median wall_ns and exits over ROUNDS runs.
run() {
	_name=$1; shift
	_i=0; : >"$_name.all"
	while [ $_i -lt "$ROUNDS" ]; do
		"$@" "$VMM" --io "$N" --cpuid "$N" >"$_name.out" 2>"$_name.err" ||
			{ fail "bench-$_name" "$(cat "$_name.err")"; return; }
		echo "$(field wall_ns <"$_name.out") $(field exits <"$_name.out")" >>"$_name.all"
		_i=$((_i + 1))
	done
	sort -n "$_name.all" | awk -v n="$ROUNDS" 'NR == int((n + 1) / 2)' >"$_name.med"
	pass "bench-$_name"
	say "$_name: ns exits per round: $(tr '\n' ';' <"$_name.all")"
}

run base
insmod "$VTEL_KO" && run vtel && rmmod vtel
echo 1 >$T/events/kvm/kvm_exit/enable
echo 1 >$T/events/kvm/kvm_entry/enable
run ftrace
echo 0 >$T/events/kvm/kvm_exit/enable
echo 0 >$T/events/kvm/kvm_entry/enable
echo >$T/trace
if [ -n "$LD" ]; then
	run perf perf kvm stat record -q -o /tmp/p.data
fi

read -r b_ns b_exits <base.med
say "base: $b_ns ns for $b_exits exits: $((b_ns / b_exits)) instructions per exit round trip"
for c in vtel ftrace perf; do
	[ -s $c.med ] || continue
	read -r ns ex <$c.med
	echo "bench: $c adds $(awk -v a="$ns" -v b="$b_ns" -v e="$b_exits" 'BEGIN { printf "%.1f", (a - b) / e }') instructions per exit (base $((b_ns / b_exits)))"
done
lab_done
