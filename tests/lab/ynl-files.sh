#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The lab files for tests/lab/ynl.sh: prints the paths to pass as --extra.
#   ynl-root.tar  Debian's python3 with its shared libraries, the standard
#                 library modules the YNL client imports (found by importing
#                 them here, see ynl-check.py --list-modules), python3-yaml
#                 and the kernel's tools/net/ynl, at their absolute paths
#                 (the YNL client under /ynl); about 4 MB, rebuilt when an
#                 input changes
#   vtel.yaml     the spec under test (YNL_SPEC= to test another one)
#   ynl-check.py  the checks
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=$REPO/build/ynl
PY=/usr/bin/python3.11
SRC=$("$REPO/tests/ynl-src.sh")
YNL=$SRC/tools/net/ynl
TAR=$OUT/ynl-root.tar
mkdir -p "$OUT"
(
	flock 9
	if [ ! -s "$TAR" ] || [ "$PY" -nt "$TAR" ] || [ "$HERE/ynl-check.py" -nt "$TAR" ] ||
	   [ "$HERE/ynl-files.sh" -nt "$TAR" ]; then
		root=$(mktemp -d "$OUT/root.XXXXXX")
		{
			echo "$PY"
			ldd "$PY" | awk '/=> \// { print $3 } /^\t\/lib64/ { print $1 }'
			PYTHONPATH=/usr/lib/python3/dist-packages "$PY" -S \
				"$HERE/ynl-check.py" --list-modules "$YNL" |
				grep -v "^$YNL/" | grep -v "^$HERE/"
			# Loaded at startup, before any import can be traced.
			ls /usr/lib/python3.11/encodings/*.py
		} | sort -u | while read -r f; do
			mkdir -p "$root$(dirname "$f")"
			cp -L "$f" "$root$f"
			case $f in *.so*) ;; *) continue ;; esac
			# Extension modules' own libraries (e.g. libffi, libz).
			ldd "$f" 2>/dev/null | awk '/=> \// { print $3 }' | while read -r l; do
				mkdir -p "$root$(dirname "$l")"
				cp -L "$l" "$root$l"
			done
		done
		mkdir -p "$root/ynl"
		cp -r "$YNL/lib" "$YNL/cli.py" "$root/ynl/"
		find "$root" -name __pycache__ -prune -exec rm -rf {} +
		tar -C "$root" -cf "$TAR.tmp" .
		mv "$TAR.tmp" "$TAR"
		rm -rf "$root"
	fi
) 9>"$OUT/.lock"
echo "$TAR"
echo "${YNL_SPEC:-$REPO/Documentation/netlink/specs/vtel.yaml}"
echo "$HERE/ynl-check.py"
