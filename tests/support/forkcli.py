"""`python -m tui.cli` in a child forked from a process that imported it once.

Why: a test's CLI child spent most of its CPU starting the interpreter and
importing ``tui.cli`` (0.15-0.3 s each, the sources compiled again since CI
writes no bytecode), and the suite starts hundreds of them. A server
process, one per environment and working directory, imports ``tui.cli``
once and forks a child per command. Each command is still a process of its
own, fresh from the import (nothing one command changes in memory reaches
the next): the child gets the argv, ``stdin`` from /dev/null and the test's
pipes as ``stdout`` and ``stderr``, runs ``tui.cli`` as ``-m`` does
(``runpy``, ``__main__``) and ends through the interpreter's own shutdown
(atexit, an uncaught exception printed as a traceback and exit code 1).
The test reads the pipes to EOF, as ``subprocess.run`` does, so a worker
left behind holding them still shows as a hang.

What differs from a fresh interpreter: the imports before ``main`` run once
per server (an import that crashes fails every command of that server all
the same) and the children share its hash seed. ``DIGEST_TUI_TEST_FORK=0``
runs real children instead; tests/cli/test_forked_cli.py compares the two.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# The server: import what `python -m tui.cli` imports, then fork a child per request.
SERVER = r"""
import array, json, os, runpy, signal, socket, sys, threading
import tui.cli
assert threading.active_count() == 1, "importing tui.cli started a thread: fork is unsafe"
sock = socket.socket(fileno=int(sys.argv[1]))
sock.sendall(b"READY\n")
while True:
    msg, fds, _flags, _addr = socket.recv_fds(sock, 1 << 20, 2)
    if not msg:
        os._exit(0)
    req = json.loads(msg)
    pid = os.fork()
    if pid == 0:
        break
    for fd in fds:
        os.close(fd)
    sock.sendall(b"%d\n" % pid)
    _pid, status = os.waitpid(pid, 0)
    sock.sendall(b"%d\n" % os.waitstatus_to_exitcode(status))
# the child: one command, as `python -m tui.cli ARGS` with these pipes runs it
sock.close()
null = os.open(os.devnull, os.O_RDONLY)
os.dup2(null, 0)
os.close(null)
for target, fd in zip((1, 2), fds):
    os.dup2(fd, target)
    os.close(fd)
os.chdir(req["cwd"])
sys.argv = ["-m", *req["argv"]]
runpy.run_module("tui.cli", run_name="__main__", alter_sys=True)
"""


class _Server:
    def __init__(self, env: dict[str, str], cwd: str) -> None:
        self.sock, theirs = socket.socketpair()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(theirs.fileno())],
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            pass_fds=(theirs.fileno(),),
        )
        theirs.close()
        self.buf = b""
        if self._line(120) != "READY":
            err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
            raise AssertionError(f"the CLI fork server did not start: {err}")

    def _line(self, timeout: float | None) -> str | None:
        """The server's next line, or None when it is gone or ``timeout`` passed."""
        self.sock.settimeout(timeout)
        while b"\n" not in self.buf:
            try:
                more = self.sock.recv(4096)
            except TimeoutError:
                return None
            if not more:
                return None
            self.buf += more
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()

    def run(self, argv: list[str], cwd: str, timeout: float) -> subprocess.CompletedProcess[str]:
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        try:
            socket.send_fds(
                self.sock, [json.dumps({"argv": argv, "cwd": cwd}).encode()], [out_w, err_w]
            )
        finally:
            os.close(out_w)
            os.close(err_w)
        pid_line = self._line(60)
        if pid_line is None:
            raise AssertionError("the CLI fork server died")
        pid = int(pid_line)
        deadline = time.monotonic() + timeout
        chunks: dict[int, list[bytes]] = {out_r: [], err_r: []}
        timed_out = False
        with selectors.DefaultSelector() as sel:
            for fd in chunks:
                sel.register(fd, selectors.EVENT_READ)
            while sel.get_map():
                left = deadline - time.monotonic()
                ready = sel.select(max(left, 0)) if left > 0 else []
                if not ready:
                    timed_out = True
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                    break
                for key, _ in ready:
                    data = os.read(key.fd, 65536)
                    if data:
                        chunks[key.fd].append(data)
                    else:
                        sel.unregister(key.fd)
        os.close(out_r)
        os.close(err_r)
        code_line = self._line(None)
        if code_line is None:
            raise AssertionError("the CLI fork server died")
        out, err = (b"".join(chunks[fd]).decode(errors="surrogateescape") for fd in (out_r, err_r))
        cmd = [sys.executable, "-m", "tui.cli", *argv]  # argv is without "-m tui.cli"
        if timed_out:
            raise subprocess.TimeoutExpired(cmd, timeout, out, err)
        return subprocess.CompletedProcess(cmd, int(code_line), out, err)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        if self.proc.poll() is None:
            self.proc.kill()


_servers: dict[str, _Server] = {}


def enabled() -> bool:
    return os.environ.get("DIGEST_TUI_TEST_FORK", "1") != "0"


def run_forked(
    argv: list[str], env: dict[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    """``subprocess.run([python, *argv], capture_output=True, text=True)``, forked."""
    cwd = os.getcwd()
    key = json.dumps([sorted(env.items()), cwd])
    server = _servers.get(key)
    if server is None or server.proc.poll() is not None:
        while len(_servers) >= 4:  # a few environments at once; the oldest goes
            _servers.pop(next(iter(_servers))).close()
        server = _servers[key] = _Server(env, cwd)
    assert argv[:2] == ["-m", "tui.cli"], argv
    return server.run(argv[2:], cwd, timeout)


@atexit.register
def _close_all() -> None:
    while _servers:
        _servers.popitem()[1].close()
