"""Folders whose files are never a cell's data: the Python installation, IPython, Jupyter, system.

Usage::

    skip = ignored_prefixes(project_root)   # tuple of "/abs/folder/" strings
    path.startswith(skip)                   # True: do not record this file

Each folder appears as given and resolved (symlinks), with a trailing ``/`` so a prefix never
matches a sibling (``/usr/lib`` vs ``/usr/lib64``). A folder that contains the project root is
dropped, or a project living inside, say, ``/opt/conda`` would record nothing.
"""

from __future__ import annotations

import os
import site
import sys
from collections.abc import Iterable

#: System folders: Python's ``open`` in the standard library reads these (mimetypes reads
#: /etc/mime.types, zoneinfo reads /usr/share/zoneinfo) and none of it is user data.
SYSTEM_DIRS = (
    "/proc", "/sys", "/dev", "/run", "/etc", "/lib", "/lib64", "/usr/lib", "/usr/lib64",
    "/usr/share", "/var/cache",
)  # fmt: skip


def ignored_prefixes(
    project_root: str, extra: Iterable[str | os.PathLike[str]] = ()
) -> tuple[str, ...]:
    """Prefixes of paths never recorded; ``extra`` adds folders or files (matched as prefixes)."""
    folders = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix]
    folders += _site_dirs() + _ipython_dirs() + _jupyter_dirs() + _tool_caches()
    folders += SYSTEM_DIRS
    root = os.path.realpath(project_root) + "/"
    prefixes: set[str] = set()
    for folder in folders:
        for form in (os.path.abspath(folder), os.path.realpath(folder)):
            prefix = form.rstrip("/") + "/"
            if prefix != "/" and not root.startswith(prefix):
                prefixes.add(prefix)
    for entry in (os.fspath(e) for e in extra):
        # A file (the store's database) is matched with its sidecars: "-wal", "-journal".
        for form in {os.path.abspath(entry), os.path.realpath(entry)}:
            if os.path.isdir(form):
                form = form.rstrip("/") + "/"
            if not root.startswith(form):
                prefixes.add(form)
    return tuple(sorted(prefixes))


def _site_dirs() -> list[str]:
    dirs = [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    try:
        dirs += site.getsitepackages()
    except AttributeError:  # old virtualenv's site.py lacks it
        pass
    try:
        dirs.append(site.getusersitepackages())
    except AttributeError:
        pass
    return dirs


def _ipython_dirs() -> list[str]:
    # Only ask IPython when it is already loaded: importing it here would cost ~100 ms.
    if "IPython" in sys.modules:
        try:
            from IPython.paths import get_ipython_dir

            return [get_ipython_dir()]
        except Exception:  # noqa: BLE001 - a broken IPython profile: use the default folder
            pass
    return [os.environ.get("IPYTHONDIR") or os.path.expanduser("~/.ipython")]


def _jupyter_dirs() -> list[str]:
    try:
        from jupyter_core import paths

        return [paths.jupyter_runtime_dir(), paths.jupyter_data_dir(), paths.jupyter_config_dir()]
    except Exception:  # noqa: BLE001 - not installed, or a broken configuration: the defaults
        return [os.path.expanduser(p) for p in ("~/.local/share/jupyter", "~/.jupyter")]


def _tool_caches() -> list[str]:
    # Libraries' own caches read at import time (matplotlib's font list), not user data.
    dirs = [os.path.expanduser(p) for p in ("~/.cache/matplotlib", "~/.config/matplotlib")]
    if os.environ.get("MPLCONFIGDIR"):
        dirs.append(os.environ["MPLCONFIGDIR"])
    return dirs
