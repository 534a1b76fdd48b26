"""The data files an export reads as inputs, with the digests its lock and data check pin.

Usage::

    files, warnings = input_files(sliced.executions, notebook, script.parent)
    files["data/raw.csv"].sha256     # None when the file changed since it was recorded

An input is a file an exported execution read before any exported execution wrote it. Its
sha256 (what the script checks with the standard library alone) is pinned only when the file on
disk still has the recorded xxh3: a file that changed since is locked with its recorded xxh3
only, and named in a warning, so the export never vouches for content it did not record.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..common.file_digest import file_digests
from ..common.paths import relative
from ..store import Execution, project_root
from .lockfile import LockedFile


def input_files(
    executions: Sequence[Execution], notebook: Path, folder: Path
) -> tuple[dict[str, LockedFile], list[str]]:
    """Inputs by path relative to ``folder`` (the script's), sorted; and warnings."""
    root = project_root(notebook.parent)
    written: set[str] = set()
    seen: set[str] = set()
    inputs: dict[str, LockedFile] = {}
    warnings: list[str] = []
    for execution in executions:
        for access in execution.files_read:
            if access.path in written or access.path in seen or access.hash is None:
                continue
            seen.add(access.path)
            path = Path(access.path) if os.path.isabs(access.path) else root / access.path
            inputs[relative(path, folder)] = _locked(path, access.hash, access.size, warnings)
        written.update(a.path for a in execution.files_written)
    return dict(sorted(inputs.items())), warnings


def _locked(path: Path, recorded: str, size: int | None, warnings: list[str]) -> LockedFile:
    sha256 = None
    if path.is_file():
        current, digest = file_digests(path)
        sha256 = digest if current == recorded else None
        if sha256 is None:
            warnings.append(f"data file changed since it was recorded: {path}")
    else:
        warnings.append(f"data file no longer exists: {path}")
    return LockedFile(xxh3=recorded, sha256=sha256, size=size)
