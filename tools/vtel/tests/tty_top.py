#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""vtel top on a pseudo-terminal, against the fake kernel (vtel-fake):
it must clear and redraw with ANSI codes, hide and restore the cursor,
put the terminal in non-canonical no-echo mode and restore it, and quit
with status 0 on 'q' (and on SIGINT); likewise top --by cgroup.

Usage: tty_top.py VTEL_FAKE; prints ok/not ok lines."""
import os
import pty
import select
import signal
import sys
import termios
import time


def run(binary, stop, extra):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["VTEL_FAKE_TTY"] = "1"
        os.execv(binary, [binary, "top", "--interval", "0.1"] + extra)
    out = b""
    lflag_during = None
    deadline = time.time() + 10
    sent = False
    while time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
        if not sent and out.count(b"\x1b[H\x1b[2J") >= 3:
            lflag_during = termios.tcgetattr(fd)[3]
            if stop == "q":
                os.write(fd, b"q")
            else:
                os.kill(pid, signal.SIGINT)
            sent = True
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return None, out, None, None
    try:
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            out += chunk
    except OSError:
        pass
    lflag_after = None
    try:
        lflag_after = termios.tcgetattr(fd)[3]
    except termios.error:
        pass
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out, lflag_during, lflag_after


def main():
    binary = sys.argv[1]
    bad = 0
    for stop, extra, table in (("q", [], b"REASON"), ("SIGINT", [], b"REASON"),
                               ("q", ["--by", "cgroup"], b"/tenant-a/vm1")):
        name = "top %son a terminal, quit with %s" % (
            "".join(a + " " for a in extra), stop)
        code, out, during, after = run(binary, stop, extra)
        why = []
        if code is None:
            why.append("did not exit within 10 s")
        elif code != 0:
            why.append("exit status %d" % code)
        if b"\x1b[?25l" not in out or not out.rstrip().endswith(b"\x1b[?25h"):
            why.append("cursor not hidden and restored")
        if out.count(b"\x1b[H\x1b[2J") < 3:
            why.append("no redraws")
        if b"EXITS/s" not in out or b"(q quits)" not in out or table not in out:
            why.append("no tables")
        if during is not None and during & (termios.ICANON | termios.ECHO):
            why.append("terminal not in raw mode while running")
        if after is not None and (after & (termios.ICANON | termios.ECHO)) != \
                (termios.ICANON | termios.ECHO):
            why.append("terminal mode not restored")
        if why:
            bad += 1
            print("not ok - %s: %s" % (name, "; ".join(why)))
        else:
            print("ok - %s" % name)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
