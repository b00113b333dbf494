#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tests/lab/perf-files.sh [ROOT] - the files the lab needs to run Debian's
# perf (tests/lab/prog-files.sh); ROOT is a chroot to take them from.
exec "$(dirname "$0")/prog-files.sh" perf "$@"
