#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug-kernel lab: build (or reuse) the debug kernel, then run the
# end-to-end, cgroup, netlink fuzz and stress scripts on it. Any lockdep,
# RCU, KASAN, UBSAN or kmemleak report fails the run. Not part of
# `make check` (the kernel build takes about 10 minutes cold); run with
# `make lab-debug`. Last line: "debug-lab: N passed, M failed".
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO" || exit 1
CACHE=${VTEL_CACHE:-/var/tmp/vtel-cache}
KVER=$(tests/debug/build.sh 2>build/debug-build.log | tail -n 1)
if [ -z "$KVER" ] || [ ! -f "build/$KVER/vtel.ko" ]; then
	tail -n 20 build/debug-build.log
	echo "debug-lab: 0 passed, 1 failed"
	exit 1
fi
make -s -C tests/nlfuzz >/dev/null
export LAB_ROOT=$CACHE/debug/root
passed=0 failed=0
for s in e2e cgroup nlfuzz; do
	out=$(tests/lab/run.sh --kver "$KVER" --script "tests/lab/$s.sh" \
		--vtel-ko "build/$KVER/vtel.ko" --extra build/nlfuzz/vtel-nlfuzz \
		--timeout 900 --quiet 2>&1)
	echo "$out" | grep -E '^not ok|^lab'
	line=$(echo "$out" | grep -E '^lab\(.*\): [0-9]+ passed' | tail -n 1)
	p=$(echo "$line" | sed -nE 's/.*: ([0-9]+) passed.*/\1/p')
	f=$(echo "$line" | sed -nE 's/.* ([0-9]+) failed$/\1/p')
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-1}))
done
out=$(tests/lab/run.sh --kver "$KVER" --script tests/debug/stress.sh \
	--vtel-ko "build/$KVER/vtel.ko" --timeout 900 --quiet 2>&1)
echo "$out" | grep -E '^not ok|^lab|^# (fault injection|kmemleak)'
line=$(echo "$out" | grep -E '^lab\(.*\): [0-9]+ passed' | tail -n 1)
p=$(echo "$line" | sed -nE 's/.*: ([0-9]+) passed.*/\1/p')
f=$(echo "$line" | sed -nE 's/.* ([0-9]+) failed$/\1/p')
passed=$((passed + ${p:-0}))
failed=$((failed + ${f:-1}))
echo "debug-lab: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
