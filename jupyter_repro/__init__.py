"""jupyter-repro: reproducibility for Jupyter notebooks.

This module holds entry points only; each imports what it needs inside the function, so that
loading the server extension never drags the recorder in, and loading the recorder in a kernel
never drags the server in.
"""

from __future__ import annotations

from typing import Any

from ._version import __version__

__all__ = ["__version__"]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Where the prebuilt JupyterLab extension lives (used by `jupyter labextension develop`)."""
    return [{"src": "labextension", "dest": "jupyter-repro"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """Name the module whose `_load_jupyter_server_extension` jupyter-server calls."""
    return [{"module": "jupyter_repro.server"}]


def load_ipython_extension(ipython: Any) -> None:
    """Start recording executions in this IPython shell (`%load_ext jupyter_repro`)."""
    from .recorder import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """Stop recording (`%unload_ext jupyter_repro`)."""
    from .recorder import unload_ipython_extension as unload

    unload(ipython)
