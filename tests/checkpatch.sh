#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# checkpatch.pl --strict on every kernel source file of vtel.
cd "$(dirname "$0")/.."
CP=${VTEL_CACHE:-/var/tmp/vtel-cache}/linux-source-6.12/scripts/checkpatch.pl
if [ ! -x "$CP" ]; then
	mkdir -p "${VTEL_CACHE:-/var/tmp/vtel-cache}"
	tar -C "${VTEL_CACHE:-/var/tmp/vtel-cache}" -xf /usr/src/linux-source-6.12.tar.xz
fi
files=$(ls kmod/*.c kmod/*.h kmod/tests/*.c kmod/tests/*.h include/uapi/linux/*.h 2>/dev/null)
# vtel is an external module: no MAINTAINERS, no in-tree paths.
bad=0
for f in $files; do
	ignore=FILE_PATH_CHANGES
	# The one place allowed to test kernel versions (see the header).
	[ "$f" = kmod/vtel_compat.h ] &&
		ignore=$ignore,LINUX_VERSION_CODE,CONSTANT_COMPARISON
	"$CP" --strict --no-tree --terse --show-types --ignore "$ignore" \
		-f "$f" | grep -v '^total:' && bad=1
done
[ "$bad" -eq 0 ] || { echo "checkpatch: problems found"; exit 1; }
echo "checkpatch: clean ($(echo $files | wc -w) files)"
