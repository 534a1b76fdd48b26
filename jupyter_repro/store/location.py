"""Where a project's lineage database lives.

There is one store per project, at ``<project root>/.repro/lineage.db``. The project root is the
git root (the nearest folder up holding ``.git``, a folder or a worktree's file) when the notebook
is in a repository, else the notebook's own folder; without a notebook (plain IPython), the
current directory under the same rule. ``JUPYTER_REPRO_DB`` overrides the whole path::

    path = default_db_path(Path("/home/ann/proj/analysis/clean.ipynb"))
    # -> /home/ann/proj/.repro/lineage.db when /home/ann/proj/.git exists

Nothing here touches the disk besides looking for ``.git``; the store creates the folder.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable naming the database file, overriding the project rule.
ENV_VAR = "JUPYTER_REPRO_DB"
STORE_DIR = ".repro"
DB_NAME = "lineage.db"


def project_root(start: Path) -> Path:
    """The git root above ``start`` (a folder; an existing file means its folder), else ``start``.

    Paths are resolved first so that two kernels reaching a notebook through different symlinks
    share one store.
    """
    start = start.expanduser().resolve()
    if start.is_file():
        start = start.parent
    for folder in (start, *start.parents):
        # A worktree or a submodule has a .git *file*; exists() accepts both.
        if (folder / ".git").exists():
            return folder
    return start


def default_db_path(notebook: Path | None, cwd: Path | None = None) -> Path:
    """The database file for ``notebook`` (or for ``cwd`` when there is no notebook).

    Relative paths, in ``notebook`` and in ``JUPYTER_REPRO_DB``, are taken from ``cwd``, which
    defaults to the process's current directory.
    """
    base = cwd if cwd is not None else Path.cwd()
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        return base / Path(override).expanduser()
    folder = base / notebook.expanduser().parent if notebook is not None else base
    return project_root(folder) / STORE_DIR / DB_NAME
