#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tests/bench/report.py LOG... - the bench tables from the console logs
of tests/lab/bench.sh (the bench-run, bench-pairs, bench-mem and bench-dump
lines). Each LOG is KVER:KIND:PATH. Prints reStructuredText tables."""
import re
import statistics
import sys

LABELS = {
    "base": "no probe",
    "vtel": "vtel (everything on)",
    "ftrace": "ftrace kvm_exit + kvm_entry",
    "bpftrace": "bpftrace count by reason",
    "perfkvm": "perf kvm stat record",
    "vtelperf": "vtel + perf on vtel_slow_exit",
}


def kv(line):
    return dict(f.split("=", 1) for f in line.split()[1:] if "=" in f)


def table(head, rows):
    w = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
    sep = "  ".join("=" * x for x in w)
    out = [sep, "  ".join(str(h).ljust(x) for h, x in zip(head, w)), sep]
    out += ["  ".join(str(c).ljust(x) for c, x in zip(r, w)) for r in rows]
    return "\n".join(out + [sep, ""])


def fmt(x, d=1):
    return f"{x:,.{d}f}"


def runs(lines):
    by = {}
    for line in lines:
        if line.startswith("bench-run "):
            f = kv(line)
            by.setdefault(f["mode"], {})[int(f["round"])] = f
    return by


def per_exit(f):
    return int(f["ns"]) / int(f["exits"])


def icount_table(by):
    base = by.get("base", {})
    if not base:
        return "no base runs\n"
    b = statistics.median(per_exit(f) for f in base.values())
    rows = [[LABELS["base"], f"{fmt(b, 0)} per exit", "", "",
             f"{len(base)} rounds", ""]]
    cheapest_peer = None
    added_of = {}
    for m in LABELS:
        if m == "base" or m not in by:
            continue
        # Per round: this mode against the same round's base.
        add = [per_exit(f) - per_exit(base[r]) for r, f in by[m].items()
               if r in base]
        if not add:
            continue
        med = statistics.median(add)
        added_of[m] = med
        if m in ("ftrace", "bpftrace", "perfkvm"):
            cheapest_peer = med if cheapest_peer is None else min(
                cheapest_peer, med)
        cnt = [f.get("counted") for f in by[m].values() if f.get("counted")]
        note = f"counted {cnt[0]} of {by[m][min(by[m])]['exits']}" if cnt else ""
        rows.append([LABELS[m], f"+{fmt(med)}", f"{fmt(100 * med / b, 2)}%",
                     f"{fmt(min(add))} .. {fmt(max(add))}",
                     f"{len(add)} rounds", note])
    for r in rows[1:]:
        m = [k for k, v in LABELS.items() if v == r[0]][0]
        if m in ("ftrace", "bpftrace", "perfkvm") and "vtel" in added_of:
            r.append(f"{fmt(added_of[m] / added_of['vtel'])}x vtel")
        else:
            r.append("")
    rows[0].append("")
    out = table(["mode", "instructions added per exit (median)",
                 "overhead", "spread (min .. max)", "runs", "check",
                 "ratio"], rows)
    if cheapest_peer and "vtel" in added_of:
        out += (f"\nvtel is {fmt(cheapest_peer / added_of['vtel'])}x cheaper"
                f" than the cheapest peer (target 20x: at most "
                f"{fmt(cheapest_peer / 20)} instructions).\n")
    return out


def wall_table(by):
    base = by.get("base", {})
    if not base:
        return "no base runs\n"
    b = min(per_exit(f) for f in base.values())
    rows = [[LABELS["base"], fmt(b / 1000, 2), "", "", f"{len(base)}"]]
    for m in LABELS:
        if m == "base" or m not in by:
            continue
        v = min(per_exit(f) for f in by[m].values())
        rows.append([LABELS[m], fmt(v / 1000, 2), f"+{fmt((v - b) / 1000, 2)}",
                     f"{fmt(100 * (v - b) / b, 1)}%", f"{len(by[m])}"])
    return table(["mode", "us per exit (min run)", "added", "overhead",
                  "runs"], rows)


def main():
    out = []
    for arg in sys.argv[1:]:
        kver, kind, path = arg.split(":", 2)
        try:
            lines = [l.rstrip("\n") for l in open(path, errors="replace")]
        except OSError as e:
            out.append(f"{kver} {kind}: {e}\n")
            continue
        by = runs(lines)
        unit = "instructions" if kind == "icount" else "ns"
        out.append(f"{kver}, {kind}\n{'-' * (len(kver) + len(kind) + 2)}\n")
        if kind == "icount":
            out.append("(a) end to end, 1 vCPU, -icount shift=0\n")
            out.append(icount_table(by))
        else:
            out.append("(b) wall clock, 2 vCPUs (noisy)\n")
            out.append(wall_table(by))
        for line in lines:
            if line.startswith("bench-pairs "):
                f = kv(line)
                e, v = float(f["empty_best"]), float(f["vtel_best"])
                out.append(f"(c) microbenchmark, {f['pairs']} pairs, {unit} "
                           f"per exit+entry pair (best chunk of 1000): empty "
                           f"{fmt(e)}, vtel {fmt(v)}, vtel - empty {fmt(v - e)}; "
                           f"mean vtel - empty "
                           f"{fmt((int(f['vtel_ns']) - int(f['empty_ns'])) / int(f['pairs']))}\n")
        mem = [kv(l) for l in lines if l.startswith("bench-mem ")]
        dump = {kv(l)["what"]: int(kv(l)["ns"]) for l in lines
                if l.startswith("bench-dump ")}
        if mem:
            m = mem[-1]
            out.append(f"(d) memory as the module accounts it ({m['cpus']} CPUs): "
                       f"VM record {m['mem_vm_record']} B, vCPU record with "
                       f"its first segment {m['mem_vcpu_record']} B, segment "
                       f"of a further cgroup {m['mem_seg_record']} B, "
                       f"cgroup record {m['mem_cg_record']} B, per CPU "
                       f"{m['mem_pcpu']} B, fixed {m['mem_fixed']} B; a tracked "
                       f"vCPU {m['mem_vcpu_record']} B\n")
            rows = []
            for x in mem:
                rows.append([x["at"], x.get("vms_live", ""), x.get("vms_retired", ""),
                             x.get("vcpus", ""), x.get("segments", ""),
                             x.get("cgroups", ""), x.get("segment_drops", ""),
                             x.get("untracked_cgroups", ""), x["mem_total"]])
            out.append(table(["point", "vms live", "vms retired", "vcpus",
                              "segments", "cgroups", "seg drops",
                              "untracked cg", "mem_total B"], rows))
        if dump:
            rows = []
            cg = {int(k.split("-")[1]): v for k, v in dump.items()
                  if k.startswith("cgroups-")}
            ents = {int(x["at"].rstrip("cgvm")): int(x.get("cgroups", 0))
                    for x in mem if x["at"].endswith("cg")}
            for k, v in sorted(dump.items()):
                rows.append([k, fmt(v, 0)])
            out.append(table([f"CLI dump (fastest of 3)", f"{unit}"], rows))
            for a, b in (("vms-1", "vms-1001"), ("export-1", "export-1001")):
                if a in dump and b in dump:
                    out.append(f"{b.split('-')[0]}: {fmt((dump[b] - dump[a]) / 1000)} "
                               f"{unit} per added VM\n")
            for x in (kv(l) for l in lines if l.startswith("bench-scale ")):
                out.append(f"cgroups: {x['missed']} of the first {x['cgroups']} "
                           f"moves found no record within 2 s\n")
            if 1 in cg:
                for n in sorted(cg):
                    if n > 1:
                        have = ents.get(n, n)
                        out.append(f"cgroups: {fmt((cg[n] - cg[1]) / max(have - 1, 1))} "
                                   f"{unit} per cgroup at {have} cgroups\n")
        out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
