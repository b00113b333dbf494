#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug kernel (lockdep, PROVE_RCU, KASAN, kmemleak, UBSAN,
# failslab) from linux-source-6.12 into $VTEL_CACHE/debug (outside the
# repo; about 10 minutes cold on 2 cores, seconds when cached), install it
# as a lab root in $VTEL_CACHE/debug/root, and build vtel.ko for it into
# build/<KVER>/. Prints the kernel release last.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${VTEL_CACHE:-/var/tmp/vtel-cache}
SRC=$CACHE/linux-source-6.12
OBJ=$CACHE/debug/obj
ROOT=$CACHE/debug/root
[ -d "$SRC" ] || tar -C "$CACHE" -xf /usr/src/linux-source-6.12.tar.xz
mkdir -p "$OBJ" "$ROOT/boot"
exec 9>"$CACHE/debug/.lock"
flock 9
frag=$REPO/tests/debug/config.fragment
if [ ! -f "$OBJ/.config" ] || [ "$frag" -nt "$OBJ/.config" ]; then
	make -s -C "$SRC" O="$OBJ" tinyconfig >&2
	"$SRC/scripts/kconfig/merge_config.sh" -m -O "$OBJ" "$OBJ/.config" "$frag" >&2
	make -s -C "$SRC" O="$OBJ" olddefconfig >&2
	"$SRC/scripts/config" --file "$OBJ/.config" --set-str LOCALVERSION -vteldebug \
		-d LOCALVERSION_AUTO
	make -s -C "$SRC" O="$OBJ" olddefconfig >&2
fi
make -s -C "$SRC" O="$OBJ" -j"$(nproc)" bzImage modules >&2
KVER=$(make -s -C "$SRC" O="$OBJ" kernelrelease)
make -s -C "$SRC" O="$OBJ" INSTALL_MOD_PATH="$ROOT" modules_install >&2
cp "$OBJ/arch/x86/boot/bzImage" "$ROOT/boot/vmlinuz-$KVER"
make -s -C "$REPO" "build/$KVER/Kbuild" >&2
make -s -C "$OBJ" M="$REPO/build/$KVER" W=1 modules >&2
echo "$KVER"
