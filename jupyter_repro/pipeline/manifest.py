"""The pipeline folder's manifest: which files jupyter-repro wrote there, and the bytes it wrote.

Usage::

    manifest = read_manifest(directory)          # None when there is none; RefusedOverwrite if
    manifest.files["Makefile"]                   #   unreadable; {"sha256:<hex>", ...}
    text = manifest_text("../analysis.ipynb", "make", session_id, {"Makefile": {digest(data)}})

``.jupyter-repro-manifest.json`` sits in the pipeline folder, JSON with sorted keys::

    {"files": {"Makefile": ["sha256:..."], "stages/01_clean.py": ["sha256:..."]},
     "format": 1, "notebook": "../analysis.ipynb", "session": "...", "tool": "make",
     "written_by": "jupyter-repro 0.1.0"}

``files`` holds every file an export wrote, by its path relative to the folder, with the
digest of the bytes written. Two digests for one file only while an export is moving its files
in place (the earlier export's and its own): a crash in between leaves each file with bytes
the manifest names. ``notebook`` is relative to the folder, so the project may move. A path
that leaves the folder, or a digest that is not sha256, is never read as ours.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Mapping, Set
from dataclasses import dataclass
from pathlib import Path

from .._version import __version__
from ..common.errors import RefusedOverwrite

MANIFEST = ".jupyter-repro-manifest.json"
FORMAT = 1
_PREFIX = "sha256:"


@dataclass(frozen=True)
class Manifest:
    notebook: str  # the notebook exported, relative to the pipeline folder
    files: Mapping[str, frozenset[str]]  # relative path -> digests of bytes written there


def digest(data: bytes) -> str:
    return _PREFIX + hashlib.sha256(data).hexdigest()


def manifest_text(notebook: str, tool: str, session: str, files: Mapping[str, Set[str]]) -> str:
    document = {
        "files": {name: sorted(files[name]) for name in sorted(files)},
        "format": FORMAT,
        "notebook": notebook,
        "session": session,
        "tool": tool,
        "written_by": f"jupyter-repro {__version__}",
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def read_manifest(directory: Path) -> Manifest | None:
    """The folder's manifest; None without one; RefusedOverwrite when it cannot be read."""
    path = directory / MANIFEST
    if not path.exists() and not path.is_symlink():
        return None
    try:
        if not path.is_file() or path.is_symlink():
            raise ValueError("not a file")
        document = json.loads(path.read_text(encoding="utf-8"))
        if document["format"] != FORMAT or not isinstance(document["notebook"], str):
            raise ValueError("unknown format")
        files = {
            name: frozenset(d for d in digests if isinstance(d, str) and d.startswith(_PREFIX))
            for name, digests in dict(document["files"]).items()
            if inside(name) and isinstance(digests, list)
        }
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise RefusedOverwrite(
            f"Refusing to write the pipeline: {path} is not a manifest this jupyter-repro can "
            f"read ({error}); move the folder away, or export to another one with -o"
        ) from error
    return Manifest(document["notebook"], files)


def inside(name: object) -> bool:
    """Whether ``name`` is a plain relative path inside the folder (not the manifest itself)."""
    if not isinstance(name, str) or not name or "\\" in name or "\0" in name:
        return False
    normal = posixpath.normpath(name)
    return (
        normal == name
        and not posixpath.isabs(name)
        and name.split("/")[0] != ".."
        and name != MANIFEST
    )
