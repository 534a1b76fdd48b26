"""Put back the version of a data file an exported script needs, without losing the current one.

Usage, by ``jupyter repro data restore`` (the command an exported script names when it stops)::

    restored = restore_file(Path("d.txt"), "sha256:9f1c...")   # or "xxh3:..."
    restored.kept      # the digest the previous content is cached as (restore it the same way)

The version comes from the project's data cache (``data_cache``). Before the file is replaced,
its current content is kept in the cache too, so a restore can always be undone; when that is
impossible (the file is over the cache's limits, the cache is read-only) the restore is refused
unless ``force``. Errors are :class:`RestoreError` with a one-line message.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..store import default_db_path, project_root
from .data_cache import DataCache, Kept, project_cache
from .file_digest import CHUNK, XXH3_PREFIX, file_xxh3

SHA256_PREFIX = "sha256:"


class RestoreError(ValueError):
    """The version is unknown or cannot be put back; ``str()`` is for people."""


@dataclass(frozen=True)
class Restored:
    path: Path
    version: str  # the xxh3 digest of the content now in place
    kept: str | None  # the previous content's digest in the cache; None: there was no file
    unchanged: bool = False  # the file already had that content


def cache_for(path: Path) -> DataCache:
    """The data cache of the project ``path`` belongs to."""
    return project_cache(default_db_path(path), project_root(path.parent))


def restore_file(path: Path, version: str, force: bool = False) -> Restored:
    path = path.expanduser().absolute()
    if path.is_dir():
        raise RestoreError(f"{path} is a folder, not a data file")
    cache = cache_for(path)
    wanted = _xxh3_of(cache, version)
    current = file_xxh3(path) if path.is_file() else None
    if current == wanted:
        return Restored(path, wanted, current, unchanged=True)
    kept = None
    if current is not None:
        try:
            outcome = cache.keep(path, current, protect={wanted})
        except OSError as error:
            outcome, why = None, f"the data cache cannot be written ({error.strerror or error})"
        else:
            why = f"it is {outcome.value} for the data cache" if outcome else ""
        if outcome in (Kept.ADDED, Kept.PRESENT):
            kept = current
        elif not force:
            raise RestoreError(
                f"Refusing to replace {path}: its current content cannot be kept first ({why}). "
                "Copy it elsewhere, or pass --force to overwrite it."
            )
    try:
        cache.restore(wanted, path)
    except OSError as error:
        raise RestoreError(f"Cannot write {path}: {error.strerror or error}") from error
    return Restored(path, wanted, kept)


def _xxh3_of(cache: DataCache, version: str) -> str:
    """The cache's name (xxh3) of ``version``, given as ``xxh3:...`` or ``sha256:...``."""
    if version.startswith(XXH3_PREFIX):
        try:
            found = cache.find(version)
        except ValueError as error:
            raise RestoreError(str(error)) from error
        if found is None:
            raise RestoreError(_missing(cache, version))
        return version
    if not version.startswith(SHA256_PREFIX) or len(version) != len(SHA256_PREFIX) + 64:
        raise RestoreError(f"Not a data version (xxh3:<32 hex> or sha256:<64 hex>): {version!r}")
    wanted = version.removeprefix(SHA256_PREFIX).lower()
    # The cache is named by xxh3: a script that pins sha256 is matched by hashing its versions.
    for digest, _, _ in reversed(cache.versions()):
        digest_path = cache.path_for(digest)
        sha = hashlib.sha256()
        with open(digest_path, "rb") as stream:
            while block := stream.read(CHUNK):
                sha.update(block)
        if sha.hexdigest() == wanted:
            return digest
    raise RestoreError(_missing(cache, version))


def _missing(cache: DataCache, version: str) -> str:
    return (
        f"Version {version} is not in the data cache ({cache.folder}): it was never kept (over "
        "the size limits, snapshots off) or was evicted; only the original data can restore it"
    )
