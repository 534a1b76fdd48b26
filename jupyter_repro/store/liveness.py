"""Deciding, when reading, whether a ``running`` execution is really still running.

The recorder writes ``running`` before a cell starts and the final status after it ends, so a
kernel that died (killed, crashed, restarted) leaves ``running`` behind. Such a row is reported
as ``interrupted`` when either:

1. a later execution of the same session exists: a kernel runs one cell at a time, so the earlier
   one cannot still be going (this holds whatever machine wrote it); or
2. the session ran on this host and its ``pid`` is no longer alive.

A session from another host with no later execution is left ``running``: we cannot see its
process (nor can we for an execution whose session row was never written). A recycled pid can
make a dead kernel look alive; the row then stays ``running`` until rule 1 applies. The stored
status is never rewritten: this is a reading, not a repair::

    judge = StatusJudge()
    status = judge.status("running", superseded=False, hostname="ann-laptop", pid=4242)
"""

from __future__ import annotations

import os
import socket
import sys

from .models import STATUS_INTERRUPTED, STATUS_RUNNING


class StatusJudge:
    """Resolves stored statuses; caches pid checks, so make one per read."""

    def __init__(self) -> None:
        self._hostname = socket.gethostname()
        self._alive: dict[int, bool] = {}

    def status(self, stored: str, superseded: bool, hostname: str | None, pid: int | None) -> str:
        if stored != STATUS_RUNNING:
            return stored
        if superseded:
            return STATUS_INTERRUPTED
        if hostname == self._hostname and pid is not None and not self._is_alive(pid):
            return STATUS_INTERRUPTED
        return stored

    def _is_alive(self, pid: int) -> bool:
        if pid not in self._alive:
            self._alive[pid] = pid_alive(pid)
        return self._alive[pid]


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _pid_alive_windows(pid)
    try:
        os.kill(pid, 0)  # signal 0: existence check only, nothing is delivered
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def _pid_alive_windows(pid: int) -> bool:
    # os.kill on Windows terminates the process whatever the signal: ask the kernel32 API.
    import ctypes

    still_active = 259
    query_limited_information = 0x1000
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
    handle = kernel32.OpenProcess(query_limited_information, False, pid)
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        return bool(ok) and code.value == still_active
    finally:
        kernel32.CloseHandle(handle)
