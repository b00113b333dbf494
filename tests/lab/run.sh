#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/lab/run.sh - boot a Debian kernel under QEMU/TCG with nested SVM and
# run one in-guest test script.
#
#   tests/lab/run.sh --kver KVER --script tests/lab/<script>.sh [SCRIPT...]
#                    [--vtel-ko PATH | --no-vtel] [--extra FILE...]
#                    [--timeout SECONDS] [--quiet] [--backend qemu|bochs]
#                    [--cmdline ARGS]
#
# --cmdline ARGS adds ARGS to the kernel command line (e.g. debugfs=off).
#
# Several scripts run one after the other in the same boot (a Bochs boot
# costs minutes): /init unloads vtel between them, each is judged on its
# own lines ("lab(<LABEL>/<script>): N passed, M failed", its own
# VTEL-LAB-DONE), the boot's own checks (timeout, exit, kernel warnings)
# as "lab(<LABEL>/boot): ...", and the last line is the total.
#
# --backend (default $LAB_BACKEND, else qemu): qemu is QEMU/TCG with nested
# SVM (kvm_amd); bochs is Bochs with the corei7_skylake_x model, where
# kvm_intel runs on emulated VMX (tests/lab/bochs.sh). The same scripts run
# on both. Bochs is about 10x slower: its timeout is --timeout times
# LAB_BOCHS_SLOWDOWN (default 10), and its results are labelled bochs-KVER.
#
# KVER is a full version (6.12.117+deb12-amd64) or a series (6.1, 6.12, 7.2):
# a series picks the newest kernel of that series (see tests/lab/kver.sh).
#
# The initramfs holds busybox (with applet links), the four kvm modules of
# KVER (decompressed), the test VMM, tests/lab/lib.sh, the script as
# /lab/test.sh, vtel.ko as /lab/vtel.ko (by default build/<KVER>/vtel.ko when
# it exists) and --extra files under /extra.  /init mounts proc, sys, dev,
# debugfs, tracefs and cgroup2, runs the script, scans dmesg, and reboots.
#
# The serial console is echoed and saved as build/lab/<KVER>/<script>.console.log.
# The script reports TAP-like "ok - NAME" / "not ok - NAME: WHY" lines and a
# final VTEL-LAB-DONE.  The last line printed here is
#     lab(<KVER>): N passed, M failed
# where a missing VTEL-LAB-DONE counts as a failure, and kernel warnings on
# the console count as a failed "no-kernel-warnings" test (a clean console
# is one passed test).  Exit status is 0 only if nothing failed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BUILD=$REPO/build
WARN_RE='WARNING:|BUG:|Oops|Call Trace|general protection|KASAN|UBSAN|Kernel panic'

kver_arg= vtel_ko= no_vtel=0 timeout_s=180 quiet=0 cmdline=
backend=${LAB_BACKEND:-qemu}
extras=() scripts=()

usage() { sed -n '3,41p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }
die() { echo "run.sh: error: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case $1 in
	--kver) kver_arg=${2:?--kver needs a value}; shift 2 ;;
	--script) shift
		if [ $# = 0 ] || [ "${1#--}" != "$1" ]; then die "--script needs a value"; fi
		while [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; do scripts+=("$1"); shift; done ;;
	--vtel-ko) vtel_ko=${2:?--vtel-ko needs a value}; shift 2 ;;
	--no-vtel) no_vtel=1; shift ;;
	--timeout) timeout_s=${2:?--timeout needs a value}; shift 2 ;;
	--quiet) quiet=1; shift ;;
	--backend) backend=${2:?--backend needs a value}; shift 2 ;;
	--cmdline) cmdline=${2?--cmdline needs a value}; shift 2 ;;
	--extra) shift
		while [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; do extras+=("$1"); shift; done ;;
	-h|--help) usage 0 ;;
	*) die "unknown argument '$1' (try --help)" ;;
	esac
done
[ -n "$kver_arg" ] || die "--kver is required"
[ ${#scripts[@]} -gt 0 ] || die "--script is required"
case $backend in qemu|bochs) ;; *) die "unknown backend '$backend' (qemu or bochs)" ;; esac
names=()
for i in "${!scripts[@]}"; do
	[ -f "${scripts[$i]}" ] || die "no such script: ${scripts[$i]}"
	scripts[i]=$(realpath "${scripts[$i]}")
	names+=("$(basename "${scripts[$i]}" .sh)")
done

# --- resolve the kernel --------------------------------------------------
# shellcheck source=tests/lab/kver.sh
. "$HERE/kver.sh"
KVER=$(lab_resolve_kver "$kver_arg") || die "no installed kernel matches '$kver_arg'"
read -r VMLINUZ KMODDIR <<<"$(lab_kernel "$KVER")"
[ -r "$VMLINUZ" ] || die "cannot read $VMLINUZ"

if [ $no_vtel = 0 ] && [ -z "$vtel_ko" ] && [ -f "$BUILD/$KVER/vtel.ko" ]; then
	vtel_ko=$BUILD/$KVER/vtel.ko
fi
[ $no_vtel = 1 ] && vtel_ko=
[ -z "$vtel_ko" ] || [ -f "$vtel_ko" ] || die "no such vtel.ko: $vtel_ko"
for f in ${extras[@]+"${extras[@]}"}; do [ -f "$f" ] || die "no such extra file: $f"; done

OUT=$BUILD/lab/$KVER
mkdir -p "$OUT"
name=$(IFS=+; echo "${names[*]}")
LABEL=$KVER sfx=
[ "$backend" = qemu ] || LABEL=$backend-$KVER sfx=.$backend
LOG=$OUT/$name$sfx.console.log
t_start=$(date +%s.%N)
elapsed() { awk -v a="$t_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# --- test VMM ---------------------------------------------------------------
mkdir -p "$BUILD/vmm"
(
	flock 9
	make -s -C "$REPO/tests/vmm" O="$BUILD/vmm" >&2
) 9>"$BUILD/vmm/.lock"
VMM=$BUILD/vmm/vtel-testvmm

# --- base initramfs (cached per KVER): busybox + kvm modules ----------------
MODDIR=$KMODDIR/kernel
KMODS="virt/lib/irqbypass drivers/crypto/ccp/ccp arch/x86/kvm/kvm arch/x86/kvm/kvm-amd arch/x86/kvm/kvm-intel"
BASE=$OUT/base.cpio.gz
(
	flock 9
	stale=0
	[ -s "$BASE" ] || stale=1
	srcs=(/bin/busybox "$HERE/run.sh")
	for m in $KMODS; do
		f=$(ls "$MODDIR/$m.ko" "$MODDIR/$m.ko.xz" 2>/dev/null | head -n1) ||
			true
		# ccp only exists where kvm-amd is built with SEV support;
		# kvm-intel is needed on Bochs only.
		[ -n "$f" ] || [ "$m" = drivers/crypto/ccp/ccp ] ||
			{ [ "$m" = arch/x86/kvm/kvm-intel ] && [ "$backend" = qemu ]; } ||
			{ echo "run.sh: error: missing $MODDIR/$m.ko[.xz]" >&2; exit 2; }
		[ -n "$f" ] || continue
		srcs+=("$f")
	done
	for f in "${srcs[@]}"; do [ "$f" -nt "$BASE" ] && stale=1; done
	if [ $stale = 1 ]; then
		echo "lab: building base initramfs for $KVER" >&2
		root=$(mktemp -d "$OUT/base.XXXXXX")
		mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,lab/kmod,extra}
		cp /bin/busybox "$root/bin/busybox"
		/bin/busybox --list-full | while read -r p; do
			[ "$p" = bin/busybox ] || ln -sf /bin/busybox "$root/$p"
		done
		for f in "${srcs[@]:2}"; do
			b=$(basename "$f")
			case $f in
			*.xz) xz -dc "$f" >"$root/lab/kmod/${b%.xz}" ;;
			*) cp "$f" "$root/lab/kmod/$b" ;;
			esac
			# Smaller initramfs, and much faster insmod under Bochs.
			strip --strip-debug "$root/lab/kmod/${b%.xz}" || true
		done
		(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
			gzip -1 >"$BASE.tmp"
		mv "$BASE.tmp" "$BASE"
		rm -rf "$root"
	fi
) 9>"$OUT/.base.lock"

# --- per-run overlay: init, lib, script, testvmm, vtel.ko, extras ----------
work=$(mktemp -d "$OUT/run.XXXXXX")
# LAB_KEEP=1 keeps the run directory (Bochs: bochsrc, bochs.log, serial.txt).
cleanup() { [ "${LAB_KEEP:-0}" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT
ov=$work/overlay
mkdir -p "$ov/lab" "$ov/bin" "$ov/extra"
install -m 755 "$HERE/init" "$ov/init"
install -m 644 "$HERE/lib.sh" "$ov/lab/lib.sh"
if [ ${#scripts[@]} = 1 ]; then
	install -m 755 "${scripts[0]}" "$ov/lab/test.sh"
else
	# /init runs /lab/tests/*.sh in this order.
	mkdir -p "$ov/lab/tests"
	for i in "${!scripts[@]}"; do
		install -m 755 "${scripts[$i]}" "$ov/lab/tests/$(printf %02d "$i")-${names[$i]}.sh"
	done
fi
install -m 755 "$VMM" "$ov/bin/vtel-testvmm"
[ -z "$vtel_ko" ] || install -m 644 "$vtel_ko" "$ov/lab/vtel.ko"
for f in ${extras[@]+"${extras[@]}"}; do install -m 755 "$f" "$ov/extra/"; done
(cd "$ov" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$work/overlay.cpio.gz"
cat "$BASE" "$work/overlay.cpio.gz" >"$work/initrd.gz"

if [ "$backend" = bochs ]; then
	# shellcheck source=tests/lab/bochs.sh
	. "$HERE/bochs.sh"
	timeout_s=$((timeout_s * ${LAB_BOCHS_SLOWDOWN:-10}))
fi
echo "lab: $backend, kernel $KVER, script $name${vtel_ko:+, vtel.ko $vtel_ko}, timeout ${timeout_s}s (initramfs ready after $(elapsed)s)"

# --- boot ---------------------------------------------------------------------
set +e
if [ "$backend" = bochs ]; then
	# No panic_on_warn here: the model WARNs once at boot (see /init).
	lab_bochs_boot "$VMLINUZ" "$work/initrd.gz" \
		"console=ttyS0,115200 rdinit=/init quiet panic=-1 loglevel=4 oops=panic reboot=t lab_backend=bochs${cmdline:+ $cmdline}" \
		"$timeout_s" "$work"
else
# LAB_SMP and LAB_QEMU_ARGS: the benchmark boots -smp 1 -icount shift=0.
# LAB_MEM: guest RAM in MiB (default 1024; bpftrace and its LLVM need more).
# no_timer_check: on a loaded host TCG can miss the boot-time IO-APIC timer
# check, and the kernel panics ("IO-APIC + timer doesn't work!").
# rcu_cpu_stall_timeout=60: there it can also starve a vCPU for more than
# RCU's default 21 s (a stall report, seen during boot, before vtel); a
# real lockup still reports within a minute.
# shellcheck disable=SC2086
timeout -k 5 "$timeout_s" qemu-system-x86_64 -accel "tcg,${LAB_TCG_OPTS-thread=single}" -cpu max -m "${LAB_MEM:-1024}" -smp "${LAB_SMP:-2}" ${LAB_QEMU_ARGS-} \
	-nographic -no-reboot -kernel "$VMLINUZ" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 quiet panic=-1 loglevel=4 oops=panic panic_on_warn=1 no_timer_check rcupdate.rcu_cpu_stall_timeout=60${cmdline:+ $cmdline}" \
	</dev/null 2>&1
fi | tr -d '\r' | if [ $quiet = 1 ]; then cat >"$LOG"; else tee "$LOG"; fi
qrc=${PIPESTATUS[0]}
set -e

# gcov data (tests/lab/init), kept apart from the log that is scanned.
if grep -q '^VTEL-GCOV-BEGIN$' "$LOG"; then
	sed -n '/^VTEL-GCOV-BEGIN$/,/^VTEL-GCOV-END$/p' "$LOG" | sed '1d;$d' |
		python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read()))' \
		>"$OUT/$name.gcda.tar.gz" || true
	sed -i '/^VTEL-GCOV-BEGIN$/,/^VTEL-GCOV-END$/d' "$LOG"
fi

# --- verdict ------------------------------------------------------------------
# (With several scripts: each one's lines, from /init's "lab: script NAME,"
# to the next, then the boot's own checks.)
pass=0 fail=0
if [ ${#scripts[@]} -gt 1 ]; then
	for n in "${names[@]}"; do
		awk -v n="$n," '/^lab: script / { on = $3 == n } on' "$LOG" >"$work/$n.lines"
		p=$(grep -c '^ok - ' "$work/$n.lines" || true)
		f=$(grep -c '^not ok - ' "$work/$n.lines" || true)
		[ $quiet = 0 ] || grep '^not ok - ' "$work/$n.lines" || true
		if ! grep -q '^VTEL-LAB-DONE$' "$work/$n.lines"; then
			echo "not ok - $n-lab-done: no VTEL-LAB-DONE from $n (panic, hang or script error)"
			f=$((f + 1))
		fi
		echo "lab($LABEL/$n): $p passed, $f failed"
		pass=$((pass + p)) fail=$((fail + f))
	done
	pass0=$pass fail0=$fail
else
	pass=$(grep -c '^ok - ' "$LOG" || true)
	fail=$(grep -c '^not ok - ' "$LOG" || true)
	if ! grep -q '^VTEL-LAB-DONE$' "$LOG"; then
		echo "not ok - lab-done: no VTEL-LAB-DONE on the console (panic, hang or script error)"
		fail=$((fail + 1))
	fi
fi
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	echo "not ok - $backend-timeout: no poweroff within ${timeout_s}s"
	fail=$((fail + 1))
elif [ "$qrc" != 0 ]; then
	echo "not ok - $backend-exit: $backend exited with status $qrc"
	fail=$((fail + 1))
fi
# Kernel warnings, but not in our own TAP lines (a test name may quote them).
# Bochs: the model's known boot-time complaints (see tests/lab/bochs.sh).
# Anything from before /init (the console up to "lab: init on", and
# /init's "lab: boot-dmesg:" lines) comes before vtel or kvm is loaded:
# it is shown, and fails the run only if /init never ran; the emulated
# boot under a loaded host has reported RCU stalls and, on the debug
# kernel, a KASAN report in handle_edge_irq during identify_cpu.
ok_re='^$'
[ "$backend" = bochs ] && ok_re=$LAB_BOCHS_BOOT_OK
after_init() { awk '/^lab: init on / { on = 1 } on && !/^lab: boot-dmesg: /' "$LOG"; }
if grep -q '^lab: init on ' "$LOG"; then
	grep -v -e '^ok - ' -e '^not ok - ' "$LOG" | grep -E "$WARN_RE" | grep -vE "$ok_re" |
		grep -Fxv -f <(after_init) | head -n 5 |
		sed 's/^/# boot warning before \/init, not judged: /' || true
	warn=$(after_init | grep -v -e '^ok - ' -e '^not ok - ' | grep -E "$WARN_RE" || true)
else
	warn=$(grep -v -e '^ok - ' -e '^not ok - ' "$LOG" | grep -E "$WARN_RE" | grep -vE "$ok_re" || true)
fi
if [ -n "$warn" ]; then
	echo "not ok - no-kernel-warnings: $(printf '%s\n' "$warn" | head -n1)"
	fail=$((fail + 1))
else
	pass=$((pass + 1))
fi
[ $quiet = 0 ] || [ ${#scripts[@]} -gt 1 ] || grep '^not ok - ' "$LOG" || true
echo "lab: console log $LOG, $(elapsed)s in all"
[ ${#scripts[@]} = 1 ] ||
	echo "lab($LABEL/boot): $((pass - pass0)) passed, $((fail - fail0)) failed"
echo "lab($LABEL): $pass passed, $fail failed"
[ "$fail" = 0 ]
