"""The lock file written beside an exported script: ``NAME.repro.lock``.

A small, diffable JSON document (sorted keys, two-space indent, trailing newline) holding what
the recorded session produced, so ``verify`` works on a machine that has only the script and
its lock (CI), without the SQLite store::

    lock = read_lock(Path("analysis.repro.lock"))
    lock.targets["model"].hash        # the recorded hash of a target variable
    write_lock(lock, Path("analysis.repro.lock"))

Shape (``format`` is bumped only for incompatible changes; fields are only ever added)::

    {
      "format": "jupyter-repro-lock/1",
      "source": {"notebook": "analysis.ipynb", "session": "3f2a...", "exported": "2026-...Z",
                 "recorded": "2026-...Z"},
      "python": {"version": "3.11.7", "implementation": "CPython"},
      "recorder": {"version": "0.1.0", "hash_scheme": 1},
      "packages": {"numpy": "2.4.6", "pandas": "3.1.1"},
      "files": {"data/raw.csv": {"xxh3": "xxh3:...", "sha256": "..." or null, "size": 1234}},
      "targets": {"df": {"hash": "xxh3:...", "type": "pandas.DataFrame", "complete": true}},
      "cells": [{"execution": 12, "cell_id": "9f1c..." or null, "changed": {"df": "xxh3:..."},
                 "outputs": [{"index": 0, "output_type": "display_data", "mime": "image/png",
                              "name": null, "size": 20411, "hash": "xxh3:..."}],
                 "reads": {"data/raw.csv": {"xxh3": "xxh3:...", "sha256": "...", "size": 1234}}}]
    }

``source.notebook`` and the keys of ``files`` are relative to the lock file's folder when
inside it (POSIX separators), else absolute. ``cells`` lists the script's execution cells in
order, each with the hashes its execution changed, so ``verify`` can name the first one whose
state diverged, the outputs it showed that the script must show again (``script.cell_outputs``
says which) and the version of each data file it read (``reads``, absent when it read none: a
file another process rewrote during the session has several; ``files`` holds the first). A cell
without ``outputs`` (locks written before outputs were recorded, or by ``--no-outputs``) has
``LockedCell.outputs`` None: verify does not compare its outputs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOCK_FORMAT = "jupyter-repro-lock/1"
LOCK_SUFFIX = ".repro.lock"


class LockError(ValueError):
    """A lock file that cannot be read: missing, not JSON, or another format."""


@dataclass(frozen=True)
class LockedFile:
    xxh3: str | None
    sha256: str | None
    size: int | None


@dataclass(frozen=True)
class LockedTarget:
    hash: str
    type: str
    complete: bool = True


@dataclass(frozen=True)
class LockedOutput:
    """One recorded output fingerprint (``store.OutputFingerprint``), as the lock holds it."""

    index: int
    output_type: str
    mime: str
    hash: str
    size: int | None = None
    name: str | None = None


@dataclass(frozen=True)
class LockedCell:
    execution: int
    cell_id: str | None
    changed: dict[str, str] = field(default_factory=dict)
    #: None: outputs not locked (an older lock, or a state-only export); () none shown.
    outputs: tuple[LockedOutput, ...] | None = None
    #: The data files it read, each pinned to the version it saw.
    reads: dict[str, LockedFile] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"execution": self.execution, "cell_id": self.cell_id}
        data["changed"] = self.changed
        if self.outputs is not None:
            data["outputs"] = [vars(o) for o in self.outputs]
        if self.reads:
            data["reads"] = {name: vars(f) for name, f in sorted(self.reads.items())}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LockedCell:
        outputs = data.get("outputs")
        return cls(
            data["execution"],
            data["cell_id"],
            dict(data.get("changed") or {}),
            None if outputs is None else tuple(LockedOutput(**o) for o in outputs),
            {name: LockedFile(**f) for name, f in (data.get("reads") or {}).items()},
        )


@dataclass(frozen=True)
class ReproLock:
    source: dict[str, Any]
    python: dict[str, str]
    packages: dict[str, str]
    files: dict[str, LockedFile]
    targets: dict[str, LockedTarget]
    cells: tuple[LockedCell, ...]
    #: jupyter-repro version and hashing scheme that recorded the hashes (absent in old locks).
    recorder: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": LOCK_FORMAT,
            "source": self.source,
            "python": self.python,
            "recorder": self.recorder,
            "packages": self.packages,
            "files": {p: vars(f) for p, f in self.files.items()},
            "targets": {n: vars(t) for n, t in self.targets.items()},
            "cells": [c.to_json() for c in self.cells],
        }


def lock_path_for(script: Path) -> Path:
    """``analysis.py`` -> ``analysis.repro.lock`` (the lock sits beside its script)."""
    return script.with_name(script.stem + LOCK_SUFFIX)


def write_lock(lock: ReproLock, path: Path) -> None:
    """Write the lock with a stable key order, so a re-export diffs only what changed."""
    path.write_text(json.dumps(lock.to_json(), indent=2, sort_keys=True) + "\n")


def read_lock(path: Path) -> ReproLock:
    """Read a lock file, or raise LockError saying what is wrong with it."""
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError as error:
        raise LockError(f"No lock file beside the script: {path}") from error
    except (OSError, ValueError) as error:
        raise LockError(f"Not a jupyter-repro lock file: {path} ({error})") from error
    if not isinstance(data, dict) or data.get("format") != LOCK_FORMAT:
        found = data.get("format") if isinstance(data, dict) else None
        raise LockError(f"Unsupported lock format in {path}: {found!r} (expected {LOCK_FORMAT})")
    try:
        return ReproLock(
            source=dict(data["source"]),
            python=dict(data["python"]),
            packages=dict(data["packages"]),
            files={p: LockedFile(**f) for p, f in data["files"].items()},
            targets={n: LockedTarget(**t) for n, t in data["targets"].items()},
            cells=tuple(LockedCell.from_json(c) for c in data["cells"]),
            recorder=dict(data.get("recorder") or {}),
        )
    except (KeyError, TypeError) as error:
        raise LockError(f"Incomplete lock file {path}: {error}") from error
