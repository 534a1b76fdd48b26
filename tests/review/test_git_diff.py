"""`git diff` and `jupyter repro diff` on a real repository after `jupyter repro git-setup`."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from jupyter_repro.store import LineageStore

from ..cli import repro
from .gitrepo import OTHER_PNG, analysis_notebook, commit, edit, git, init, rerun


@pytest.fixture
def repo(tmp_path) -> Path:
    root = init(tmp_path / "project")
    (root / "data.csv").write_text("item,price\na,1.5\nb,2.5\n")
    nbformat.write(analysis_notebook(), root / "analysis.ipynb")
    assert repro("git-setup", cwd=root).returncode == 0
    commit(root, "analysis")
    return root


def test_rerunning_an_unchanged_notebook_gives_an_empty_git_diff(repo):
    edit(repo / "analysis.ipynb", rerun)

    assert "analysis.ipynb" in git(repo, "status", "--short").stdout  # the bytes did change
    assert git(repo, "diff").stdout == ""
    assert git(repo, "diff", "HEAD", "--", "analysis.ipynb").stdout == ""


def test_rerunning_an_unchanged_notebook_gives_exit_0_from_repro_diff(repo):
    edit(repo / "analysis.ipynb", rerun)

    result = repro("diff", "analysis.ipynb@HEAD", "analysis.ipynb", cwd=repo)

    assert result.returncode == 0, result.stderr
    assert "no changes" in result.stdout


def test_a_one_line_code_change_shows_that_cell_and_line_in_git_diff(repo):
    edit(
        repo / "analysis.ipynb",
        lambda nb: setattr(nb.cells[2], "source", nb.cells[2].source.replace("/ len(rows)", "/ 2")),
    )

    shown = git(repo, "diff").stdout.splitlines()

    changed = [line for line in shown if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == ["-mean = total / len(rows)", "+mean = total / 2"]


def test_a_one_line_code_change_shows_exactly_that_cell_and_line_in_markdown(repo):
    edit(repo / "analysis.ipynb", rerun)
    commit(repo, "re-ran")
    edit(
        repo / "analysis.ipynb",
        lambda nb: setattr(nb.cells[2], "source", nb.cells[2].source.replace("/ len(rows)", "/ 2")),
    )

    result = repro(
        "diff", "analysis.ipynb@HEAD~1", "analysis.ipynb", "--format", "markdown", cwd=repo
    )

    assert result.returncode == 1, result.stderr
    assert result.stdout == (
        "### Notebook diff: `analysis.ipynb@HEAD~1` → `analysis.ipynb`\n"
        "\n"
        "1 cell modified.\n"
        "\n"
        "**Cell 3 (code): modified**\n"
        "\n"
        "```diff\n"
        "@@ -1,3 +1,3 @@\n"
        " total = sum(float(r['price']) for r in rows)\n"
        "-mean = total / len(rows)\n"
        "+mean = total / 2\n"
        " mean\n"
        "```\n"
    )


def test_a_one_line_code_change_is_one_modified_cell_in_json(repo):
    edit(
        repo / "analysis.ipynb",
        lambda nb: setattr(
            nb.cells[1], "source", nb.cells[1].source.replace("print(len(rows))", "print(rows)")
        ),
    )

    result = repro("diff", "analysis.ipynb@HEAD", "analysis.ipynb", "--format", "json", cwd=repo)

    report = json.loads(result.stdout)
    assert result.returncode == 1
    assert report["equal"] is False
    assert report["summary"] == {"added": 0, "removed": 0, "moved": 0, "modified": 1}
    [cell] = report["cells"]
    assert (cell["change"], cell["cell_type"], cell["a_index"], cell["b_index"]) == (
        "modified",
        "code",
        1,
        1,
    )
    assert [line for line in cell["source_diff"] if line[:1] in "+-"] == [
        "-print(len(rows))",
        "+print(rows)",
    ]
    assert report["lineage"] is None


def test_a_changed_plot_is_reported_as_image_changed_with_its_cell(repo):
    edit(
        repo / "analysis.ipynb",
        lambda nb: nb.cells[3].outputs[0].data.update({"image/png": OTHER_PNG}),
    )

    result = repro("diff", "analysis.ipynb@HEAD", "analysis.ipynb", "--format", "json", cwd=repo)

    [cell] = json.loads(result.stdout)["cells"]
    assert cell["b_index"] == 3 and cell["source_diff"] == []
    assert cell["outputs"] == ["image changed (image/png)"]
    assert "image/png: image" in git(repo, "diff").stdout  # the clean text names the image


def test_added_removed_and_moved_cells_are_named_in_text(repo):
    def reshape(nb):
        markdown, load, mean, plot = nb.cells
        nb.cells = [markdown, load, plot, mean, nbformat.v4.new_code_cell("rows[:1]")]

    edit(repo / "analysis.ipynb", reshape)
    result = repro("diff", "analysis.ipynb@HEAD", "analysis.ipynb", cwd=repo)

    assert result.returncode == 1
    assert "\x1b[" not in result.stdout  # not a terminal: no colour codes
    assert "Cell 5 (code): added" in result.stdout and "+rows[:1]" in result.stdout
    assert "moved from cell" in result.stdout


def test_color_is_forced_with_the_color_flag(repo):
    edit(repo / "analysis.ipynb", lambda nb: setattr(nb.cells[0], "source", "# Costs"))

    result = repro("diff", "analysis.ipynb@HEAD", "analysis.ipynb", "--color", cwd=repo)

    assert "\x1b[31m-# Prices\x1b[0m" in result.stdout


def test_a_notebook_with_conflict_markers_is_shown_raw_instead_of_breaking_git_diff(repo):
    (repo / "analysis.ipynb").write_text("<<<<<<< HEAD\n{}\n=======\n>>>>>>> other\n")

    shown = git(repo, "diff")

    assert "+<<<<<<< HEAD" in shown.stdout


def test_a_revision_with_an_at_sign_is_understood(repo):
    edit(repo / "analysis.ipynb", rerun)
    commit(repo, "re-ran")

    result = repro("diff", "analysis.ipynb@HEAD@{1}", "analysis.ipynb@main~1", cwd=repo)

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("a", "message"),
    [
        ("analysis.ipynb@no-such-branch", "Unknown git revision: 'no-such-branch'"),
        ("missing.ipynb", "No such notebook: missing.ipynb"),
        ("later.ipynb@HEAD", "later.ipynb does not exist in HEAD"),
        ("broken.ipynb", "Not a valid notebook: broken.ipynb"),
        ("session:nope", "Unknown session: nope"),
        ("exec:999", "Unknown execution: 999"),
    ],
)
def test_bad_input_exits_2_with_a_one_line_reason(repo, a, message):
    (repo / "later.ipynb").write_text((repo / "analysis.ipynb").read_text())
    (repo / "broken.ipynb").write_text('{"cells": [')
    LineageStore.open(repo / ".repro" / "lineage.db").close()  # a store, with nothing recorded

    result = repro("diff", a, "analysis.ipynb", cwd=repo)

    assert result.returncode == 2
    assert message in result.stderr


def test_a_session_without_any_store_is_an_input_error(repo):
    result = repro("diff", "session:abc", "analysis.ipynb", cwd=repo)

    assert result.returncode == 2
    assert "No lineage has been recorded yet" in result.stderr
