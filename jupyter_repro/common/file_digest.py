"""Content digests of data files: ``xxh3:<hex>`` as lineage records them, sha256 for locks.

Usage::

    file_xxh3(path)              # "xxh3:<32 hex>", the digest the recorder stores for a file
    stream_xxh3(stream, size)    # the same, of an open file (the recorder checks its stat too)
    xxh3, sha256 = file_digests(path)  # both, reading the file once (export locks pin sha256)

Files are read in chunks, so a multi-GB file never sits in memory. ``OSError`` propagates: the
caller knows whether a missing file is an error or a finding.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Protocol

import xxhash

CHUNK = 8 * 1024 * 1024
XXH3_PREFIX = "xxh3:"


def file_xxh3(path: Path, chunk: int = CHUNK) -> str:
    """The xxh3-128 digest of the file's content, as the recorder writes it."""
    with open(path, "rb", buffering=0) as stream:
        return stream_xxh3(stream, os.fstat(stream.fileno()).st_size, chunk)


class Readable(Protocol):
    def readinto(self, buffer: bytearray, /) -> int | None: ...


def stream_xxh3(stream: Readable, size_hint: int, chunk: int = CHUNK) -> str:
    """The xxh3-128 digest of what is left in an open binary stream.

    One reusable buffer and ``readinto``: no allocation per chunk, for multi-GB files. The
    recorder opens the file itself so it can compare the file's stat before and after.
    """
    digest = xxhash.xxh3_128()
    buf = bytearray(min(chunk, max(size_hint, 1)))
    view = memoryview(buf)
    while n := stream.readinto(buf):
        digest.update(view[:n])
    return XXH3_PREFIX + digest.hexdigest()


def file_digests(path: Path) -> tuple[str, str]:
    """(xxh3, sha256) of a file's content, read once."""
    fast, slow = xxhash.xxh3_128(), hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(CHUNK), b""):
            fast.update(block)
            slow.update(block)
    return XXH3_PREFIX + fast.hexdigest(), slow.hexdigest()
