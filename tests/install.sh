#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/install.sh [KVER] - installing vtel as an operator would, on the host
# (no module is loaded): the README's "On a real host" build and install
# lines as written, into a scratch DESTDIR; what make install puts where;
# make uninstall; the man pages, systemd units, modprobe.d file, textfile
# script, bash completion and Prometheus rules. KVER: the kernel to build
# for (default: the newest supported on the host, tests/kernels.sh --host).
# Last line: "install: N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 1
REPO=$PWD
KVER=${1:-$(tests/kernels.sh --host | tail -n 1)}
T=$REPO/build/install
rm -rf "$T"
mkdir -p "$T"
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
nok() { failed=$((failed + 1)); echo "not ok - $1: $2"; }
# check NAME WHY CMD...
check() { local n=$1 w=$2; shift 2; if "$@"; then ok "$n"; else nok "$n" "$w"; fi; }

# ---- the README, as written: its build and install lines on this host.
tests/readme.sh host >"$T/readme.sh" || { nok readme-extract "no 'On a real host' block"; }
echo "# README host lines:"; sed 's/^/#   /' "$T/readme.sh"
root=$T/root
if DESTDIR=$root KVER=$KVER bash -e "$T/readme.sh" >"$T/readme.log" 2>&1; then
	ok "readme: build and install lines run as written (DESTDIR, KVER=$KVER)"
else
	nok "readme: build and install lines" "failed (see $T/readme.log): $(tail -n 3 "$T/readme.log" | tr '\n' ' ')"
fi

# ---- what make install put where (PREFIX=/usr/local, the default)
P=/usr/local
want="/etc/modprobe.d/vtel.conf
/etc/modules-load.d/vtel.conf
/lib/modules/$KVER/updates/vtel.ko
$P/lib/systemd/system/vtel-textfile.service
$P/lib/systemd/system/vtel-textfile.timer
$P/sbin/vtel
$P/sbin/vtel-textfile
$P/share/man/man7/vtel-module.7
$P/share/man/man8/vtel.8
$P/share/vtel/prometheus/vtel-rules.yml
/usr/share/bash-completion/completions/vtel"
got=$(cd "$root" 2>/dev/null && find . -type f -o -type l | sed 's|^\.||' | LC_ALL=C sort)
check "install: exactly the expected files" "$(diff <(echo "$want" | LC_ALL=C sort) <(echo "$got") | tr '\n' ' ')" \
	[ "$(echo "$want" | LC_ALL=C sort)" = "$got" ]
modes=$(cd "$root" && stat -c '%a %n' ".$P/sbin/vtel" ".$P/sbin/vtel-textfile" ".$P/share/man/man8/vtel.8" | tr '\n' ' ')
check "install: modes 755 for programs, 644 for data" "$modes" \
	[ "$modes" = "755 .$P/sbin/vtel 755 .$P/sbin/vtel-textfile 644 .$P/share/man/man8/vtel.8 " ]
vm=$(modinfo -F vermagic "$root/lib/modules/$KVER/updates/vtel.ko" 2>/dev/null | awk '{ print $1 }')
check "install: the module is built for KVER ($vm)" "vermagic '$vm', want $KVER" [ "$vm" = "$KVER" ]
check "install: no depmod into DESTDIR" "found modules.dep" [ ! -e "$root/lib/modules/$KVER/modules.dep" ]
check "install: DESTDIR skips depmod, and says so" "$(grep -c depmod "$T/readme.log")" \
	grep -q "DESTDIR set: not running depmod" "$T/readme.log"
"$root$P/sbin/vtel" --version >"$T/version.out" 2>&1
check "install: the installed CLI runs" "$(cat "$T/version.out")" grep -q '^vtel ' "$T/version.out"
ldd "$root$P/sbin/vtel" | grep -q libnl-genl-3 && ok "install: the installed CLI uses libnl-genl-3" ||
	nok "install: CLI libnl" "not linked against libnl-genl-3"

# ---- make -C tools/vtel builds the CLI, never a test build
rm -rf "$T/o"
if make -s -C tools/vtel O="$T/o" >"$T/cli.log" 2>&1; then
	check "tools/vtel: default target is the CLI, no sanitizer or fake builds" \
		"$(ls "$T/o")" [ -x tools/vtel/vtel ] && [ ! -e "$T/o/san" ] && [ ! -e "$T/o/static" ]
else
	nok "tools/vtel: make" "$(tail -n 3 "$T/cli.log" | tr '\n' ' ')"
fi
out=$(make -n KVER="$KVER" 2>&1)
check "make: all builds the module and the CLI" "$(echo "$out" | head -n 3 | tr '\n' ' ')" \
	sh -c 'echo "$1" | grep -q "M=$2 modules" && echo "$1" | grep -q "tools/vtel all"' _ "$out" "$REPO"

# ---- PREFIX=/usr, then uninstall with the same variables
root2=$T/root-usr
make -s install DESTDIR="$root2" PREFIX=/usr KVER="$KVER" >"$T/install-usr.log" 2>&1
check "install PREFIX=/usr: CLI in /usr/sbin, man in /usr/share/man" "$(cat "$T/install-usr.log" | tail -n 2)" \
	[ -x "$root2/usr/sbin/vtel" ] && [ -f "$root2/usr/share/man/man8/vtel.8" ] &&
	[ -f "$root2/usr/lib/systemd/system/vtel-textfile.timer" ]
check "install PREFIX=/usr: the service runs /usr/sbin/vtel-textfile" "$(grep ExecStart "$root2/usr/lib/systemd/system/vtel-textfile.service")" \
	grep -qx 'ExecStart=/usr/sbin/vtel-textfile' "$root2/usr/lib/systemd/system/vtel-textfile.service"
echo "options vtel max_vms=512" >>"$root2/etc/modprobe.d/vtel.conf"
make -s install DESTDIR="$root2" PREFIX=/usr KVER="$KVER" >"$T/reinstall.log" 2>&1
check "install: a locally changed modprobe.d/vtel.conf is kept" "$(cat "$T/reinstall.log")" \
	grep -q '^options vtel max_vms=512' "$root2/etc/modprobe.d/vtel.conf"
make -s uninstall DESTDIR="$root2" PREFIX=/usr KVER="$KVER" >"$T/uninstall.log" 2>&1
left=$(cd "$root2" && find . -type f | sed 's|^\.||')
check "uninstall: removes every file but the changed modprobe.d/vtel.conf" "left: $left" \
	[ "$left" = /etc/modprobe.d/vtel.conf ]
make -s uninstall DESTDIR="$root" KVER="$KVER" >/dev/null 2>&1
left=$(cd "$root" && find . -type f | sed 's|^\.||')
check "uninstall: an unchanged install leaves no file" "left: $left" [ -z "$left" ]

# ---- man pages render without groff warnings
for m in Documentation/vtel.8 Documentation/vtel-module.7; do
	w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$m" 2>&1 >/dev/null)
	check "man: $(basename "$m") renders without warnings" "$w" [ -z "$w" ]
done

# ---- the module's parameters are those documented and in modprobe.d/vtel.conf
ko=build/$KVER/vtel.ko
[ -f "$ko" ] || ko=vtel.ko
params=$(modinfo -p "$ko" | cut -d: -f1 | LC_ALL=C sort)
conf=$(sed -n 's/^#options vtel //p' packaging/modprobe/modprobe.conf | tr ' ' '\n' | cut -d= -f1 | LC_ALL=C sort)
check "modprobe.d/vtel.conf: names every module parameter" "modinfo: $(echo $params), conf: $(echo $conf)" \
	[ -n "$params" ] && [ "$params" = "$conf" ]
miss=$(for p in $params; do grep -q "^\.BI $p=\|, $p=\|^\.BI.*\"$p=" Documentation/vtel-module.7 || echo "$p"; done)
check "vtel-module(7): documents every module parameter" "missing: $miss" [ -z "$miss" ]
bad=$(for p in $params; do
	d=$(modinfo -p "$ko" | sed -n "s/^$p:.*(default \([0-9]*\)).*/\1/p")
	c=$(grep -o "$p=[0-9]*" packaging/modprobe/modprobe.conf | cut -d= -f2)
	[ -z "$d" ] || [ "$d" = "$c" ] || echo "$p=$c (module default $d)"
done)
check "modprobe.d/vtel.conf: the shown values are the module's defaults" "$bad" [ -z "$bad" ]
v=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
mv=$(modinfo -F version "$ko")
check "dkms.conf: PACKAGE_VERSION is the module's version ($mv)" "dkms.conf $v" [ "$v" = "$mv" ]

# ---- systemd units
sa=$T/units
mkdir -p "$sa"
sed "s|@SBINDIR@|$REPO/packaging|g" packaging/systemd/vtel-textfile.service >"$sa/vtel-textfile.service"
cp packaging/systemd/vtel-textfile.timer "$sa/"
if command -v systemd-analyze >/dev/null; then
	w=$(systemd-analyze verify --man=no "$sa/vtel-textfile.timer" "$sa/vtel-textfile.service" 2>&1)
	check "systemd-analyze verify: units are clean" "$w" [ -z "$w" ]
fi
check "timer: every 15 s by default" "$(grep OnUnitActiveSec "$sa/vtel-textfile.timer")" \
	grep -qx 'OnUnitActiveSec=15s' "$sa/vtel-textfile.timer"

# ---- the textfile script: atomic, correct, removes stale data on failure
make -s -C tools/vtel fake >/dev/null 2>&1
FAKE=$REPO/build/vtel/san/vtel-fake
tf=$T/textfile
mkdir -p "$tf"
"$FAKE" export >"$T/ref.prom"
VTEL=$FAKE packaging/vtel-textfile "$tf"
check "vtel-textfile: writes vtel export into DIR/vtel.prom" "differs" cmp -s "$T/ref.prom" "$tf/vtel.prom"
check "vtel-textfile: leaves no temporary file" "$(ls -A "$tf" | tr '\n' ' ')" [ "$(ls -A "$tf")" = vtel.prom ]
check "vtel-textfile: vtel.prom is world-readable" "$(stat -c %a "$tf/vtel.prom")" [ "$(stat -c %a "$tf/vtel.prom")" = 644 ]
# A reader racing 100 rewrites never sees a partial file.
lines=$(wc -l <"$T/ref.prom")
( for _ in $(seq 100); do VTEL=$FAKE packaging/vtel-textfile "$tf" || exit 1; done ) &
wpid=$!
partial=0 reads=0
while kill -0 $wpid 2>/dev/null; do
	n=$(wc -l <"$tf/vtel.prom" 2>/dev/null || echo missing)
	reads=$((reads + 1))
	[ "$n" = "$lines" ] || partial=$((partial + 1))
done
wait $wpid
check "vtel-textfile: $reads reads during 100 rewrites saw only whole files" "$partial partial" [ $partial -eq 0 ]
printf '#!/bin/sh\necho "vtel: the vtel module is not loaded" >&2\nexit 3\n' >"$T/vtel-nomod"
chmod 755 "$T/vtel-nomod"
VTEL=$T/vtel-nomod packaging/vtel-textfile "$tf" 2>/dev/null
rc=$?
check "vtel-textfile: module not loaded: exit 3 and vtel.prom removed" "rc=$rc, $(ls -A "$tf")" \
	[ $rc -eq 3 ] && [ -z "$(ls -A "$tf")" ]
VTEL=$FAKE packaging/vtel-textfile "$T/nodir" 2>"$T/nodir.err"
rc=$?
check "vtel-textfile: no such directory: exit 1 and one message" "rc=$rc $(cat "$T/nodir.err")" \
	[ $rc -eq 1 ] && [ "$(wc -l <"$T/nodir.err")" -eq 1 ]

# ---- bash completion against the fake module; the oracle is its JSON
FJ=$T/fake.json
"$FAKE" -j vms >"$FJ"
live_pids=$(python3 -c 'import json,sys; print(" ".join(sorted(str(v["pid"]) for v in json.load(open(sys.argv[1]))["vms"] if v["state"] == "live")))' "$FJ")
live_ids=$(python3 -c 'import json,sys; print(" ".join(sorted(str(v["vm_id"]) for v in json.load(open(sys.argv[1]))["vms"] if v["state"] == "live")))' "$FJ")
"$FAKE" -j exits >"$T/exits.json"
reasons=$(python3 -c 'import json,sys; print(" ".join(sorted(e["reason"] for e in json.load(open(sys.argv[1]))["exits"])))' "$T/exits.json")
cmds=$("$FAKE" --help | awk '/^Commands:/ { c = 1; next } c && /^  [a-z]/ { print $1; next } c && /^$/ { exit }' | tr '\n' ' ')
comp() {
	VTEL=${CVTEL:-$FAKE} bash -c '. packaging/bash-completion/vtel
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
		_vtel; [ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort | tr "\n" " "' _ "$@"
}
sorted() { echo "$@" | tr ' ' '\n' | grep . | LC_ALL=C sort | tr '\n' ' '; }
got=$(comp vtel "")
miss=$(for c in $cmds; do echo " $got" | grep -q " $c " || echo "$c"; done)
check "completion: every command of vtel --help" "missing: $miss (got $got)" [ -z "$miss" ] && [ -n "$cmds" ]
got=$(comp vtel exits --pid "")
check "completion: --pid gives the live VMs' pids" "got '$got', want '$(sorted $live_pids)'" [ "$got" = "$(sorted $live_pids)" ]
got=$(comp vtel vcpus --vm "")
check "completion: --vm gives the live VMs' ids" "got '$got', want '$(sorted $live_ids)'" [ "$got" = "$(sorted $live_ids)" ]
got=$(comp vtel hist "")
check "completion: hist REASON gives the module's reasons" "got '$got', want '$(sorted $reasons)'" [ "$got" = "$(sorted $reasons)" ]
got=$(comp vtel exits --so)
check "completion: options of a command" "got '$got'" [ "$got" = "--sort " ]
got=$(comp vtel exits --sort "")
check "completion: --sort values" "got '$got'" [ "$got" = "count max p99 time " ]
# Completion offers exactly the options each command's --help lists.
bad=""
for c in $cmds; do
	h=$("$FAKE" "$c" --help | grep -o -- '--[a-z-]*' | LC_ALL=C sort -u | tr '\n' ' ')
	o=$(comp vtel "$c" -- | tr ' ' '\n' | grep -vx -- --help | grep . | LC_ALL=C sort -u | tr '\n' ' ')
	[ "$h" = "$o" ] || bad="$bad [$c: help '$h', completion '$o']"
done
check "completion: each command's options are those its --help lists" "$bad" [ -z "$bad" ]
got=$(CVTEL=/nonexistent comp vtel exits --pid "")
check "completion: no module, no pids, no error" "got '$got'" [ -z "$got" ]

# ---- every metric family of the export is in cli.rst's table, with its type
bad=$("$FAKE" export | awk '$1 == "#" && $2 == "TYPE" { print $3, $4 }' | while read -r m t; do
	grep -qE "^$m +$t( |\$)" Documentation/cli.rst || echo "$m $t"
done)
check "cli.rst: lists every exported metric family and its type" "missing: $(echo $bad)" [ -z "$bad" ]
labels=$("$FAKE" export | sed -n 's/^vtel_exits_total{\(.*\)} .*/\1/p' | head -n 1 | sed 's/="[^"]*"//g; s/,/, /g')
check "cli.rst: vtel_exits_total's labels are the export's ($labels)" "not in cli.rst" \
	grep -qE "^vtel_exits_total +counter +$labels " Documentation/cli.rst

# ---- Prometheus rules
for f in packaging/prometheus/vtel-rules.yml; do
	out=$(promtool check rules "$f" 2>&1)
	check "promtool check rules $(basename "$f")" "$out" grep -q SUCCESS <<<"$out"
done
out=$(cd packaging/prometheus && promtool test rules vtel-rules.test.yml 2>&1)
check "promtool test rules: the overhead alert fires at 20%, not at 5%" "$(echo "$out" | head -n 5 | tr '\n' ' ')" \
	grep -q SUCCESS <<<"$out"

echo "install: $passed passed, $failed failed"
[ $failed -eq 0 ]
