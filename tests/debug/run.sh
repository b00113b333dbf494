#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug-kernel lab: build (or reuse, cached by config hash) the debug
# kernel, then run on it the lab's end-to-end, cgroup, netlink fuzz, YNL
# and netlink-error suites, the stress suite, vtel's KUnit suites as a
# module, the fault injection suite, the attach-failure suite (issue 7,
# defect 10) and the IRQ-off suite (defect 8, under -icount). Any lockdep,
# RCU, KASAN, UBSAN or kmemleak report fails the run. Then merges the gcov
# data the lab runs wrote and prints the line coverage of kmod/*.c
# (tests/debug/coverage.py), which must reach VTEL_COVERAGE_MIN (90).
#
#   tests/debug/run.sh [SUITE...]     default: all of them
#
# Part of `make check` unless VTEL_SKIP_DEBUG=1 (see tests/check.sh).
# Last line: "debug-lab: N passed, M failed".
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO" || exit 1
mkdir -p build
SUITES=${*:-e2e cgroup nlfuzz ynl nlerr stress kunit fault attach irqoff}
t0=$(date +%s)
KVER=$(tests/debug/build.sh 2>build/debug-build.log | tail -n 1)
if [ -z "$KVER" ] || [ ! -f "build/$KVER/vtel.ko" ]; then
	tail -n 20 build/debug-build.log
	echo "debug-lab: 0 passed, 1 failed"
	exit 1
fi
echo "# debug kernel $KVER ready in $(( $(date +%s) - t0 ))s ($(grep -h 'debug kernel: built' build/debug-build.log || echo cached))"
make -s -C tests/nlfuzz >/dev/null
make -s -C tools/vtel static >/dev/null
export LAB_ROOT
LAB_ROOT=$(cat "build/$KVER/debug-dir")/root
LABOUT=build/lab/$KVER
mkdir -p "$LABOUT"
rm -f "$LABOUT"/*.gcda.tar.gz
# The suites kmod/tests defines, for kunit.sh to check that each ran.
grep -ohE 'struct\s+kunit_suite\s+\w+\s*=\s*\{' -A3 kmod/tests/*.c |
	sed -nE 's/.*\.name\s*=\s*"([^"]+)".*/\1/p' >"build/$KVER/kunit/suites"
# The call sites of the allocation helpers (kmod/vtel_alloc.h), as the
# module logs them when fault.sh fails them: FILE:LINE of the helper.
grep -nE '\<vtel_(kmalloc|kzalloc|kvmalloc|kvzalloc|kvcalloc|alloc_percpu|genlmsg_new)\(' \
	kmod/*.c | sed -E 's|^kmod/([^:]+):([0-9]+):.*|\1:\2|' >"build/$KVER/kunit/fault-sites"
passed=0 failed=0
for s in $SUITES; do
	case $s in
	e2e|cgroup|nlfuzz|ynl|nlerr) script=tests/lab/$s.sh ;;
	*) script=tests/debug/$s.sh ;;
	esac
	# The YNL client, Python and the spec, for the suites that use them.
	ynl=()
	case $s in
	ynl) mapfile -t ynl < <(tests/lab/ynl-files.sh) ;;
	nlerr) mapfile -t ynl < <(tests/lab/ynl-files.sh; echo tests/lab/nlerr-check.py) ;;
	esac
	[ -f "$script" ] || { echo "not ok - debug-$s: no $script"; failed=$((failed + 1)); continue; }
	ts=$(date +%s)
	# irqoff measures IRQ-off sections in instructions: one vCPU, one
	# nanosecond of guest time per instruction (-icount).
	smp=2 qargs=
	[ "$s" = irqoff ] && smp=1 qargs="-icount shift=0"
	out=$(LAB_SMP=$smp LAB_QEMU_ARGS=$qargs tests/lab/run.sh --kver "$KVER" --script "$script" \
		--vtel-ko "build/$KVER/vtel.ko" --timeout 1500 --quiet \
		--extra build/nlfuzz/vtel-nlfuzz build/vtel/static/vtel \
		"build/$KVER/kunit/vtel_kunit.ko" "build/$KVER/kunit/suites" \
		"build/$KVER/kunit/fault-sites" "${ynl[@]}" 2>&1)
	echo "$out" | grep -E '^not ok' | sed "s/^not ok - /not ok - debug-$s: /"
	echo "$out" | grep -E '^# (stress|fault|kmemleak|vtel reload|kernel memory|host|attach|irqoff|nlerr)'
	line=$(echo "$out" | grep -E '^lab\(.*\): [0-9]+ passed' | tail -n 1)
	p=$(echo "$line" | sed -nE 's/.*: ([0-9]+) passed.*/\1/p')
	f=$(echo "$line" | sed -nE 's/.* ([0-9]+) failed$/\1/p')
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-1}))
	echo "# debug $s: ${p:-0} passed, ${f:-1} failed in $(( $(date +%s) - ts ))s"
done
if out=$(python3 tests/debug/coverage.py "build/$KVER" 2>&1); then
	echo "$out"
	cov=$(echo "$out" | sed -nE 's/^coverage: ([0-9.]+)% .*/\1/p')
	# The issue's target (Documentation/testing.rst, Coverage).
	min=${VTEL_COVERAGE_MIN:-90}
	if awk -v c="${cov:-0}" -v m="$min" 'BEGIN { exit !(c >= m) }'; then
		echo "ok - debug-coverage: ${cov}% >= ${min}%"
		passed=$((passed + 1))
	else
		echo "not ok - debug-coverage: ${cov:-?}% of kmod/*.c lines, want >= ${min}%"
		failed=$((failed + 1))
	fi
else
	echo "$out" | tail -n 5
	echo "not ok - debug-coverage: no coverage data"
	failed=$((failed + 1))
fi
echo "# debug lab: $(( $(date +%s) - t0 ))s in all"
echo "debug-lab: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
