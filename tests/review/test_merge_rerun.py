"""Merging branches that each re-ran the notebook (new counts, JupyterLab timing), and commits
that leave the timing out: real git repositories, `jupyter repro git-setup` as a user runs it."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import nbformat
from nbformat.v4 import new_output

from jupyter_repro.review.clean_filter import clean_bytes
from jupyter_repro.review.notebook_merge import merge

from ..cli import repro
from .gitrepo import analysis_notebook, commit, edit, git, init, rerun

NB = "analysis.ipynb"


def jupyterlab_timing(nb: nbformat.NotebookNode, minute: int) -> None:
    """The five timestamps JupyterLab's "record timing" writes into every code cell it runs."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            stamp = f"2025-01-01T10:{minute:02d}:00.000000Z"
            cell.metadata["execution"] = {
                key: stamp
                for key in (
                    "iopub.execute_input",
                    "iopub.status.busy",
                    "iopub.status.idle",
                    "shell.execute_reply",
                    "shell.execute_reply.started",
                )
            }


def restart_and_run_all(nb: nbformat.NotebookNode, minute: int) -> None:
    """A re-run from a fresh kernel with equal results: counts 1, 2, 3 again, new timestamps."""
    jupyterlab_timing(nb, minute)


def print_rows(nb):
    nb.cells[1].source = nb.cells[1].source.replace("print(len(rows))", "print(rows)")
    rerun(nb, start=10)
    jupyterlab_timing(nb, 10)
    nb.cells[1].outputs = [new_output("stream", name="stdout", text="[{'price': '1.5'}, ...]\n")]


def round_mean(nb):
    nb.cells[2].source = nb.cells[2].source.removesuffix("\nmean") + "\nround(mean, 1)"
    rerun(nb, start=20)
    jupyterlab_timing(nb, 20)
    nb.cells[2].outputs[0].data["text/plain"] = "2.0 (rounded)"


def diverge(root: Path, on_main, on_other, setup_first: bool = False) -> Path:
    """A committed notebook; branch `other` and then `main` each change it and commit."""
    init(root)
    nbformat.write(analysis_notebook(), root / NB)
    if setup_first:
        assert repro("git-setup", cwd=root).returncode == 0
    commit(root, "base")
    git(root, "checkout", "-q", "-b", "other")
    edit(root / NB, on_other)
    commit(root, "other")
    git(root, "checkout", "-q", "main")
    edit(root / NB, on_main)
    commit(root, "main")
    return root


def adopt_git_setup(root: Path) -> None:
    """A team adopts git-setup on a history whose commits hold counts and timing.

    The notebook was committed a while ago: git trusts its stat data and does not compare its
    content (through the new clean filter) with the commit, as it would for a file written in
    the second of the commit.
    """
    earlier = (root / NB).stat().st_mtime - 60
    os.utime(root / NB, (earlier, earlier))
    git(root, "update-index", "--refresh")
    setup = repro("git-setup", cwd=root)
    assert setup.returncode == 0, setup.stderr
    git(root, "add", ".gitattributes")
    git(root, "commit", "-q", "-m", "git-setup")


def test_rerun_branches_that_changed_different_cells_merge_without_conflicts(tmp_path):
    root = diverge(tmp_path / "repo", print_rows, round_mean)
    adopt_git_setup(root)

    merged = git(root, "merge", "other", "-m", "merge", check=False)

    assert merged.returncode == 0, merged.stdout + merged.stderr
    nb = nbformat.read(root / NB, as_version=4)
    nbformat.validate(nb)
    assert "print(rows)" in nb.cells[1].source
    assert nb.cells[2].source.endswith("\nround(mean, 1)")
    assert git(root, "status", "--porcelain").stdout == ""


def test_each_cell_keeps_count_outputs_and_timing_of_the_branch_that_changed_its_source(
    tmp_path,
):
    root = diverge(tmp_path / "repo", print_rows, round_mean)
    adopt_git_setup(root)
    # Without the clean filter, the merged file keeps the timing the driver chose.
    git(root, "config", "--unset", "filter.jupyter-repro.clean")

    assert git(root, "merge", "other", "-m", "merge", check=False).returncode == 0

    load, mean, plot = nbformat.read(root / NB, as_version=4).cells[1:]
    assert load.execution_count == 10 and load.outputs[0].text.startswith("[{'price'")
    assert load.metadata["execution"]["iopub.execute_input"].startswith("2025-01-01T10:10")
    assert mean.execution_count == 21 and mean.outputs[0].execution_count == 21
    assert mean.outputs[0].data["text/plain"] == "2.0 (rounded)"
    assert mean.metadata["execution"]["iopub.execute_input"].startswith("2025-01-01T10:20")
    assert plot.execution_count == 12  # changed by neither: ours (main, merged into)


def test_a_conflicting_source_in_the_same_cell_stops_the_merge_with_nbdime_markers(tmp_path):
    def divide_by_two(nb):
        nb.cells[2].source = nb.cells[2].source.replace("/ len(rows)", "/ 2")
        rerun(nb, start=10)
        jupyterlab_timing(nb, 10)

    root = diverge(tmp_path / "repo", divide_by_two, round_mean, setup_first=True)

    merged = git(root, "merge", "other", "-m", "merge", check=False)

    assert merged.returncode != 0
    assert "CONFLICT" in merged.stdout
    assert git(root, "status", "--porcelain").stdout.startswith("UU analysis.ipynb")
    nb = nbformat.read(root / NB, as_version=4)
    nbformat.validate(nb)
    source = nb.cells[2].source
    assert "<<<<<<< local" in source and ">>>>>>> remote" in source
    assert "mean = total / 2" in source and "round(mean, 1)" in source


def committed_after_a_jupyterlab_run(root: Path, **setup_options: str) -> Path:
    """git-setup, then the notebook as JupyterLab saved it (with timing) committed."""
    init(root)
    nbformat.write(analysis_notebook(), root / NB)
    assert repro("git-setup", *setup_options.values(), cwd=root).returncode == 0
    edit(root / NB, lambda nb: restart_and_run_all(nb, 30))
    commit(root, "base")
    return root


def saved_later(path: Path, change) -> None:
    """Edit as JupyterLab's save would, a few seconds after the last commit."""
    edit(path, change)
    later = path.stat().st_mtime + 5
    os.utime(path, (later, later))


def test_restart_and_run_all_with_equal_results_is_not_listed_by_git_status(tmp_path):
    root = committed_after_a_jupyterlab_run(tmp_path / "repo")

    saved_later(root / NB, lambda nb: restart_and_run_all(nb, 40))

    assert "10:40:00" in (root / NB).read_text()  # the file did change
    assert git(root, "status", "--porcelain").stdout == ""
    assert git(root, "diff").stdout == ""


def test_a_rerun_that_changed_the_files_size_is_listed_until_git_add_which_stages_nothing(
    tmp_path,
):
    root = committed_after_a_jupyterlab_run(tmp_path / "repo")
    saved_later(root / NB, lambda nb: nb.cells[1].metadata["execution"].pop("iopub.status.busy"))
    assert git(root, "status", "--porcelain").stdout == f" M {NB}\n"  # git saw the size change

    git(root, "add", NB)

    assert git(root, "status", "--porcelain").stdout == ""


def test_commits_leave_out_timing_and_keep_outputs_and_counts(tmp_path):
    root = committed_after_a_jupyterlab_run(tmp_path / "repo")

    committed = json.loads(git(root, "show", f"HEAD:{NB}").stdout)
    on_disk = json.loads((root / NB).read_text())
    assert "execution" in on_disk["cells"][1]["metadata"]  # the file keeps its timing
    assert "execution" not in committed["cells"][1]["metadata"]
    for cell in on_disk["cells"]:
        cell["metadata"].pop("execution", None)
    assert committed == on_disk  # outputs, counts, ids: all there


def test_a_renumbering_rerun_is_a_change_to_commit_unless_counts_are_stripped(tmp_path):
    def run_all_again(nb):
        rerun(nb, start=10, timing=False)
        jupyterlab_timing(nb, 50)
        del nb.metadata["language_info"], nb.metadata["widgets"]
        nb.cells[1].outputs = [new_output("stream", name="stdout", text="2\n")]  # one chunk

    kept = committed_after_a_jupyterlab_run(tmp_path / "kept")
    stripped = committed_after_a_jupyterlab_run(tmp_path / "stripped", flag="--strip-counts")
    for root in (kept, stripped):
        saved_later(root / NB, run_all_again)
        git(root, "add", NB)

    assert git(kept, "status", "--porcelain").stdout == f"M  {NB}\n"
    assert git(kept, "diff", "--cached").stdout == ""  # the clean text has no counts
    assert git(stripped, "status", "--porcelain").stdout == ""
    committed = json.loads(git(stripped, "show", f"HEAD:{NB}").stdout)
    assert [c.get("execution_count") for c in committed["cells"]] == [None] * 4
    assert committed["cells"][3]["outputs"][0]["data"]["image/png"]  # outputs stay


def test_the_clean_filter_passes_what_is_not_a_notebook_through_unchanged():
    for raw in (b"", b'{"cells": [', b"<<<<<<< HEAD\n{}\n=======\n>>>>>>> other\n", b"[1, 2]"):
        assert clean_bytes(raw) == raw
    untimed = nbformat.writes(analysis_notebook()).encode()
    assert clean_bytes(untimed) == untimed  # nothing to remove: the very bytes


def test_the_clean_filter_writes_nbformats_layout_and_is_idempotent():
    nb = analysis_notebook()
    expected = nbformat.writes(nb) + "\n"
    jupyterlab_timing(nb, 5)
    nb.cells[1].metadata["execution"]["note"] = "kept: not a timestamp"

    once = clean_bytes((nbformat.writes(nb) + "\n").encode())

    assert clean_bytes(once) == once
    back = json.loads(once)
    assert back["cells"][1]["metadata"] == {"execution": {"note": "kept: not a timestamp"}}
    del back["cells"][1]["metadata"]["execution"]
    assert json.dumps(back, indent=1, ensure_ascii=False) + "\n" == expected


def test_outputs_changed_by_one_side_only_are_taken_and_both_changed_take_local():
    base = analysis_notebook()
    local, remote = copy.deepcopy(base), copy.deepcopy(base)
    remote.cells[3].outputs[0].data["text/plain"] = "<Figure: remote re-ran the plot>"
    local.cells[1].outputs[0].text = "3\n"  # new data: both re-ran cell 1 ...
    remote.cells[1].outputs[0].text = "4\n"  # ... with different results

    merged, conflicted = merge(base, local, remote)

    assert not conflicted
    assert merged.cells[3].outputs[0].data["text/plain"] == "<Figure: remote re-ran the plot>"
    assert merged.cells[1].outputs[0].text == "3\n"


def test_a_cell_removed_on_one_side_and_only_rerun_on_the_other_is_removed():
    base = analysis_notebook()
    local, remote = copy.deepcopy(base), copy.deepcopy(base)
    del local.cells[3]
    rerun(remote, start=40)
    jupyterlab_timing(remote, 40)

    merged, conflicted = merge(base, local, remote)

    assert not conflicted
    assert [cell.source for cell in merged.cells] == [cell.source for cell in local.cells]


def test_kernel_versions_both_sides_changed_differently_take_local_without_conflict():
    base = analysis_notebook()
    local, remote = copy.deepcopy(base), copy.deepcopy(base)
    local.metadata["language_info"] = {"name": "python", "version": "3.11.9"}
    remote.metadata["language_info"] = {"name": "python", "version": "3.12.4"}

    merged, conflicted = merge(base, local, remote)

    assert not conflicted
    assert merged.metadata["language_info"]["version"] == "3.11.9"
