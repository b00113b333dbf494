#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tests/userspace.sh - the userspace tests of vtel: a warning-free build of
# the CLI, then "make -C tools/vtel check" (unit tests under ASan+UBSan,
# JSON and Prometheus checkers, the real and static binaries on this
# kernel, which has no vtel family). No kernel module is needed.
#
# Prints every case as "ok - NAME" or "not ok - NAME: WHY" and, as its last
# line, "userspace: N passed, M failed". Exit status 0 only if all passed.
cd "$(dirname "$0")/.." || exit 1
REPO=$PWD
LOG=$REPO/build/vtel-userspace
rm -rf "$LOG"
mkdir -p "$LOG"

# A fresh build in its own directory: any compiler warning fails.
if make -C tools/vtel O="$LOG/build" all >"$LOG/build.log" 2>&1; then
	if grep -q -e 'warning:' "$LOG/build.log"; then
		echo "not ok - build: compiler warnings (see $LOG/build.log)"
		grep -e 'warning:' "$LOG/build.log" | head -n 10 | sed 's/^/    /'
	else
		echo "ok - build: tools/vtel/vtel without warnings (-Wall -Wextra -O2)"
	fi
else
	echo "not ok - build: make -C tools/vtel failed (see $LOG/build.log)"
	tail -n 20 "$LOG/build.log" | sed 's/^/    /'
fi >"$LOG/results"
rm -rf "$LOG/build"

make -s -C tools/vtel check >"$LOG/check.log" 2>&1
rc=$?
cat "$LOG/check.log"
grep -e '^ok - ' -e '^not ok - ' "$LOG/check.log" >>"$LOG/results"
if [ $rc -ne 0 ] && ! grep -q '^not ok - ' "$LOG/check.log"; then
	echo "not ok - make check: exit status $rc (see $LOG/check.log)" >>"$LOG/results"
fi
head -n 1 "$LOG/results"

passed=$(grep -c '^ok - ' "$LOG/results")
failed=$(grep -c '^not ok - ' "$LOG/results")
echo "userspace: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
