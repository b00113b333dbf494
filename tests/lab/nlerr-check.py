#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""In-guest (tests/lab/nlerr.sh): requests vtel must refuse, each with its
errno, its extended-ack message and, where the kernel names one, the
attribute it points at. Sent with the kernel's own YNL client from the spec
(well-formed messages asking for the wrong thing) and as raw generic
netlink (malformed attributes the client cannot encode). The errnos and the
policy's messages are the kernel's (lib/nlattr.c); vtel's own messages are
its documented ABI (Documentation/netlink.rst).

    nlerr-check.py SPEC YNL_DIR VM_ID VCPUS PID
"""
import errno
import os
import socket
import struct
import sys

failed = 0


def tap(name, ok, why=''):
    global failed
    if ok:
        print('ok - nlerr-%s' % name)
    else:
        failed += 1
        print('not ok - nlerr-%s: %s' % (name, why))
    sys.stdout.flush()


def main(spec, ynl_dir, vm_id, vcpus, pid):
    sys.path.insert(0, ynl_dir)
    from lib import YnlFamily, NlError
    from lib.ynl import Netlink

    f = YnlFamily(spec, '')

    # 6.1 answers an error of a dump's start without its extack (the
    # errno is kept); 6.2 and later carry it.
    rel = tuple(int(x) for x in os.uname().release.split('.')[:2])
    dump_extack = rel >= (6, 2)

    def refused(name, fn, want_errno, want_msg=None, want_attr=None,
                is_dump=False):
        if is_dump and not dump_extack:
            want_msg = want_attr = None
        try:
            r = fn()
        except NlError as e:  # noqa: PERF203
            got = -e.nl_msg.error
            ext = e.nl_msg.extack or {}
            why = []
            if got != want_errno:
                why.append('errno %d, want %d' % (got, want_errno))
            if want_msg is not None and ext.get('msg') != want_msg:
                why.append('msg %r, want %r' % (ext.get('msg'), want_msg))
            if want_attr is not None and ext.get('bad-attr') != want_attr:
                why.append('bad-attr %r, want %r' % (ext.get('bad-attr'),
                                                     want_attr))
            tap(name, not why, '; '.join(why))
            return
        except Exception as e:  # noqa: BLE001 (the client refused it)
            tap(name, False, '%s: %s' % (type(e).__name__, str(e)[:200]))
            return
        tap(name, False, 'accepted: %r' % (r,))

    do = f.do
    dump = f.dump
    # Selectors (vtel_parse_sel, vtel_parse_cgroup).
    refused('two-selectors', lambda: do('get-view', {'vm-id': vm_id,
                                                     'pid': pid}),
            errno.EINVAL, 'give one VM or cgroup selector', '.pid')
    refused('cgroup-and-vcpu', lambda: do('get-view', {
        'cgroup-path': '/', 'vcpu-id': 0}),
            errno.EINVAL, 'this request takes a VM, not a cgroup',
            '.cgroup-path')
    refused('cgroup-for-vcpus', lambda: dump('get-vcpus', {
        'cgroup-path': '/'}),
            errno.EINVAL, 'Unsupported attribute', '.cgroup-path')
    refused('exits-cgroup-and-vcpu', lambda: dump('get-exits', {
        'cgroup-path': '/', 'vcpu-id': 0}),
            errno.EINVAL, 'this request takes a VM, not a cgroup',
            '.cgroup-path',
            is_dump=True)
    refused('vm-id-zero', lambda: do('get-view', {'vm-id': 0}),
            errno.ERANGE, 'integer out of range', '.vm-id')
    refused('flags-reserved-bit', lambda: do('get-view', {
        'vm-id': vm_id, 'flags': 0x80}),
            errno.EINVAL, 'reserved bit set', '.flags')
    refused('no-such-vm', lambda: do('get-view', {'vm-id': 999999}),
            errno.ENOENT, 'no such VM', '.vm-id')
    refused('no-vm-of-pid', lambda: do('get-view', {'pid': 999999}),
            errno.ENOENT, 'no VM of this pid is known', '.pid')
    refused('vcpu-without-vm', lambda: do('get-view', {'vcpu-id': 0}),
            errno.EINVAL, 'a vCPU needs VTEL_A_VM_ID or VTEL_A_PID',
            '.vcpu-id')
    refused('no-such-vcpu', lambda: do('get-view', {'vm-id': vm_id,
                                                    'vcpu-id': vcpus}),
            errno.ENOENT, 'no such vCPU in this VM', '.vcpu-id')
    refused('vcpus-need-vm', lambda: dump('get-vcpus', {}),
            errno.EINVAL, 'VTEL_A_VM_ID or VTEL_A_PID is required',
            is_dump=True)
    refused('addrs-need-vm', lambda: dump('get-addrs', {}),
            errno.EINVAL, 'VTEL_A_VM_ID or VTEL_A_PID is required',
            is_dump=True)
    refused('no-such-cgroup-id', lambda: do('get-view', {
        'cgroup-id': 0x7ffffff0}),
            errno.ENOENT, 'no such cgroup (removed?)', '.cgroup-id')
    with open('/proc/self/stat') as notcg:
        refused('cgroup-fd-not-cgroup', lambda: do('get-view', {
            'cgroup-fd': notcg.fileno()}),
                errno.EBADF, 'not an open cgroup v2 directory', '.cgroup-fd')
    refused('cgroup-fd-closed', lambda: do('get-view', {'cgroup-fd': 999}),
            errno.EBADF, 'not an open cgroup v2 directory', '.cgroup-fd')
    refused('no-cgroup-at-path', lambda: do('get-view', {
        'cgroup-path': '/no/such/cgroup'}),
            errno.ENOENT,
            'no cgroup at this path has had vCPUs in or below it',
            '.cgroup-path')
    refused('exits-no-cgroup-at-path', lambda: dump('get-exits', {
        'cgroup-path': '/no/such/cgroup'}),
            errno.ENOENT,
            'no cgroup at this path has had vCPUs in or below it',
            '.cgroup-path',
            is_dump=True)
    refused('exits-unknown-reason', lambda: dump('get-exits', {
        'vm-id': vm_id, 'reason': 'no_such_reason'}),
            errno.ENOENT, None, '.reason',
            is_dump=True)
    refused('addrs-no-such-vcpu', lambda: dump('get-addrs', {
        'vm-id': vm_id, 'vcpu-id': vcpus}),
            errno.ENOENT, 'no such vCPU in this VM', '.vcpu-id',
            is_dump=True)

    # SET_CONFIG (vtel_nl_set_config, vtel_nl_slow_overrides, the policy).
    refused('set-config-empty', lambda: do('set-config', {}),
            errno.EINVAL, 'VTEL_A_CONFIG is required')
    refused('set-config-override-no-reason', lambda: do('set-config', {
        'config': {'slow-override': [{'ns': 5}]}}),
            errno.EINVAL, 'VTEL_S_REASON is required')
    refused('set-config-override-unknown', lambda: do('set-config', {
        'config': {'slow-override': [{'reason': 'no_such_reason',
                                      'ns': 5}]}}),
            errno.ENOENT, 'unknown exit reason name')
    refused('set-config-event-rate-range', lambda: do('set-config', {
        'config': {'event-rate': 100001}}),
            errno.ERANGE, 'integer out of range', '.config.event-rate')
    for ro in ('max-vms', 'max-vcpus', 'retired-vms', 'retired-secs',
               'max-addrs', 'unprivileged-read'):
        refused('set-config-read-only-' + ro, lambda: do('set-config', {
            'config': {ro: 1}}),
                errno.EINVAL, 'Attribute failed policy validation',
                '.config.' + ro)
    # Refused in the check pass: nothing was applied.
    before = do('get-config', {})['config']
    refused('set-config-atomic', lambda: do('set-config', {
        'config': {'slow-ns': before.get('slow-ns', 0) + 1,
                   'slow-override': [{'reason': 'io', 'ns': 7},
                                     {'reason': 'no_such_reason'}]}}),
            errno.ENOENT, 'unknown exit reason name')
    after = do('get-config', {})['config']
    tap('set-config-atomic-unchanged', after == before,
        '%r -> %r' % (before, after))
    # A valid override, then its clearing (VTEL_S_NS absent).
    try:
        do('set-config', {'config': {'slow-override': [{'reason': 'io',
                                                          'ns': 777000}]}})
        got = do('get-config', {})['config'].get('slow-override', [])
        ok = [o for o in got if o.get('reason') == 'io']
        tap('set-config-override-set', ok and ok[0].get('ns') == 777000,
            repr(got))
        do('set-config', {'config': {'slow-override': [{'reason': 'io'}]}})
        got = do('get-config', {})['config'].get('slow-override', [])
        tap('set-config-override-cleared',
            not [o for o in got if o.get('reason') == 'io'], repr(got))
    except NlError as e:
        tap('set-config-override', False, str(e)[:300])

    # Malformed attributes, as raw generic netlink: a 2-byte VTEL_A_VM_ID.
    fam_id = f.nlproto.family_id
    vm_attr = f.attr_sets['vtel']['vm-id'].value
    cmd = f.ops['get-view'].req_value

    def raw(payload_attrs, flags=Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK):
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                          Netlink.NETLINK_GENERIC)
        s.setsockopt(Netlink.SOL_NETLINK, Netlink.NETLINK_EXT_ACK, 1)
        body = struct.pack('BBH', cmd, 1, 0) + payload_attrs
        s.send(struct.pack('IHHII', 16 + len(body), fam_id, flags, 1, 0) +
               body)
        data = s.recv(65536)
        s.close()
        _, typ = struct.unpack_from('IH', data)
        if typ != Netlink.NLMSG_ERROR:
            return 0, b''
        return -struct.unpack_from('i', data, 16)[0], data

    def nla(t, payload):
        n = 4 + len(payload)
        return struct.pack('HH', n, t) + payload + b'\0' * ((4 - n % 4) % 4)

    err, data = raw(nla(vm_attr, b'\1\0'))
    tap('raw-short-u32', err == errno.EINVAL, 'errno %d' % err)
    tap('raw-short-u32-extack', b'invalid attribute length' in data,
        repr(data[-80:]))
    err, _ = raw(nla(0x3fff, b'\0\0\0\0'))
    tap('raw-unknown-attr', err == errno.EINVAL, 'errno %d' % err)
    err, _ = raw(struct.pack('HH', 40, vm_attr) + b'\0\0\0\0')
    tap('raw-truncated', err == errno.EINVAL, 'errno %d' % err)

    # The read privilege (vtel_may_read) and GENL_ADMIN_PERM, as nobody.
    # netlink_capable() asks the socket opener's credentials: the client
    # reads the spec as root (the lab's / is root's only), then gets a
    # socket opened after the uid change, set up as YnlFamily sets its own.
    r, w = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(r)
        out = []
        try:
            g = YnlFamily(spec, '')
            g.sock.close()
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            g.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                   Netlink.NETLINK_GENERIC)
            for opt in (Netlink.NETLINK_CAP_ACK, Netlink.NETLINK_EXT_ACK,
                        Netlink.NETLINK_GET_STRICT_CHK):
                g.sock.setsockopt(Netlink.SOL_NETLINK, opt, 1)
            for name, fn in (
                    ('view', lambda: g.do('get-view', {'vm-id': vm_id})),
                    ('vms', lambda: g.dump('get-vms', {})),
                    ('exits', lambda: g.dump('get-exits', {'vm-id': vm_id})),
                    ('vcpus', lambda: g.dump('get-vcpus', {'vm-id': vm_id})),
                    ('addrs', lambda: g.dump('get-addrs', {'vm-id': vm_id})),
                    ('cgroups', lambda: g.dump('get-cgroups', {})),
                    ('reset', lambda: g.do('reset', {})),
                    ('set-config', lambda: g.do('set-config', {
                        'config': {'event-rate': 5}}))):
                try:
                    fn()
                    out.append('%s 0 -' % name)
                except NlError as e:
                    msg = (e.nl_msg.extack or {}).get('msg', '-')
                    out.append('%s %d %s' % (name, -e.nl_msg.error, msg))
            st = g.do('get-status', {})
            out.append('status-timings %s' % ('handling-ns' in st))
        except Exception as e:  # noqa: BLE001
            out.append('error %s' % e)
        os.write(w, '\n'.join(out).encode())
        os._exit(0)
    os.close(w)
    res = b''
    while True:
        b = os.read(r, 4096)
        if not b:
            break
        res += b
    os.waitpid(child, 0)
    lines = res.decode().splitlines()
    print('# as nobody: ' + ' | '.join(lines))
    got = dict(ln.split(' ', 1) for ln in lines)
    need = 'per-VM exit timings need CAP_PERFMON (or unprivileged_read=1)'
    for name in ('view', 'vms', 'exits', 'vcpus', 'addrs', 'cgroups'):
        want = '%d %s' % (errno.EPERM, need)
        if name in ('exits', 'vcpus', 'addrs', 'cgroups') and not dump_extack:
            want = '%d -' % errno.EPERM
        tap('nobody-' + name, got.get(name) == want, repr(got.get(name)))
    for name in ('reset', 'set-config'):
        tap('nobody-' + name,
            (got.get(name) or '').startswith('%d ' % errno.EPERM),
            repr(got.get(name)))
    tap('nobody-status-no-timings', got.get('status-timings') == 'False',
        repr(got.get('status-timings')))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]),
                  int(sys.argv[4]), int(sys.argv[5])))
