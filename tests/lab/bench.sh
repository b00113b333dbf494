#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-guest half of tests/bench.sh (see there and Documentation/performance.rst).
# /extra/bench.conf sets KIND (icount: -smp 1 -icount shift=0, where
# virtual ns are guest instructions; wall: a normal 2-vCPU boot), N, ROUNDS,
# MODES, PAIRS (microbenchmark) and SCALE (0, or the cgroup count).
#
# (a)/(b) Each round runs every mode once, in order, so the modes are
#   interleaved: the same VM (N port writes + N cpuid) under no probe, vtel,
#   ftrace events, bpftrace, perf kvm stat record, and vtel with perf
#   listening on vtel:vtel_slow_exit. One line per run:
#     bench-run kind=K mode=M round=R ns=WALL_NS exits=KVM_EXITS [counted=C]
# (c) bench-pairs: the microbenchmark (kmod/vtel_bench.c).
# (d) bench-mem / bench-dump: the module's memory and CLI dump times as
#   VMs and cgroups are added.
# The host (tests/bench.sh) turns these lines into the tables.
. /lab/lib.sh
. /extra/bench.conf
cd /tmp || exit 1
T=/sys/kernel/tracing
VTEL=/extra/vtel
TIMEIT=/extra/timeit
BENCH_KO=/extra/vtel-bench.ko
X=/tools
perf() { "$LD" --library-path $X $X/perf "$@"; }
bpftrace() { "$LD" --library-path $X $X/bpftrace "$@"; }

load_kvm && pass bench-kvm || fail bench-kvm "kvm modules"
# perf, bpftrace and their libraries: a raw tar on the virtio disk.
for m in $VIRTIO_MODS; do insmod "/extra/$m.ko" || say "insmod $m failed"; done
wait_until 10 [ -b /dev/vda ] && mkdir -p $X && tar -xf /dev/vda -C $X
LD=$(ls $X/ld-linux-x86-64.so.* 2>/dev/null | head -n 1)
check bench-tools "no perf/bpftrace from /dev/vda" [ -n "$LD" ]
ulimit -l unlimited 2>/dev/null
mkdir -p /sys/fs/bpf && mount -t bpf none /sys/fs/bpf 2>/dev/null

storm() { "$@" "$VMM" --io "$N" --cpuid "$N"; }

# One run of a mode; prints its VMM line to run.out, "counted=" extra to run.x.
mode_run() {
	: >run.x
	case $1 in
	base) storm >run.out ;;
	vtel) insmod "$VTEL_KO" && storm >run.out; rmmod vtel ;;
	ftrace)
		echo 1 >$T/events/kvm/kvm_exit/enable
		echo 1 >$T/events/kvm/kvm_entry/enable
		storm >run.out
		echo 0 >$T/events/kvm/kvm_exit/enable
		echo 0 >$T/events/kvm/kvm_entry/enable
		echo "counted=$(grep -c 'kvm_exit:' $T/trace)" >run.x
		echo >$T/trace ;;
	bpftrace)
		# The bcc kvmexit approach: a per-CPU count by exit reason. -c
		# attaches first, then runs the VM, and ends with it.
		bpftrace -e 'tracepoint:kvm:kvm_exit { @[args->exit_reason] = count(); }' \
			-c "$VMM --io $N --cpuid $N" >run.out
		echo "counted=$(awk -F': ' '/^@/ { s += $2 } END { print s + 0 }' run.out)" >run.x ;;
	perfkvm) storm perf kvm stat record -q -o /tmp/p.data >run.out ;;
	vtelperf)
		insmod "$VTEL_KO" || return 1
		if [ -d $T/events/vtel/vtel_slow_exit ]; then
			storm perf record -q -e vtel:vtel_slow_exit -o /tmp/s.data >run.out
		else
			: >run.out
		fi
		rmmod vtel ;;
	esac
}

r=1
while [ $r -le "$ROUNDS" ]; do
	for m in $MODES; do
		mode_run "$m" 2>run.err
		if [ -s run.out ] && grep -q '^vm=' run.out; then
			echo "bench-run kind=$KIND mode=$m round=$r ns=$(field wall_ns <run.out) exits=$(field exits <run.out) $(cat run.x)"
		elif [ $r = 1 ]; then
			say "$m: not run: $(tail -n 2 run.err 2>/dev/null | tr '\n' ' ')"
		fi
	done
	r=$((r + 1))
done
pass bench-rounds

# (c) The microbenchmark: vtel's probes on a synthetic vCPU vs empty ones.
if [ -f "$BENCH_KO" ] && [ "${PAIRS:-0}" -gt 0 ]; then
	insmod "$BENCH_KO" && "$VMM" --io 10 >/dev/null &&
		echo "$PAIRS" >/sys/kernel/debug/vtel_bench &&
		echo "bench-pairs kind=$KIND $(cat /sys/kernel/debug/vtel_bench)"
	check bench-pairs "microbenchmark did not run" \
		grep -q vtel_best /sys/kernel/debug/vtel_bench
	rmmod vtel
fi

# (d) Scale: memory and dump times as VMs and cgroups are added.
mem() {
	echo "bench-mem kind=$KIND at=$1 cpus=$(grep -c ^processor /proc/cpuinfo) $(awk '/^(mem_|vms_|vcpus |cgroups |segments |segment_drops|untracked_cgroups)/ { printf "%s=%s ", $1, $2 }' $DBG/summary)"
}
# dump WHAT CMD...: the fastest of three runs of the CLI.
dump() {
	_w=$1; shift
	_best=
	for _i in 1 2 3; do
		_ns=$("$TIMEIT" "$@" | field ns)
		[ -z "$_best" ] || [ "$_ns" -lt "$_best" ] && _best=$_ns
	done
	echo "bench-dump kind=$KIND what=$_w ns=$_best"
}
if [ "${SCALE:-0}" -gt 0 ] && [ -x "$VTEL" ]; then
	CG=/sys/fs/cgroup
	lim=$((SCALE + 256))
	insmod "$VTEL_KO" max_vms=2048 max_vcpus=2048 retired_vms=2048 \
		retired_secs=0 max_segments=$((lim + 2048)) max_cgroups=$lim \
		spare_vms=256 spare_vcpus=256
	"$VMM" --io 1 >/dev/null
	mem 1vm
	dump vms-1 "$VTEL" -j vms
	dump cgroups-1 "$VTEL" -j cgroups
	dump export-1 "$VTEL" export
	for i in 1 2 3 4; do "$VMM" --vms 250 --io 1 --cpuid 1 >/dev/null; done
	mem 1001vm
	dump vms-1001 "$VTEL" -j vms
	dump export-1001 "$VTEL" export
	# One looping VMM moved through SCALE cgroups, an exit in each.
	"$VMM" --loop 3600 --io 1 --cpuid 1 >/dev/null &
	vp=$!
	sleep 1
	i=1
	points=$SCALE
	[ "$SCALE" -le 1000 ] || points="1000 $SCALE"
	missed=0
	for n in $points; do
		while [ $i -le "$n" ]; do
			if [ $((i % 100)) = 1 ]; then
				_j=$i _l=
				while [ $_j -lt $((i + 100)) ]; do _l="$_l $CG/b$_j"; _j=$((_j + 1)); done
				# shellcheck disable=SC2086
				mkdir $_l
			fi
			echo $vp >$CG/b$i/cgroup.procs
			# On until vtel has the cgroup's record: the vCPU exited
			# there and the worker made it (at most 2 s).
			_d=$DBG/cgroup/$(stat -c %i $CG/b$i)
			_k=0
			while [ ! -e "$_d" ] && [ $_k -lt 400 ]; do
				usleep 5000; _k=$((_k + 1))
			done
			[ -e "$_d" ] || missed=$((missed + 1))
			i=$((i + 1))
		done
		sleep 1
		echo "bench-scale kind=$KIND cgroups=$n missed=$missed"
		mem "${n}cg"
		dump "cgroups-$n" "$VTEL" -j cgroups
	done
	kill $vp; wait $vp
	rmmod vtel
	pass bench-scale
fi
lab_done
