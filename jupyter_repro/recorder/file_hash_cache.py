"""Content hashes of files, cached by their stat signature so unchanged files are never re-read.

Usage::

    cache = FileHashCache()
    cache.hash("data/train.csv")        # "xxh3:<32 hex>", reads the file once
    cache.hash("data/train.csv")        # same answer from a single stat() call
    cache.last_known("data/train.csv")  # (hash, size, mtime_ns) of the last hash, or None

The key is ``(size, mtime_ns, inode, dev)``, as DVC does: a file rewritten in place gets a new
mtime, a file replaced by rename gets a new inode. The cache is an in-memory dict; the store may
persist ``entries()`` between sessions, which is not this module's concern.
"""

from __future__ import annotations

import os
import stat
import time
from typing import NamedTuple

from ..common.file_digest import stream_xxh3

CHUNK_SIZE = 8 * 1024 * 1024
#: Kernel file timestamps come from a coarse clock (one tick, 1-10 ms, behind real time). A file
#: whose mtime falls within this window of the moment we started reading it may have been
#: modified again without changing its key, so its hash is returned but not cached (racy git).
RACY_WINDOW_NS = 20_000_000
#: Bound on memory in a long session; the oldest entries go first.
MAX_ENTRIES = 100_000

StatKey = tuple[int, int, int, int]


class Known(NamedTuple):
    hash: str
    size: int
    mtime_ns: int


def stat_key(st: os.stat_result) -> StatKey:
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)


class FileHashCache:
    """Maps a file's stat key to the xxh3-128 of its content."""

    def __init__(self, chunk_size: int = CHUNK_SIZE) -> None:
        self.chunk_size = chunk_size
        #: How many files were actually read; tests and metrics use it.
        self.files_read = 0
        self._by_key: dict[StatKey, str] = {}
        self._by_path: dict[str, Known] = {}

    def hash(self, path: str | os.PathLike[str], st: os.stat_result | None = None) -> str | None:
        """``"xxh3:<hex>"`` of the file's content, or None if it is not a readable regular file.

        Pass ``st`` when the caller has just stat'ed the file, to save a system call.
        """
        path = os.fspath(path)
        try:
            # A second attempt covers a file that was being written while we read it.
            for _ in range(2):
                if st is None:
                    st = os.stat(path)
                if not stat.S_ISREG(st.st_mode):
                    return None
                key = stat_key(st)
                digest = self._by_key.get(key) or self._read(path, key)
                if digest is not None:
                    if len(self._by_path) >= MAX_ENTRIES:
                        del self._by_path[next(iter(self._by_path))]
                    self._by_path[path] = Known(digest, st.st_size, st.st_mtime_ns)
                    return digest
                st = None
        except OSError:
            pass
        return None

    def last_known(self, path: str | os.PathLike[str]) -> Known | None:
        """What the file was the last time it was hashed (it may have changed since)."""
        return self._by_path.get(os.fspath(path))

    def forget(self, path: str | os.PathLike[str]) -> None:
        """Drop the last-known entry of a path that is known to have changed."""
        self._by_path.pop(os.fspath(path), None)

    def entries(self) -> dict[StatKey, str]:
        return dict(self._by_key)

    def __len__(self) -> int:
        return len(self._by_key)

    def _read(self, path: str, key: StatKey) -> str | None:
        started = time.time_ns()
        with open(path, "rb", buffering=0) as f:
            digest = stream_xxh3(f, key[0], self.chunk_size)
            after = os.fstat(f.fileno())
        self.files_read += 1
        if stat_key(after) != key:
            return None  # modified while we read it: no trustworthy answer
        if key[1] < started - RACY_WINDOW_NS:
            if len(self._by_key) >= MAX_ENTRIES:
                del self._by_key[next(iter(self._by_key))]
            self._by_key[key] = digest
        return digest
