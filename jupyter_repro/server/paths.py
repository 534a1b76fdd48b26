"""Confinement of request paths to the server's root directory.

Every path a request names goes through here first::

    notebook = notebook_path(root, "analysis/clean.ipynb")  # resolved, inside root, exists
    target = inside_root(root, notebook.with_name("x.py"))   # a file about to be written
    relative(root, target)                                    # "analysis/x.py" for answers

A path must be relative to the root, with ``/`` separators, as in the contents API. Malformed
(empty, absolute, NUL, backslash drive) is 400; a ``..`` part, or a symlink resolving outside the
root, is 403; a notebook that is not there is 404. ``root`` is the resolved server root.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path, PurePosixPath

from tornado.web import HTTPError


def resolve(root: Path, path: object) -> Path:
    """``path`` (relative to ``root``) resolved through symlinks; refused if it leaves root."""
    if not isinstance(path, str) or not path.strip("/"):
        raise HTTPError(400, "A 'path' relative to the server root is required")
    if "\0" in path or "\\" in path or path.startswith(("/", "~")) or ":" in path.split("/")[0]:
        raise HTTPError(400, "%s", f"Path must be relative to the server root: {path!r}")
    if ".." in PurePosixPath(path).parts:
        raise HTTPError(403, "%s", f"Path leaves the server root ('..' is not allowed): {path!r}")
    return inside_root(root, root / posixpath.normpath(path))


def inside_root(root: Path, path: Path) -> Path:
    """``path`` resolved (symlinks followed, even for a file about to be created); 403 outside."""
    resolved = Path(os.path.realpath(path))
    if not resolved.is_relative_to(root):
        shown = relative_or_name(root, path)
        raise HTTPError(403, "%s", f"{shown} resolves outside the server root (a symlink?)")
    return resolved


def existing_file(root: Path, path: object, what: str = "file") -> Path:
    resolved = resolve(root, path)
    if not resolved.is_file():
        raise HTTPError(404, "%s", f"No such {what}: {path}")
    return resolved


def notebook_path(root: Path, path: object) -> Path:
    """An existing ``.ipynb`` inside the root, resolved."""
    resolved = existing_file(root, path, "notebook")
    if resolved.suffix != ".ipynb":
        raise HTTPError(400, "%s", f"Not a notebook (.ipynb): {path}")
    return resolved


def relative(root: Path, path: Path) -> str:
    """``path`` (inside root) as the frontend names files: relative, ``/`` separators."""
    return Path(os.path.realpath(path)).relative_to(root).as_posix()


def relative_or_name(root: Path, path: Path) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return Path(path).name
