#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tests/prom-lab.py [--kver KVER] - vtel into a real Prometheus.

Boots the lab (tests/lab/run.sh, tests/lab/prom-guest.sh) with an e1000 NIC
on QEMU user networking (-netdev user,restrict=on: no network but the
forwarded ports), node_exporter serving vtel's textfile inside, and runs
Debian's Prometheus server here, listening on 127.0.0.1 only and scraping
the guest every second through hostfwd=tcp:127.0.0.1:PORT-:9100, with
packaging/prometheus/vtel-rules.yml loaded. Once the guest's figures are
final (vtel_lab_phase 2), asks the HTTP API:

  topk(5, sum by (vm_name) (vtel_handling_seconds_total))
  histogram_quantile(0.99, sum by (le, reason) (vtel_exit_handling_seconds_bucket))

and more, and checks the answers against KVM's own per-vCPU counters that
the test VMMs printed (exits, io_exits, halt_exits; guest_cpuid), the
names the VMMs were given, and Prometheus' quantile against the same
computation over the buckets of the final textfile. Then connects to the
guest's :9101 so that it ends. Last line: "prom-lab: N passed, M failed".
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "build", "prom-lab")
passed = failed = 0


def ok(name):
    global passed
    passed += 1
    print("ok - " + name, flush=True)


def nok(name, why):
    global failed
    failed += 1
    print("not ok - %s: %s" % (name, why), flush=True)


def check(name, cond, why):
    ok(name) if cond else nok(name, why)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def sh(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True,
                          cwd=REPO).stdout.strip()


class Prom:
    def __init__(self, port):
        self.base = "http://127.0.0.1:%d/api/v1/" % port

    def query(self, q):
        url = self.base + "query?" + urllib.parse.urlencode({"query": q})
        with urllib.request.urlopen(url, timeout=10) as r:
            doc = json.load(r)
        if doc.get("status") != "success":
            raise RuntimeError("%s: %s" % (q, doc))
        return doc["data"]["result"]


def ldd_libs(binary):
    """The shared libraries of binary, with their absolute paths."""
    libs = []
    for line in sh("ldd", binary).splitlines():
        m = re.search(r"(/\S+) \(0x", line)
        if m:
            libs.append(m.group(1))
    return libs


def quantile(q, buckets):
    """Prometheus' histogram_quantile over [(le, cumulative count)]."""
    buckets = sorted(buckets)
    total = buckets[-1][1]
    if total == 0:
        return float("nan")
    rank = q * total
    prev_le, prev_c = 0.0, 0.0
    for i, (le, c) in enumerate(buckets):
        if c >= rank:
            if le == float("inf"):
                return buckets[i - 1][0]
            if i == 0 and le <= 0:
                return le
            return prev_le + (le - prev_le) * (rank - prev_c) / (c - prev_c)
        prev_le, prev_c = le, c
    return buckets[-2][0]


def parse_prom(text):
    """{(name, frozenset(labels))): value} of a text exposition."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$', line)
        if not m:
            continue
        labels = dict(re.findall(r'([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
        out[(m.group(1), frozenset(labels.items()))] = float(m.group(4))
    return out


def main():
    global passed, failed
    ap = argparse.ArgumentParser()
    ap.add_argument("--kver", default=None)
    args = ap.parse_args()
    kver = args.kver or sh("tests/kernels.sh", "--host").split()[-1]
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)

    # ---- what the guest needs
    sh("make", "-s", "-C", "tools/vtel", "static")
    vtel = os.path.join(REPO, "build/vtel/static/vtel")
    ne = "/usr/bin/prometheus-node-exporter"
    libs = ldd_libs(ne)
    print("# node_exporter libraries (ldd): %s" % " ".join(libs))
    e1000 = sh("sh", "-c", "ls /lib/modules/%s/kernel/drivers/net/ethernet/intel/e1000/e1000.ko*" % kver).split()[0]
    e1000_ko = os.path.join(OUT, "e1000.ko")
    if e1000.endswith(".xz"):
        with open(e1000_ko, "wb") as f:
            subprocess.run(["xz", "-dc", e1000], stdout=f, check=True)
    else:
        shutil.copy(e1000, e1000_ko)
    readme = os.path.join(OUT, "readme-guest.sh")
    with open(readme, "w") as f:
        f.write(sh("tests/readme.sh", "guest") + "\n")
    ko = os.path.join(REPO, "build", kver, "vtel.ko")
    if not os.path.exists(ko):
        sh("make", "-s", "build/%s/vtel.ko" % kver)

    # ---- Prometheus, on 127.0.0.1 only
    ne_port, go_port, prom_port = free_port(), free_port(), free_port()
    shutil.copy(os.path.join(REPO, "packaging/prometheus/vtel-rules.yml"), OUT)
    with open(os.path.join(OUT, "prometheus.yml"), "w") as f:
        f.write("global:\n  scrape_interval: 2s\n  scrape_timeout: 2s\n"
                "  evaluation_interval: 1s\n"
                "rule_files:\n  - vtel-rules.yml\n"
                "scrape_configs:\n  - job_name: vtel-lab\n"
                "    static_configs:\n      - targets: ['127.0.0.1:%d']\n"
                "        labels:\n          instance: lab\n" % ne_port)
    plog = open(os.path.join(OUT, "prometheus.log"), "w")
    prom = subprocess.Popen(
        ["prometheus", "--config.file=" + os.path.join(OUT, "prometheus.yml"),
         "--storage.tsdb.path=" + os.path.join(OUT, "data"),
         "--web.listen-address=127.0.0.1:%d" % prom_port, "--log.level=warn"],
        stdout=plog, stderr=subprocess.STDOUT, cwd=OUT)
    lab = None
    try:
        p = Prom(prom_port)
        t0 = time.time()
        while time.time() - t0 < 30:
            try:
                p.query("up")
                break
            except Exception:
                time.sleep(0.5)
        else:
            nok("prometheus starts", "no API on 127.0.0.1:%d" % prom_port)
            print("prom-lab: %d passed, %d failed" % (passed, failed))
            return
        ok("prometheus %s listens on 127.0.0.1:%d only" % (
            sh("prometheus", "--version").split()[2], prom_port))

        # ---- the lab
        env = dict(os.environ)
        env["LAB_QEMU_ARGS"] = (
            "-m 1536 -netdev user,id=n0,restrict=on,"
            "hostfwd=tcp:127.0.0.1:%d-:9100,hostfwd=tcp:127.0.0.1:%d-:9101 "
            "-device e1000,netdev=n0" % (ne_port, go_port))
        extras = [vtel, os.path.join(REPO, "packaging/vtel-textfile"), ne,
                  e1000_ko, readme] + [l for l in libs if "linux-vdso" not in l]
        lablog = open(os.path.join(OUT, "lab.log"), "w")
        lab = subprocess.Popen(
            ["tests/lab/run.sh", "--kver", kver, "--script",
             "tests/lab/prom-guest.sh", "--vtel-ko", ko, "--timeout", "300",
             "--quiet", "--extra"] + extras,
            cwd=REPO, env=env, stdout=lablog, stderr=subprocess.STDOUT)

        # ---- wait for the final figures
        t0 = time.time()
        phase = []
        while time.time() - t0 < 240 and lab.poll() is None:
            phase = p.query('vtel_lab_phase{job="vtel-lab"} == 2')
            if phase:
                break
            time.sleep(1)
        check("guest's figures final, scraped through hostfwd (%.0fs)" % (time.time() - t0),
              bool(phase), "no vtel_lab_phase 2 (lab exited: %s)" % lab.poll())
        time.sleep(3)   # a few more scrapes of the final textfile
        answers = {}
        queries = {
            "up": 'up{job="vtel-lab"}',
            "top5": 'topk(5, sum by (vm_name) (vtel_handling_seconds_total{job="vtel-lab"}))',
            "p99": 'histogram_quantile(0.99, sum by (le, reason) (vtel_exit_handling_seconds_bucket{job="vtel-lab"}))',
            "p99_rate": 'histogram_quantile(0.99, sum by (le, reason) (rate(vtel_exit_handling_seconds_bucket{job="vtel-lab"}[5m])))',
            "vm_exits": 'sum by (vm_name) (vtel_vm_exits_total{job="vtel-lab"})',
            "reason_exits": 'sum by (vm_name, reason) (vtel_exits_total{job="vtel-lab"})',
            "reason_count": 'sum by (reason) (vtel_exit_handling_seconds_count{job="vtel-lab"})',
            "overhead": 'vtel:vm_overhead:ratio_rate5m',
            "io_sum": 'sum by (vm_name) (vtel_exit_handling_seconds_sum{job="vtel-lab",reason="io"})',
            "p50": 'histogram_quantile(0.5, sum by (le, reason) (vtel_exit_handling_seconds_bucket{job="vtel-lab"}))',
            "scrapes": 'count_over_time(up{job="vtel-lab"}[5m])',
            "increasing": 'count(increase(vtel_handling_seconds_total{job="vtel-lab"}[5m]) > 0)',
            "names": 'count by (vm_name) (vtel_vm_info{job="vtel-lab",state="live"})',
        }
        if phase:
            for k, q in queries.items():
                try:
                    answers[k] = p.query(q)
                except Exception as e:
                    nok("query %s" % k, str(e))
        with open(os.path.join(OUT, "answers.json"), "w") as f:
            json.dump(answers, f, indent=1)
        # ---- let the guest end
        try:
            socket.create_connection(("127.0.0.1", go_port), timeout=5).close()
        except OSError as e:
            nok("connect to the guest's :9101", str(e))
        lab.wait(timeout=200)
    finally:
        if lab and lab.poll() is None:
            lab.send_signal(signal.SIGTERM)
            lab.wait()
        prom.terminate()
        prom.wait(timeout=30)

    # ---- the lab's own verdict
    text = open(os.path.join(OUT, "lab.log"), errors="replace").read()
    for line in text.splitlines():
        if line.startswith("not ok - "):
            print(line)
    m = re.search(r"^lab\(.*\): (\d+) passed, (\d+) failed$", text, re.M)
    if m:
        passed += int(m.group(1))
        failed += int(m.group(2))
    else:
        nok("lab", "no result line (see %s)" % os.path.join(OUT, "lab.log"))
    cm = re.search(r"^lab: console log (\S+),", text, re.M)
    console = open(cm.group(1), errors="replace").read() if cm else ""
    shutil.copy(cm.group(1), os.path.join(OUT, "console.log")) if cm else None
    rm = re.search(r"^VTEL-README-BEGIN\n(.*?)^VTEL-README-END$", console, re.S | re.M)
    if rm:
        with open(os.path.join(OUT, "readme-output.txt"), "w") as f:
            f.write(rm.group(1))

    # ---- the oracle: KVM's counters per VMM, and the names given
    kvm = {}
    for line in console.splitlines():
        if not line.startswith("kvm-oracle "):
            continue
        kv = dict(x.split("=", 1) for x in line.split()[1:] if "=" in x)
        kvm[kv["name"]] = {k: int(v) for k, v in kv.items()
                           if v.isdigit() and k not in ("vmm",)}
    check("KVM's counters of 6 VMMs on the console", len(kvm) == 6, "got %s" % sorted(kvm))
    if not answers or len(kvm) != 6:
        print("prom-lab: %d passed, %d failed" % (passed, failed))
        return
    val = lambda r: float(r["value"][1])

    up = answers["up"]
    check("up == 1 for the lab target", len(up) == 1 and val(up[0]) == 1, str(up))

    # Top 5 by handling time: the VMMs that spent the longest in userspace
    # answering exits (user_ns, the VMM's own clock around its KVM_RUNs:
    # each sleeps --io-sleep, twice the next one's, after each port IO exit;
    # the lab's timers overshoot, which user_ns sees too), in that order.
    ranked = sorted(answers["top5"], key=val, reverse=True)
    top = [r["metric"].get("vm_name") for r in ranked]
    print("# top 5 by handling time: " + ", ".join(
        "%s %.4fs" % (r["metric"].get("vm_name"), val(r)) for r in ranked))
    print("# VMM time in userspace: " + ", ".join(
        "%s %.4fs (%d io exits, %dus sleeps)" % (n, kvm[n]["user_ns"] / 1e9, kvm[n]["io_exits"], kvm[n]["io_sleep_us"])
        for n in sorted(kvm, key=lambda n: -kvm[n]["user_ns"])))
    # Handling time = the VMM's time + KVM's part (a few ms here), so two
    # VMMs less than TIE apart in userspace may rank either way.
    TIE = 0.05e9
    user = {n: k["user_ns"] for n, k in kvm.items()}
    want = sorted(kvm, key=lambda n: -user[n])[:5]
    rest = [n for n in kvm if n not in top]
    bad = ["%s before %s" % (a, b) for i, a in enumerate(top) for b in top[i + 1:] + rest
           if user[a] < user[b] - TIE]
    check("topk(5) by handling time: the 5 VMMs longest in userspace answering exits, in order",
          len(top) == 5 and not bad, "got %s, want %s: %s" % (top, want, "; ".join(bad)))
    vm = re.search(r"^VTEL-FILE-BEGIN vms.json\n(.*?)^VTEL-FILE-END vms.json$", console, re.S | re.M)
    cli = json.loads(vm.group(1))["vms"] if vm else []
    cli_top = [v["name"] for v in sorted(cli, key=lambda v: -v["handling_ns"])][:5]
    check("topk(5) by handling time == the CLI's 5 VMs by handling_ns, in order",
          top == cli_top, "prometheus %s, CLI %s" % (top, cli_top))
    hs = {v["name"]: v["handling_ns"] for v in cli}
    bad = ["%s: handling %d ns > run %d ns" % (n, hs.get(n, -1), k["wall_ns"])
           for n, k in kvm.items() if not 0 < hs.get(n, -1) <= k["wall_ns"]]
    check("each VM's handling time is within its vCPU's run time (the VMM's clock)",
          not bad, "; ".join(bad))
    ios = {r["metric"]["vm_name"]: val(r) for r in answers["io_sum"]}
    bad = ["%s: %.6fs < %d x %dus" % (n, ios.get(n, 0), k["io_exits"], k["io_sleep_us"])
           for n, k in kvm.items() if ios.get(n, 0) < k["io_exits"] * k["io_sleep_us"] / 1e6]
    check("io handling seconds of each VM >= io_exits x the VMM's sleep", not bad, "; ".join(bad))
    # Clocks: vtel's local_clock() against the VMM's CLOCK_MONOTONIC.
    bad = ["%s: io handling %.6fs < VMM userspace %.6fs" % (n, ios.get(n, 0), k["user_ns"] / 1e9)
           for n, k in kvm.items() if ios.get(n, 0) < k["user_ns"] / 1e9 * 0.99 - 0.001]
    check("io handling seconds of each VM >= the VMM's own time in userspace", not bad, "; ".join(bad))

    # Per VM and reason: vtel's counts are KVM's.
    ex = {r["metric"]["vm_name"]: int(val(r)) for r in answers["vm_exits"]}
    bad = ["%s: vtel %s, KVM %d" % (n, ex.get(n), kvm[n]["exits"]) for n in kvm if ex.get(n) != kvm[n]["exits"]]
    check("sum by (vm_name) (vtel_vm_exits_total) == KVM exits, all 6 VMs", not bad, "; ".join(bad))
    re_ = {(r["metric"]["vm_name"], r["metric"]["reason"]): int(val(r)) for r in answers["reason_exits"]}
    bad = []
    for n, k in kvm.items():
        for reason, key in (("io", "io_exits"), ("cpuid", "guest_cpuid"), ("hlt", "halt_exits")):
            if re_.get((n, reason)) != k[key]:
                bad.append("%s %s: vtel %s, KVM %s %d" % (n, reason, re_.get((n, reason)), key, k[key]))
    check("vtel_exits_total{reason=io|cpuid|hlt} == KVM io_exits, the guest's cpuids, halt_exits",
          not bad, "; ".join(bad))
    cnt = {r["metric"]["reason"]: int(val(r)) for r in answers["reason_count"]}
    kio = sum(k["io_exits"] for k in kvm.values())
    kcp = sum(k["guest_cpuid"] for k in kvm.values())
    check("histogram _count by reason: io %s == KVM %d, cpuid %s == %d" % (cnt.get("io"), kio, cnt.get("cpuid"), kcp),
          cnt.get("io") == kio and cnt.get("cpuid") == kcp, str(cnt))

    # p99 by reason: Prometheus' answer from the scraped buckets vs the same
    # computation over the final textfile's buckets.
    fm = re.search(r"^VTEL-FILE-BEGIN vtel.prom\n(.*?)^VTEL-FILE-END vtel.prom$", console, re.S | re.M)
    samples = parse_prom(fm.group(1)) if fm else {}
    buckets = {}
    for (name, labels), v in samples.items():
        if name != "vtel_exit_handling_seconds_bucket":
            continue
        d = dict(labels)
        le = float("inf") if d["le"] == "+Inf" else float(d["le"])
        buckets.setdefault(d["reason"], {}).setdefault(le, 0)
        buckets[d["reason"]][le] += v
    p99 = {r["metric"]["reason"]: val(r) for r in answers["p99"]}
    p99r = {r["metric"]["reason"]: val(r) for r in answers["p99_rate"]}
    print("# p99 handling time by reason (cumulative): " + ", ".join(
        "%s %.1fus" % (k, v * 1e6) for k, v in sorted(p99.items())))
    print("# p99 handling time by reason (rate 5m):    " + ", ".join(
        "%s %.1fus" % (k, v * 1e6) for k, v in sorted(p99r.items())))
    bad = []
    for reason, b in buckets.items():
        mine = quantile(0.99, list(b.items()))
        theirs = p99.get(reason)
        if theirs is None or abs(mine - theirs) > 1e-9 * max(1.0, abs(mine)):
            bad.append("%s: prometheus %s, computed %s" % (reason, theirs, mine))
    check("histogram_quantile(0.99) by reason == the buckets' p99 (%d reasons)" % len(buckets),
          buckets and not bad, "; ".join(bad) or "no buckets in the textfile")
    # The 99th percentile io exit, by what the VMMs slept: Prometheus' p99
    # lies in (or above) its log2 bucket.
    sl = sorted(s for k in kvm.values() for s in [k["io_sleep_us"] * 1000] * k["io_exits"])
    s99 = sl[max(0, -(-99 * len(sl) // 100) - 1)]
    lower = ((1 << (s99.bit_length() - 1)) - 1) / 1e9
    check("p99 io >= %.6fs, the lower bound of the bucket of the VMMs' 99th percentile sleep (%dus)" % (lower, s99 // 1000),
          p99.get("io", 0) >= lower, "p99 io %s" % p99.get("io"))
    p50 = {r["metric"]["reason"]: val(r) for r in answers["p50"]}
    check("p50: io (through the VMM, which sleeps) > cpuid (in KVM)",
          p50.get("io", 0) > p50.get("cpuid", 1), "p50 %s" % p50)
    print("# scrapes in 5m: %s; VMs whose handling Prometheus saw increase: %s" % (
        [val(r) for r in answers["scrapes"]], [val(r) for r in answers["increasing"]]))

    names = sorted(r["metric"]["vm_name"] for r in answers["names"])
    check("vm_name labels are the names the VMMs were given", names == sorted(kvm),
          "got %s, want %s" % (names, sorted(kvm)))
    ov = {r["metric"]["vm_name"]: val(r) for r in answers["overhead"]}
    # A VM whose whole run fell between two scrapes has no rate (NaN).
    check("vtel-rules.yml: vtel:vm_overhead:ratio_rate5m evaluates for the 6 VMs, in (0, 1) or NaN",
          sorted(ov) == sorted(kvm) and all(v != v or 0 < v < 1 for v in ov.values()), str(ov))
    check("vtel-rules.yml: the overhead rule has a value for at least the longest VM",
          any(v == v for v in ov.values()), str(ov))
    hg = {v["name"]: v["overhead_ppm"] / 1e6 for v in cli}
    bad = ["%s: rule %.4f, CLI lifetime %.4f" % (n, ov[n], hg[n]) for n in ov
           if n in hg and ov[n] == ov[n] and abs(ov[n] - hg[n]) > 0.05]
    check("overhead rule within 5 points of the CLI's lifetime OVERHEAD",
          not bad, "; ".join(bad))
    print("# overhead (recording rule): " + ", ".join("%s %.1f%%" % (k, v * 100) for k, v in sorted(ov.items())))
    print("prom-lab: %d passed, %d failed" % (passed, failed))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:    # a crash of the test is a failure, counted
        nok("prom-lab", "%s: %s" % (type(e).__name__, e))
        print("prom-lab: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)
