#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that Documentation/netlink/specs/vtel.yaml matches the uapi header.

The attribute sets of the spec are derived from the enums of
include/uapi/linux/vtel.h (names, order, types from their comments);
operations are listed here. Default: check, exit 1 on a difference.
--write: regenerate the spec.

The check does not trust the generator: the kernel's own YNL spec loader
(tools/net/ynl/lib/nlspec.py) numbers every operation, attribute and
definition of the spec file, the C compiler evaluates every enumerator
and flag of the header, and the two must agree name for name.
"""
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HDR = ROOT / 'include/uapi/linux/vtel.h'
SPEC = ROOT / 'Documentation/netlink/specs/vtel.yaml'
TYPES = {'string': 'string', 'u8': 'u8', 'u32': 'u32', 'u64': 'u64',
         'nested': 'nest'}


def enum(h, name):
    body = re.search(r'enum ' + name + r' \{(.*?)\};', h, re.S).group(1)
    out = []
    for line in body.split('\n'):
        m = re.match(r'\s*(\w+)(?:\s*=\s*\d+)?,\s*(?:/\*\s*(.*?)\s*\*/)?$',
                     line)
        if m and not m.group(1).startswith('__'):
            out.append((m.group(1), m.group(2) or ''))
    return out


def attr_set(h, enumname, prefix, setname, nested=None, multi=()):
    nested = nested or {}
    s = '  -\n    name: %s\n    attributes:\n' % setname
    first = True
    for n, c in enum(h, enumname):
        nm = n[len(prefix):].lower().replace('_', '-')
        if nm == 'unspec':
            continue
        word = re.split(r'[\s,:]', c)[0] if c else ''
        ty = 'pad' if nm == 'pad' else TYPES.get(word)
        if ty is None:
            sys.exit('spec-sync: %s has no type in its comment' % n)
        s += '      -\n        name: %s\n        type: %s\n' % (nm, ty)
        if first:
            s += '        value: 1\n'
            first = False
        if nm in nested:
            s += '        nested-attributes: %s\n' % nested[nm]
        if nm in multi:
            s += '        multi-attr: true\n'
        if ':' in c:
            s += '        doc: %s\n' % c.split(':', 1)[1].strip()
    return s


# The time split, in every view; a reason has the five without wait-ppm.
SPLIT = ['kvm-ns', 'vmm-ns', 'wait-ns', 'idle-ns', 'poll-ns', 'wait-ppm']
L2 = ['l2-exits', 'l2-handling-ns']

OPS = [
    ('get-status', 'do', [], ['version', 'attached', 'vendor', 'vms-live',
     'vms-retired', 'vms-evicted', 'vcpus', 'exits', 'handling-ns',
     'guest-ns', 'overhead-ppm', 'slow-exits', 'untracked-vms',
     'untracked-vcpus', 'untracked-exits', 'reason-overflow',
     'layout-errors', 'events-dropped', 'generation', 'cgroups',
     'cgroups-released', 'untracked-cgroups', 'segment-drops',
     'cgroup-stale-exits'] + SPLIT + ['split-missed', 'segment-folds',
     'dumps-refused', 'destroy-probe-disabled', 'destroy-probe-missed',
     'reason-unavailable'], None),
    ('get-vms', 'dump', [], ['vm-id', 'pid', 'comm', 'vm-state', 'vcpus',
     'exits', 'handling-ns', 'guest-ns', 'overhead-ppm', 'slow-exits'] + SPLIT +
     L2, None),
    ('get-vcpus', 'dump', ['vm-id', 'pid'], ['vm-id', 'vcpu-id', 'tid',
     'vcpus', 'exits', 'handling-ns', 'guest-ns', 'overhead-ppm',
     'slow-exits'] + SPLIT + L2, None),
    ('get-view', 'do', ['vm-id', 'pid', 'vcpu-id', 'cgroup-id', 'cgroup-fd',
     'cgroup-path', 'flags'], ['vm-id', 'pid', 'comm', 'vcpu-id',
     'cgroup-id', 'cgroup-level', 'cgroup-path', 'vcpus', 'exits', 'handling-ns', 'guest-ns', 'overhead-ppm',
     'slow-exits', 'untracked-exits', 'reason-overflow'] + SPLIT + L2, None),
    ('get-exits', 'dump', ['vm-id', 'pid', 'vcpu-id', 'cgroup-id',
     'cgroup-fd', 'cgroup-path', 'flags', 'reason'],
     ['reason', 'reason-code', 'isa', 'category', 'count', 'timed',
      'total-ns', 'min-ns', 'max-ns', 'p50-ns', 'p90-ns', 'p99-ns',
      'p999-ns', 'unbinned'] + SPLIT[:5] + ['hist'], None),
    ('get-cgroups', 'dump', [], ['cgroup-id', 'cgroup-level', 'cgroup-path',
     'exits', 'handling-ns', 'guest-ns', 'overhead-ppm', 'slow-exits'] +
     SPLIT + L2 + ['rollup'], None),
    ('get-addrs', 'dump', ['vm-id', 'pid', 'vcpu-id'], ['vm-id',
     'addr-kind', 'addr', 'count', 'total-ns'] + SPLIT[:5], None),
    ('reset', 'do', [], [], 'admin-perm'),
    ('get-config', 'do', [], ['config'], None),
    ('set-config', 'do', ['config'], [], 'admin-perm'),
    ('vm-event', 'event', [], ['event', 'vm-id', 'pid', 'comm', 'exits',
     'handling-ns', 'guest-ns'], None),
]

DOCS = {'get-status': 'Host summary, attachment state and drop counters.', 'get-cgroups': 'Dump cgroups vCPU threads ran in and their ancestors, own and rolled up.', 'get-vms': 'Dump every VM record, live and retired.', 'get-vcpus': 'Dump the vCPUs of one VM.', 'get-view': 'Totals of the host, one VM or one vCPU.', 'get-exits': 'Dump exit reasons of a view, with percentiles and optionally histograms.', 'reset': 'Zero every counter.', 'get-config': 'Read the runtime configuration.', 'set-config': 'Change the runtime configuration.', 'vm-event': 'VM start or stop, on the events group.', 'get-addrs': 'Dump the ports and MMIO pages of a VM or vCPU, by count.'}

HEAD = '''# SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
# Generated from include/uapi/linux/vtel.h by tests/spec-sync.py --write;
# `make check` fails when the two disagree.
name: vtel
protocol: genetlink
uapi-header: linux/vtel.h
doc: KVM exit telemetry per host, VM and vCPU.

definitions:
  -
    type: enum
    name: vm-state
    entries: [live, retired]
  -
    type: enum
    name: event
    value-start: 1
    entries: [vm-start, vm-stop]
  -
    type: flags
    name: flags
    entries: [hist, cgroup-own]

attribute-sets:
'''

TAIL = '''
mcast-groups:
  list:
    -
      name: events
'''


def generate():
    h = HDR.read_text()
    y = HEAD
    y += attr_set(h, 'vtel_attr', 'VTEL_A_', 'vtel',
                  {'hist': 'hist', 'config': 'config', 'rollup': 'vtel'})
    # One VTEL_A_HIST_BUCKET per non-empty bucket: YNL keeps only the
    # last of a repeated attribute unless the spec says multi-attr.
    y += attr_set(h, 'vtel_hist_attr', 'VTEL_A_HIST_', 'hist',
                  {'bucket': 'bucket'}, multi={'bucket'})
    y += attr_set(h, 'vtel_bucket_attr', 'VTEL_A_BUCKET_', 'bucket')
    # One VTEL_C_SLOW_OVERRIDE per reason with a threshold of its own.
    y += attr_set(h, 'vtel_config_attr', 'VTEL_C_', 'config',
                  {'slow-override': 'slow'}, multi={'slow-override'})
    y += attr_set(h, 'vtel_slow_attr', 'VTEL_S_', 'slow')
    cmds = [n for n, _ in enum(h, 'vtel_cmd')]
    value = {n[len('VTEL_CMD_'):].lower().replace('_', '-'): i
             for i, n in enumerate(cmds)}
    names = set(value) - {'unspec'}
    listed = {o[0] for o in OPS}
    if names != listed:
        sys.exit('spec-sync: commands differ: header %s, spec %s' %
                 (sorted(names - listed), sorted(listed - names)))
    y += '\noperations:\n  list:\n'
    # In the header's order, each with its value: YNL numbers operations
    # implicitly, one after the other, so the order is the ABI.
    for n, kind, req, rep, flags in sorted(OPS, key=lambda o: value[o[0]]):
        y += '    -\n      name: %s\n      doc: %s\n' % (n, DOCS[n])
        y += '      value: %d\n' % value[n]
        y += '      attribute-set: vtel\n'
        if flags:
            y += '      flags: [%s]\n' % flags
        if kind == 'event':
            y += '      event:\n        attributes: [%s]\n' % ', '.join(rep)
            y += '      mcgrp: events\n'
            continue
        y += '      %s:\n' % kind
        y += '        request:\n          attributes: [%s]\n' % ', '.join(req)
        if rep:
            y += '        reply:\n          attributes: [%s]\n' % ', '.join(rep)
    y += '\n'
    return y + TAIL


def validate(text):
    """Validate against the kernel's genetlink schema when available."""
    cache = Path(__import__('os').environ.get('VTEL_CACHE',
                                               '/var/tmp/vtel-cache'))
    schema = cache / 'linux-source-6.12/Documentation/netlink/genetlink.yaml'
    try:
        import jsonschema
        import yaml
    except ImportError:
        print('spec-sync: no python3-yaml/jsonschema, schema not checked')
        return True
    if not schema.exists():
        print('spec-sync: %s missing, schema not checked' % schema)
        return True
    errs = list(jsonschema.Draft7Validator(
        yaml.safe_load(schema.read_text())).iter_errors(yaml.safe_load(text)))
    for e in errs:
        print('spec-sync: schema: %s: %s' % (list(e.path), e.message[:200]))
    if not errs:
        print('spec-sync: valid against the kernel genetlink schema')
    return not errs


# Spec element -> header prefix.
SETS = {'vtel': 'VTEL_A_', 'hist': 'VTEL_A_HIST_', 'bucket': 'VTEL_A_BUCKET_',
        'config': 'VTEL_C_'}
DEFS = {'vm-state': 'VTEL_VM_STATE_', 'event': 'VTEL_EVENT_', 'flags': 'VTEL_F_'}
HDR_ENUMS = {'vtel_cmd': 'VTEL_CMD_', 'vtel_attr': 'VTEL_A_',
             'vtel_hist_attr': 'VTEL_A_HIST_',
             'vtel_bucket_attr': 'VTEL_A_BUCKET_',
             'vtel_config_attr': 'VTEL_C_', 'vtel_vm_state': 'VTEL_VM_STATE_',
             'vtel_event': 'VTEL_EVENT_'}


def c_name(prefix, name):
    return prefix + name.upper().replace('-', '_')


def header_values(h):
    """Every enumerator and VTEL_F_ flag of the header, as gcc sees it."""
    names = [n for e in HDR_ENUMS for n, _ in enum(h, e)]
    names += re.findall(r'#define\s+(VTEL_F_\w+)', h)
    names += ['VTEL_CMD_MAX', 'VTEL_A_MAX', 'VTEL_A_HIST_MAX',
              'VTEL_A_BUCKET_MAX', 'VTEL_C_MAX']
    src = '#include <stdio.h>\n#include "%s"\nint main(void)\n{\n' % HDR
    for n in names:
        src += '\tprintf("%%s %%llu\\n", "%s", (unsigned long long)(%s));\n' % (n, n)
    src += '\treturn 0;\n}\n'
    with tempfile.TemporaryDirectory() as d:
        c, exe = os.path.join(d, 'v.c'), os.path.join(d, 'v')
        Path(c).write_text(src)
        subprocess.run([os.environ.get('CC', 'cc'), '-Wall', '-Werror', '-o',
                        exe, c], check=True)
        out = subprocess.run([exe], check=True, capture_output=True,
                             text=True).stdout
    return {n: int(v) for n, v in (line.split() for line in out.splitlines())}


def check_values(h):
    """Compare every value the kernel's YNL derives from the spec file."""
    try:
        src = subprocess.run([str(ROOT / 'tests/ynl-src.sh')], check=True,
                             capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as e:
        print('spec-sync: no kernel YNL (%s)' % e)
        return False
    sys.path.insert(0, src + '/tools/net/ynl')
    from lib.nlspec import SpecFamily
    fam = SpecFamily(str(SPEC), src + '/Documentation/netlink/genetlink.yaml')
    hv = header_values(h)
    want, seen, bad = {}, set(), []

    def cmp(what, cname, got):
        seen.add(cname)
        if cname not in hv:
            bad.append('%s: %s is not in the header' % (what, cname))
        elif hv[cname] != got:
            bad.append('%s: spec %s, header %s = %d' %
                       (what, got, cname, hv[cname]))
    for op in fam.msgs.values():
        cmp('operation ' + op.name, c_name('VTEL_CMD_', op.name),
            op.req_value if op.req_value is not None else op.rsp_value)
    for sname, prefix in SETS.items():
        top = 0
        for a in fam.attr_sets[sname].attrs.values():
            cmp('attribute %s/%s' % (sname, a.name), c_name(prefix, a.name),
                a.value)
            top = max(top, a.value)
        cmp('attribute set %s' % sname, prefix + 'MAX', top)
    for dname, prefix in DEFS.items():
        d = fam.consts[dname]
        for e in d.entries.values():
            cmp('definition %s/%s' % (dname, e.name), c_name(prefix, e.name),
                e.user_value(as_flags=d.type == 'flags'))
    cmp('operations', 'VTEL_CMD_MAX', max(
        op.req_value or op.rsp_value for op in fam.msgs.values()))
    for n in hv:
        if n not in seen and not n.endswith('_UNSPEC'):
            bad.append('%s = %d is not in the spec' % (n, hv[n]))
    for b in bad:
        print('spec-sync: value: ' + b)
    if not bad:
        print('spec-sync: YNL numbers all %d commands, attributes and '
              'definitions as the header does' % len(seen))
    return not bad


def main():
    want = generate()
    if '--write' in sys.argv:
        SPEC.write_text(want)
        return 0
    if not validate(want):
        return 1
    ok = check_values(HDR.read_text())
    if SPEC.read_text() != want:
        print('spec-sync: %s is out of date; run tests/spec-sync.py --write'
              % SPEC.relative_to(ROOT))
        return 1
    if not ok:
        return 1
    print('spec-sync: vtel.yaml matches the uapi header')
    return 0


if __name__ == '__main__':
    sys.exit(main())
