#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build and run vtel's KUnit suites in a UML kernel.
#
#   tests/kunit/run.sh [kunit.py filter_glob]
#
# Uses the kernel tree in $VTEL_CACHE (default /var/tmp/vtel-cache),
# extracted from /usr/src/linux-source-6.12.tar.xz if missing, and builds
# in $VTEL_CACHE/kunit-build. Integration into the tree is idempotent:
#   drivers/vtel      -> symlink to this clone's kmod/ (re-pointed if needed)
#   drivers/Makefile  += obj-$(CONFIG_VTEL_KUNIT_TEST) += vtel/tests/
#   drivers/Kconfig   += kmod/tests/Kconfig.kunit
# The objects built are listed in kmod/tests/Kbuild.
#
# Prints kunit.py's output, then one line "kunit: N passed, M failed"
# (individual test cases). Exits non-zero if anything failed or the build
# did; a failed build counts as at least one failure. Every suite defined
# in kmod/tests/*.c must have run, unless a filter is given.

set -u

REPO=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd) || exit 2
VTEL_CACHE=${VTEL_CACHE:-/var/tmp/vtel-cache}
SRC_TAR=${VTEL_KERNEL_TAR:-/usr/src/linux-source-6.12.tar.xz}
TREE=$VTEL_CACHE/linux-source-6.12
BUILD=$VTEL_CACHE/kunit-build
JSON=$BUILD/vtel-kunit.json
TESTS=$REPO/kmod/tests

finish() {
	echo "kunit: $1 passed, $2 failed"
	[ "$2" -eq 0 ] && exit 0
	exit 1
}

extract_tree() {
	local tmp

	echo "run.sh: extracting $SRC_TAR into $VTEL_CACHE" >&2
	tmp=$(mktemp -d "$VTEL_CACHE/.extract.XXXXXX") || return 1
	if ! tar -C "$tmp" -xf "$SRC_TAR" ||
	   ! rm -rf "$TREE" ||
	   ! mv "$tmp/linux-source-6.12" "$TREE"; then
		echo "run.sh: cannot extract $SRC_TAR" >&2
		rm -rf "$tmp"
		return 1
	fi
	rmdir "$tmp"
	echo "done" > "$VTEL_CACHE/extract.ok"
}

# Replace (or add) the marked block at the end of a tree file, writing it
# only when it changes.
set_block() {
	python3 - "$1" "$2" <<'EOF'
import re, sys
path, body = sys.argv[1], sys.argv[2]
begin, end = '# >>> vtel kunit (tests/kunit/run.sh)', '# <<< vtel kunit'
old = open(path).read()
new = re.sub(r'\n*' + re.escape(begin) + r'.*?' + re.escape(end) + r'\n', '\n',
             old, flags=re.S)
new = new.rstrip('\n') + '\n\n' + begin + '\n' + body.rstrip('\n') + '\n' + end + '\n'
if new != old:
    open(path, 'w').write(new)
EOF
}

# drivers/vtel -> this clone's kmod/. Objects built from another clone, or
# from sources whose content changed behind an older mtime (cp -a, rsync
# -a), would look up to date to make: rebuild vtel's objects (seconds)
# whenever the link or the content of kmod/ or include/ changes.
integrate() {
	local link=$TREE/drivers/vtel

	if [ -e "$link" ] && [ ! -L "$link" ]; then
		echo "run.sh: $link exists and is not a symlink" >&2
		return 1
	fi
	if [ "$(readlink "$link" 2>/dev/null)" != "$REPO/kmod" ]; then
		ln -sfn "$REPO/kmod" "$link" || return 1
	fi

	STAMP=$BUILD/drivers/vtel/.vtel-sources
	SUM=$( (echo "$REPO"; cd "$REPO" &&
		find kmod include -type f \( -name '*.[ch]' -o -name 'Kbuild*' \
			-o -name 'Kconfig*' -o -name Makefile \) -print0 2>/dev/null |
		LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum)
	if [ "$(cat "$STAMP" 2>/dev/null)" != "$SUM" ]; then
		rm -rf "$BUILD/drivers/vtel"
		NEW_STAMP=1
	fi

	# shellcheck disable=SC2016 # a make variable, not a shell one
	set_block "$TREE/drivers/Makefile" \
		'obj-$(CONFIG_VTEL_KUNIT_TEST)	+= vtel/tests/' &&
	set_block "$TREE/drivers/Kconfig" "$(cat "$TESTS/Kconfig.kunit")"
}

# Prints "passed failed": the leaf test cases in kunit.py's JSON, plus one
# failure per expected suite that did not run, and at least one failure
# when kunit.py failed.
count_results() {
	python3 - "$JSON" "$1" "$2" "$TESTS" <<'EOF'
import glob, json, re, sys
path, rc, nargs, tests = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
passed = failed = 0
suites = set()
def walk(group, depth):
    global passed, failed
    if depth == 1:
        suites.add(group['name'])
    for case in group.get('test_cases', []):
        if depth == 0:
            suites.add(case['name'])
        if case['status'] == 'PASS':
            passed += 1
        elif case['status'] != 'SKIP':
            failed += 1
    for sub in group.get('sub_groups', []):
        walk(sub, depth + 1)
try:
    walk(json.load(open(path)), 0)
except (OSError, ValueError, KeyError) as e:
    print('run.sh: no results (%s)' % e, file=sys.stderr)
if nargs == 0:
    pat = r'struct\s+kunit_suite\s+\w+\s*=\s*\{[^}]*?\.name\s*=\s*"([^"]+)"'
    for f in sorted(glob.glob(tests + '/*.c')):
        for name in re.findall(pat, open(f).read()):
            if name not in suites:
                print('run.sh: suite %s (%s) did not run; is it listed in '
                      'kmod/tests/Kbuild?' % (name, f[len(tests) + 1:]),
                      file=sys.stderr)
                failed += 1
if rc != 0 and failed == 0:
    failed = 1
print(passed, failed)
EOF
}

# Parsed in full before it starts, so editing this file during a run (git
# pull, checkout) cannot derail it.
main() {
	local rc passed failed

	mkdir -p "$VTEL_CACHE" || finish 0 1

	# One run at a time per cache: they share the tree and the build dir.
	exec 9>"$VTEL_CACHE/kunit.lock"
	if ! flock -n 9; then
		echo "run.sh: waiting for another run using $VTEL_CACHE" >&2
		flock 9
	fi

	if [ ! -f "$TREE/Makefile" ] ||
	   [ ! -f "$TREE/tools/testing/kunit/kunit.py" ]; then
		extract_tree || finish 0 1
	fi
	integrate || finish 0 1

	rm -f "$JSON"
	(cd "$TREE" && python3 tools/testing/kunit/kunit.py run \
		--build_dir="$BUILD" \
		--kunitconfig="$TESTS/.kunitconfig" \
		--jobs="$(nproc)" \
		--json="$JSON" \
		"$@")
	rc=$?
	if [ "${NEW_STAMP:-0}" = 1 ] && [ -d "$BUILD/drivers/vtel" ]; then
		echo "$SUM" > "$STAMP"
	fi

	read -r passed failed < <(count_results "$rc" "$#")
	finish "${passed:-0}" "${failed:-1}"
}

main "$@"
