"""Confinement of request paths, and of every file the server writes, to the server's root.

Every path a request names goes through here first, and every file the server is about to write
or delete goes through ``confine_writes`` before anything is written::

    notebook = notebook_path(root, "analysis/clean.ipynb")  # resolved, inside root, exists
    confine_writes(root, [notebook.with_name("x.py")])      # 403 (WriteRefused) if it leaves
    relative(root, target)                                    # "analysis/x.py" for answers

A path must be relative to the root, with ``/`` separators, as in the contents API. Malformed
(empty, absolute, NUL, backslash drive) is 400; a ``..`` part, or a symlink resolving outside the
root, is 403; a notebook that is not there is 404. ``root`` is the resolved server root.

The project's ``.repro/`` folder (store, settings) sits at the project root, which may be a git
root above the server root, where the kernel records: ``write_base`` gives the folder its writes
are confined to then (that project folder), else the server root.
"""

from __future__ import annotations

import errno
import os
import posixpath
from collections.abc import Iterable
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
    """``path`` resolved (symlinks followed); 403 outside. For the paths a request names: what
    the server is about to write goes through ``confine_writes``, which checks every folder too."""
    resolved = Path(os.path.realpath(path))
    if not resolved.is_relative_to(root):
        shown = relative_or_name(root, path)
        raise HTTPError(403, "%s", f"{shown} resolves outside the server root (a symlink?)")
    return resolved


class WriteRefused(HTTPError):
    """A file the server was about to write resolves outside where it may write (403)."""

    def __init__(self, message: str) -> None:
        super().__init__(403, "%s", message)
        self.message = message


def confine_writes(base: Path, targets: Iterable[Path], within: str = "the server root") -> None:
    """Raise WriteRefused unless each target, and each folder from ``base`` down to it, resolves
    inside ``base`` (the resolved server root, or ``write_base``).

    Called with every file about to be written, replaced or deleted, before the first write: a
    symlink anywhere on the way (a folder or the file itself, dangling or not) must stay inside,
    so a file created later in a checked folder is inside too. A symlink loop is refused.
    """
    for target in targets:
        path = Path(os.path.abspath(target))
        if not path.is_relative_to(base):
            raise WriteRefused(f"Refusing to write {path.name}: it is outside {within}")
        step = base
        for part in path.relative_to(base).parts:
            step = step / part
            if _loops(step):
                raise WriteRefused(_refusal(base, path, step, "is a symlink loop"))
            if not Path(os.path.realpath(step)).is_relative_to(base):
                outside = f"resolves outside {within} (a symlink?)"
                raise WriteRefused(_refusal(base, path, step, outside))


def write_base(root: Path, project: Path) -> tuple[Path, str]:
    """Where writes into ``project``'s ``.repro/`` are confined: the project folder when it is a
    (git) folder above the server root, else the root; with its name for messages."""
    project = Path(os.path.realpath(project))
    if root.is_relative_to(project) and project != root:
        return project, "the project folder"
    return root, "the server root"


def _loops(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError as error:
        return error.errno == errno.ELOOP
    return False


def _refusal(base: Path, target: Path, step: Path, problem: str) -> str:
    shown, where = target.relative_to(base).as_posix(), step.relative_to(base).as_posix()
    if step == target:
        return f"{shown} {problem}"
    return f"Refusing to write {shown}: {where} {problem}"


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
