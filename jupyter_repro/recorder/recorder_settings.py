"""Recorder settings, read from environment variables so they reach headless kernels too.

- ``JUPYTER_REPRO_SKIP``: comma-separated variable names or glob patterns never hashed
  (e.g. ``model,*_cache``);
- ``JUPYTER_REPRO_HASH_BUDGET_MB``: bytes hashed per variable before its hash is marked
  incomplete (default 256 MiB);
- ``JUPYTER_REPRO_TRACK_FILES``: ``0`` turns data-file tracking off.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass

DEFAULT_BUDGET_MB = 256


@dataclass(frozen=True)
class RecorderSettings:
    skip_patterns: tuple[str, ...] = ()
    budget_bytes: int = DEFAULT_BUDGET_MB * 1024 * 1024
    track_files: bool = True

    @classmethod
    def from_environ(cls) -> RecorderSettings:
        skip = tuple(
            p.strip() for p in os.environ.get("JUPYTER_REPRO_SKIP", "").split(",") if p.strip()
        )
        try:
            budget_mb = float(os.environ.get("JUPYTER_REPRO_HASH_BUDGET_MB", DEFAULT_BUDGET_MB))
        except ValueError:
            budget_mb = DEFAULT_BUDGET_MB
        track = os.environ.get("JUPYTER_REPRO_TRACK_FILES", "1").strip() not in ("0", "false")
        return cls(skip, int(budget_mb * 1024 * 1024), track)

    def skips(self, name: str) -> bool:
        """True for a variable the user asked never to hash."""
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in self.skip_patterns)
