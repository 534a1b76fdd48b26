"""Linux inotify through ctypes: files under the project tree that were opened, read or written.

Usage::

    watcher = InotifyWatcher.create(project_root)  # None when inotify is unavailable
    found = watcher.drain()   # {absolute path: READ | WRITE | ... bits} since the last drain
    watcher.drain(found)      # accumulate: bits stay in event order across drains
    settle(found)             # at the end of the window: still-open files count as read
    watcher.close()

The tree is watched recursively once, skipping ``IGNORED_DIRS``, hidden folders and virtual
environments, up to ``MAX_WATCHES`` folders. Folders created later get watches at the next drain,
and files already inside them are reported as created (and read, if their atime is later than
their mtime); native reads of those files before the drain cannot be seen otherwise.
inotify reports every process alike: the file tracker uses it as a hint only (files this
process holds open, files others changed), never to credit a cell with a read or a write.
"""

from __future__ import annotations

import ctypes
import logging
import os
import stat
import struct
from collections import deque

log = logging.getLogger(__name__)

READ, WRITE, READ_FIRST, DELETED, CREATED, OPENED = 1, 2, 4, 8, 16, 32
#: The content changed (written, truncated, created, moved in): WRITE also covers a file opened
#: for writing and closed unchanged, as a database or a memory map opened read-write is.
MODIFIED = 64

IGNORED_DIRS = frozenset(
    {".git", ".hg", ".svn", ".repro", ".ipynb_checkpoints", "node_modules", "__pycache__",
     ".venv", "venv", ".tox", ".nox", "site-packages", "dist-packages"}
)  # fmt: skip
MAX_WATCHES = 2000

_OPEN, _MODIFY, _CLOSE_WRITE, _CLOSE_NOWRITE = 0x20, 0x02, 0x08, 0x10
_MOVED_FROM, _MOVED_TO, _CREATE, _DELETE = 0x40, 0x80, 0x100, 0x200
_DELETE_SELF, _Q_OVERFLOW, _IGNORED, _ISDIR = 0x400, 0x4000, 0x8000, 0x40000000
_ONLYDIR, _EXCL_UNLINK = 0x01000000, 0x04000000
_MASK = (_OPEN | _MODIFY | _CLOSE_WRITE | _CLOSE_NOWRITE | _MOVED_FROM | _MOVED_TO | _CREATE
         | _DELETE | _DELETE_SELF | _ONLYDIR | _EXCL_UNLINK)  # fmt: skip
_HEADER = struct.Struct("iIII")


class InotifyWatcher:
    """One inotify instance watching a directory tree; not thread-safe, drain from one thread."""

    def __init__(self, libc: ctypes.CDLL, fd: int, root: str) -> None:
        self._libc, self._fd, self.root = libc, fd, root
        self._dirs: dict[int, str] = {}
        self._capped = self._exhausted = self.overflowed = False
        self._add_tree(root)

    @classmethod
    def create(cls, root: str | os.PathLike[str]) -> InotifyWatcher | None:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
            fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        except (OSError, AttributeError):
            return None  # not Linux, or a libc without inotify
        if fd < 0:
            log.info("inotify unavailable (%s)", os.strerror(ctypes.get_errno()))
            return None
        return cls(libc, fd, os.path.abspath(root))

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def drain(self, found: dict[str, int] | None = None) -> dict[str, int]:
        """Consume queued events into ``found`` (a new dict by default) and return it."""
        found = {} if found is None else found
        while self._fd >= 0:
            try:
                buf = os.read(self._fd, 65536)
            except (BlockingIOError, InterruptedError):
                break
            offset = 0
            while offset < len(buf):
                wd, mask, _cookie, size = _HEADER.unpack_from(buf, offset)
                name = buf[offset + 16 : offset + 16 + size].rstrip(b"\0")
                offset += 16 + size
                self._event(found, wd, mask, os.fsdecode(name))
        return found

    def _event(self, found: dict[str, int], wd: int, mask: int, name: str) -> None:
        if mask & _Q_OVERFLOW:
            self.overflowed = True  # events were lost; the caller decides whether it matters
            return
        if mask & (_IGNORED | _DELETE_SELF):
            self._dirs.pop(wd, None)
            return
        parent = self._dirs.get(wd)
        if parent is None or not name:
            return
        path = parent + "/" + name
        if mask & _ISDIR:
            if mask & (_CREATE | _MOVED_TO) and _watchable(name):
                for file_path, bits in self._add_tree(path).items():
                    found[file_path] = found.get(file_path, 0) | bits
            return
        bits = found.get(path, 0)
        if mask & _CLOSE_NOWRITE:
            bits |= READ if bits & WRITE else READ | READ_FIRST
        if mask & (_MODIFY | _CLOSE_WRITE | _MOVED_TO):
            bits |= WRITE
        if mask & (_MODIFY | _MOVED_TO):
            bits |= MODIFIED
        if mask & _CREATE:
            bits |= WRITE | CREATED | MODIFIED
        if mask & (_DELETE | _MOVED_FROM):
            bits |= DELETED
        found[path] = bits | (OPENED if mask & _OPEN else 0)

    def _add_tree(self, top: str) -> dict[str, int]:
        """Watch ``top`` and its sub-folders breadth first; return the files found (new trees)."""
        files: dict[str, int] = {}
        report = top != self.root  # the initial tree's files were there before any cell
        queue = deque([top])
        while queue and not self._exhausted:
            folder = queue.popleft()
            try:
                with os.scandir(folder) as it:
                    entries = list(it)
            except OSError:
                continue
            names = {e.name for e in entries}
            if folder != self.root and ("pyvenv.cfg" in names or "conda-meta" in names):
                continue  # a virtual environment: library files, not data
            if not self._watch(folder):
                return files
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if _watchable(entry.name):
                        queue.append(entry.path)
                elif report and (bits := _new_file_bits(entry)):
                    files[entry.path] = bits
        return files

    def _watch(self, folder: str) -> bool:
        if len(self._dirs) >= MAX_WATCHES:
            if not self._capped:
                self._capped = True
                log.warning("watching only %d folders of %s for native file access; files in "
                            "the others are seen only through Python's open()", MAX_WATCHES,
                            self.root)  # fmt: skip
            return False
        wd = self._libc.inotify_add_watch(self._fd, os.fsencode(folder), _MASK)
        if wd < 0:
            errno = ctypes.get_errno()
            if errno == 28:  # ENOSPC: the per-user watch limit is reached
                self._exhausted = True
                log.warning("inotify watch limit reached; native reads are partly unrecorded")
            return errno != 28
        self._dirs[wd] = folder
        return True


def settle(found: dict[str, int]) -> dict[str, int]:
    """Final bits: a file opened and neither closed nor written yet is a reader, as far as we know
    (an ``h5py.File`` left open)."""
    for path, bits in found.items():
        if bits & OPENED and not bits & (READ | WRITE):
            found[path] = bits | READ
    return found


def _watchable(name: str) -> bool:
    return not name.startswith(".") and name not in IGNORED_DIRS


def _new_file_bits(entry: os.DirEntry[str]) -> int:
    try:
        st = entry.stat(follow_symlinks=False)
    except OSError:
        return 0
    if not stat.S_ISREG(st.st_mode):
        return 0
    # With relatime, a read after the last write moves atime past mtime: a hint that the cell
    # read the file back before we could watch its folder.
    read = READ if st.st_atime_ns > st.st_mtime_ns else 0
    return WRITE | CREATED | MODIFIED | read
