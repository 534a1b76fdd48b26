"""Recorder settings: the project's ``.repro/settings.json`` (written from the Lineage panel's
settings through the server) merged with environment variables, which reach headless kernels.

- ``JUPYTER_REPRO_SKIP``: comma-separated variable names or glob patterns never hashed
  (e.g. ``model,*_cache``);
- ``JUPYTER_REPRO_HASH_BUDGET_MB``: bytes hashed per variable before its hash is marked
  incomplete (default 256 MiB);
- ``JUPYTER_REPRO_HASH_TIME_BUDGET_MS``: milliseconds of hashing a cell may take before the
  remaining values are hashed off its path (default 50; 0: no limit);
- ``JUPYTER_REPRO_TRACK_FILES``: ``0`` turns data-file tracking off;
- ``JUPYTER_REPRO_TRACK_OUTPUTS``: ``0`` turns output fingerprints off (read at kernel start).

Skip patterns from both sources apply; a budget set in the environment wins over the file's.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, replace
from pathlib import Path

from ..project_settings import (
    DEFAULT_BUDGET_BYTES,
    DEFAULT_BUDGET_MB,
    DEFAULT_HASH_TIME_BUDGET_MS,
    MIB,
    read_settings,
)

_TIME_BUDGET = "JUPYTER_REPRO_HASH_TIME_BUDGET_MS"


@dataclass(frozen=True)
class RecorderSettings:
    skip_patterns: tuple[str, ...] = ()
    budget_bytes: int = DEFAULT_BUDGET_BYTES
    track_files: bool = True
    track_outputs: bool = True
    hash_time_budget_ms: int = DEFAULT_HASH_TIME_BUDGET_MS

    @property
    def hash_time_budget_s(self) -> float | None:
        """The time budget for ``ChangeTracker``: seconds, or None for no limit."""
        return self.hash_time_budget_ms / 1000 if self.hash_time_budget_ms > 0 else None

    @classmethod
    def from_environ(cls) -> RecorderSettings:
        skip = tuple(
            p.strip() for p in os.environ.get("JUPYTER_REPRO_SKIP", "").split(",") if p.strip()
        )
        try:
            budget_mb = float(os.environ.get("JUPYTER_REPRO_HASH_BUDGET_MB", DEFAULT_BUDGET_MB))
        except ValueError:
            budget_mb = DEFAULT_BUDGET_MB
        return cls(
            skip,
            int(budget_mb * MIB),
            _on("JUPYTER_REPRO_TRACK_FILES"),
            _on("JUPYTER_REPRO_TRACK_OUTPUTS"),
            _milliseconds(os.environ.get(_TIME_BUDGET), DEFAULT_HASH_TIME_BUDGET_MS),
        )

    def with_project(self, root: Path) -> RecorderSettings:
        """These settings merged with the project's settings file (a damaged file is ignored)."""
        project = read_settings(root, strict=False)
        budget = self.budget_bytes
        if "JUPYTER_REPRO_HASH_BUDGET_MB" not in os.environ and (
            project.budget_mb != DEFAULT_BUDGET_MB
        ):
            budget = int(project.budget_mb * MIB)
        skip = tuple(dict.fromkeys(self.skip_patterns + project.skip))
        time_budget = self.hash_time_budget_ms
        if _TIME_BUDGET not in os.environ:
            time_budget = project.hash_time_budget_ms
        return replace(
            self, skip_patterns=skip, budget_bytes=budget, hash_time_budget_ms=time_budget
        )

    def skips(self, name: str) -> bool:
        """True for a variable the user asked never to hash."""
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in self.skip_patterns)


def _milliseconds(text: str | None, default: int) -> int:
    """A whole number of milliseconds from the environment; the default if unset or bad."""
    try:
        value = int(float(text)) if text is not None else default
    except ValueError:
        return default
    return value if value >= 0 else default


def _on(variable: str) -> bool:
    """A switch that is on unless the environment says ``0`` or ``false``."""
    return os.environ.get(variable, "1").strip().lower() not in ("0", "false")
