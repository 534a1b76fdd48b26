"""Hash values in a forked copy of the kernel: a snapshot the cell can no longer mutate.

Usage (the change tracker does this for values that do not fit a cell's time budget)::

    pool = SnapshotPool()
    if pool.available():
        job = pool.submit({"big": big}, hash_one)   # None when it cannot (busy, fork failed)
        job.done.wait()  # then job.results["big"]: (what hash_one returned, seconds)
    pool.wait(timeout)   # at exit: give running jobs a little time
    pool.close()         # kill what still runs

``os.fork()`` gives the child a copy-on-write image of the kernel at that instant, so whatever
the next cells do, the child hashes the values as the cell left them, on the other core, while
the kernel carries on. It takes a few milliseconds whatever the data's size (page tables are
copied, not pages). The child never runs anything but the hashing. It leaves the kernel's
process group, so Stop (SIGINT to the group) and ipykernel's shutdown, which terminates the
group's processes before the recorder's exit handler can collect their results, pass it by;
the kernel's death kills it (``PR_SET_PDEATHSIG``), so it never outlives the kernel. It runs at
the lowest priority (``nice`` 19): the user's next cells get the cores first. Its output
goes to /dev/null, the garbage collector is off, and it leaves through ``os._exit`` (no atexit
handlers, no inherited buffers flushed). Each result travels back as one pickled record on a
pipe a reader thread drains.

Linux only: elsewhere ``available()`` is False and the tracker marks such values incomplete.
A child still running after ``timeout_s`` is killed and its remaining values are reported as
failed; so is a child that dies.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import select
import signal
import struct
import sys
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("jupyter_repro.recorder")

#: Children hashing at once: each may copy the pages it walks (reference counts are writes),
#: and each takes a core.
MAX_RUNNING = 2
#: A child taking longer than this is killed (its values stay incomplete).
TIMEOUT_S = 300.0
_LENGTH = struct.Struct("<Q")
_DONE = b"done"


@dataclass
class Job:
    """One fork: the names it hashes and, once ``done`` is set, what came back."""

    names: tuple[str, ...]
    pid: int = 0
    #: name -> (result of hash_one, seconds it took); a missing name failed.
    results: dict[str, tuple[Any, float]] = field(default_factory=dict)
    #: Why some names have no result ("" when all came back).
    failure: str = ""
    done: threading.Event = field(default_factory=threading.Event)


class SnapshotPool:
    """Forks children that hash values, and collects what they send back.

    One reader thread (started with the first job) drains every child's pipe; a job is done
    when its child says so, dies, or runs out of time.
    """

    def __init__(self, max_running: int = MAX_RUNNING, timeout_s: float = TIMEOUT_S) -> None:
        self.max_running = max_running
        self.timeout_s = timeout_s
        self.on_ready: Callable[[], None] | None = None
        self._jobs: list[Job] = []  # running ones: a job leaves when it is done
        self._reading: dict[int, _Reading] = {}  # read fd -> job being read
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = -1, -1
        self._thread: threading.Thread | None = None

    @staticmethod
    def available() -> bool:
        return sys.platform.startswith("linux") and hasattr(os, "fork")

    def running(self) -> int:
        return len(self._jobs)

    def submit(self, values: Mapping[str, Any], hash_one: Callable[[Any], Any]) -> Job | None:
        """Fork a child hashing each value with ``hash_one``; None if that is not possible."""
        if not values or not self.available() or self.running() >= self.max_running:
            return None
        job = Job(tuple(values))
        parent, die_with_parent = os.getpid(), _death_signal()
        try:
            self._start_reader()
            read_fd, write_fd = os.pipe()
        except (OSError, RuntimeError):
            log.warning("jupyter-repro: no pipe for background hashing", exc_info=True)
            return None
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns about forking a threaded process; the child only hashes.
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            log.warning("jupyter-repro: fork failed; values stay incomplete", exc_info=True)
            return None
        if pid == 0:  # the child: never returns
            inherited = [read_fd, self._wake_r, self._wake_w, *self._reading]
            _child(write_fd, inherited, values, hash_one, parent, die_with_parent)
        os.close(write_fd)
        job.pid = pid
        with self._lock:
            self._reading[read_fd] = _Reading(job, time.monotonic() + self.timeout_s)
            self._jobs.append(job)
        os.write(self._wake_w, b"x")
        return job

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for every job; True if all are done."""
        end = time.monotonic() + timeout
        for job in list(self._jobs):
            if not job.done.wait(max(end - time.monotonic(), 0)):
                return False
        return True

    def cancel(self, job: Job, why: str) -> None:
        """Stop a job's child now (its results are no longer wanted): its slot is free at once."""
        with self._lock:
            if job not in self._jobs:
                return
            self._jobs.remove(job)
            job.failure = why
        _kill(job.pid)

    def close(self) -> None:
        """Kill children still hashing (at kernel exit)."""
        for job in list(self._jobs):
            if not job.done.is_set() and job.pid:
                _kill(job.pid)

    # -- the reader thread --------------------------------------------------------------------
    def _start_reader(self) -> None:
        if self._thread is not None:
            return
        self._wake_r, self._wake_w = os.pipe()
        thread = threading.Thread(target=self._read_all, name="jupyter-repro-hash", daemon=True)
        thread.start()
        self._thread = thread

    def _read_all(self) -> None:
        while True:
            with self._lock:
                fds = list(self._reading)
            ready, _, _ = select.select([self._wake_r, *fds], [], [], 1.0)
            if self._wake_r in ready:
                os.read(self._wake_r, 4096)
            now = time.monotonic()
            for fd in fds:
                reading = self._reading[fd]
                try:
                    if fd in ready:
                        reading.feed(os.read(fd, 1 << 20))
                    elif now >= reading.deadline:
                        reading.fail("timed out")
                except OSError:  # the pipe broke: this job fails, the thread carries on
                    reading.fail("failed")
                if reading.ended:
                    self._finish(fd, reading)

    def _finish(self, fd: int, reading: _Reading) -> None:
        job = reading.job
        if job.failure:
            _kill(job.pid)
        _reap(job.pid)
        with self._lock:
            del self._reading[fd]
            if job in self._jobs:  # not cancelled
                self._jobs.remove(job)
        os.close(fd)
        job.done.set()
        callback = self.on_ready
        if callback is not None:
            try:
                callback()
            except Exception:
                log.debug("jupyter-repro: on_ready failed", exc_info=True)


class _Reading:
    """Length-prefixed records of one child, as they arrive."""

    def __init__(self, job: Job, deadline: float) -> None:
        self.job = job
        self.deadline = deadline
        self.buffer = b""
        self.ended = False

    def feed(self, chunk: bytes) -> None:
        if not chunk:
            self.fail("died")  # end of the pipe before the end record
            return
        self.buffer += chunk
        try:
            while len(self.buffer) >= _LENGTH.size and not self.ended:
                size = _LENGTH.unpack_from(self.buffer)[0]
                if len(self.buffer) < _LENGTH.size + size:
                    return
                record = self.buffer[_LENGTH.size : _LENGTH.size + size]
                self.buffer = self.buffer[_LENGTH.size + size :]
                if record == _DONE:
                    self.ended = True
                    return
                name, result, seconds = pickle.loads(record)
                self.job.results[name] = (result, seconds)
        except Exception:
            log.warning("jupyter-repro: background hashing failed", exc_info=True)
            self.fail("failed")

    def fail(self, why: str) -> None:
        self.job.failure = self.job.failure or why  # a cancelled job keeps its reason
        self.ended = True


def _death_signal() -> Callable[[], object] | None:
    """A call that makes the calling process die with its parent (Linux's prctl), or None."""
    global _PRCTL
    if _PRCTL is False:
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            prctl = libc.prctl
            _PRCTL = lambda: prctl(1, signal.SIGKILL)  # noqa: E731 - PR_SET_PDEATHSIG is 1
        except (OSError, AttributeError):
            _PRCTL = None
    return _PRCTL


_PRCTL: Any = False


def _child(
    write_fd: int,
    close_fds: list[int],
    values: Mapping[str, Any],
    hash_one: Callable[[Any], Any],
    parent: int,
    die_with_parent: Callable[[], object] | None,
) -> None:
    """Hash and report, then leave without running anything of the kernel's."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.setpgid(0, 0)  # out of the kernel's process group (see the module docstring)
        if die_with_parent is not None:
            die_with_parent()
        if os.getppid() != parent:
            return  # the kernel died before the death signal was set
        os.nice(19)  # the user's own work comes first: this only uses what the kernel leaves
        gc.disable()
        for fd in close_fds:
            _close(fd)
        null = os.open(os.devnull, os.O_RDWR)
        for std in (0, 1, 2):
            os.dup2(null, std)
        # ipykernel's streams hand text to threads this process does not have (and their locks
        # may have been held when it forked): a warning raised while hashing goes nowhere.
        sys.stdout = sys.stderr = open(os.devnull, "w")  # lives until _exit
        warnings.simplefilter("ignore")
        for name, value in values.items():
            start = time.perf_counter()
            result = hash_one(value)
            record = pickle.dumps((name, result, time.perf_counter() - start), protocol=5)
            _write_all(write_fd, _LENGTH.pack(len(record)) + record)
        _write_all(write_fd, _LENGTH.pack(len(_DONE)) + _DONE)
    except BaseException:  # noqa: BLE001 - the parent sees the missing names as failed
        pass
    finally:
        os._exit(0)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _close(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
