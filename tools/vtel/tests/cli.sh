#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tools/vtel/tests/cli.sh - run by "make check": the unit tests (C, under
# ASan+UBSan), then checks of what they wrote (JSON with python3 -m
# json.tool and a schema check, Prometheus text with promtool when
# installed and with promcheck.py), then the real binaries against this
# machine's kernel, which has no vtel family: exit statuses and messages.
#
# Environment (set by the Makefile): VTEL (sanitized CLI), VTEL_UNIT,
# VTEL_FAKE (the CLI on the fake kernel), VTEL_NLPROBE (the transport on
# this kernel's nlctrl family), VTEL_STATIC (optional),
# VTEL_TEST_OUT (scratch directory).
# Prints "ok - NAME" / "not ok - NAME: WHY" per case and, last,
# "vtel-cli: N passed, M failed".
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${VTEL_TEST_OUT:?}
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok - $1"; }
nok() { failed=$((failed + 1)); echo "not ok - $1: $2"; }

# --- unit tests ---------------------------------------------------------------
"$VTEL_UNIT" >"$OUT/unit.log" 2>"$OUT/unit.err"
rc=$?
cat "$OUT/unit.log"
p=$(grep -c '^ok - ' "$OUT/unit.log")
f=$(grep -c '^not ok - ' "$OUT/unit.log")
passed=$((passed + p))
failed=$((failed + f))
if grep -q -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' \
	-e 'runtime error:' "$OUT/unit.err"; then
	nok sanitizers "report in the unit tests:"
	sed 's/^/    /' "$OUT/unit.err" | head -n 40
elif ! grep -q '^vtel-unit: ' "$OUT/unit.log"; then
	nok vtel-unit "exited with status $rc before the end"
	sed 's/^/    /' "$OUT/unit.err" | head -n 40
elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
	nok vtel-unit "exited with status $rc"
else
	ok "sanitizers: no report in the unit tests"
fi

# --- JSON written by the unit tests ------------------------------------------
for j in "$OUT"/json/*.json; do
	[ -f "$j" ] || continue
	if err=$(python3 -m json.tool "$j" 2>&1 >/dev/null); then
		ok "json.tool $(basename "$j")"
	else
		nok "json.tool $(basename "$j")" "$err"
	fi
done
for j in "$OUT"/jsonl/*.jsonl; do
	[ -f "$j" ] || continue
	if err=$(python3 -m json.tool --json-lines "$j" 2>&1 >/dev/null); then
		ok "json.tool --json-lines $(basename "$j")"
	else
		nok "json.tool --json-lines $(basename "$j")" "$err"
	fi
done
python3 "$HERE/check_json.py" "$OUT" >"$OUT/schema.log" 2>&1
cat "$OUT/schema.log"
passed=$((passed + $(grep -c '^ok - ' "$OUT/schema.log")))
failed=$((failed + $(grep -c '^not ok - ' "$OUT/schema.log")))
grep -q '^ok - ' "$OUT/schema.log" || nok check_json.py "no result"

# --- Prometheus text written by the unit tests --------------------------------
for m in "$OUT"/prom/*.prom; do
	[ -f "$m" ] || continue
	name=$(basename "$m")
	if err=$(python3 "$HERE/promcheck.py" "$m" 2>&1); then
		ok "promcheck.py $name"
	else
		nok "promcheck.py $name" "$(echo "$err" | head -n 3 | tr '\n' ' ')"
	fi
	if command -v promtool >/dev/null 2>&1; then
		# Lint problems are printed but exit 0; any output is a failure.
		if err=$(promtool check metrics <"$m" 2>&1) && [ -z "$err" ]; then
			ok "promtool check metrics $name"
		else
			nok "promtool check metrics $name" "$(echo "$err" | head -n 3 | tr '\n' ' ')"
		fi
	fi
done
command -v promtool >/dev/null 2>&1 ||
	echo "# promtool not installed: Prometheus output checked by promcheck.py only"

# --- the real transport against this kernel's nlctrl family -----------------
if [ -n "$VTEL_NLPROBE" ]; then
	"$VTEL_NLPROBE" >"$OUT/nlprobe.log" 2>&1
	cat "$OUT/nlprobe.log"
	passed=$((passed + $(grep -c '^ok - ' "$OUT/nlprobe.log")))
	failed=$((failed + $(grep -c '^not ok - ' "$OUT/nlprobe.log")))
	if grep -q -e 'Sanitizer' -e 'runtime error:' "$OUT/nlprobe.log"; then
		nok nlprobe "sanitizer report"
	fi
fi

# --- top on a pseudo-terminal (fake kernel) ----------------------------------
if [ -n "$VTEL_FAKE" ]; then
	python3 "$HERE/tty_top.py" "$VTEL_FAKE" >"$OUT/tty.log" 2>&1
	cat "$OUT/tty.log"
	passed=$((passed + $(grep -c '^ok - ' "$OUT/tty.log")))
	failed=$((failed + $(grep -c '^not ok - ' "$OUT/tty.log")))
	grep -q 'ok - ' "$OUT/tty.log" || nok tty_top.py "$(head -n 3 "$OUT/tty.log")"
fi

# --- the real binaries on a kernel without the vtel family -------------------
NOMOD='vtel: vtel module not loaded \(generic netlink family "vtel" not found\)'

# expect NAME STATUS STDERR-REGEX CMD...: exit status and one stderr line.
expect() {
	name=$1 want=$2 re=$3
	shift 3
	"$@" >"$OUT/cmd.out" 2>"$OUT/cmd.err"
	got=$?
	lines=$(wc -l <"$OUT/cmd.err")
	if grep -q -e 'Sanitizer' -e 'runtime error:' "$OUT/cmd.err"; then
		nok "$name" "sanitizer report: $(head -n 3 "$OUT/cmd.err" | tr '\n' ' ')"
	elif [ "$got" -ne "$want" ]; then
		nok "$name" "exit status $got, want $want; stderr: $(head -n 2 "$OUT/cmd.err" | tr '\n' ' ')"
	elif [ -n "$re" ] && { [ "$lines" -ne 1 ] || ! grep -q -E -e "$re" "$OUT/cmd.err"; }; then
		nok "$name" "stderr '$(tr '\n' ' ' <"$OUT/cmd.err")' does not match '$re' on one line"
	elif [ -z "$re" ] && [ -s "$OUT/cmd.err" ]; then
		nok "$name" "unexpected stderr: $(head -n 2 "$OUT/cmd.err" | tr '\n' ' ')"
	elif [ "$want" -ne 0 ] && [ -s "$OUT/cmd.out" ]; then
		nok "$name" "stdout on an error: $(head -n 1 "$OUT/cmd.out")"
	else
		ok "$name"
	fi
}

if [ -d /sys/module/vtel ]; then
	echo "# vtel is loaded here: skipping the module-not-loaded checks"
else
	for b in "$VTEL" ${VTEL_STATIC:+"$VTEL_STATIC"}; do
		k=$(basename "$(dirname "$b")")
		expect "$k: status without the module exits 3" 3 "^$NOMOD\$" "$b" status
		expect "$k: -j exits --pid without the module exits 3" 3 "^$NOMOD\$" "$b" -j exits --pid 1
		[ "$k" = static ] && continue
		for c in "vms" "vcpus --vm 1" "hist io" "top --count 1 --interval 0.01" \
			 "reset" "config" "config slow_ns=1000" "events --count 1" \
			 "export" "cgroups" "cgroups --tree --interval 0.01" \
			 "top --by cgroup --count 1 --interval 0.01"; do
			# shellcheck disable=SC2086
			expect "$k: $c without the module exits 3" 3 "^$NOMOD\$" "$b" $c
		done
	done
fi
# The lab's initramfs is busybox only: the static binary must need no file.
if [ -n "$VTEL_STATIC" ] && [ ! -d /sys/module/vtel ] && [ "$(id -u)" = 0 ]; then
	root=$(mktemp -d "$OUT/chroot.XXXXXX")
	cp "$VTEL_STATIC" "$root/vtel"
	if chroot "$root" /vtel --version >/dev/null 2>&1; then
		expect "static: status in an empty chroot exits 3" 3 "^$NOMOD\$" \
			chroot "$root" /vtel status
	else
		echo "# chroot not permitted here: static binary not tried in an empty root"
	fi
	rm -rf "$root"
fi
expect "usage: no command exits 2" 2 "^vtel: no command given" "$VTEL"
expect "usage: unknown command exits 2" 2 "^vtel: unknown command 'frob'" "$VTEL" frob
expect "usage: bad pid exits 2" 2 "^vtel: exits: --pid: 'x' is not a decimal number" "$VTEL" exits --pid x
expect "usage: --pid with --vm exits 2" 2 "mutually exclusive" "$VTEL" exits --pid 1 --vm 2
expect "usage: vcpus without a VM exits 2" 2 "^vtel: vcpus: needs --pid or --vm" "$VTEL" vcpus
expect "usage: read-only config exits 2" 2 "read-only" "$VTEL" config max_vms=1
expect "usage: bad interval exits 2" 2 "--interval" "$VTEL" top --interval 0
expect "usage: cgroups --interval without --tree exits 2" 2 "^vtel: cgroups: --interval needs --tree" "$VTEL" cgroups --interval 1
expect "--help exits 0" 0 "" "$VTEL" --help
grep -q '^Usage: vtel' "$OUT/cmd.out" || nok "--help prints the usage" "$(head -n 1 "$OUT/cmd.out")"
expect "exits --help exits 0" 0 "" "$VTEL" exits --help
expect "--version exits 0" 0 "" "$VTEL" --version
grep -q "interface version" "$OUT/cmd.out" || nok "--version" "$(cat "$OUT/cmd.out")"
if [ -w /dev/full ]; then
	expect "a failed write to stdout exits 1" 1 "^vtel: error writing the output" \
		sh -c "exec \"$VTEL\" --help >/dev/full"
fi

echo "vtel-cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
