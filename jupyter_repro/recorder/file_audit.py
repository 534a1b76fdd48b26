"""Python-level file opens, seen through one process-wide audit hook (PEP 578).

Usage (by :class:`~.file_tracker.FileTracker`)::

    opens = PythonOpens(cache, skip=prefixes, every=2048, on_many=callback)
    opens.start()                  # installs the hook once per process, makes this one active
    ...                            # open(), os.open, os.rename/replace, os.remove are recorded
    events, snapshots = opens.stop()

``events`` maps paths (absolute, not yet normalised) to the bits of :mod:`.file_events`;
``snapshots`` holds, for files read and then overwritten or removed, the content as it was just
before: the hook runs before the operation, so the old content can still be hashed.

``sys.addaudithook`` cannot be undone, so the hook is registered once and forwards to the
active instance, if any. It runs inside user code for every audit event of the process: it
tests the event name first, and swallows every exception.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

from jupyter_repro.recorder.file_events import CREATED, DELETED, READ, READ_FIRST, WRITE
from jupyter_repro.recorder.file_hash_cache import FileHashCache, Known

#: Imports and extension modules: code, not data (and a cached import reads the .pyc only).
CODE_SUFFIXES = (".py", ".pyc", ".pyo", ".pyd", ".so")
_EVENTS = frozenset({"open", "os.rename", "os.remove"})
_ACTIVE: PythonOpens | None = None
_HOOKED = False
_FAILED = False
log = logging.getLogger(__name__)


def _note_failure() -> None:
    """Log the first failure of the hook, once per process: it may fail on every open after."""
    global _FAILED
    if not _FAILED:
        _FAILED = True  # set first: logging may open files, which calls the hook again
        log.debug("jupyter-repro: the file audit hook failed; files may be missing", exc_info=True)


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event in _EVENTS:
        opens = _ACTIVE
        if opens is not None:
            try:
                opens._on_event(event, args)
            except Exception:  # noqa: BLE001 - an audit hook must never raise into user code
                _note_failure()


class PythonOpens:
    """Collects one window of Python-level file events; one active instance per process."""

    def __init__(
        self,
        cache: FileHashCache,
        skip: tuple[str, ...] = (),
        every: int = 0,
        on_many: Callable[[], object] | None = None,
    ) -> None:
        self.cache, self.skip = cache, skip
        self.every, self.on_many = every, on_many
        self.events: dict[str, int] = {}
        self.snapshots: dict[str, Known | None] = {}
        self._count = 0
        self._busy: int | None = None  # the thread hashing a snapshot: its own opens are ours

    def start(self) -> None:
        global _ACTIVE, _HOOKED
        self.events, self.snapshots = {}, {}
        if not _HOOKED:
            sys.addaudithook(_audit)
            _HOOKED = True
        _ACTIVE = self

    def stop(self) -> tuple[dict[str, int], dict[str, Known | None]]:
        global _ACTIVE
        if _ACTIVE is self:
            _ACTIVE = None
        events, snapshots = self.events, self.snapshots
        self.events, self.snapshots = {}, {}
        return events, snapshots

    def _on_event(self, event: str, args: tuple[Any, ...]) -> None:
        if self._busy is not None and self._busy == threading.get_ident():
            return
        if event == "open":
            path, mode, flags = args
            if mode is None:  # os.open: only flags
                access = flags & os.O_ACCMODE
                bits = READ if access == os.O_RDONLY else WRITE
                if flags & os.O_EXCL and flags & os.O_CREAT:
                    bits = WRITE | CREATED  # a new file (tempfile's): nothing to read yet
                elif access == os.O_RDWR and not flags & os.O_TRUNC:
                    bits |= READ
            elif "x" in mode:
                bits = WRITE | CREATED
            elif "w" in mode or "a" in mode:
                bits = WRITE
            else:
                bits = READ | WRITE if "+" in mode else READ
            self._add(path, bits)
        elif event == "os.rename":
            self._add(args[0], DELETED)
            self._add(args[1], WRITE)
        else:
            self._add(args[0], DELETED)

    def _add(self, path: Any, bits: int) -> None:
        if type(path) is not str:
            if isinstance(path, int):
                return  # an already-open descriptor: its opening was recorded, if ever
            path = os.fsdecode(path)
        if path[:1] != "/" and not os.path.isabs(path):
            path = os.getcwd() + os.sep + path  # normalised once per path, after the window
        if path.startswith(self.skip) or path.endswith(CODE_SUFFIXES):
            return
        self._count += 1
        if self.on_many is not None and self._count % self.every == 0:
            self.on_many()
        old = self.events.get(path, 0)
        if old & bits == bits:
            return  # seen already: the common case of a loop reopening one file
        new = old | bits
        if bits & READ and not old & WRITE:
            new |= READ_FIRST
        changes = WRITE | DELETED
        if bits & changes and not old & changes and new & READ_FIRST and path not in self.snapshots:
            # About to be overwritten or removed: hash what the cell read while it still exists.
            self._busy = threading.get_ident()
            try:
                digest = self.cache.hash(path)
                self.snapshots[path] = self.cache.last_known(path) if digest else None
            finally:
                self._busy = None
        self.events[path] = new
