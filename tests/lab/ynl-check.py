#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""In-guest (tests/lab/ynl.sh): drive every operation of the vtel family
with the kernel's own YNL client (tools/net/ynl), which knows the family only
from Documentation/netlink/specs/vtel.yaml, and check the replies against
oracles vtel did not write: KVM's per-vCPU statistics and the guest's work
(printed by vtel-testvmm), the VMM's pid and tids, the cgroup's inode, the
module parameters given to insmod and the values just set.

    ynl-check.py SPEC YNL_DIR            run the checks (TAP-like lines)
    ynl-check.py --park SPEC YNL_DIR     the dump-memory checks (issue 7):
                                         100 dumps left unread
    ynl-check.py --list-modules YNL_DIR  print the Python files it imports
"""
import errno
import json
import os
import subprocess
import sys
import time

VMM = '/bin/vtel-testvmm'
CG = '/sys/fs/cgroup/ynl'
# insmod parameters the config must echo (tests/lab/ynl.sh passes them).
PARAMS = {'max-vms': 37, 'max-vcpus': 91, 'retired-vms': 5,
          'retired-secs': 777}
IO, CPUID, VCPUS = 700, 70, 2

failed = 0


def tap(name, ok, why=''):
    global failed
    if ok:
        print('ok - ynl-%s' % name)
    else:
        failed += 1
        print('not ok - ynl-%s: %s' % (name, why))
    sys.stdout.flush()


def eq(name, got, want):
    tap(name, got == want, 'got %r, want %r' % (got, want))


def step(name, fn):
    """Run fn(); an exception is one failed check, not the end of the run."""
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 (report whatever YNL raises)
        tap(name, False, '%s: %s' % (type(e).__name__, str(e)[:300]))
        return None


def run_vmm():
    os.makedirs(CG, exist_ok=True)
    p = subprocess.run(['sh', '-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"',
                        CG, VMM, '--io', str(IO), '--cpuid', str(CPUID),
                        '--vcpus', str(VCPUS)],
                       capture_output=True, text=True, check=True)
    lines = []
    for line in p.stdout.splitlines():
        if line.startswith('vm='):
            lines.append(dict(kv.split('=', 1) for kv in line.split()))
    print('# vmm: ' + ' | '.join(p.stdout.splitlines()))
    return lines


def wait(fn, secs=5):
    end = time.time() + secs
    while True:
        v = fn()
        if v or time.time() > end:
            return v
        time.sleep(0.1)


def main(spec, ynl_dir):
    sys.path.insert(0, ynl_dir)
    from lib import YnlFamily, NlError

    def nl_errno(fn):
        try:
            fn()
        except NlError as e:
            return -e.nl_msg.error
        return 0

    # schema='': the spec was validated by tests/spec-sync.py on the host.
    f = YnlFamily(spec, '')
    ev = YnlFamily(spec, '')
    step('subscribe', lambda: ev.ntf_subscribe('events'))

    st = step('get-status', lambda: f.do('get-status', {}))
    if st is not None:
        eq('status-attached', st.get('attached'), 1)
        eq('status-vendor', st.get('vendor'), 'svm')
        eq('status-no-vms-yet', st.get('vms-live'), 0)

    kvm = run_vmm()
    eq('vmm-vcpus', len(kvm), VCPUS)
    pid = int(kvm[0]['pid'])
    exits = sum(int(v['exits']) for v in kvm)
    by_vcpu = {int(v['vcpu']): v for v in kvm}

    # The worker retires the VM asynchronously.
    vms = step('get-vms', lambda: wait(lambda: [
        v for v in f.dump('get-vms', {}) if v.get('vm-state') == 1]))
    vm_id = None
    if vms:
        eq('vms-one', len(vms), 1)
        vm = vms[0]
        vm_id = vm.get('vm-id')
        eq('vms-pid', vm.get('pid'), pid)
        eq('vms-comm', vm.get('comm'), 'vtel-testvmm')
        eq('vms-vcpus', vm.get('vcpus'), VCPUS)
        eq('vms-exits-equal-kvm', vm.get('exits'), exits)
        tap('vms-times', vm.get('handling-ns', 0) > 0 and
            vm.get('guest-ns', 0) > 0, repr(vm))

    st = step('get-status-after', lambda: f.do('get-status', {}))
    if st is not None:
        eq('status-exits-equal-kvm', st.get('exits'), exits)
        eq('status-retired', st.get('vms-retired'), 1)
        eq('status-vcpus', st.get('vcpus'), VCPUS)
        eq('status-untracked', st.get('untracked-exits'), 0)

    if vm_id is not None:
        vc = step('get-vcpus', lambda: f.dump('get-vcpus', {'vm-id': vm_id}))
        if vc is not None:
            eq('vcpus-count', len(vc), VCPUS)
            for v in vc:
                k = by_vcpu.get(v.get('vcpu-id'), {})
                eq('vcpu%s-tid' % v.get('vcpu-id'), v.get('tid'),
                   int(k.get('tid', -1)))
                eq('vcpu%s-exits-equal-kvm' % v.get('vcpu-id'),
                   v.get('exits'), int(k.get('exits', -1)))
        for name, sel in (('vm', {'vm-id': vm_id}), ('pid', {'pid': pid}),
                          ('cgroup-path', {'cgroup-path': '/ynl'}),
                          ('cgroup-id', {'cgroup-id': os.stat(CG).st_ino})):
            r = step('get-view-' + name, lambda: f.do('get-view', sel))
            if r is not None:
                eq('view-%s-exits-equal-kvm' % name, r.get('exits'), exits)
        r = step('get-view-vcpu',
                 lambda: f.do('get-view', {'vm-id': vm_id, 'vcpu-id': 1}))
        if r is not None:
            eq('view-vcpu-exits-equal-kvm', r.get('exits'),
               int(by_vcpu[1]['exits']))
        eq('view-unknown-vm-enoent',
           nl_errno(lambda: f.do('get-view', {'vm-id': 99999})), errno.ENOENT)

        ex = step('get-exits', lambda: f.dump('get-exits', {'vm-id': vm_id,
                                                             'flags': 1}))
        if ex is not None:
            cnt = {e.get('reason'): e.get('count') for e in ex}
            eq('exits-io-exact', cnt.get('io'), IO * VCPUS)
            eq('exits-cpuid-exact', cnt.get('cpuid'), CPUID * VCPUS)
            eq('exits-sum-equal-kvm', sum(cnt.values()), exits)

            def hist_bad():
                return [e.get('reason') for e in ex if sum(
                    b['count'] for b in e['hist'].get('bucket', []))
                    != e['timed']]
            eq('exits-hist-sums-to-timed', step('exits-hist', hist_bad), [])
        one = step('get-exits-one', lambda: f.dump(
            'get-exits', {'vm-id': vm_id, 'reason': 'cpuid'}))
        if one is not None:
            eq('exits-one-reason', [(e.get('reason'), e.get('count'))
                                    for e in one], [('cpuid', CPUID * VCPUS)])

    if vm_id is not None:
        # The guest's port writes, per VM and per vCPU, against KVM's io_exits.
        ad = step('get-addrs', lambda: f.dump('get-addrs', {'vm-id': vm_id}))
        if ad is not None:
            rows = [(a.get('addr-kind'), a.get('addr'), a.get('count'))
                    for a in ad]
            eq('addrs-port-0x10-out', rows[:1], [(2, 0x10, IO * VCPUS)])
            eq('addrs-sum-equal-kvm-io', sum(r[2] for r in rows),
               sum(int(v['io_exits']) for v in kvm))
            # Each row's split (one attribute per bucket) is its time.
            eq('addrs-split-sums-to-total',
               [a.get('addr') for a in ad if 'vmm-ns' not in a or
                sum(a.get(k, 0) for k in ('kvm-ns', 'vmm-ns', 'wait-ns',
                                          'idle-ns')) != a.get('total-ns')],
               [])
        ad = step('get-addrs-vcpu', lambda: f.dump(
            'get-addrs', {'vm-id': vm_id, 'vcpu-id': 1}))
        if ad is not None:
            eq('addrs-vcpu-port-0x10', [(a.get('addr'), a.get('count'))
                                        for a in ad][:1], [(0x10, IO)])
        eq('addrs-unknown-vm-enoent',
           nl_errno(lambda: f.dump('get-addrs', {'vm-id': 99999})),
           errno.ENOENT)
        eq('addrs-needs-vm-einval',
           nl_errno(lambda: f.dump('get-addrs', {})), errno.EINVAL)

    cgs = step('get-cgroups', lambda: f.dump('get-cgroups', {}))
    if cgs is not None:
        mine = [c for c in cgs if c.get('cgroup-path') == '/ynl']
        eq('cgroups-has-ynl', len(mine), 1)
        if mine:
            eq('cgroups-id-is-inode', mine[0].get('cgroup-id'),
               os.stat(CG).st_ino)
            eq('cgroups-exits-equal-kvm', mine[0].get('exits'), exits)
            eq('cgroups-rollup-equal-kvm',
               mine[0].get('rollup', {}).get('exits'), exits)
    # The same dump through YNL's command line, as a user would run it.
    cli = step('cli-get-cgroups', lambda: subprocess.run(
        [sys.executable, ynl_dir + '/cli.py', '--spec', spec, '--no-schema',
         '--dump', 'get-cgroups', '--output-json'],
        capture_output=True, text=True, check=True).stdout)
    if cli is not None:
        paths = [c.get('cgroup-path') for c in json.loads(cli)]
        tap('cli-get-cgroups-has-ynl', '/ynl' in paths, repr(paths))

    cfg = step('get-config', lambda: f.do('get-config', {}))
    if cfg is not None:
        c = cfg.get('config', {})
        for k, v in PARAMS.items():
            eq('config-' + k, c.get(k), v)
    r = step('set-config', lambda: f.do('set-config', {
        'config': {'slow-ns': 123457, 'event-rate': 77}}))
    eq('set-config-no-reply', r, None)
    cfg = step('get-config-after-set', lambda: f.do('get-config', {}))
    if cfg is not None:
        eq('config-slow-ns-set', cfg.get('config', {}).get('slow-ns'), 123457)
        eq('config-event-rate-set', cfg.get('config', {}).get('event-rate'),
           77)
    eq('set-config-read-only-refused', nl_errno(lambda: f.do(
        'set-config', {'config': {'max-vms': 1}})), errno.EINVAL)

    def events():
        ev.check_ntf()
        return [(m['name'], m['msg'].get('event'), m['msg'].get('pid'))
                for m in ev.async_msg_queue]
    got = step('vm-event', lambda: wait(lambda: len(events()) >= 2 and
                                        events()))
    eq('vm-events', got, [('vm-event', 1, pid), ('vm-event', 2, pid)])
    stop = [m['msg'] for m in ev.async_msg_queue
            if m['msg'].get('event') == 2]
    eq('vm-stop-exits-equal-kvm', stop[0].get('exits') if stop else None,
       exits)

    r = step('reset', lambda: f.do('reset', {}))
    eq('reset-no-reply', r, None)
    st = step('get-status-after-reset', lambda: f.do('get-status', {}))
    if st is not None:
        eq('status-exits-zero-after-reset', st.get('exits'), 0)
    if vm_id is not None:
        v = step('get-view-after-reset', lambda: f.do('get-view',
                                                      {'vm-id': vm_id}))
        if v is not None:
            eq('view-exits-zero-after-reset', v.get('exits'), 0)
    return 1 if failed else 0


DUMPS_MAX = 64		# the bound vtel documents (netlink.rst)
PARKED = 100
ROW_MIN = 2048		# bytes a reason takes in an exits snapshot, at least


def park(spec, ynl_dir):
    """Start PARKED get-exits dumps from a memory cgroup and read none:
    each holds its snapshot. They must be charged to the cgroup and at
    most DUMPS_MAX may be held; the rest are refused with EBUSY."""
    import socket
    import struct
    sys.path.insert(0, ynl_dir)
    from lib import YnlFamily
    from lib.ynl import Netlink

    root = '/sys/fs/cgroup'
    with open(root + '/cgroup.subtree_control', 'w') as f:
        f.write('+memory')
    cg = root + '/park'
    os.makedirs(cg, exist_ok=True)
    with open(cg + '/cgroup.procs', 'w') as f:
        f.write(str(os.getpid()))
    fam = YnlFamily(spec, '')
    # A snapshot holds the view's reasons (each with its histogram).
    rows = len(fam.dump('get-exits', {}) or [])
    snapshot_min = rows * ROW_MIN
    msg = fam._encode_message(fam.ops['get-exits'], {},
                              [Netlink.NLM_F_DUMP], 1)

    def current():
        with open(cg + '/memory.current') as f:
            return int(f.read())
    # Sockets first, so that only the snapshots are measured.
    socks = [socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                           Netlink.NETLINK_GENERIC) for _ in range(PARKED)]
    m0 = current()
    for s in socks:
        s.send(msg)
    m1 = current()
    ok = busy = other = 0
    for s in socks:
        data = s.recv(65536)
        _, typ = struct.unpack_from('IH', data)
        if typ == Netlink.NLMSG_ERROR:
            err = -struct.unpack_from('i', data, 16)[0]
            if err == errno.EBUSY:
                busy += 1
            else:
                other += 1
                print('# dump error %d' % err)
        else:
            ok += 1
    per = (m1 - m0) // max(ok, 1)
    print('# %d dumps parked: %d held, %d refused (EBUSY), %d other; '
          'memory.current +%d bytes, %d per held dump' %
          (PARKED, ok, busy, other, m1 - m0, per))
    eq('park-held-bounded', ok, DUMPS_MAX)
    eq('park-refused-ebusy', busy, PARKED - DUMPS_MAX)
    tap('park-charged-to-memcg', rows > 0 and per >= snapshot_min,
        '%d bytes per held dump, want >= %d (%d reasons)' %
        (per, snapshot_min, rows))
    st = fam.do('get-status', {})
    eq('park-refused-counted', st.get('dumps-refused'), PARKED - DUMPS_MAX)
    for s in socks:
        s.close()
    # Once they are gone, dumps work again.
    r = step('park-dump-after', lambda: fam.dump('get-exits', {}))
    tap('park-dump-after-works', r is not None, 'no reply')
    return 1 if failed else 0


def list_modules(ynl_dir):
    """Import what main() imports and print every file Python loaded."""
    sys.path.insert(0, ynl_dir)
    import argparse  # noqa: F401 (cli.py)
    import pprint  # noqa: F401 (cli.py)
    import lib  # noqa: F401
    for m in list(sys.modules.values()):
        f = getattr(m, '__file__', None)
        if f:
            print(os.path.realpath(f))


if __name__ == '__main__':
    if sys.argv[1] == '--list-modules':
        list_modules(sys.argv[2])
        sys.exit(0)
    if sys.argv[1] == '--park':
        sys.exit(park(sys.argv[2], sys.argv[3]))
    sys.exit(main(sys.argv[1], sys.argv[2]))
