"""Whether an existing file is provably an earlier export of ours, so that it may be replaced.

Usage, by ``export.export_script`` before anything is written::

    refuse_foreign(script, lock_path_for(script), notebook)   # raises RefusedOverwrite

Proof, not a guess: an existing script must be a notebook or jupytext script whose metadata
(``jupyter_repro.lock``) names the lock beside it, and that lock must be a jupyter-repro lock
that names the script (``source.script``; locks written before it existed are accepted when
their file name is the script's). A file that merely mentions ``jupyter_repro`` (a notebook that
runs ``%load_ext jupyter_repro``) is not ours. The notebook being exported is never replaced.
"""

from __future__ import annotations

from pathlib import Path

import jupytext

from ..common.errors import RefusedOverwrite
from .lockfile import LockError, lock_path_for, read_lock
from .plan import EXPORT_MARKER

_ADVICE = "move it, or export to another file with -o"


def refuse_foreign(script: Path, lock: Path, notebook: Path) -> None:
    """Raise RefusedOverwrite unless writing ``script`` and ``lock`` replaces only our files."""
    if script.resolve() == notebook.resolve():
        raise RefusedOverwrite(f"Refusing to overwrite {script}: it is the notebook exported")
    if script.exists() and not _our_script(script, lock):
        raise RefusedOverwrite(
            f"Refusing to overwrite {script}: it is not an earlier export with its lock "
            f"{lock.name} beside it; {_ADVICE}"
        )
    if lock.exists() and not _our_lock(lock, script):
        raise RefusedOverwrite(
            f"Refusing to overwrite {lock}: it is not the lock of an earlier export of "
            f"{script.name}; {_ADVICE}"
        )


def _our_script(script: Path, lock: Path) -> bool:
    try:
        metadata = jupytext.read(script).metadata.get(EXPORT_MARKER)
    except Exception:  # noqa: BLE001 - whatever jupytext cannot read is not an export of ours
        return False
    named = isinstance(metadata, dict) and metadata.get("lock") == lock.name
    return named and lock.is_file() and _our_lock(lock, script)


def _our_lock(lock: Path, script: Path) -> bool:
    try:
        source = read_lock(lock).source
    except LockError:
        return False
    if "script" in source:
        return bool(source["script"] == script.name)
    return lock == lock_path_for(script)  # a lock from before ``source.script``
