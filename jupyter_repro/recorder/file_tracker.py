"""Which files a cell read or wrote, as :class:`FileAccess` records: the kernel's own, only.

Usage, by the recorder around each cell::

    tracker = FileTracker(project_root)
    tracker.start_cell()
    ...                                # the cell runs
    accesses = tracker.end_cell()      # tuple[FileAccess, ...], sorted by (path, mode)
    tracker.close()                    # at kernel shutdown

A read or write is the cell's only when this process made it: Python-level ``open``,
``os.open``, ``os.rename``/``os.replace``, ``os.remove`` and ``sqlite3.connect`` through the
audit hook (:mod:`.file_audit`), and the calls of libraries that open files from C (pyarrow,
h5py, PyTables, torch) through :mod:`.native_io`'s hooks. inotify (:mod:`.file_events`) reports
every process's accesses under the project root, so it is only a hint: a file it reports counts
as the cell's if this process holds it open when the cell ends (``/proc/self/fd``: an HDF5 file
or a database connection kept across cells); otherwise, if the file was written or deleted, it
is recorded as mode ``changed_on_disk`` (another process, or a program the cell started, changed
it while the cell ran): never the cell's read or write, never a pipeline output. Its size and
mtime are kept, never its hash (it may be huge, or still being written).

Rules: ``r`` is a read, ``w``/``a``/``x`` a write, ``r+`` (and ``O_RDWR``, a database, an HDF5
file in ``a`` mode) a read, and a write only if the file changed. A file's hash is its content at
the end of the cell, except the *read* entry of a file read and then written in the same cell,
whose hash is the content before the first write: hashed by the audit hook just before the
write-open, else the last hash known for that file (from an earlier cell), else ``None``: on a
*read* entry, ``None`` means "content unknown". A file the cell deleted, and that existed before
it, is a write with hash ``None``; a temporary file made and deleted within the cell is nothing.
Paths inside the project root are relative with ``/`` separators; others are absolute. Ignored:
the Python installation, site-packages, IPython and Jupyter folders, system folders
(:mod:`.file_ignore`), ``file_events.IGNORED_DIRS`` inside the project, code files (imports are
not data), folders and non-regular files, SQLite's journals beside a database the cell opened;
and, when only inotify saw them, notebooks, hidden files and ``~`` backups: the server saving a
notebook is another process, not the cell.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterable

from jupyter_repro.recorder import native_io
from jupyter_repro.recorder.file_audit import CODE_SUFFIXES, SIDECARS, KernelOpens
from jupyter_repro.recorder.file_events import (
    CREATED,
    DELETED,
    IGNORED_DIRS,
    MODIFIED,
    READ,
    READ_FIRST,
    WRITE,
    InotifyWatcher,
    settle,
)
from jupyter_repro.recorder.file_hash_cache import FileHashCache, Known
from jupyter_repro.recorder.file_ignore import ignored_prefixes
from jupyter_repro.store.models import CHANGED_ON_DISK, FileAccess

log = logging.getLogger(__name__)

#: Python-level opens also queue inotify events; draining every so many keeps a cell that opens
#: thousands of files from overflowing the kernel queue (16384 events) and losing others.
DRAIN_EVERY = 2048
_CHANGES = WRITE | DELETED
#: What inotify must report for a file to count as changed by someone else (not merely opened
#: for writing and closed unchanged).
_ALTERED = MODIFIED | DELETED
Seen = dict[str, tuple[str, int]]  # name -> (absolute path, bits)


class FileTracker:
    """Records the file accesses of one cell at a time; one active tracker per process."""

    def __init__(
        self, project_root: str | os.PathLike[str], ignore: Iterable[str | os.PathLike[str]] = ()
    ) -> None:
        root = os.path.abspath(project_root)
        real = os.path.realpath(root)
        self.roots = tuple({root + "/", real + "/"})
        # /proc/self/fd names resolved paths; inotify's are under the root as given.
        self._resolve = (root + "/", real + "/") if real != root else None
        self.cache = FileHashCache()
        self._native: dict[str, int] = {}
        self._in_cell = self._warned = False
        self.watcher = InotifyWatcher.create(root)
        if self.watcher is None:
            log.info("inotify unavailable: files changed by other processes are not noted")
        skip = ignored_prefixes(root, extra=ignore)
        self._opens = KernelOpens(self.cache, skip, DRAIN_EVERY, self._drain)
        native_io.install()

    def start_cell(self) -> None:
        if self.watcher is not None:
            # Events between cells are not the cell's, but a change means our last-known hash
            # of that file is stale.
            for path, bits in self.watcher.drain().items():
                if bits & _CHANGES:
                    self.cache.forget(path)
            self.watcher.overflowed = False
        native_io.refresh()
        self._native = {}
        self._in_cell = True
        self._opens.start()

    def end_cell(self) -> tuple[FileAccess, ...]:
        window = self._opens.stop()
        hints, self._native = settle(self._drain()), {}
        if not self._in_cell:
            return ()  # no cell was running: whatever happened is no cell's
        self._in_cell = False
        if self.watcher is not None and self.watcher.overflowed and not self._warned:
            self._warned = True
            log.warning("inotify queue overflowed: files changed by other processes may be missing")
        snapshots = {os.path.normpath(p): known for p, known in window.snapshots.items()}
        own: Seen = {}
        for path, bits in window.events.items():
            path = os.path.normpath(path)
            name = self._name(path)
            if name is not None:
                _, old = own.get(name, (path, 0))
                own[name] = (path, old | bits)
        updated = {self._name(os.path.normpath(p)) for p in window.updated}
        changed = self._others(hints, own, updated)
        out: list[FileAccess] = []
        for name, (path, bits) in own.items():
            out.extend(self._accesses(name, path, bits, snapshots))
        for name, (path, bits) in changed.items():
            out.extend(self._changed(name, path, bits))
        return tuple(sorted(out, key=lambda a: (a.path, a.mode)))

    def close(self) -> None:
        self._opens.stop()
        if self.watcher is not None:
            self.watcher.close()

    def _drain(self) -> dict[str, int]:
        return self.watcher.drain(self._native) if self.watcher is not None else self._native

    def _others(self, hints: dict[str, int], own: Seen, updated: set[str | None]) -> Seen:
        """Sort inotify's reports: files this process holds open join ``own``; files written or
        deleted by someone else are returned, as changed on disk; other reads are dropped."""
        changed: Seen = {}
        unknown: Seen = {}
        for path, bits in hints.items():
            path = os.path.normpath(path)
            name = self._name(path)
            if name is None or _other_process_file(name) or _sidecar(name, updated):
                continue
            if name not in own:
                unknown[name] = (path, bits)
            elif bits & _ALTERED and not own[name][1] & _CHANGES and name not in updated:
                # (opened for update, it was compared: its changes, if any, are the cell's)
                changed[name] = (path, bits)  # the cell read it; someone else changed it
        if unknown:
            held = _open_files()
            for name, (path, bits) in unknown.items():
                if self._resolved(path) in held:
                    # Written only if the content changed, not merely closed after writing.
                    own[name] = (path, bits & ~WRITE | (WRITE if bits & MODIFIED else 0))
                elif bits & _ALTERED:
                    changed[name] = (path, bits)
        return changed

    def _resolved(self, path: str) -> str:
        if self._resolve is not None and path.startswith(self._resolve[0]):
            return self._resolve[1] + path[len(self._resolve[0]) :]
        return path

    def _name(self, path: str) -> str | None:
        if path.startswith(self._opens.skip) or path.endswith(CODE_SUFFIXES):
            return None
        for root in self.roots:
            if path.startswith(root):
                rel = path[len(root) :].replace(os.sep, "/")
                return None if any(p in IGNORED_DIRS for p in rel.split("/")[:-1]) else rel
        return path

    def _changed(self, name: str, path: str, bits: int) -> list[FileAccess]:
        """A file another process wrote or deleted while the cell ran: its size and mtime."""
        self.cache.forget(path)
        try:
            st = os.stat(path)
        except OSError:
            return [] if bits & CREATED else [FileAccess(name, CHANGED_ON_DISK, None, None, None)]
        if not stat.S_ISREG(st.st_mode):
            return []
        return [FileAccess(name, CHANGED_ON_DISK, None, st.st_size, st.st_mtime_ns)]

    def _accesses(
        self, name: str, path: str, bits: int, snapshots: dict[str, Known | None]
    ) -> list[FileAccess]:
        # Looked up before hashing the end state, which replaces the file's last-known entry.
        changed = bits & _CHANGES
        before = self._read_before(name, path, snapshots) if changed and bits & READ_FIRST else []
        try:
            st = os.stat(path)
        except OSError:
            existed = bits & READ_FIRST or self.cache.last_known(path) or not bits & WRITE
            if bits & DELETED and not bits & CREATED and existed:
                return [FileAccess(name, "write", None, None, None), *before]
            return []  # never existed (a failed open), or a temporary file made and deleted
        if not stat.S_ISREG(st.st_mode):
            return []
        digest = self.cache.hash(path, st)
        out = []
        if changed:
            out.append(FileAccess(name, "write", digest, st.st_size, st.st_mtime_ns))
            if bits & READ_FIRST:
                return out + before
        if bits & READ:
            out.append(FileAccess(name, "read", digest, st.st_size, st.st_mtime_ns))
        return out

    def _read_before(
        self, name: str, path: str, snapshots: dict[str, Known | None]
    ) -> list[FileAccess]:
        """The read entry of a file read and then written: its content before the write."""
        if path in snapshots:
            known = snapshots[path]
            if known is None:
                return []  # it did not exist when first written: the read had failed
        else:
            known = self.cache.last_known(path)
        if known is None:
            return [FileAccess(name, "read", None, None, None)]
        return [FileAccess(name, "read", known.hash, known.size, known.mtime_ns)]


def _other_process_file(name: str) -> bool:
    """Files inotify reports that are most likely not the cell's: notebooks saved by the server,
    hidden files (``.jupyter_ystore.db``, ``.~nb.ipynb``), editor backups."""
    base = name.rsplit("/", 1)[-1]
    return base.endswith((".ipynb", "~")) or base.startswith(".")


def _sidecar(name: str, opened: set[str | None]) -> bool:
    """A journal SQLite keeps beside a database this process opened."""
    return any(name.endswith(s) and name[: -len(s)] in opened for s in SIDECARS)


def _open_files() -> set[str]:
    """The resolved paths of the files this process holds open (empty where /proc is absent)."""
    try:
        fds = os.listdir("/proc/self/fd")
    except OSError:
        return set()
    held = set()
    for fd in fds:
        try:
            target = os.readlink("/proc/self/fd/" + fd)
        except OSError:
            continue  # closed meanwhile (the listing's own descriptor)
        if target.startswith("/"):
            held.add(target.removesuffix(" (deleted)"))
    return held
