"""The data files an export reads as inputs, each read pinned to the version it saw.

Usage::

    inputs = input_files(sliced.executions, notebook, script.parent, cache)
    inputs.files["data/raw.csv"].sha256     # the first version read; None: not established
    inputs.reads[12]["data/raw.csv"].xxh3   # the version execution 12 read
    inputs.warnings

An input is a file an exported execution read before any exported execution wrote it. Every
read of it is pinned by its recorded xxh3 (a session can see a file change between two reads:
another process rewrote it); ``files`` holds each input's first version, which the support cell
checks, and ``reads`` what each execution read, so the script checks a later version before the
cell that read it. A version's sha256 (what the script checks with the standard library alone)
is pinned only when its content is at hand with the recorded xxh3: the file on disk, else its
copy in the data cache (``common.data_cache``). A version that is neither is locked by its xxh3
only and named in a warning, so the export never vouches for content it did not see.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..common.data_cache import MIB, DataCache
from ..common.file_digest import file_digests
from ..common.paths import relative
from ..store import Execution, project_root
from .lockfile import LockedFile


@dataclass
class DataInputs:
    files: dict[str, LockedFile] = field(default_factory=dict)
    reads: dict[int, dict[str, LockedFile]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def input_files(
    executions: Sequence[Execution], notebook: Path, folder: Path, cache: DataCache | None = None
) -> DataInputs:
    """Inputs by path relative to ``folder`` (the script's), sorted; with their warnings."""
    found = _Versions(project_root(notebook.parent), cache)
    written: set[str] = set()
    inputs = DataInputs()
    for execution in executions:
        for access in execution.files_read:
            if access.path in written or access.hash is None:
                continue
            path = found.path(access.path)
            name = relative(path, folder)
            locked = found.locked(path, access.hash, access.size)
            inputs.reads.setdefault(execution.id, {})[name] = locked
            if name not in inputs.files:
                inputs.files[name] = locked
                found.say_first(path, access.hash)
            elif locked.xxh3 != inputs.files[name].xxh3:
                found.say_later(path, access.hash, execution.id)
        written.update(a.path for a in execution.files_written)
    inputs.files = dict(sorted(inputs.files.items()))
    inputs.warnings = found.warnings
    return inputs


class _Versions:
    """Digests of the versions at hand (on disk, in the cache), each file read once."""

    def __init__(self, root: Path, cache: DataCache | None) -> None:
        self.root, self.cache = root, cache
        self.warnings: list[str] = []
        self._disk: dict[Path, tuple[str, str] | None] = {}
        self._big: set[Path] = set()

    def path(self, recorded: str) -> Path:
        return Path(recorded) if os.path.isabs(recorded) else self.root / recorded

    def on_disk(self, path: Path) -> tuple[str, str] | None:
        if path not in self._disk:
            self._disk[path] = file_digests(path) if path.is_file() else None
        return self._disk[path]

    def locked(self, path: Path, xxh3: str, size: int | None) -> LockedFile:
        limit = self.cache.max_file_bytes if self.cache is not None else 0
        if size is not None and 0 < limit < size:  # 0: the project keeps no versions
            self._over_limit(path, size)
        disk = self.on_disk(path)
        if disk is not None and disk[0] == xxh3:
            return LockedFile(xxh3=xxh3, sha256=disk[1], size=size)
        cached = self.cache.find(xxh3) if self.cache is not None else None
        if cached is not None:
            copy = file_digests(cached)
            if copy[0] == xxh3:
                return LockedFile(xxh3=xxh3, sha256=copy[1], size=size)
        return LockedFile(xxh3=xxh3, sha256=None, size=size)

    def cached(self, xxh3: str) -> bool:
        return self.cache is not None and self.cache.find(xxh3) is not None

    def say_first(self, path: Path, xxh3: str) -> None:
        disk = self.on_disk(path)
        if disk is not None and disk[0] == xxh3:
            return
        state = "no longer exists" if disk is None else "changed since it was recorded"
        restore = f"; restore it with: jupyter repro data restore {path} {xxh3}"
        self.warnings.append(f"data file {state}: {path}" + (restore if self.cached(xxh3) else ""))

    def say_later(self, path: Path, xxh3: str, execution: int) -> None:
        if self.cached(xxh3):
            return  # verify replays it from the cache; the script names the restore command
        self.warnings.append(
            f"data file {path} changed during the session: the version execution {execution} "
            f"read ({xxh3}) is not in the data cache, so the script stops before that cell"
        )

    def _over_limit(self, path: Path, size: int) -> None:
        if path in self._big or self.cache is None:
            return
        self._big.add(path)
        limit = self.cache.max_file_bytes // MIB
        self.warnings.append(
            f"data file {path} ({size / MIB:,.0f} MB) is over the data cache's {limit} MB "
            f"limit per file: its versions are not kept; version it with: dvc add {path}"
        )
