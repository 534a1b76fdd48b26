"""The data cache: every version of a data file a session read, kept by content under ``.repro``.

A notebook that reads ``d.txt``, then reads it again after another process rewrote it, saw two
versions; only a copy of each lets ``verify`` replay the session and lets a user get back the
version a script needs. Usage::

    cache = DataCache(data_cache_dir(db_path), max_file_bytes=50 * MIB, max_total_bytes=GIB)
    cache.keep(Path("d.txt"), "xxh3:9f1c...")   # Kept.ADDED, PRESENT, TOO_BIG, CHANGED, NO_ROOM
    cache.find("xxh3:9f1c...")                  # the cached copy's path, or None
    cache.restore("xxh3:9f1c...", Path("d.txt"))  # write that version back (atomically)
    cache.discard({"xxh3:9f1c..."})             # delete these versions: (how many, bytes)

Layout: ``<cache>/<first two hex digits>/<32 hex digits>``, one read-only file per version,
named by the xxh3-128 digest the recorder stores for the read. A copy is a reflink where the file
system can share blocks (btrfs, XFS: free and instant), else a real copy; never a hard link,
which a later in-place write of the user's file would change. A copy is kept only when its
content has the recorded digest, so a file rewritten between the read and the copy is never
cached under the wrong version.

Limits: a version larger than ``max_file_bytes`` is not kept (``TOO_BIG``: the export suggests
``dvc add``); when the cache would grow past ``max_total_bytes``, versions are evicted first
those no lineage record references any more, then the least recently read, never one in
``protect`` (the running session's); if that does not make room, ``NO_ROOM``. OSError (a
read-only or full disk) propagates: the recorder turns snapshots off with one warning.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import stat
from collections.abc import Callable, Collection
from enum import Enum
from pathlib import Path

import xxhash

from ..project_settings import read_settings
from .file_digest import CHUNK, XXH3_PREFIX

#: The cache folder's name, beside the lineage database (``.repro/data``).
CACHE_DIR = "data"
#: ``0`` turns the recorder's snapshots off in one kernel (``verify``'s own runs keep nothing).
SNAPSHOTS_VAR = "JUPYTER_REPRO_DATA_VERSIONS"
MIB = 1024 * 1024
#: ``FICLONE`` from linux/fs.h: share the source's blocks (copy-on-write) instead of copying.
_FICLONE = 0x40049409


class Kept(Enum):
    ADDED = "added"
    PRESENT = "present"  # this version was cached already
    TOO_BIG = "too big"  # larger than the per-file limit
    CHANGED = "changed"  # the file no longer has the recorded content: nothing to keep
    NO_ROOM = "no room"  # the project limit is reached by versions that must stay


def data_cache_dir(db_path: Path) -> Path:
    """The cache folder of the store at ``db_path``: ``.repro/data`` beside ``lineage.db``."""
    return Path(db_path).parent / CACHE_DIR


def project_cache(db_path: Path, root: Path) -> DataCache:
    """The data cache of the store at ``db_path``, with the limits of the project at ``root``
    (a damaged settings file gives the defaults: reading the cache must work anyway)."""
    settings = read_settings(root, strict=False)
    return DataCache(
        data_cache_dir(db_path), settings.data_file_mb * MIB, settings.data_cache_mb * MIB
    )


def digest_hex(digest: str) -> str:
    """``"xxh3:<32 hex>"`` -> the hex part; ValueError for anything else (it names a file)."""
    hex_part = digest.removeprefix(XXH3_PREFIX)
    if not digest.startswith(XXH3_PREFIX) or len(hex_part) != 32 or not _is_hex(hex_part):
        raise ValueError(f"Not a data version (expected xxh3:<32 hex digits>): {digest!r}")
    return hex_part


class DataCache:
    """A content-addressed folder of data file versions, with size limits."""

    def __init__(self, folder: Path, max_file_bytes: int, max_total_bytes: int) -> None:
        self.folder = Path(folder)
        self.max_file_bytes = max_file_bytes
        self.max_total_bytes = max_total_bytes
        self._total: int | None = None  # bytes in the cache, counted on first need

    def path_for(self, digest: str) -> Path:
        hex_part = digest_hex(digest)
        return self.folder / hex_part[:2] / hex_part

    def find(self, digest: str) -> Path | None:
        """The cached copy of this version, or None."""
        try:
            path = self.path_for(digest)
        except ValueError:
            return None
        return path if path.is_file() else None

    def keep(
        self,
        source: Path,
        digest: str,
        *,
        protect: Collection[str] = (),
        referenced: Callable[[], Collection[str]] | None = None,
    ) -> Kept:
        """Cache ``source`` as version ``digest`` unless it is there already or over a limit.

        ``protect``: versions never evicted to make room; ``referenced()``: the versions lineage
        records still name, evicted only after the others (called only when evicting).
        """
        target = self.path_for(digest)
        if target.is_file():
            _touch(target)  # least recently *read* goes first
            return Kept.PRESENT
        size = os.stat(source).st_size
        if size > self.max_file_bytes:
            return Kept.TOO_BIG
        if not self._make_room(size, {*protect, digest}, referenced):
            return Kept.NO_ROOM
        if not self._copy(source, target, digest):
            return Kept.CHANGED
        self._total = (self._total or 0) + size
        return Kept.ADDED

    def restore(self, digest: str, target: Path) -> None:
        """Write version ``digest`` to ``target``, replacing it atomically; FileNotFoundError
        when the cache does not hold it. The written file is the user's: writable, umask mode."""
        cached = self.find(digest)
        if cached is None:
            raise FileNotFoundError(errno.ENOENT, f"Version {digest} is not in the data cache")
        temporary = target.with_name(f".{target.name}.repro-restore-{os.getpid()}")
        try:
            with open(cached, "rb") as src, open(temporary, "wb") as dst:
                if not _reflink(src.fileno(), dst.fileno()):
                    shutil.copyfileobj(src, dst, CHUNK)
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    def discard(self, digests: Collection[str], dry_run: bool = False) -> tuple[int, int]:
        """Delete the cached copies of these versions (``jupyter repro forget``: no record reads
        them any more); how many were cached, and their bytes. ``dry_run`` only counts them."""
        count = size = 0
        for digest in digests:
            path = self.find(digest)
            if path is None:
                continue
            try:
                found = path.stat().st_size
                if not dry_run:
                    path.unlink()
            except FileNotFoundError:
                continue  # another process evicted it meanwhile
            count, size = count + 1, size + found
        if count and not dry_run:
            self._total = None
        return count, size

    def versions(self) -> list[tuple[str, int, float]]:
        """Every cached version as (digest, size, last read time), oldest first."""
        found = []
        for shard in _listdir(self.folder):
            for entry in _scandir(self.folder / shard):
                if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
                    continue
                st = entry.stat(follow_symlinks=False)
                found.append((XXH3_PREFIX + entry.name, st.st_size, st.st_mtime))
        return sorted(found, key=lambda v: v[2])

    def total_bytes(self) -> int:
        if self._total is None:
            self._total = sum(size for _, size, _ in self.versions())
        return self._total

    def _make_room(
        self,
        size: int,
        protect: Collection[str],
        referenced: Callable[[], Collection[str]] | None,
    ) -> bool:
        if size > self.max_total_bytes:
            return False
        if self.total_bytes() + size <= self.max_total_bytes:
            return True
        self._total = None  # other kernels may have added versions: count again
        versions = [v for v in self.versions() if v[0] not in protect]
        named = set(referenced()) if referenced is not None else set()
        # Unreferenced first, then the least recently read (sorted is stable on the time).
        versions.sort(key=lambda v: v[0] in named)
        total = self.total_bytes()
        for digest, version_size, _ in versions:
            if total + size <= self.max_total_bytes:
                break
            self.path_for(digest).unlink(missing_ok=True)
            total -= version_size
        self._total = total
        return total + size <= self.max_total_bytes

    def _copy(self, source: Path, target: Path, digest: str) -> bool:
        """Copy (or reflink) ``source`` to ``target`` if its content has ``digest``."""
        _private_folders(target.parent)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            with open(source, "rb") as src, open(temporary, "wb") as dst:
                if _reflink(src.fileno(), dst.fileno()):
                    dst.flush()
                    with open(temporary, "rb") as copy:
                        found = _xxh3(copy.read)
                else:
                    found = _xxh3(src.read, dst.write)
            if found != digest:
                temporary.unlink()
                return False
            os.chmod(temporary, stat.S_IRUSR)
            os.replace(temporary, target)
            return True
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise


def _xxh3(read: Callable[[int], bytes], write: Callable[[bytes], object] | None = None) -> str:
    digest = xxhash.xxh3_128()
    while block := read(CHUNK):
        digest.update(block)
        if write is not None:
            write(block)
    return XXH3_PREFIX + digest.hexdigest()


def _reflink(src: int, dst: int) -> bool:
    """Share ``src``'s blocks with the empty file ``dst`` where the file system can."""
    try:
        fcntl.ioctl(dst, _FICLONE, src)
        return True
    except OSError:
        return False  # not supported here (ext4, tmpfs, across devices): copy instead


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass  # a read-only cache still serves its versions


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


def _listdir(folder: Path) -> list[str]:
    try:
        return sorted(n for n in os.listdir(folder) if len(n) == 2 and _is_hex(n))
    except FileNotFoundError:
        return []


def _scandir(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except (FileNotFoundError, NotADirectoryError):
        return []


def _private_folders(folder: Path) -> None:
    """Create ``folder`` and any missing parent (``.repro`` itself, when the cache is written
    before the store) private to the user: ``mkdir(parents=True)`` gives parents the umask's."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)
