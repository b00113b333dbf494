#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Line coverage of kmod/*.c from the debug lab's gcov data.

    tests/debug/coverage.py build/<debug KVER>

The lab's /init copies /sys/kernel/debug/gcov out over the console, and
tests/lab/run.sh saves it as build/lab/<KVER>/<script>.gcda.tar.gz. Each
archive holds the .gcda files of vtel.ko and vtel_kunit.ko (the KUnit
suites as a module) under their build paths; the .gcno files are in
build/<KVER>/ and build/<KVER>/kunit/. A line counts as covered when any
run, of either module, executed it. The lines are those gcc instrumented
in vtel.ko. Prints per-file figures, then "coverage: P% of N lines in
kmod/*.c (C covered)", and writes the uncovered lines to
build/<KVER>/coverage.txt.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def gcov_lines(gcno, gcda):
    """{(basename, line): count} of one object; gcda may be None."""
    tmp = tempfile.mkdtemp()
    try:
        stem = os.path.basename(gcno)[:-len('.gcno')]
        shutil.copy(gcno, os.path.join(tmp, stem + '.gcno'))
        if gcda:
            shutil.copy(gcda, os.path.join(tmp, stem + '.gcda'))
        out = subprocess.run(['gcov', '--json-format', '--stdout', '-o', tmp,
                              os.path.join(tmp, stem + '.gcda')],
                             cwd=tmp, capture_output=True, text=True).stdout
    finally:
        shutil.rmtree(tmp)
    res = {}
    for doc in out.splitlines():
        doc = doc.strip()
        if not doc.startswith('{'):
            continue
        for f in json.loads(doc).get('files', []):
            base = os.path.basename(f['file'])
            for ln in f.get('lines', []):
                key = (base, ln['line_number'])
                res[key] = res.get(key, 0) + ln['count']
    return res


def main():
    kdir = os.path.abspath(sys.argv[1])
    kver = os.path.basename(kdir)
    sources = {os.path.basename(p) for p in glob.glob(os.path.join(REPO, 'kmod', '*.c'))}
    gcnos = {}
    for g in glob.glob(os.path.join(kdir, 'kmod', '*.gcno')) + \
            glob.glob(os.path.join(kdir, 'kunit', 'kmod', '**', '*.gcno'), recursive=True):
        gcnos[g[:-len('.gcno')]] = g
    mod = [g for s, g in gcnos.items() if os.path.dirname(s) == os.path.join(kdir, 'kmod')]
    if not mod:
        sys.exit('coverage: no .gcno files in %s/kmod (gcov kernel?)' % kdir)
    total = set()
    for g in mod:
        total |= {k for k in gcov_lines(g, None) if k[0] in sources}
    covered = set()
    runs = sorted(glob.glob(os.path.join(REPO, 'build', 'lab', kver, '*.gcda.tar.gz')))
    used = 0
    for arch in runs:
        tmp = tempfile.mkdtemp()
        try:
            with tarfile.open(arch) as t:
                t.extractall(tmp)
            for gcda in glob.glob(os.path.join(tmp, '**', '*.gcda'), recursive=True):
                stem = '/' + os.path.relpath(gcda, tmp)[:-len('.gcda')]
                if stem not in gcnos:
                    continue
                used += 1
                covered |= {k for k, c in gcov_lines(gcnos[stem], gcda).items() if c > 0}
        except (tarfile.TarError, OSError) as e:
            print('coverage: %s: %s' % (arch, e), file=sys.stderr)
        finally:
            shutil.rmtree(tmp)
    if not used:
        sys.exit('coverage: no vtel .gcda data in %d lab runs' % len(runs))
    covered &= total
    with open(os.path.join(kdir, 'coverage.txt'), 'w') as rep:
        for src in sorted(sources):
            lines = sorted(n for b, n in total if b == src)
            if not lines:
                continue
            miss = [n for n in lines if (src, n) not in covered]
            print('  %-22s %5.1f%% of %4d lines' %
                  (src, 100.0 * (len(lines) - len(miss)) / len(lines), len(lines)))
            rep.write('%s: %d of %d lines not executed: %s\n' %
                      (src, len(miss), len(lines), ' '.join(map(str, miss))))
    print('coverage: %.1f%% of %d lines in kmod/*.c (%d covered; %d lab runs, %d .gcda; '
          'uncovered lines in %s/coverage.txt)' %
          (100.0 * len(covered) / len(total), len(total), len(covered), len(runs), used,
           os.path.relpath(kdir, REPO)))


if __name__ == '__main__':
    main()
