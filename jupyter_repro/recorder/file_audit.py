"""The kernel process's own file opens: Python-level ones through one process-wide audit hook
(PEP 578), native ones as :mod:`.native_io`'s library hooks report them.

Usage (by :class:`~.file_tracker.FileTracker`)::

    opens = KernelOpens(cache, skip=prefixes, every=2048, on_many=callback)
    opens.start()                  # installs the hook once per process, makes this one active
    ...                            # open(), os.open, os.rename/replace, os.remove, sqlite3.connect
    window = opens.stop()          # .events, .snapshots, .updated

    active()                       # the active instance, for native_io's hooks (None between cells)
    active().claim(path, WRITE)    # a library call about to write ``path`` natively

``events`` maps paths (absolute, not yet normalised) to the bits of :mod:`.file_events`;
``snapshots`` holds, for files read and then overwritten or removed, the content as it was just
before: the hook runs before the operation, so the old content can still be hashed.

Opened for update (``r+``, ``O_RDWR``, ``sqlite3.connect``, ``h5py.File(..., "a")``) is a read,
and a write too only if the file, or its SQLite journal or WAL, changed by the end of the window:
a memory map or a database only read is never a write (so never a pipeline output).

Accesses from the recorder's own threads (named ``jupyter-repro-...``: the store's writer, data
snapshots, background hashing) are never recorded. An audit hook cannot be undone, so it is
registered once and forwards to the active instance, if any. Where the package was built with
its C filter (``_audit_filter.c``), only the recorded events reach Python; else a Python hook
runs inside user code for every audit event of the process, testing the event name first.
Either way every exception is swallowed.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

from jupyter_repro.recorder.file_events import CREATED, DELETED, READ, READ_FIRST, WRITE
from jupyter_repro.recorder.file_hash_cache import FileHashCache, Known, StatKey, stat_key

#: Imports and extension modules: code, not data (and a cached import reads the .pyc only).
CODE_SUFFIXES = (".py", ".pyc", ".pyo", ".pyd", ".so")
#: The name every thread of the recorder starts with: their file accesses are not the cell's.
RECORDER_THREADS = "jupyter-repro"
#: Files SQLite keeps beside a database: part of it, never data of their own.
SIDECARS = ("-journal", "-wal", "-shm")
_EVENTS = frozenset({"open", "os.rename", "os.remove", "sqlite3.connect"})
_CHANGES = WRITE | DELETED
_ACTIVE: KernelOpens | None = None
#: How the hook was installed ("compiled" or "python"), once it is.
_HOOKED: str | None = None
_FAILED = False
log = logging.getLogger(__name__)

Signature = tuple[StatKey | None, ...]


class Window(NamedTuple):
    """What one window saw: bits per path, contents before a change, paths opened for update."""

    events: dict[str, int]
    snapshots: dict[str, Known | None]
    updated: frozenset[str]


def _install_hook() -> str:
    """Install the process's hook: the C filter when it was built (``_audit_filter.c``: every
    other audit event then goes without a Python call, where a Python hook costs each one
    0.4 us, 45 ms for an import of statsmodels), else a Python hook with the same records."""
    try:
        from jupyter_repro.recorder import _audit_filter
    except ImportError:
        log.debug("jupyter-repro: no compiled audit filter; a Python audit hook records opens")
        sys.addaudithook(_audit)
        return "python"
    _audit_filter.install(_audit)
    return "compiled"


def hook_kind() -> str | None:
    """How this process's file hook was installed: "compiled", "python", or None (not yet)."""
    return _HOOKED


def active() -> KernelOpens | None:
    """The instance recording now, if a cell is running."""
    return _ACTIVE


def note_failure() -> None:
    """Log the first failure of a hook, once per process: it may fail on every open after."""
    global _FAILED
    if not _FAILED:
        _FAILED = True  # set first: logging may open files, which calls the hook again
        log.debug("jupyter-repro: a file hook failed; files may be missing", exc_info=True)


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event in _EVENTS:
        opens = _ACTIVE
        if opens is not None:
            try:
                path = args[0]
                if event == "open" and type(path) is str and path.endswith(CODE_SUFFIXES):
                    return  # an import reading its module: never recorded, 1,400 in a big import
                opens._on_event(event, args)
            except Exception:  # noqa: BLE001 - an audit hook must never raise into user code
                note_failure()


class KernelOpens:
    """Collects one window of this process's file events; one active instance per process."""

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
        self.updates: dict[str, Signature] = {}
        self._count = 0
        self._busy: int | None = None  # the thread hashing a snapshot: its own opens are ours

    def start(self) -> None:
        global _ACTIVE, _HOOKED
        self.events, self.snapshots, self.updates = {}, {}, {}
        if _HOOKED is None:
            _HOOKED = _install_hook()
        _ACTIVE = self

    def stop(self) -> Window:
        global _ACTIVE
        if _ACTIVE is self:
            _ACTIVE = None
        for path, before in self.updates.items():
            if _signature(path) == before:
                continue
            known = self.snapshots.get(path)
            if known is not None and self.cache.hash(path) == known.hash:
                continue  # rewritten as it was (HDF5 rewrites its header when closed)
            created = CREATED if before[0] is None else 0
            self.events[path] = self.events.get(path, 0) | WRITE | created
        window = Window(self.events, self.snapshots, frozenset(self.updates))
        self.events, self.snapshots, self.updates = {}, {}, {}
        return window

    # -- what native_io's hooks report ---------------------------------------------------------
    def claim(self, path: Any, bits: int, opened: bool = False) -> None:
        """A native call is about to read (``READ``), write (``WRITE``) or delete ``path``;
        ``opened``: through a descriptor opened already (too late to keep what was read)."""
        if not _recorder_thread():
            self._add(path, bits, snapshot=not opened)

    def claim_update(self, path: Any) -> None:
        """``path`` is opened for update: a read, and a write if it differs at the end."""
        path = None if _recorder_thread() else self._absolute(path)
        if path is None:
            return
        if path not in self.updates:
            self.updates[path] = _signature(path)
        self._add(path, READ)
        if self.events.get(path, 0) & (READ_FIRST | _CHANGES) == READ_FIRST:
            self._snapshot(path)  # it may be written later in the window: keep what was read

    def prepare_change(self, path: Any) -> None:
        """``path`` may be overwritten in a moment (a dataset write): keep what was read first."""
        path = self._absolute(path)
        if path is not None and self.events.get(path, 0) & (READ_FIRST | _CHANGES) == READ_FIRST:
            self._snapshot(path)

    # -- internals -----------------------------------------------------------------------------
    def _on_event(self, event: str, args: tuple[Any, ...]) -> None:
        if self._busy is not None and self._busy == threading.get_ident() or _recorder_thread():
            return
        if event == "open":
            path, mode, flags = args
            if mode is None:  # os.open: only flags
                access = flags & os.O_ACCMODE
                if flags & os.O_EXCL and flags & os.O_CREAT:
                    bits = WRITE | CREATED  # a new file (tempfile's): nothing to read yet
                elif access == os.O_RDWR and not flags & os.O_TRUNC:
                    self.claim_update(path)
                    return
                else:
                    bits = READ if access == os.O_RDONLY else WRITE
            elif "x" in mode:
                bits = WRITE | CREATED
            elif "w" in mode or "a" in mode:
                bits = WRITE
            elif "+" in mode:
                self.claim_update(path)  # "r+": a memory map opened read-write, say
                return
            else:
                bits = READ
            self._add(path, bits)
        elif event == "os.rename":
            self._add(args[0], DELETED)
            self._add(args[1], WRITE)
        elif event == "sqlite3.connect":
            database = _sqlite_path(args[0])
            if database is not None:
                self.claim_update(database)
        else:
            self._add(args[0], DELETED)

    def _absolute(self, path: Any) -> str | None:
        """The path as recorded (absolute, not normalised), or None: a descriptor, or skipped."""
        if type(path) is not str:
            if isinstance(path, int):
                return None  # an already-open descriptor: its opening was recorded, if ever
            path = os.fsdecode(path)
        if path[:1] != "/" and not os.path.isabs(path):
            path = os.getcwd() + os.sep + path  # normalised once per path, after the window
        if path.startswith(self.skip) or path.endswith(CODE_SUFFIXES):
            return None
        return path

    def _add(self, path: Any, bits: int, snapshot: bool = True) -> None:
        path = self._absolute(path)
        if path is None:
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
        if snapshot and bits & _CHANGES and not old & _CHANGES and new & READ_FIRST:
            # About to be overwritten or removed: hash what the cell read while it still exists.
            self._snapshot(path)
        self.events[path] = new

    def _snapshot(self, path: str) -> None:
        if path in self.snapshots:
            return
        self._busy = threading.get_ident()
        try:
            digest = self.cache.hash(path)
            self.snapshots[path] = self.cache.last_known(path) if digest else None
        finally:
            self._busy = None


def _recorder_thread() -> bool:
    """The recorder's own threads (store writer, data snapshots, hashing: all named so) read
    and write files too, while a cell runs: never the cell's."""
    return threading.current_thread().name.startswith(RECORDER_THREADS)


def _signature(path: str) -> Signature:
    """Stat keys of a file and of the SQLite journal and WAL beside it (None: absent)."""
    out: list[StatKey | None] = []
    for name in (path, path + "-journal", path + "-wal"):
        try:
            out.append(stat_key(os.stat(name)))
        except OSError:
            out.append(None)
    return tuple(out)


def _sqlite_path(database: Any) -> str | bytes | None:
    """The file behind ``sqlite3.connect``'s argument; None for in-memory databases."""
    if isinstance(database, os.PathLike):
        database = os.fspath(database)
    if isinstance(database, bytes):
        database = os.fsdecode(database)
    if not isinstance(database, str) or database in ("", ":memory:"):
        return None
    if database.startswith("file:"):  # a URI (uri=True): the path, without its query
        parts = urlsplit(database)
        if "mode=memory" in parts.query or parts.path in ("", ":memory:"):
            return None
        return unquote(parts.path)
    return database
