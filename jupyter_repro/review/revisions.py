"""Resolve what ``jupyter repro diff`` compares: a notebook version, a session or an execution.

Usage::

    side = load_side("analysis.ipynb@HEAD~1", cwd=Path.cwd())   # the notebook in a commit
    side = load_side("analysis.ipynb", cwd=Path.cwd())          # the working copy
    side = load_side("session:3f2a9c", cwd=Path.cwd(), db=None) # a recorded session
    side = load_side("exec:42", cwd=Path.cwd())                 # one recorded execution
    side.notebook, side.lineage, side.recorded

``FILE@REV`` is any revision git understands (``HEAD~1``, a branch, a tag, a hash); FILE is a
path from ``cwd``, looked up in the revision relative to the repository root. Sessions may be
named by a unique prefix of their id. Sessions and executions are read from ``db``, by default
the store of ``cwd``'s project. Anything that cannot be resolved raises :class:`RevisionError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..common import notebook_file
from ..store import LineageStore, StoreUnavailable, default_db_path
from . import git_config
from .recordings import Lineage, code_notebook, execution_lineage, session_lineage


class RevisionError(ValueError):
    """A revision that cannot be resolved; one line a person can act on."""


@dataclass(frozen=True)
class Side:
    """One side of a comparison."""

    label: str
    notebook: dict[str, Any]  # nbformat 4; for recordings, the code that ran (``recordings``)
    lineage: Lineage | None = None  # recordings only
    recorded: bool = False  # True for session: and exec:


def parse_notebook(text: str, label: str) -> dict[str, Any]:
    try:
        nb = notebook_file.parse_notebook(text, label)
    except notebook_file.NotebookUnreadable as error:
        raise RevisionError(str(error)) from error
    if not isinstance(nb.get("cells"), list):
        raise RevisionError(f"Not a valid notebook: {label} (no cells)")
    return dict(nb)


def git_version(path: Path, rev: str, label: str) -> str:
    """The text of ``path`` as committed in ``rev``."""
    folder = path.parent
    if git_config.repo_root(path) is None:
        raise RevisionError(f"Not in a git repository: {path}")
    found = git_config.git(
        folder, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False
    )
    if found.returncode != 0:
        raise RevisionError(f"Unknown git revision: {rev!r} (in {label})")
    # "REV:./name" is resolved from the folder git runs in, whatever the repository root.
    blob = git_config.git(folder, "cat-file", "blob", f"{rev}:./{path.name}", check=False)
    if blob.returncode != 0:
        raise RevisionError(f"{path.name} does not exist in {rev} (in {label})")
    return blob.stdout


def notebook_side(spec: str, cwd: Path) -> Side:
    path = cwd / spec
    if path.is_file():
        return Side(spec, parse_notebook(path.read_text(encoding="utf-8"), spec))
    if "@" not in spec:
        raise RevisionError(f"No such notebook: {spec}")
    # Revisions may hold "@" (HEAD@{1}, @{upstream}): split after the notebook's name.
    cut = spec.find(".ipynb@")
    name, rev = (spec[: cut + 6], spec[cut + 7 :]) if cut >= 0 else spec.split("@", 1)
    if not name or not rev:
        raise RevisionError(f"Expected FILE@REV, got {spec!r}")
    return Side(spec, parse_notebook(git_version(cwd / name, rev, spec), spec))


def open_store(cwd: Path, db: Path | None) -> LineageStore:
    path = db if db is not None else default_db_path(None, cwd)
    try:
        store = LineageStore.open(path, create=False, readonly=True)
    except StoreUnavailable as error:
        raise RevisionError(str(error)) from error
    try:
        store.check_pages()  # a damaged store is said so, not read as "unknown session"
    except StoreUnavailable as error:
        store.close()
        raise RevisionError(str(error)) from error
    return store


def session_side(spec: str, key: str, store: LineageStore) -> Side:
    found = store.session(key)
    if found is None:
        matches = [s for s in store.sessions() if s.id.startswith(key)] if key else []
        if len(matches) != 1:
            raise RevisionError(f"Unknown session: {key}" + (" (ambiguous)" if matches else ""))
        found = matches[0]
    executions = store.executions(session_id=found.id)
    lineage = session_lineage(store, found.id, executions)
    return Side(spec, code_notebook(executions), lineage, recorded=True)


def execution_side(spec: str, key: str, store: LineageStore) -> Side:
    execution = store.execution(int(key)) if key.isdigit() else None
    if execution is None:
        raise RevisionError(f"Unknown execution: {key}")
    lineage = execution_lineage(store, execution)
    return Side(spec, code_notebook([execution]), lineage, recorded=True)


def load_side(spec: str, cwd: Path, db: Path | None = None) -> Side:
    """Resolve one revision spec (see the module docstring)."""
    kind, _, key = spec.partition(":")
    if kind in ("session", "exec") and not (cwd / spec).exists():
        with open_store(cwd, db) as store:
            if kind == "session":
                return session_side(spec, key, store)
            return execution_side(spec, key, store)
    return notebook_side(spec, cwd)
