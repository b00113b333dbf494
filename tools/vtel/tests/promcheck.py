#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A strict checker of the Prometheus text exposition format (0.0.4) for
vtel export, independent of promtool:

  - valid UTF-8, final newline, no blank or unknown comment lines
  - metric and label names well formed, label values escaped (\\\\, \\", \\n)
  - at most one HELP and one TYPE per family, TYPE before its samples, all
    samples of a family together, no duplicate series
  - counters end in _total and are non-negative
  - histograms: _bucket with le, cumulative and non-decreasing in le order,
    a +Inf bucket equal to _count, and a _sum, for every label set

Usage: promcheck.py FILE; exit 1 with the problems on stderr."""
import math
import re
import sys

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*$")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*$")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def parse_labels(s, pos, line):
    """Parses {a="x",b="y"} from s[pos] == '{'; returns (labels, next pos)."""
    labels = []
    pos += 1
    while True:
        if s[pos] == "}":
            return labels, pos + 1
        m = re.match(r"[a-zA-Z_][a-zA-Z0-9_]*", s[pos:])
        if not m:
            raise ValueError("bad label name at %d: %s" % (pos, line))
        name = m.group(0)
        if name.startswith("__"):
            raise ValueError("reserved label name %s" % name)
        pos += len(name)
        if s[pos:pos + 2] != '="':
            raise ValueError("expected =\" after %s: %s" % (name, line))
        pos += 2
        val = []
        while s[pos] != '"':
            if s[pos] == "\\":
                nxt = s[pos + 1]
                if nxt not in '\\"n':
                    raise ValueError("bad escape \\%s: %s" % (nxt, line))
                val.append({"n": "\n"}.get(nxt, nxt))
                pos += 2
            elif s[pos] == "\n":
                raise ValueError("raw newline in a label value")
            else:
                val.append(s[pos])
                pos += 1
        pos += 1
        labels.append((name, "".join(val)))
        if s[pos] == ",":
            pos += 1
        elif s[pos] != "}":
            raise ValueError("expected , or } at %d: %s" % (pos, line))


def value(v, line):
    if v in ("+Inf", "-Inf", "NaN"):
        return float(v.replace("Inf", "inf").replace("NaN", "nan"))
    if not re.match(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$", v):
        raise ValueError("bad value %r: %s" % (v, line))
    return float(v)


def check(text):
    errs = []
    if not text.endswith("\n"):
        errs.append("no final newline")
    help_, type_, done, series = {}, {}, set(), set()
    current = None
    hist = {}   # (family, labels without le) -> {"buckets": [...], ...}
    for n, line in enumerate(text.split("\n")[:-1], 1):
        try:
            if line.startswith("#"):
                parts = line.split(" ", 3)
                if len(parts) < 3 or parts[1] not in ("HELP", "TYPE"):
                    raise ValueError("unknown comment line")
                fam = parts[2]
                if not NAME.match(fam):
                    raise ValueError("bad metric name %s" % fam)
                if fam != current:
                    if fam in done or fam in help_ or fam in type_:
                        raise ValueError("family %s split up" % fam)
                    if current:
                        done.add(current)
                    current = fam
                if parts[1] == "HELP":
                    if fam in help_:
                        raise ValueError("second HELP for %s" % fam)
                    text_ = parts[3] if len(parts) > 3 else ""
                    if re.search(r"\\[^\\n]", text_.replace("\\\\", "")):
                        raise ValueError("bad escape in HELP")
                    help_[fam] = text_
                else:
                    if fam in type_:
                        raise ValueError("second TYPE for %s" % fam)
                    if len(parts) != 4 or parts[3] not in TYPES:
                        raise ValueError("bad TYPE line")
                    type_[fam] = parts[3]
                    if parts[3] == "counter" and not fam.endswith("_total"):
                        raise ValueError("counter %s does not end in _total" % fam)
                continue
            if not line:
                raise ValueError("blank line")
            m = re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line)
            name = m.group(0)
            pos = len(name)
            labels = []
            if pos < len(line) and line[pos] == "{":
                labels, pos = parse_labels(line, pos, line)
            if line[pos] != " ":
                raise ValueError("expected a space before the value")
            rest = line[pos + 1:].split(" ")
            if len(rest) not in (1, 2):
                raise ValueError("trailing garbage")
            v = value(rest[0], line)
            fam = name
            t = type_.get(current)
            if t == "histogram":
                for suf in ("_bucket", "_sum", "_count"):
                    if name == current + suf:
                        fam = current
            if fam != current:
                raise ValueError("sample %s outside its family (%s)" % (name, current))
            if t is None:
                raise ValueError("sample before TYPE of %s" % fam)
            key = (name, tuple(sorted(labels)))
            if key in series:
                raise ValueError("duplicate series")
            series.add(key)
            if len({k for k, _ in labels}) != len(labels):
                raise ValueError("repeated label name")
            if t == "counter" and (v < 0 or math.isnan(v)):
                raise ValueError("negative counter")
            if t == "histogram":
                base = tuple(sorted((k, x) for k, x in labels if k != "le"))
                h = hist.setdefault((fam, base), {"buckets": []})
                if name.endswith("_bucket"):
                    le = [x for k, x in labels if k == "le"]
                    if len(le) != 1:
                        raise ValueError("bucket without le")
                    h["buckets"].append((value(le[0], line), v))
                elif name.endswith("_sum"):
                    h["sum"] = v
                else:
                    h["count"] = v
        except (ValueError, IndexError, AttributeError) as e:
            errs.append("line %d: %s" % (n, e))
    for (fam, base), h in hist.items():
        b = h["buckets"]
        where = "%s%s" % (fam, dict(base))
        if not b or not math.isinf(b[-1][0]):
            errs.append("%s: no +Inf bucket last" % where)
            continue
        if [x for x, _ in b] != sorted(x for x, _ in b):
            errs.append("%s: buckets out of le order" % where)
        if any(b[i][1] > b[i + 1][1] for i in range(len(b) - 1)):
            errs.append("%s: buckets not cumulative" % where)
        if "count" not in h or "sum" not in h:
            errs.append("%s: no _sum or _count" % where)
        elif h["count"] != b[-1][1]:
            errs.append("%s: _count %s != +Inf bucket %s" % (where, h["count"], b[-1][1]))
    for fam in type_:
        if fam not in help_:
            errs.append("%s: no HELP" % fam)
    return errs


def main():
    with open(sys.argv[1], "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        print("not UTF-8: %s" % e, file=sys.stderr)
        return 1
    errs = check(text)
    for e in errs:
        print(e, file=sys.stderr)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
