#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tools/vtel/tests/lab.sh [KVER...] - the vtel CLI against the real module
# in the QEMU lab: builds the static CLI, boots each kernel (default: every
# supported one, tests/kernels.sh) with tests/lab/run.sh and
# tools/vtel/tests/lab-guest.sh, then validates on the host the JSON
# (python3 -m json.tool, check_json.py) and Prometheus text (promtool when
# installed, promcheck.py) the guest printed. Needs build/<KVER>/vtel.ko
# (make modules-all). Last line: "vtel-lab: N passed, M failed".
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
cd "$REPO" || exit 1
OUT=$REPO/build/vtel/lab
# LAB_BACKEND=bochs (tests/lab/run.sh): the same on VMX, kept apart.
[ "${LAB_BACKEND:-qemu}" = qemu ] || OUT=$OUT-$LAB_BACKEND
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
nok() { failed=$((failed + 1)); echo "not ok - $1: $2"; }

make -s -C tools/vtel static >/dev/null || { echo "vtel-lab: 0 passed, 1 failed"; exit 1; }
make -s -C tests/pty >/dev/null || { echo "vtel-lab: 0 passed, 1 failed"; exit 1; }
KVERS=${*:-$(tests/kernels.sh)}
for k in $KVERS; do
	log=$OUT/$k.log
	mkdir -p "$OUT/$k"
	tests/lab/run.sh --kver "$k" --script tools/vtel/tests/lab-guest.sh \
		--extra build/vtel/static/vtel build/pty/vtel-pty --quiet >"$log" 2>&1
	line=$(grep -E '^lab\(.*\): [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		nok "lab $k" "no result (see $log)"
		continue
	fi
	grep '^not ok - ' "$log" | sed "s/^not ok - /not ok - lab $k: /"
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed$/\1/')
	passed=$((passed + p))
	failed=$((failed + f))
	echo "# $line"
	console=$(sed -n 's/^lab: console log \([^,]*\),.*/\1/p' "$log")
	rm -rf "$OUT/$k"
	mkdir -p "$OUT/$k/json" "$OUT/$k/jsonl" "$OUT/$k/prom"
	python3 - "$console" "$OUT/$k" <<'PY'
import re, sys
names = {"st.json": "json/status.json", "st2.json": "json/status-after-reset.json",
         "vms.json": "json/vms.json", "ex.json": "json/exits-vm.json",
         "exv.json": "json/exits-vcpu.json", "h.json": "json/hist.json",
         "cg.json": "json/cgroups.json", "done.json": "json/exits-retired.json",
         "cfg.json": "json/config.json", "exc.json": "json/exits-cgroup.json",
         "exo.json": "json/exits-cgroup-own.json", "top.jsonl": "jsonl/top.jsonl",
         "ev.jsonl": "jsonl/events.jsonl", "m.prom": "prom/export.prom",
         "cgt.json": "json/cgroups-tree.json",
         "topcg.jsonl": "jsonl/top-cgroup.jsonl", "io.json": "json/io.json"}
text = open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read()
for m in re.finditer(r"^VTEL-FILE-BEGIN (\S+)\n(.*?)^VTEL-FILE-END \1$", text, re.S | re.M):
    if m.group(1) in names:
        with open("%s/%s" % (sys.argv[2], names[m.group(1)]), "w",
                  encoding="utf-8", errors="surrogateescape") as f:
            f.write(m.group(2))
PY
	for j in "$OUT/$k"/json/*.json; do
		[ -f "$j" ] || continue
		python3 -m json.tool "$j" >/dev/null 2>&1 && ok "lab $k: json.tool $(basename "$j")" ||
			nok "lab $k: json.tool $(basename "$j")" "invalid JSON"
	done
	for j in "$OUT/$k"/jsonl/*.jsonl; do
		[ -f "$j" ] || continue
		python3 -m json.tool --json-lines "$j" >/dev/null 2>&1 &&
			ok "lab $k: json.tool --json-lines $(basename "$j")" ||
			nok "lab $k: json.tool --json-lines $(basename "$j")" "invalid JSON"
	done
	python3 "$HERE/check_json.py" "$OUT/$k" | sed "s/^\(not \)\{0,1\}ok - /&lab $k: /" >"$OUT/$k/schema.log"
	cat "$OUT/$k/schema.log"
	passed=$((passed + $(grep -c '^ok - ' "$OUT/$k/schema.log")))
	failed=$((failed + $(grep -c '^not ok - ' "$OUT/$k/schema.log")))
	m=$OUT/$k/prom/export.prom
	if [ -s "$m" ]; then
		err=$(python3 "$HERE/promcheck.py" "$m" 2>&1) && ok "lab $k: promcheck.py export.prom" ||
			nok "lab $k: promcheck.py export.prom" "$(echo "$err" | head -n 2 | tr '\n' ' ')"
		if command -v promtool >/dev/null 2>&1; then
			err=$(promtool check metrics <"$m" 2>&1)
			[ -z "$err" ] && ok "lab $k: promtool check metrics export.prom" ||
				nok "lab $k: promtool check metrics export.prom" "$(echo "$err" | head -n 2 | tr '\n' ' ')"
		fi
	else
		nok "lab $k: export" "no Prometheus output captured"
	fi
done
echo "vtel-lab: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
