#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks the JSON the unit tests saved against the schemas documented in
Documentation/cli.rst: exact key sets, integers where integers are
promised (never floats), null only where documented.

Usage: check_json.py OUTDIR   (reads OUTDIR/json/*.json, OUTDIR/jsonl/*.jsonl)
Prints "ok - NAME" or "not ok - NAME: WHY" per file."""
import json
import os
import sys

INT = "int"          # exact integer
INTN = "int|null"    # integer, null when unknown / never timed
NUM = "number"       # integer or decimal
STR = "str"
BOOL = "bool"

# The time split, after guest_ns (null from a module without it).
SPLIT = {"kvm_ns": INTN, "vmm_ns": INTN, "wait_ns": INTN, "idle_ns": INTN,
         "poll_ns": INTN}
OVERHEAD = {"overhead_ppm": INT, "overhead_pct": NUM, "wait_ppm": INTN,
            "wait_pct": "number|null"}
# The L2 split (null from a module without it).
L2 = {"l2_exits": INTN, "l2_handling_ns": INTN}
VIEW_TOTALS = {"vcpus": INT, "exits": INT, "handling_ns": INT,
               "guest_ns": INT, **SPLIT, **OVERHEAD, "slow_exits": INT, **L2}
VIEW = {
    "host": dict(type=STR, **VIEW_TOTALS, untracked_exits=INT,
                 reason_overflow=INT),
    "vm": dict(type=STR, vm_id=INT, pid=INT, comm=STR, **VIEW_TOTALS,
               reason_overflow=INT),
    "vcpu": dict(type=STR, vm_id=INT, pid=INT, comm=STR, vcpu_id=INT,
                 **VIEW_TOTALS, reason_overflow=INT),
    "cgroup": dict(type=STR, cgroup_id=INT, cgroup_path="str|null",
                   cgroup_level=INT, **VIEW_TOTALS, reason_overflow=INT),
}
CG_TOTALS = {"exits": INT, "handling_ns": INT, "guest_ns": INT, **SPLIT,
             **OVERHEAD, "slow_exits": INT}
CGROUP = dict(cgroup_id=INT, level=INT, path="str|null", **CG_TOTALS,
              rollup="object")
EXIT = {"reason": STR, "code": INT, "isa": "str|null", "category": STR,
        "count": INT, "timed": INT, "total_ns": INT, **SPLIT, "min_ns": INTN,
        "max_ns": INTN, "p50_ns": INTN, "p90_ns": INTN, "p99_ns": INTN,
        "p999_ns": INTN, "unbinned": INTN}
STATUS = {"loaded": BOOL, "family_version": INT, "version": STR,
          "attached": BOOL, "vendor": STR, "vms_live": INT,
          "vms_retired": INT, "vms_evicted": INT, "vcpus": INT, "exits": INT,
          "handling_ns": INT, "guest_ns": INT, **SPLIT, **OVERHEAD,
          "split_missed": INTN, "slow_exits": INTN,
          "untracked_vms": INT, "untracked_vcpus": INT,
          "untracked_exits": INT, "reason_overflow": INT,
          "layout_errors": INT, "events_dropped": INT, "cgroups": INTN,
          "cgroups_released": INTN, "untracked_cgroups": INTN,
          "segment_drops": INTN, "cgroup_stale_exits": INTN,
          "generation": INT}
VM = {"vm_id": INT, "pid": INT, "comm": STR, "name": STR, "name_source": STR,
      "state": STR, "vcpus": INT,
      "exits": INT, "handling_ns": INT, "guest_ns": INT, **SPLIT, **OVERHEAD,
      "slow_exits": INT, "l2_exits": INTN}
VCPU = {"vm_id": INT, "vcpu_id": INT, "tid": INT, "exits": INT,
        "handling_ns": INT, "guest_ns": INT, **SPLIT, **OVERHEAD,
        "slow_exits": INT, "l2_exits": INTN}
BUCKET = {"le_ns": INT, "count": INT}
CONFIG = {"slow_ns": INTN, "event_rate": INTN, "unprivileged_read": INTN,
          "max_vms": INTN, "max_vcpus": INTN, "retired_vms": INTN,
          "retired_secs": INTN, "max_addrs": INTN, "slow_idle_ns": INTN,
          "slow_ns_by_reason": "object"}
# top: deltas of the interval; overhead_ppm leaves idle and wait out.
TOP_SPLIT = {"kvm_ns": INT, "vmm_ns": INT, "wait_ns": INT, "idle_ns": INT,
             "wait_ppm": INT}
TOP_VM = {"vm_id": INT, "pid": INT, "comm": STR, "exits": INT,
          "exits_per_s": NUM, "handling_ns": INT, "guest_ns": INT,
          **TOP_SPLIT, "handling_ns_per_s": NUM, "overhead_ppm": INT}
TOP_REASON = {"reason": STR, "category": STR, "exits": INT,
              "exits_per_s": NUM, "timed": INT, "total_ns": INT,
              "avg_ns": INTN}
CG_TREE = dict(cgroup_id=INT, parent_id=INTN, level=INT, depth=INT,
               path="str|null", name="str|null", exits_per_s=NUM,
               **CG_TOTALS, own_exits=INT, cpu_usage_usec=INTN,
               cpu_share_pct="number|null")
TOP_CGROUP = {"cgroup_id": INT, "path": "str|null", "exits": INT,
              "exits_per_s": NUM, "handling_ns": INT, "guest_ns": INT,
              **TOP_SPLIT, "handling_ns_per_s": NUM, "overhead_ppm": INT}
EV_START = {"time_ns": INT, "event": STR, "vm_id": INT, "pid": INT, "comm": STR}
EV_STOP = dict(EV_START, exits=INT, handling_ns=INT, guest_ns=INT)


class Bad(Exception):
    pass


def typeok(v, t):
    for alt in t.split("|"):
        if alt == "int" and isinstance(v, int) and not isinstance(v, bool):
            return True
        if alt == "number" and isinstance(v, (int, float)) and not isinstance(v, bool):
            return True
        if alt == "str" and isinstance(v, str):
            return True
        if alt == "bool" and isinstance(v, bool):
            return True
        if alt == "null" and v is None:
            return True
        if alt == "object" and isinstance(v, dict):
            return True
    return False


def obj(v, schema, where):
    if not isinstance(v, dict):
        raise Bad("%s: not an object" % where)
    if list(v) != list(schema):
        raise Bad("%s: keys %s, want %s" % (where, list(v), list(schema)))
    for k, t in schema.items():
        if not typeok(v[k], t):
            raise Bad("%s.%s: %r is not %s" % (where, k, v[k], t))


def arr(v, schema, where):
    if not isinstance(v, list):
        raise Bad("%s: not an array" % where)
    for i, e in enumerate(v):
        obj(e, schema, "%s[%d]" % (where, i))


def view(v):
    if not isinstance(v, dict) or v.get("type") not in VIEW:
        raise Bad("view: bad type")
    obj(v, VIEW[v["type"]], "view")


def check(name, doc):
    if name.startswith(("writer-", "escape-")):
        return
    if name.startswith("status"):
        obj(doc, STATUS, "status")
    elif name.startswith("exits"):
        if list(doc) != ["view", "exits"]:
            raise Bad("keys %s" % list(doc))
        view(doc["view"])
        arr(doc["exits"], EXIT, "exits")
    elif name == "io.json":
        if list(doc) != ["view", "ports", "mmio", "other"]:
            raise Bad("keys %s" % list(doc))
        view(doc["view"])
        row = {"count": INTN, "count_pct": NUM, "total_ns": INTN,
               "time_pct": NUM, "avg_ns": INTN, "kvm_ns": INTN,
               "vmm_ns": INTN, "wait_ns": INTN, "idle_ns": INTN,
               "poll_ns": INTN}
        arr(doc["ports"], dict({"port": INTN, "dir": STR}, **row), "ports")
        arr(doc["mmio"], dict({"gpa": INTN, "access": STR}, **row), "mmio")
        obj(doc["other"], {"count": INTN, "total_ns": INTN, "kvm_ns": INTN,
                           "vmm_ns": INTN, "wait_ns": INTN, "idle_ns": INTN,
                           "poll_ns": INTN}, "other")
    elif name == "vms.json":
        if list(doc) != ["vms"]:
            raise Bad("keys %s" % list(doc))
        arr(doc["vms"], VM, "vms")
    elif name == "vcpus.json":
        if list(doc) != ["vcpus"]:
            raise Bad("keys %s" % list(doc))
        arr(doc["vcpus"], VCPU, "vcpus")
    elif name.startswith("hist"):
        if list(doc) != ["view", "exit", "buckets"]:
            raise Bad("keys %s" % list(doc))
        view(doc["view"])
        if doc["exit"] is not None:
            obj(doc["exit"], EXIT, "exit")
        arr(doc["buckets"], BUCKET, "buckets")
        les = [b["le_ns"] for b in doc["buckets"]]
        if les != sorted(set(les)):
            raise Bad("bucket bounds not strictly increasing")
    elif name == "cgroups.json":
        if list(doc) != ["cgroups"]:
            raise Bad("keys %s" % list(doc))
        arr(doc["cgroups"], CGROUP, "cgroups")
        for i, c in enumerate(doc["cgroups"]):
            obj(c["rollup"], CG_TOTALS, "cgroups[%d].rollup" % i)
    elif name.startswith("cgroups-tree"):
        if list(doc) != ["interval_ns", "cgroup_root", "cgroups"]:
            raise Bad("keys %s" % list(doc))
        if not typeok(doc["interval_ns"], INT) or \
                not typeok(doc["cgroup_root"], "str|null"):
            raise Bad("interval_ns or cgroup_root")
        arr(doc["cgroups"], CG_TREE, "cgroups")
        ids = {c["cgroup_id"]: c for c in doc["cgroups"]}
        seen = set()
        for i, c in enumerate(doc["cgroups"]):
            p = c["parent_id"]
            # Pre-order: a parent comes before its children, one level up.
            if p is not None and (p not in seen or
                                  ids[p]["depth"] + 1 != c["depth"]):
                raise Bad("cgroups[%d]: parent %s not before it" % (i, p))
            if p is None and c["depth"] != 0:
                raise Bad("cgroups[%d]: a root with depth %d" % (i, c["depth"]))
            if (c["path"] is None) != (c["name"] is None):
                raise Bad("cgroups[%d]: path and name" % i)
            if c["cpu_share_pct"] is not None and c["cpu_usage_usec"] is None:
                raise Bad("cgroups[%d]: a share without cpu.stat" % i)
            seen.add(c["cgroup_id"])
    elif name == "config.json":
        obj(doc, CONFIG, "config")
        for r, ns in doc["slow_ns_by_reason"].items():
            if not typeok(ns, INT):
                raise Bad("config.slow_ns_by_reason.%s: %r is not %s" % (r, ns, INT))
    elif name == "top.jsonl":
        keys = [k for k in ("interval_ns", "vms", "reasons") if k in doc]
        if list(doc) != keys or "interval_ns" not in doc:
            raise Bad("keys %s" % list(doc))
        if "vms" in doc:
            arr(doc["vms"], TOP_VM, "vms")
        if "reasons" in doc:
            arr(doc["reasons"], TOP_REASON, "reasons")
    elif name == "top-cgroup.jsonl":
        if list(doc) != ["interval_ns", "cgroups"]:
            raise Bad("keys %s" % list(doc))
        arr(doc["cgroups"], TOP_CGROUP, "cgroups")
        ex = [c["exits"] for c in doc["cgroups"]]
        if ex != sorted(ex, reverse=True):
            raise Bad("cgroups not sorted by exits")
    elif name == "events.jsonl":
        obj(doc, EV_STOP if doc.get("event") == "stop" else EV_START, "event")
    else:
        raise Bad("no schema for %s" % name)


def main():
    out = sys.argv[1]
    bad = 0
    files = []
    for sub in ("json", "jsonl"):
        d = os.path.join(out, sub)
        if os.path.isdir(d):
            files += [(sub, os.path.join(d, f)) for f in sorted(os.listdir(d))]
    for kind, path in files:
        name = os.path.basename(path)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            docs = ([json.loads(l) for l in text.splitlines()] if kind == "jsonl"
                    else [json.loads(text)])
            if not docs:
                raise Bad("empty")
            for d in docs:
                check(name, d)
            print("ok - schema %s" % name)
        except (Bad, ValueError) as e:
            bad += 1
            print("not ok - schema %s: %s" % (name, e))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
