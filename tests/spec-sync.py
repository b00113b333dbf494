#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that Documentation/netlink/specs/vtel.yaml matches the uapi header.

The attribute sets of the spec are derived from the enums of
include/uapi/linux/vtel.h (names, order, types from their comments);
operations are listed here. Default: check, exit 1 on a difference.
--write: regenerate the spec.
"""
import re
import sys
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


def attr_set(h, enumname, prefix, setname, nested=None):
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
        if ':' in c:
            s += '        doc: %s\n' % c.split(':', 1)[1].strip()
    return s


OPS = [
    ('get-status', 'do', [], ['version', 'attached', 'vendor', 'vms-live',
     'vms-retired', 'vms-evicted', 'vcpus', 'exits', 'handling-ns',
     'guest-ns', 'overhead-ppm', 'slow-exits', 'untracked-vms',
     'untracked-vcpus', 'untracked-exits', 'reason-overflow',
     'layout-errors', 'events-dropped', 'generation', 'cgroups',
     'cgroups-released', 'untracked-cgroups', 'segment-drops',
     'cgroup-stale-exits'], None),
    ('get-vms', 'dump', [], ['vm-id', 'pid', 'comm', 'vm-state', 'vcpus',
     'exits', 'handling-ns', 'guest-ns', 'overhead-ppm', 'slow-exits'], None),
    ('get-vcpus', 'dump', ['vm-id', 'pid'], ['vm-id', 'vcpu-id', 'tid',
     'vcpus', 'exits', 'handling-ns', 'guest-ns', 'overhead-ppm',
     'slow-exits'], None),
    ('get-view', 'do', ['vm-id', 'pid', 'vcpu-id', 'cgroup-id', 'cgroup-fd',
     'cgroup-path', 'flags'], ['vm-id', 'pid', 'comm', 'vcpu-id',
     'cgroup-id', 'cgroup-level', 'cgroup-path', 'vcpus', 'exits', 'handling-ns', 'guest-ns', 'overhead-ppm',
     'slow-exits', 'untracked-exits', 'reason-overflow'], None),
    ('get-exits', 'dump', ['vm-id', 'pid', 'vcpu-id', 'cgroup-id',
     'cgroup-fd', 'cgroup-path', 'flags', 'reason'],
     ['reason', 'reason-code', 'isa', 'category', 'count', 'timed',
      'total-ns', 'min-ns', 'max-ns', 'p50-ns', 'p90-ns', 'p99-ns',
      'p999-ns', 'hist'], None),
    ('get-cgroups', 'dump', [], ['cgroup-id', 'cgroup-level', 'cgroup-path',
     'exits', 'handling-ns', 'guest-ns', 'overhead-ppm', 'slow-exits',
     'rollup'], None),
    ('reset', 'do', [], [], 'admin-perm'),
    ('get-config', 'do', [], ['config'], None),
    ('set-config', 'do', ['config'], [], 'admin-perm'),
]

DOCS = {'get-status': 'Host summary, attachment state and drop counters.', 'get-cgroups': 'Dump cgroups vCPU threads ran in and their ancestors, own and rolled up.', 'get-vms': 'Dump every VM record, live and retired.', 'get-vcpus': 'Dump the vCPUs of one VM.', 'get-view': 'Totals of the host, one VM or one vCPU.', 'get-exits': 'Dump exit reasons of a view, with percentiles and optionally histograms.', 'reset': 'Zero every counter.', 'get-config': 'Read the runtime configuration.', 'set-config': 'Change the runtime configuration.'}

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

TAIL = '''    -
      name: vm-event
      attribute-set: vtel
      doc: VM start or stop, on the events group.
      event:
        attributes: [event, vm-id, pid, comm, exits, handling-ns, guest-ns]
      mcgrp: events

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
    y += attr_set(h, 'vtel_hist_attr', 'VTEL_A_HIST_', 'hist',
                  {'bucket': 'bucket'})
    y += attr_set(h, 'vtel_bucket_attr', 'VTEL_A_BUCKET_', 'bucket')
    y += attr_set(h, 'vtel_config_attr', 'VTEL_C_', 'config')
    names = {m.lower().replace('_', '-') for m in
             re.findall(r'VTEL_CMD_(\w+),', h)} - {'unspec'}
    listed = {o[0] for o in OPS} | {'vm-event'}
    if names != listed:
        sys.exit('spec-sync: commands differ: header %s, spec %s' %
                 (sorted(names - listed), sorted(listed - names)))
    y += '\noperations:\n  list:\n'
    for i, (n, kind, req, rep, flags) in enumerate(OPS):
        y += '    -\n      name: %s\n      doc: %s\n' % (n, DOCS[n])
        if i == 0:
            y += '      value: 1\n'
        y += '      attribute-set: vtel\n'
        if flags:
            y += '      flags: [%s]\n' % flags
        y += '      %s:\n' % kind
        y += '        request:\n          attributes: [%s]\n' % ', '.join(req)
        if rep:
            y += '        reply:\n          attributes: [%s]\n' % ', '.join(rep)
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


def main():
    want = generate()
    if '--write' in sys.argv:
        SPEC.write_text(want)
        return 0
    if not validate(want):
        return 1
    if SPEC.read_text() != want:
        print('spec-sync: %s is out of date; run tests/spec-sync.py --write'
              % SPEC.relative_to(ROOT))
        return 1
    print('spec-sync: vtel.yaml matches the uapi header')
    return 0


if __name__ == '__main__':
    sys.exit(main())
