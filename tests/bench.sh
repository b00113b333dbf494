#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Benchmark in the lab: guest instructions vtel, ftrace events and perf kvm
# stat record add per VM exit, side by side in one boot under QEMU -icount.
#   tests/bench.sh [KVER]     (default: the newest 6.12)
cd "$(dirname "$0")/.." || exit 1
k=${1:-6.12}
make -s modules-all >/dev/null || exit 1
make -s -C tests/vmm >/dev/null || exit 1
# shellcheck disable=SC2046
LAB_SMP=1 LAB_QEMU_ARGS="-icount shift=0" tests/lab/run.sh --kver "$k" \
	--script tests/lab/bench.sh --timeout 1200 --quiet \
	--extra $(tests/lab/perf-files.sh)
grep -E '^(bench|# base|# [a-z]+: ns)' build/lab/*/bench.console.log 2>/dev/null | sed 's/^[^:]*://'
