#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/dkms.sh - Debian's dkms builds vtel for every installed supported
# kernel (tests/kernels.sh --host; more with KVERS="..."): make dkms-src, dkms add,
# dkms build -k KVER for each, and each built vtel.ko must carry that
# kernel's vermagic (modinfo). Then make dkms-install / dkms-uninstall for
# the newest kernel: the module appears in, then leaves, updates/dkms/.
# It uses a version of its own (VERSION.ci), so an operator's vtel in dkms
# is not touched, and removes everything it added (dkms remove --all, the
# /usr/src tree), also when interrupted. Needs root.
# Last line: "dkms: N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 1
KVERS=${KVERS:-$(tests/kernels.sh --host)}
base=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
V=$base.ci
SRC=/usr/src/vtel-$V
LOG=build/dkms
rm -rf "$LOG"
mkdir -p "$LOG"
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
nok() { failed=$((failed + 1)); echo "not ok - $1: $2"; }

# dkms makes a module signing key on its first build; one it made for us goes too.
mok_before=$(ls /var/lib/dkms/mok.key /var/lib/dkms/mok.pub 2>/dev/null)
cleanup() {
	dkms remove -m vtel -v "$V" --all >/dev/null 2>&1
	rm -rf "$SRC" "/var/lib/dkms/vtel/$V"
	rmdir /var/lib/dkms/vtel 2>/dev/null
	[ -n "$mok_before" ] || rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
}
trap cleanup EXIT
trap 'exit 1' INT TERM
cleanup

if ! command -v dkms >/dev/null; then
	echo "not ok - dkms: not installed (make deps)"
	echo "dkms: 0 passed, 1 failed"
	exit 1
fi
echo "# $(dkms --version), kernels: $KVERS"

make -s dkms-src VTEL_VERSION="$V" DKMS_SRC="$SRC" >"$LOG/src.log" 2>&1 &&
	[ -f "$SRC/dkms.conf" ] && [ -f "$SRC/Kbuild" ] &&
	ok "make dkms-src: sources in $SRC" || nok "make dkms-src" "$(tail -n 3 "$LOG/src.log")"
if dkms add -m vtel -v "$V" >"$LOG/add.log" 2>&1; then
	ok "dkms add -m vtel -v $V"
else
	nok "dkms add" "$(tail -n 3 "$LOG/add.log" | tr '\n' ' ')"
fi
for k in $KVERS; do
	t0=$(date +%s)
	if nice dkms build -m vtel -v "$V" -k "$k" >"$LOG/build-$k.log" 2>&1; then
		ok "dkms build -k $k ($(( $(date +%s) - t0 ))s)"
	else
		nok "dkms build -k $k" "$(tail -n 5 "$LOG/build-$k.log" | tr '\n' ' ')"
		continue
	fi
	ko=$(ls /var/lib/dkms/vtel/"$V"/"$k"/*/module/vtel.ko* 2>/dev/null | head -n 1)
	vm=$(modinfo -F vermagic "$ko" 2>/dev/null)
	echo "# $k: $ko: vermagic $vm"
	if [ "${vm%% *}" = "$k" ]; then
		ok "dkms build -k $k: vtel.ko vermagic '$vm'"
	else
		nok "dkms build -k $k: vermagic" "'$vm' in '$ko', want $k"
	fi
	ver=$(modinfo -F version "$ko" 2>/dev/null)
	[ "$ver" = "$base" ] && ok "dkms build -k $k: vtel.ko version $ver" ||
		nok "dkms build -k $k: version" "'$ver', want $base"
	st=$(dkms status -m vtel -v "$V" -k "$k" 2>/dev/null)
	case $st in
	*": built"*|*", built"*|*"built"*) ok "dkms status -k $k: built ($st)" ;;
	*) nok "dkms status -k $k" "'$st'" ;;
	esac
done
dkms remove -m vtel -v "$V" --all >"$LOG/remove.log" 2>&1
rm -rf "$SRC"
st=$(dkms status -m vtel -v "$V" 2>/dev/null)
[ -z "$st" ] && [ ! -e "/var/lib/dkms/vtel/$V" ] && ok "dkms remove --all: nothing left" ||
	nok "dkms remove" "status '$st'"

# The operator's path: make dkms-install, then make dkms-uninstall.
k=$(echo "$KVERS" | tr ' ' '\n' | tail -n 1)
if nice make -s dkms-install KVER="$k" VTEL_VERSION="$V" DKMS_SRC="$SRC" >"$LOG/install.log" 2>&1; then
	f=$(ls /lib/modules/"$k"/updates/dkms/vtel.ko* 2>/dev/null | head -n 1)
	vm=$(modinfo -F vermagic "$f" 2>/dev/null)
	[ -n "$f" ] && [ "${vm%% *}" = "$k" ] && ok "make dkms-install: $f, vermagic $k" ||
		nok "make dkms-install" "no vtel.ko of $k under /lib/modules/$k/updates/dkms ($f)"
	dep=$(grep -c 'updates/dkms/vtel.ko' /lib/modules/"$k"/modules.dep)
	[ "$dep" -ge 1 ] && ok "make dkms-install: depmod knows vtel" || nok "dkms-install depmod" "not in modules.dep"
else
	nok "make dkms-install" "$(tail -n 5 "$LOG/install.log" | tr '\n' ' ')"
fi
make -s dkms-uninstall VTEL_VERSION="$V" DKMS_SRC="$SRC" >"$LOG/uninstall.log" 2>&1
left=$(ls /lib/modules/"$k"/updates/dkms/vtel.ko* "$SRC" 2>/dev/null; dkms status -m vtel -v "$V" 2>/dev/null)
dep=$(grep -c 'vtel.ko' /lib/modules/"$k"/modules.dep)
[ -z "$left" ] && [ "$dep" -eq 0 ] && ok "make dkms-uninstall: module, sources and modules.dep entry gone" ||
	nok "make dkms-uninstall" "left: $left, modules.dep: $dep"
echo "dkms: $passed passed, $failed failed"
[ $failed -eq 0 ]
