"""Which version of each data file ``verify`` gives each cell of its copy, from the data cache.

A session can read a data file, see another process rewrite it, and read it again: the lock pins
every read by its version (``LockedCell.reads``). Verify replays that: before the cell that read
a new version, the version is written into the temporary copy from the project's data cache
(``common.data_cache``). With ``recorded_data``, the first versions are replayed from the cache
too, so a project whose files changed since recording still verifies (the files that differ
from the current ones are named). Usage, by ``verification``::

    replay = DataReplay.plan(nb, lock, script.parent, cache, recorded_data=False)
    replay.missing        # versions that cannot be replayed: the run is not reproduced
    replay.first          # (name, digest): written into the copy before the run
    replay.before[index]  # (name, digest): written before the copy's cell ``index``

Only files inside the copy are ever written: a version of a file read in place, outside the
copied folders, is named in ``missing`` instead (verify never writes a user's file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..common.data_cache import DataCache
from ..script.lockfile import ReproLock


@dataclass
class DataReplay:
    first: list[tuple[str, str]] = field(default_factory=list)
    before: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    replayed: list[str] = field(default_factory=list)  # notes: files replayed from the cache

    @classmethod
    def plan(
        cls,
        nb: nbformat.NotebookNode,
        lock: ReproLock,
        changed: set[str],
        cache: DataCache | None,
        recorded_data: bool,
    ) -> DataReplay:
        """``changed``: the data files whose current content is not the first version read."""
        replay = cls()
        current = {name: locked.xxh3 for name, locked in lock.files.items()}
        if recorded_data:
            for name in sorted(changed):
                digest = current[name]
                if digest and replay._available(cache, name, digest, "first"):
                    replay.first.append((name, digest))
                    replay.replayed.append(
                        f"{name}: the recorded version was replayed from the data cache; "
                        "the current file differs"
                    )
        cells = {cell.execution: cell for cell in lock.cells}
        for index, cell in enumerate(nb.cells):
            execution = cell.get("metadata", {}).get("repro", {}).get("execution")
            locked = cells.get(execution) if isinstance(execution, int) else None
            for name, read in sorted(locked.reads.items()) if locked else ():
                if read.xxh3 is None or read.xxh3 == current.get(name):
                    continue
                current[name] = read.xxh3
                if replay._available(cache, name, read.xxh3, f"execution {execution}"):
                    replay.before.setdefault(index, []).append((name, read.xxh3))
        return replay

    def _available(self, cache: DataCache | None, name: str, digest: str, reader: str) -> bool:
        if cache is not None and cache.find(digest) is not None:
            return True
        self.missing.append(
            f"{name}: the version {reader} read ({digest}) is not in the data cache, so it "
            "cannot be replayed"
        )
        return False


def write_versions(
    cache: DataCache, versions: list[tuple[str, str]], place: dict[str, Path | None]
) -> list[str]:
    """Write each (name, digest) where ``place`` puts it in the copy; what could not be written.

    ``place[name]`` is None for a file outside the copy: never written, named instead."""
    problems = []
    for name, digest in versions:
        target = place.get(name)
        if target is None:
            problems.append(
                f"{name}: its version {digest} was not replayed: the file is read in place, "
                "outside the copied folders"
            )
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            cache.restore(digest, target)
        except OSError as error:
            problems.append(f"{name}: its version {digest} was not replayed ({error})")
    return problems
