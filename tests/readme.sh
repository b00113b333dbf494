#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tests/readme.sh host|guest - the commands of the first code block of
# README.md's "On a real host" section, as written, for CI to run them: "host" prints its make lines
# (build and install, run on the build host into a scratch DESTDIR by
# tests/install.sh), "guest" the rest (run inside the lab with the module
# and VMs, by tests/lab/prom-guest.sh, which skips only the module
# loading and systemctl lines). Exit status 1 if the block is missing.
cd "$(dirname "$0")/.." || exit 1
awk -v want="$1" '
	/^## / { in_sec = ($0 == "## On a real host"); next }
	in_sec && n && !/^    / && !/^$/ { in_sec = 0 }
	in_sec && /^    / {
		line = substr($0, 5)
		is_make = (line ~ /^make( |$)/)
		if ((want == "host") == is_make) print line
		n++
	}
	END { exit n ? 0 : 1 }' README.md
