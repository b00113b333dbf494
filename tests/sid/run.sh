#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tests/sid/run.sh CMD [ARG...] - run CMD in the sid build chroot of
# tests/sid/setup.sh, in the current directory, with the repo bind-mounted
# at the same path (so M= paths and build/ symlinks work unchanged), and
# /dev and /proc from the host. The mounts live in a private mount
# namespace and go away with it: nothing is left mounted.
set -eu
REPO=$(cd "$(dirname "$0")/../.." && pwd)
ROOT=${VTEL_CACHE:-/var/tmp/vtel-cache}/sid/root
[ -f "$ROOT/.vtel-ready" ] ||
	{ echo "sid/run.sh: no sid chroot in $ROOT (run make deps)" >&2; exit 2; }
[ $# -gt 0 ] || { echo "usage: tests/sid/run.sh CMD [ARG...]" >&2; exit 2; }
mkdir -p "$ROOT$REPO"
exec unshare --mount --propagation private sh -euc '
	root=$1 repo=$2; shift 2
	mount --bind "$repo" "$root$repo"
	mount --rbind /dev "$root/dev"
	mount -t proc proc "$root/proc"
	cwd=$(pwd)
	exec chroot "$root" sh -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
' sh "$ROOT" "$REPO" env PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
