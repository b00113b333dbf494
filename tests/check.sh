#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every test vtel has: static checks, KUnit, userspace tests and the QEMU
# lab end-to-end on each supported kernel. Installs what it needs first.
# The last line is "N passed, N failed", counting every test that ran.
set -u
cd "$(dirname "$0")/.."
REPO=$PWD
LOG=build/check
mkdir -p "$LOG"
rm -f "$LOG/result"
passed=0
failed=0
failures=()

pass() { passed=$((passed + 1)); echo "PASS: $1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); echo "FAIL: $1"; }

# One test: name, then the command. Output goes to build/check/<name>.log.
run_one() {
	local name=$1; shift
	local t0=$SECONDS
	if "$@" >"$LOG/$name.log" 2>&1; then
		pass "$name ($((SECONDS - t0))s)"
	else
		fail "$name (see $LOG/$name.log, $((SECONDS - t0))s)"
		tail -n 30 "$LOG/$name.log" | sed 's/^/    /'
	fi
}

# A suite that ends with "<label>: N passed, M failed".
run_suite() {
	local name=$1; shift
	local t0=$SECONDS
	"$@" 2>&1 | tee "$LOG/$name.log"
	tally "$name" "$t0"
}

# The counts of a suite from its log (started at $SECONDS = $2).
tally() {
	local name=$1 t0=$2
	local line p f
	line=$(grep -E '^[^ ]+: [0-9]+ passed, [0-9]+ failed$' "$LOG/$name.log" | tail -n 1)
	if [ -z "$line" ]; then
		fail "$name: no result line (see $LOG/$name.log)"
		return
	fi
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed$/\1/')
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" -eq 0 ] || failures+=("$name: $f failed")
	echo "SUITE $name: $p passed, $f failed ($((SECONDS - t0))s)"
}

start=$(date +%s)
echo "== dependencies"
if ! make -s deps-ok >/dev/null 2>&1; then
	make deps || { echo "0 passed, 1 failed" | tee "$LOG/result"; exit 1; }
fi

KVERS=$(tests/kernels.sh)
# The debug kernel is the long pole of a cold run: build it (niced, cached
# by config hash) alongside everything else; its suites wait for it.
debug_build=
if [ "${VTEL_SKIP_DEBUG:-0}" != 1 ]; then
	tests/debug/build.sh >"$LOG/debug-build.log" 2>&1 &
	debug_build=$!
fi
if [ "$(echo "$KVERS" | wc -w)" -lt 3 ]; then
	fail "kernels: need Debian 6.1 and 6.12 with headers and the sid chroot, found: $KVERS"
fi
# The sid kernel's perf comes from its chroot (tests/sid/setup.sh).
SID=${VTEL_CACHE:-/var/tmp/vtel-cache}/sid
sid_kver=$(cat "$SID/kver" 2>/dev/null)

echo "== build and static checks"
for k in $KVERS; do
	run_one "build-W1-$k" make -s "build/$k/vtel.ko"
	run_one "sparse-$k" make -s sparse KVERS="$k"
done
run_one checkpatch tests/checkpatch.sh
run_one netlink-spec-sync tests/spec-sync.py
run_suite docs tests/docs-check.py

echo "== userspace"
run_one testvmm-build make -s -C tests/vmm
run_one nlfuzz-build make -s -C tests/nlfuzz
run_one cli-static-build make -s -C tools/vtel static
if [ -x tests/userspace.sh ]; then
	run_suite userspace tests/userspace.sh
fi

echo "== install, DKMS, packaging"
t0=$(date +%s)
run_suite install tests/install.sh
run_suite dkms tests/dkms.sh
echo "== install and DKMS took $(( $(date +%s) - t0 ))s"

echo "== KUnit (UML)"
run_suite kunit tests/kunit/run.sh

# Intel VMX: the same scripts in Bochs (corei7_skylake_x), where kvm_intel
# runs on emulated VMX. About ten times slower than the QEMU lab and one
# host CPU each, so it runs beside the QEMU lab below (one CPU too), only
# on the kernels in VMX_KVERS (default: 6.12), with the time of each suite.
# A Bochs boot costs a minute or more, so all the suites share one boot
# (e2e first: it loads vtel before kvm_intel), each judged on its own
# lines, the boot's own checks (timeout, kernel warnings) as lab-vmx-boot.
# The extras are what the suites need: the fuzzer (e2e, cgroup), the CLI
# and perf (perf-oracle, trace); bpftrace (209 MB with its libraries) is
# left out. The CLI test follows in a boot of its own.
echo "== VMX lab (Bochs), in the background"
VMX_SUITES=${VMX_SUITES:-e2e cgroup timesplit perf-oracle trace}
vmx_kvers=${VMX_KVERS:-$(echo "$KVERS" | grep '^6\.12\.')}
# (One suite alone is judged with its boot, as run.sh does.)
vmx_each=$VMX_SUITES
[ "$(echo "$VMX_SUITES" | wc -w)" = 1 ] || vmx_each="$VMX_SUITES boot"
vmx_suites=
for k in $vmx_kvers; do
	for s in $vmx_each; do vmx_suites="$vmx_suites lab-vmx-$s-$k"; done
	[ "${VMX_CLI:-1}" = 0 ] || vmx_suites="$vmx_suites lab-vmx-cli-$k"
done
vmx_t0=$SECONDS
# One boot per kernel; run.sh's timeout is ten times --timeout under Bochs.
vmx_kernel() {
	local k=$1 s took console scripts=
	for s in $VMX_SUITES; do scripts="$scripts tests/lab/$s.sh"; done
	# shellcheck disable=SC2046,SC2086
	tests/lab/run.sh --backend bochs --kver "$k" --quiet \
		--script $scripts --vtel-ko "build/$k/vtel.ko" \
		--timeout "${VMX_TIMEOUT:-360}" \
		--extra build/nlfuzz/vtel-nlfuzz build/vtel/static/vtel \
		$(tests/lab/perf-files.sh | sort -u) >"$LOG/lab-vmx-$k.log" 2>&1
	console=$(sed -n 's/^lab: console log \([^,]*\),.*/\1/p' "$LOG/lab-vmx-$k.log")
	# Each suite's lines end with its result line; the boot's come last.
	for s in $vmx_each; do
		[ "$s" != "$VMX_SUITES" ] || cp "$LOG/lab-vmx-$k.log" "$LOG/lab-vmx-$s-$k.log"
		[ "$s" = "$VMX_SUITES" ] || awk -v s="/$s): " '{ b = b $0 "\n" }
			/^lab\(.*\): [0-9]+ passed, [0-9]+ failed$/ {
				if (index($0, s)) { printf "%s", b; exit }
				b = "" }' "$LOG/lab-vmx-$k.log" >"$LOG/lab-vmx-$s-$k.log"
		took=$(sed -n "s/^lab: bochs: script done after .* ($s took \([0-9]*\)s)$/\1/p" \
			"$console" 2>/dev/null)
		[ "$s" != "$VMX_SUITES" ] || took=$(sed -n 's/^lab: bochs: script done after \([0-9]*\)s$/\1/p' \
			"$console" 2>/dev/null)
		[ "$s" = boot ] ||
			echo "TIME lab-vmx-$s-$k: ${took:-?}s in Bochs" >>"$LOG/lab-vmx-$s-$k.log"
	done
	echo "TIME lab-vmx-$k: $(sed -n 's/^lab: bochs: \/init after //p' "$console" 2>/dev/null) to /init," \
		"$(sed -n 's/^lab: bochs: ran //p' "$console" 2>/dev/null) in all in Bochs" \
		>>"$LOG/lab-vmx-$(echo "$vmx_each" | awk '{ print $NF }')-$k.log"
	# The CLI test checks the guest's JSON and Prometheus text on the
	# host: its own boot (VMX_CLI=0 leaves it out).
	[ "${VMX_CLI:-1}" = 0 ] && return
	t0=$SECONDS
	LAB_BACKEND=bochs tools/vtel/tests/lab.sh "$k" >"$LOG/lab-vmx-cli-$k.log" 2>&1
	echo "TIME lab-vmx-cli-$k: $((SECONDS - t0))s in Bochs, one boot" >>"$LOG/lab-vmx-cli-$k.log"
}
# (Built now: the QEMU lab's cli-lab builds it too, maybe at the same time.)
make -s -C tests/pty >/dev/null 2>&1
( for k in $vmx_kvers; do vmx_kernel "$k"; done ) &
vmx_pid=$!

echo "== lab end-to-end"
# The stress suite's netlink dumps use the static CLI when it builds (the
# cli-lab suite below reports a build failure).
stress_extra=build/nlfuzz/vtel-nlfuzz
make -s -C tools/vtel static >/dev/null 2>&1 && stress_extra="$stress_extra build/vtel/static/vtel"
# One lab suite, output to its log: the lab runs in two streams (below).
lab_one() {
	local name=$1 t=$SECONDS; shift
	echo "$name" >>"$LOG/lab-$k.suites"
	"$@" >"$LOG/$name.log" 2>&1
	echo $((SECONDS - t)) >"$LOG/$name.secs"
	echo "LAB $name done at $((SECONDS - lab_t0))s" >&2
}

# Every QEMU lab suite of kernel $1.
lab_kernel() {
	local k=$1 perf_root=
	: >"$LOG/lab-$k.suites"
	if [ ! -f "build/$k/vtel.ko" ]; then
		echo "lab-$k" >"$LOG/lab-$k.suites"
		echo "lab-$k: 0 passed, 1 failed (no vtel.ko)" >"$LOG/lab-$k.log"
		return
	fi
	lab_one "lab-$k" tests/lab/run.sh --kver "$k" \
		--script tests/lab/e2e.sh --vtel-ko "build/$k/vtel.ko"
	lab_one "lab-nlfuzz-$k" tests/lab/run.sh --kver "$k" \
		--script tests/lab/nlfuzz.sh --vtel-ko "build/$k/vtel.ko" \
		--extra build/nlfuzz/vtel-nlfuzz
	lab_one "lab-cgroup-$k" tests/lab/run.sh --kver "$k" \
		--script tests/lab/cgroup.sh --vtel-ko "build/$k/vtel.ko" \
		--extra build/nlfuzz/vtel-nlfuzz
	lab_one "lab-timesplit-$k" tests/lab/run.sh --kver "$k" \
		--script tests/lab/timesplit.sh --vtel-ko "build/$k/vtel.ko"
	perf_root=
	[ "$k" != "$sid_kver" ] || perf_root=$SID/root
	# shellcheck disable=SC2046
	lab_one "lab-ynl-$k" tests/lab/run.sh --kver "$k" \
		--script tests/lab/ynl.sh --vtel-ko "build/$k/vtel.ko" \
		--timeout 300 --extra $(tests/lab/ynl-files.sh)
	# shellcheck disable=SC2046
	lab_one "lab-nlerr-$k" tests/lab/run.sh --kver "$k" \
		--script tests/lab/nlerr.sh --vtel-ko "build/$k/vtel.ko" \
		--timeout 300 --extra $(tests/lab/ynl-files.sh) tests/lab/nlerr-check.py
	# Stress on the Debian 12 kernels (and the debug kernel, below).
	# shellcheck disable=SC2086
	[ "$k" = "$sid_kver" ] ||
		lab_one "lab-stress-$k" tests/lab/run.sh --kver "$k" \
			--script tests/debug/stress.sh --vtel-ko "build/$k/vtel.ko" \
			--timeout 900 --quiet --extra $stress_extra
	# shellcheck disable=SC2046
	# bpftrace and its LLVM need more guest RAM.
	lab_one "lab-trace-$k" env LAB_MEM=3072 tests/lab/run.sh --kver "$k" \
		--script tests/lab/trace.sh --vtel-ko "build/$k/vtel.ko" \
		--timeout 600 --quiet --extra build/vtel/static/vtel \
		$( (tests/lab/perf-files.sh $perf_root;
		    tests/lab/prog-files.sh bpftrace) | sort -u)
	# shellcheck disable=SC2046
	lab_one "lab-nodebugfs-$k" tests/lab/run.sh --kver "$k" \
		--script tests/lab/nodebugfs.sh --cmdline debugfs=off \
		--vtel-ko "build/$k/vtel.ko" --timeout 300 \
		--extra $(tests/lab/ynl-files.sh)
	lab_one "lab-limits-$k" tests/lab/run.sh --kver "$k" \
		--script tests/lab/limits.sh --vtel-ko "build/$k/vtel.ko" \
		--timeout 400 --extra build/vtel/static/vtel
	# shellcheck disable=SC2046
	lab_one "lab-perf-$k" tests/lab/run.sh --kver "$k" \
		--script tests/lab/perf-oracle.sh \
		--vtel-ko "build/$k/vtel.ko" --timeout 300 \
		--extra $(tests/lab/perf-files.sh $perf_root)
}

# Each emulator keeps one host CPU busy: the kernels go in two streams
# (with the Bochs lab beside them), then every suite is tallied in order.
lab_t0=$SECONDS
stream_a= stream_b= i=0
for k in $KVERS; do
	if [ $((i % 2)) = 0 ]; then stream_a="$stream_a $k"; else stream_b="$stream_b $k"; fi
	i=$((i + 1))
done
( for k in $stream_a; do lab_kernel "$k"; done ) &
lab_a=$!
for k in $stream_b; do lab_kernel "$k"; done
wait "$lab_a"
echo "== QEMU lab took $((SECONDS - lab_t0))s in two streams"
for k in $KVERS; do
	while read -r s; do
		grep -E '^(not ok - |lab: console log|lab\()' "$LOG/$s.log" | tail -n 20
		tally "$s" $((SECONDS - $(cat "$LOG/$s.secs" 2>/dev/null || echo 0)))
	done <"$LOG/lab-$k.suites"
done

# The debug kernel (KASAN, lockdep, kmemleak, ...; cached by config hash)
# with the lab suites, stress, KUnit as a module, fault injection and
# coverage. VTEL_SKIP_DEBUG=1 skips it, and says so. It starts now, beside
# the remaining lab suites (its build.sh waits for the build started above,
# through the build's lock), and is waited for at the end.
debug_pid=
debug_t0=$SECONDS
if [ "${VTEL_SKIP_DEBUG:-0}" != 1 ]; then
	echo "== debug-kernel lab, in the background"
	tests/debug/run.sh >"$LOG/debug-lab.log" 2>&1 &
	debug_pid=$!
fi

echo "== VMX lab (Bochs), started with the QEMU lab: waiting for it"
t0=$SECONDS
wait "$vmx_pid"
echo "== VMX lab waited $((SECONDS - t0))s"
for s in $vmx_suites; do
	cat "$LOG/$s.log"
	# (Its own Bochs time, from its first TIME line.)
	secs=$(sed -n 's/^TIME [^:]*: \([0-9]*\)s.*/\1/p' "$LOG/$s.log" | head -n 1)
	tally "$s" $((SECONDS - ${secs:-$((SECONDS - vmx_t0))}))
done

echo "== hot-path microbenchmark, once (a smoke test: time is not asserted)"
t0=$(date +%s)
bk=$(for k in $KVERS; do echo "$k"; done | grep "^6\.12\." | head -n 1)
if [ -n "$bk" ] && run_one "bench-build-$bk" make -s "build/bench/$bk/vtel-bench.ko"; then
	run_suite "lab-bench-smoke-$bk" tests/lab/run.sh --kver "$bk" \
		--script tests/lab/bench-smoke.sh --no-vtel \
		--extra "build/bench/$bk/vtel-bench.ko"
fi
echo "== microbenchmark smoke test took $(( $(date +%s) - t0 ))s"

echo "== CLI against the module in the lab"
run_suite cli-lab tools/vtel/tests/lab.sh

echo "== Prometheus: node_exporter in the lab, a Prometheus server here"
t0=$(date +%s)
run_suite prom-lab tests/prom-lab.py
echo "== prom-lab took $(( $(date +%s) - t0 ))s"

echo "== debug-kernel lab"
if [ -z "$debug_pid" ]; then
	echo "SKIPPED: debug-kernel lab (VTEL_SKIP_DEBUG=1)"
else
	t0=$SECONDS
	wait "$debug_pid"
	[ -z "$debug_build" ] || wait "$debug_build"
	echo "== debug-kernel lab waited $((SECONDS - t0))s"
	cat "$LOG/debug-lab.log"
	tally debug-lab "$debug_t0"
fi

echo "== done in $(( $(date +%s) - start ))s"
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "$passed passed, $failed failed" | tee "$LOG/result"
[ "$failed" -eq 0 ]
