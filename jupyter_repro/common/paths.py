"""Paths as exported files write them: relative to the file that names them when possible."""

from __future__ import annotations

import os
from pathlib import Path


def relative(path: Path, base: Path) -> str:
    """``path`` relative to ``base`` with ``/`` separators when inside it, else absolute."""
    try:
        return (
            Path(os.path.relpath(path, base)).as_posix() if path.is_relative_to(base) else str(path)
        )
    except ValueError:
        return str(path)
