#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: vtel's cost against the kernel's trace events, bpftrace and
# perf kvm stat, in the QEMU lab (Documentation/performance.rst).
#
#   tests/bench.sh [KVER...]      (default: 6.12 and 6.1)
#
# Per kernel, two boots run tests/lab/bench.sh:
#   icount  -smp 1 -icount shift=0: guest instructions added per exit, the
#           microbenchmark in instructions, memory and dump cost;
#   wall    a normal 2-vCPU boot: wall clock (noisy), the microbenchmark in
#           ns, memory and dump times.
# Knobs: BENCH_ROUNDS (7), BENCH_N (20000 port writes + as many cpuid),
# BENCH_PAIRS (100000), BENCH_SCALE (10000 cgroups; 0 skips scale),
# BENCH_KINDS ("icount wall"), BENCH_MODES (all six).
# The tables go to stdout and build/bench/report.txt.
set -u
cd "$(dirname "$0")/.." || exit 1
REPO=$PWD
OUT=$REPO/build/bench
mkdir -p "$OUT"
ROUNDS=${BENCH_ROUNDS:-7}
N=${BENCH_N:-20000}
PAIRS=${BENCH_PAIRS:-100000}
SCALE=${BENCH_SCALE:-10000}
KINDS=${BENCH_KINDS:-icount wall}
MODES=${BENCH_MODES:-base vtel ftrace bpftrace perfkvm vtelperf}
[ $# -gt 0 ] || set -- 6.12 6.1
. tests/lab/kver.sh

make -s -C tests/vmm >/dev/null || exit 1
make -s -C tools/vtel static >/dev/null || exit 1
gcc -O2 -Wall -Wextra -static -o "$OUT/timeit" tests/bench/timeit.c || exit 1
extras=("$OUT/timeit" "$REPO/build/vtel/static/vtel")
# perf, bpftrace and their libraries (about 200 MB) reach the guest as a
# raw tar on a virtio disk: in the initramfs they stall the -icount boot.
tools=()
# shellcheck disable=SC2207
case " $MODES " in *" perfkvm "*|*" vtelperf "*) tools+=($(tests/lab/prog-files.sh perf)) ;; esac
# shellcheck disable=SC2207
case " $MODES " in *" bpftrace "*) tools+=($(tests/lab/prog-files.sh bpftrace)) ;; esac
TAR=$OUT/tools.tar
if [ ${#tools[@]} -gt 0 ]; then
	printf '%s\n' "${tools[@]}" | sort -u |
		tar -cf "$TAR" -P --dereference --transform 's,^.*/,,' -T - || exit 1
else
	tar -cf "$TAR" -T /dev/null
fi

# virtio_blk and what it needs that the kernel lacks, in load order
# (on 6.1 virtio needs virtio_ring; on 6.12 only virtio_blk is a module).
virtio_mods() {
	for m in virtio_pci virtio_blk; do
		/sbin/modprobe -S "$1" --show-depends "$m"
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
}

logs=()
for k in "$@"; do
	K=$(lab_resolve_kver "$k") || { echo "bench: no kernel $k" >&2; exit 1; }
	make -s "build/$K/vtel.ko" "build/bench/$K/vtel-bench.ko" >/dev/null || exit 1
	mkdir -p "$OUT/$K/mods"
	vmods=
	for f in $(virtio_mods "$K"); do
		b=$(basename "$f" .xz)
		case $f in
		*.xz) xz -dc "$f" >"$OUT/$K/mods/$b" ;;
		*) cp "$f" "$OUT/$K/mods/$b" ;;
		esac
		vmods="$vmods $OUT/$K/mods/$b"
	done
	for kind in $KINDS; do
		conf=$OUT/$K/bench.conf
		mkdir -p "$OUT/$K"
		cat >"$conf" <<-EOF
			KIND=$kind
			N=$N
			ROUNDS=$ROUNDS
			MODES="$MODES"
			PAIRS=$PAIRS
			SCALE=$SCALE
			VIRTIO_MODS="$(for f in $vmods; do basename "$f" .ko; done | tr '\n' ' ')"
		EOF
		if [ "$kind" = icount ]; then
			smp=1 qargs="-icount shift=0"
		else
			smp=2 qargs=
		fi
		qargs="$qargs -drive file=$TAR,format=raw,if=virtio,readonly=on"
		echo "bench: $K, $kind boot"
		# shellcheck disable=SC2086
		LAB_MEM=3072 LAB_SMP=$smp LAB_QEMU_ARGS=$qargs tests/lab/run.sh \
			--kver "$K" --script tests/lab/bench.sh --timeout 3000 --quiet \
			--vtel-ko "build/$K/vtel.ko" \
			--extra "$conf" "build/bench/$K/vtel-bench.ko" "${extras[@]}" \
			$vmods |
			tail -n 3
		cp "build/lab/$K/bench.console.log" "$OUT/$K/$kind.console.log"
		grep '^# .*not run' "$OUT/$K/$kind.console.log"
		logs+=("$K:$kind:$OUT/$K/$kind.console.log")
	done
done
{
	echo "make bench, $(date -u +%Y-%m-%d), rounds $ROUNDS, $N port writes + $N cpuid per run"
	echo
	python3 tests/bench/report.py "${logs[@]}"
} | tee "$OUT/report.txt"
