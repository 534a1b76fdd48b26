"""Diffs of a notebook between saved versions, git revisions and the file on disk (nbdime).

::

    notebook_diff(Path("/root/a.ipynb"), base="saved", remote="current")
    # {"base": <notebook JSON>, "diff": <nbdime diff>, "summary": {...}, "changes": [...], ...}

``base``: ``saved`` (the newest saved version whose content differs from the remote; the newest
one if none differs), ``git:HEAD`` (or ``git:<revision>``, read with ``git show``), or
``version:<id>``. ``remote``: ``current`` (the file) or ``version:<id>``. The answer is what
nbdime's web diff view takes, the base notebook and the diff from it, with the cell changes of
``review.notebook_diff`` (added, removed, modified, moved) for a summary.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import nbformat

from ..common import notebook_file
from ..common.notebook_file import NotebookUnreadable
from .errors import BadRequest, NotFound
from .queries import lineage
from .route_numbers import whole_number

_REVISION = re.compile(r"^[A-Za-z0-9_][\w./~^@{}-]*$")  # never an option: no leading "-"
GIT_TIMEOUT_S = 30
_KINDS = ("added", "removed", "modified", "moved")


def notebook_diff(
    notebook: Path, base: str = "saved", remote: str = "current", raw: bool = False
) -> dict[str, Any]:
    """The diff, normalised as ``jupyter repro diff`` does (execution counts, metadata but tags,
    output noise left out) unless ``raw``: then nbdime's diff of the files as they are."""
    remote_bytes, remote_ref = _remote(notebook, remote)
    base_bytes, base_ref = _base(notebook, base, hashlib.sha256(remote_bytes).hexdigest())
    base_nb, remote_nb = _parse(base_bytes, base), _parse(remote_bytes, remote)
    # Both import nbdime, a second and a half: only when a diff is asked for.
    from ..review.notebook_diff import diff_notebooks

    found = diff_notebooks(base_nb, remote_nb)
    if raw:
        import nbdime

        shown, diff = dict(base_nb), nbdime.diff_notebooks(base_nb, remote_nb)
    else:
        shown, diff = found.base, found.nbdime
    counts: Counter[str] = Counter(change.change for change in found.cells)
    return {
        "base": shown,
        "diff": diff,
        "summary": {
            **{f"cells_{kind}": counts[kind] for kind in _KINDS},
            # Not in the normalised diff (kernel, widgets, jupytext...), still worth a mention.
            "metadata_changed": base_nb.metadata != remote_nb.metadata,
        },
        "changes": [_change_json(change) for change in found.cells],
        "base_ref": base_ref,
        "remote_ref": remote_ref,
    }


def _change_json(change: Any) -> dict[str, Any]:
    return {
        "change": change.change,
        "cell_type": change.cell_type,
        "base_index": change.a_index,
        "remote_index": change.b_index,
        "source_diff": list(change.source_diff),
        "outputs": list(change.outputs),
    }


def _remote(notebook: Path, ref: str) -> tuple[bytes, dict[str, Any]]:
    if ref == "current":
        return notebook.read_bytes(), {"kind": "current"}
    return _version(notebook, _version_id(ref, "remote"))


def _base(notebook: Path, ref: str, remote_hash: str) -> tuple[bytes, dict[str, Any]]:
    if ref == "saved":
        with lineage(notebook) as store:
            saved = store.versions(str(notebook)) if store else []
        if not saved:
            raise NotFound(
                f"No saved version of {notebook.name} yet: versions are kept from the first "
                "save with jupyter-repro installed"
            )
        chosen = next((v for v in saved if v.hash != remote_hash), saved[0])
        return _version(notebook, chosen.id)
    if ref.startswith("git:"):
        return _git_show(notebook, ref.removeprefix("git:"))
    return _version(notebook, _version_id(ref, "base"))


def _version_id(ref: str, which: str) -> int:
    kind, _, number = ref.partition(":")
    if kind != "version" or not (number.isascii() and number.isdigit()):
        options = (
            "saved, git:HEAD or version:<id>" if which == "base" else "current or version:<id>"
        )
        raise BadRequest(f"{which} must be {options}, not {ref[:40]!r}")
    return whole_number(number, f"The version id in {which}")


def _version(notebook: Path, version_id: int) -> tuple[bytes, dict[str, Any]]:
    with lineage(notebook) as store:
        found = store.version(version_id) if store else None
        content = store.version_content(version_id) if store and found else None
    if found is None or content is None or found.notebook != str(notebook):
        raise NotFound(f"No saved version {version_id} of {notebook.name}")
    return content, {"kind": "version", "id": found.id, "saved": found.saved, "hash": found.hash}


def _git_show(notebook: Path, revision: str) -> tuple[bytes, dict[str, Any]]:
    if not _REVISION.match(revision):
        raise BadRequest(f"Not a git revision: {revision!r}")
    command = ["git", "show", f"{revision}:./{notebook.name}"]
    try:
        done = subprocess.run(
            command, cwd=notebook.parent, capture_output=True, timeout=GIT_TIMEOUT_S, check=False
        )
    except FileNotFoundError:
        raise NotFound("git is not installed on the server") from None
    except subprocess.TimeoutExpired:
        raise NotFound(f"git took more than {GIT_TIMEOUT_S} s to answer") from None
    if done.returncode != 0:
        raise NotFound(_git_problem(done.stderr.decode(errors="replace"), notebook, revision))
    return done.stdout, {"kind": "git", "revision": revision}


def _git_problem(stderr: str, notebook: Path, revision: str) -> str:
    text = stderr.lower()
    if "not a git repository" in text:
        return f"{notebook.name} is not in a git repository"
    if "exists on disk, but not in" in text or "does not exist in" in text:
        return f"{notebook.name} is not committed at {revision}: commit it first"
    if "invalid object name" in text or "bad revision" in text or "unknown revision" in text:
        return f"{revision} names no commit of the repository (no commit yet?)"
    first = stderr.strip().splitlines()[:1]
    return f"git could not show {notebook.name} at {revision}: {first[0] if first else '?'}"


def _parse(content: bytes, ref: str) -> nbformat.NotebookNode:
    try:
        return notebook_file.parse_notebook(content.decode("utf-8", errors="replace"), ref)
    except notebook_file.NotebookUnreadable as error:
        message = f"The {ref} notebook is not readable: {error.reason}"
        raise NotebookUnreadable(ref, error.reason, message=message) from error
