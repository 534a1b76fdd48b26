"""Which files a cell read or wrote, as :class:`FileAccess` records.

Usage, by the recorder around each cell::

    tracker = FileTracker(project_root)
    tracker.start_cell()
    ...                                # the cell runs
    accesses = tracker.end_cell()      # tuple[FileAccess, ...], sorted by (path, mode)
    tracker.close()                    # at kernel shutdown

Two sources are merged: the audit hook (:mod:`.file_audit`) sees Python-level ``open``,
``os.open``, ``os.rename``/``os.replace`` and ``os.remove`` while a cell runs; inotify
(:mod:`.file_events`) sees native readers and writers under the project root.

Rules: ``r`` is a read, ``w``/``a``/``x`` a write, ``r+`` both. A file's hash is its content at
the end of the cell, except the *read* entry of a file read and then written in the same cell,
whose hash is the content before the first write: hashed by the audit hook just before the
write-open, else the last hash known for that file (from an earlier cell), else ``None``: on a
*read* entry, ``None`` means "content unknown". A file the cell deleted, and that existed before
it, is a write with hash ``None``; a temporary file made and deleted within the cell is nothing.
Paths inside the project root are relative with ``/`` separators; others are absolute. Ignored:
the Python installation, site-packages, IPython and Jupyter folders, system folders
(:mod:`.file_ignore`), ``file_events.IGNORED_DIRS`` inside the project, code files (imports are
not data), folders and non-regular files; and, when only inotify saw them, notebooks, hidden
files and ``~`` backups: the server saving a notebook is another process, not the cell.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterable

from jupyter_repro.recorder.file_audit import CODE_SUFFIXES, PythonOpens
from jupyter_repro.recorder.file_events import (
    CREATED,
    DELETED,
    IGNORED_DIRS,
    READ,
    READ_FIRST,
    WRITE,
    InotifyWatcher,
    settle,
)
from jupyter_repro.recorder.file_hash_cache import FileHashCache, Known
from jupyter_repro.recorder.file_ignore import ignored_prefixes
from jupyter_repro.store.models import FileAccess

log = logging.getLogger(__name__)

#: Python-level opens also queue inotify events; draining every so many keeps a cell that opens
#: thousands of files from overflowing the kernel queue (16384 events) and losing native ones.
DRAIN_EVERY = 2048


class FileTracker:
    """Records the file accesses of one cell at a time; one active tracker per process."""

    def __init__(
        self, project_root: str | os.PathLike[str], ignore: Iterable[str | os.PathLike[str]] = ()
    ) -> None:
        root = os.path.abspath(project_root)
        self.roots = tuple({root + "/", os.path.realpath(root) + "/"})
        self.cache = FileHashCache()
        self._native: dict[str, int] = {}
        self._in_cell = self._warned = False
        self.watcher = InotifyWatcher.create(root)
        if self.watcher is None:
            log.info("inotify unavailable: native readers (pyarrow, h5py) are not recorded")
        skip = ignored_prefixes(root, extra=ignore)
        self._opens = PythonOpens(self.cache, skip, DRAIN_EVERY, self._drain)

    def start_cell(self) -> None:
        if self.watcher is not None:
            # Events between cells are not the cell's, but a change means our last-known hash
            # of that file is stale.
            for path, bits in self.watcher.drain().items():
                if bits & (WRITE | DELETED):
                    self.cache.forget(path)
            self.watcher.overflowed = False
        self._native = {}
        self._in_cell = True
        self._opens.start()

    def end_cell(self) -> tuple[FileAccess, ...]:
        events, snapshots = self._opens.stop()
        native, self._native = settle(self._drain()), {}
        if not self._in_cell:
            return ()  # no cell was running: whatever happened is no cell's
        self._in_cell = False
        if self.watcher is not None and self.watcher.overflowed and not self._warned:
            self._warned = True
            log.warning("inotify queue overflowed: files read by native code may be missing")
        snapshots = {os.path.normpath(p): known for p, known in snapshots.items()}
        by_name: dict[str, tuple[str, int]] = {}
        for source in (events, native):
            for path, bits in source.items():
                path = os.path.normpath(path)
                name = self._name(path)
                if name is None or (source is native and _other_process_file(name)):
                    continue
                _, old = by_name.get(name, (path, 0))
                by_name[name] = (path, old | bits)
        out: list[FileAccess] = []
        for name, (path, bits) in by_name.items():
            out.extend(self._accesses(name, path, bits, snapshots))
        return tuple(sorted(out, key=lambda a: (a.path, a.mode)))

    def close(self) -> None:
        self._opens.stop()
        if self.watcher is not None:
            self.watcher.close()

    def _drain(self) -> dict[str, int]:
        return self.watcher.drain(self._native) if self.watcher is not None else self._native

    def _name(self, path: str) -> str | None:
        if path.startswith(self._opens.skip) or path.endswith(CODE_SUFFIXES):
            return None
        for root in self.roots:
            if path.startswith(root):
                rel = path[len(root) :].replace(os.sep, "/")
                return None if any(p in IGNORED_DIRS for p in rel.split("/")[:-1]) else rel
        return path

    def _accesses(
        self, name: str, path: str, bits: int, snapshots: dict[str, Known | None]
    ) -> list[FileAccess]:
        # Looked up before hashing the end state, which replaces the file's last-known entry.
        changed = bits & (WRITE | DELETED)
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
