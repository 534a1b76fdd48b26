"""git's merge driver for notebooks: nbdime's merge, with re-runs resolved (``notebook_merge``).

Usage (what ``jupyter repro git-setup`` configures as ``merge.jupyter-repro.driver``)::

    python -m jupyter_repro.review.merge_driver %O %A %B %P

git passes the ancestor (%O), ours (%A) and theirs (%B) as temporary files and the notebook's
path (%P). The result is written over %A, as git expects. Exit 0 when the merge is clean; 1 when
nbdime left a conflict (markers in the notebook: git then reports ``CONFLICT`` and stops), or
when a version is not a notebook (the %A file is then left as it was).

A clean result is stored by git exactly as the driver wrote it, without passing it through the
path's ``clean`` filter; so the driver runs that filter itself (``git hash-object --path``) and
writes what ``git add`` would commit, and ``git status`` is clean after the merge commit.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
from nbdime.utils import read_notebook

from .notebook_merge import merge


def as_committed(content: bytes, path: str) -> bytes:
    """``content`` as ``git add`` of ``path`` stores it (its clean filter run), else itself."""
    try:
        written = subprocess.run(
            ["git", "hash-object", "-w", "--stdin", f"--path={path}"],
            input=content,
            capture_output=True,
            check=True,
        )
        oid = written.stdout.decode().strip()
        return subprocess.run(
            ["git", "cat-file", "blob", oid], capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return content  # no git, or the filter failed: as git itself would, keep the bytes


def merge_files(base: Path, local: Path, remote: Path, path: str) -> bool:
    """Merge into ``local`` (git's %A); True when no conflict is left."""
    # git hands an empty ancestor when both sides added the file: nbdime's "minimal" notebook.
    versions = [
        read_notebook(str(base), on_null="minimal", on_empty="minimal"),
        read_notebook(str(local), on_null="minimal"),
        read_notebook(str(remote), on_null="minimal"),
    ]
    merged, conflicted = merge(*versions)
    content = nbformat.writes(merged).rstrip("\n").encode() + b"\n"
    local.write_bytes(content if conflicted else as_committed(content, path))
    return not conflicted


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 4:
        print(
            "usage: python -m jupyter_repro.review.merge_driver BASE LOCAL REMOTE PATH",
            file=sys.stderr,
        )
        return 2
    base, local, remote, path = args
    try:
        clean = merge_files(Path(base), Path(local), Path(remote), path)
    except Exception as error:  # noqa: BLE001 - git must see a conflict, never a traceback
        print(f"jupyter-repro: cannot merge {path} as notebooks: {error}", file=sys.stderr)
        return 1
    if not clean:
        print(
            f"jupyter-repro: conflicts in {path}: nbdime's markers are in the notebook "
            "(or run `nbdime mergetool`)",
            file=sys.stderr,
        )
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
