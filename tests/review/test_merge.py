"""Merging branches that changed different cells of one notebook, through nbdime's merge driver."""

from __future__ import annotations

from pathlib import Path

import nbformat

from ..cli import repro
from .gitrepo import analysis_notebook, commit, edit, git, init, rerun


def diverge(root: Path, setup: bool) -> Path:
    """main edits cell 2 and re-runs all; branch `other` edits cell 3 and re-runs all.

    Both re-runs renumber every cell, so a line-based merge of the JSON conflicts.
    """
    init(root)
    nbformat.write(analysis_notebook(), root / "analysis.ipynb")
    if setup:
        assert repro("git-setup", cwd=root).returncode == 0
    commit(root, "base")
    git(root, "checkout", "-q", "-b", "other")

    def on_other(nb):
        nb.cells[2].source = nb.cells[2].source.removesuffix("\nmean") + "\nround(mean, 2)"
        rerun(nb, start=20, timing=False)

    edit(root / "analysis.ipynb", on_other)
    commit(root, "round the mean")
    git(root, "checkout", "-q", "main")

    def on_main(nb):
        nb.cells[1].source = nb.cells[1].source.replace("print(len(rows))", "print(rows)")
        rerun(nb, start=10, timing=False)

    edit(root / "analysis.ipynb", on_main)
    commit(root, "print the rows")
    return root


def test_without_git_setup_the_same_merge_conflicts(tmp_path):
    root = diverge(tmp_path / "plain", setup=False)

    merged = git(root, "merge", "other", "-m", "merge", check=False)

    assert merged.returncode != 0 and "CONFLICT" in merged.stdout


def test_branches_changing_different_cells_merge_cleanly_with_both_changes(tmp_path):
    root = diverge(tmp_path / "setup", setup=True)

    merged = git(root, "merge", "other", "-m", "merge", check=False)

    assert merged.returncode == 0, merged.stdout + merged.stderr
    nb = nbformat.read(root / "analysis.ipynb", as_version=4)
    nbformat.validate(nb)
    sources = [cell.source for cell in nb.cells]
    assert "print(rows)" in sources[1]
    assert sources[2].endswith("mean = total / len(rows)\nround(mean, 2)")
    assert git(root, "status", "--porcelain").stdout == ""
