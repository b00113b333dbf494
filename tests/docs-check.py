#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tests/docs-check.py - every Documentation/*.rst parses as reStructuredText.

Parses each file with Debian's docutils (python3-docutils) and fails on any
warning or error it reports: malformed tables, broken titles, stray text
such as a merge's conflict markers. Sphinx's own directives (toctree) are
registered as no-ops, since docutils alone does not know them.
Last line: "docs: N passed, M failed".
"""
import glob
import io
import os
import sys

import docutils.core
from docutils.parsers.rst import Directive, directives


class Ignored(Directive):
    has_content = True
    optional_arguments = 1
    option_spec = {"maxdepth": directives.unchanged, "caption": directives.unchanged}

    def run(self):
        return []


directives.register_directive("toctree", Ignored)
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
passed = failed = 0
for path in sorted(glob.glob(os.path.join(REPO, "Documentation", "*.rst"))):
    name = os.path.relpath(path, REPO)
    err = io.StringIO()
    with open(path, encoding="utf-8") as f:
        docutils.core.publish_doctree(
            f.read(), source_path=name,
            settings_overrides={"warning_stream": err, "report_level": 2,
                                "halt_level": 5})
    if err.getvalue():
        failed += 1
        print("not ok - %s\n%s" % (name, err.getvalue().rstrip()))
    else:
        passed += 1
        print("ok - %s" % name)
print("docs: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
