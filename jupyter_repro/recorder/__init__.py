"""The kernel-side recorder, loaded with `%load_ext jupyter_repro` or the `repro-python3` kernel."""

from __future__ import annotations

from typing import Any


def load_ipython_extension(ipython: Any) -> None:
    """Attach the recorder to this shell."""


def unload_ipython_extension(ipython: Any) -> None:
    """Detach the recorder from this shell."""
