#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/lab/demo.sh [--kver KVER] [--no-vtel]: the vtel demo (make lab).  Boots the newest
# installed 6.12 kernel (or KVER) in the QEMU lab, loads kvm and
# build/<KVER>/vtel.ko, runs four VMMs with different exit mixes at once and
# prints what vtel's debugfs files show next to KVM's own counters.  Without
# a vtel.ko it shows KVM's counters only.  The full console is saved under
# build/lab/<KVER>/.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=tests/lab/kver.sh
. "$HERE/kver.sh"

kver=6.12 no_vtel=0
while [ $# -gt 0 ]; do
	case $1 in
	--kver) kver=${2:?--kver needs a value}; shift 2 ;;
	--no-vtel) no_vtel=1; shift ;;
	-h|--help) sed -n '3,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "demo.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
KVER=$(lab_resolve_kver "$kver") || { echo "demo.sh: no installed kernel matches '$kver'" >&2; exit 2; }
OUT=$REPO/build/lab/$KVER
mkdir -p "$OUT"

ko=()
if [ $no_vtel = 0 ] && [ -f "$REPO/build/$KVER/vtel.ko" ]; then
	ko=(--vtel-ko "$REPO/build/$KVER/vtel.ko")
	echo "demo: $KVER with $REPO/build/$KVER/vtel.ko; booting the lab (about 15 s)..."
else
	ko=(--no-vtel)
	echo "demo: no vtel.ko (build/$KVER/vtel.ko): showing KVM's own counters only."
fi

set +e
extra=()
if make -s -C "$REPO/tools/vtel" static >/dev/null 2>&1; then
	extra=(--extra "$REPO/build/vtel/static/vtel")
fi
"$HERE/run.sh" --kver "$KVER" --script "$HERE/demo-guest.sh" "${ko[@]}" \
	${extra[@]+"${extra[@]}"} --quiet >"$OUT/demo.run.log" 2>&1
rc=$?
set -e
sed -n '/^=== VTEL-DEMO-BEGIN$/,/^=== VTEL-DEMO-END$/p' "$OUT/demo-guest.console.log" |
	sed '/^=== VTEL-DEMO-/d'
echo
grep -E '^not ok - ' "$OUT/demo.run.log" || true
tail -n 1 "$OUT/demo.run.log"
echo "demo: console log $OUT/demo-guest.console.log"
exit $rc
