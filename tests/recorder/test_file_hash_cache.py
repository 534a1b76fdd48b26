"""FileHashCache: correct content hashes, and unchanged files are never read twice."""

from __future__ import annotations

import os
import time
from pathlib import Path

import xxhash

from jupyter_repro.recorder.file_hash_cache import FileHashCache


def settled(path: Path) -> Path:
    """Move mtime a second into the past: out of the racy window, as any file not just written."""
    mtime = path.stat().st_mtime_ns - 1_000_000_000
    os.utime(path, ns=(mtime, mtime))
    return path


def test_hash_is_xxh3_128_of_the_content_in_any_chunk_size(tmp_path: Path) -> None:
    data = os.urandom(100_003)
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    expected = "xxh3:" + xxhash.xxh3_128_hexdigest(data)
    assert FileHashCache().hash(path) == expected
    assert FileHashCache(chunk_size=4096).hash(str(path)) == expected
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert FileHashCache().hash(empty) == "xxh3:" + xxhash.xxh3_128_hexdigest(b"")


def test_unchanged_file_is_not_read_again(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    with open(path, "wb") as f:
        block = os.urandom(1 << 20)
        for _ in range(200):
            f.write(block)
    settled(path)
    cache = FileHashCache()
    started = time.perf_counter()
    first = cache.hash(path)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    second = cache.hash(path)
    warm = time.perf_counter() - started
    assert first == second and first is not None
    assert cache.files_read == 1
    assert warm < cold / 20, (cold, warm)


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    path = settled_file(tmp_path, b"aaaa")
    cache = FileHashCache()
    before = cache.hash(path)
    path.write_bytes(b"bbbb")  # same size, new mtime
    settled(path)
    assert cache.hash(path) not in (None, before)
    replacement = tmp_path / "new"
    replacement.write_bytes(b"aaaa")
    settled(replacement)
    os.replace(replacement, path)  # new inode, same size, possibly same mtime
    assert cache.hash(path) == before
    assert cache.files_read == 3


def test_a_file_modified_within_the_clock_tick_is_not_cached(tmp_path: Path) -> None:
    # Written just now: another write in the same timestamp tick would keep the same key.
    path = tmp_path / "fresh.txt"
    path.write_text("x")
    cache = FileHashCache()
    cache.hash(path)
    cache.hash(path)
    assert cache.files_read == 2
    settled(path)
    cache.hash(path)
    cache.hash(path)
    assert cache.files_read == 3


def test_missing_files_and_folders_have_no_hash(tmp_path: Path) -> None:
    cache = FileHashCache()
    assert cache.hash(tmp_path / "missing") is None
    assert cache.hash(tmp_path) is None
    assert cache.files_read == 0


def test_last_known_and_forget(tmp_path: Path) -> None:
    path = settled_file(tmp_path, b"v1")
    cache = FileHashCache()
    assert cache.last_known(path) is None
    digest = cache.hash(path)
    known = cache.last_known(path)
    assert known is not None and known.hash == digest and known.size == 2
    assert known.mtime_ns == path.stat().st_mtime_ns
    cache.forget(path)
    assert cache.last_known(path) is None
    assert len(cache) == 1  # the stat-keyed entry stays valid


def test_passing_a_stat_result_saves_the_stat(tmp_path: Path) -> None:
    path = settled_file(tmp_path, b"abc")
    cache = FileHashCache()
    assert cache.hash(path, path.stat()) == cache.hash(path)
    assert cache.files_read == 1


def settled_file(folder: Path, content: bytes) -> Path:
    path = folder / "f.bin"
    path.write_bytes(content)
    return settled(path)
