"""Run `jupyter repro ...` as a user would: a real subprocess through the `jupyter` launcher."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def repro(*args: str, cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jupyter", "repro", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
