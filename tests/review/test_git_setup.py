"""`jupyter repro git-setup`: what it writes, that it is idempotent, and that --undo reverts it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from jupyter_repro.review import git_setup

from ..cli import repro
from .gitrepo import git, init

UNRELATED_ATTRIBUTES = "*.csv text eol=lf\n*.png binary\n"


@pytest.fixture
def repo(tmp_path) -> Path:
    root = init(tmp_path / "project")
    (root / ".gitattributes").write_text(UNRELATED_ATTRIBUTES)
    git(root, "config", "core.autocrlf", "false")
    return root


def state(root: Path) -> tuple[str, str]:
    return (root / ".gitattributes").read_text(), (root / ".git" / "config").read_text()


def test_git_setup_routes_notebooks_to_the_clean_text_diff_and_the_nbdime_merge(repo):
    result = repro("git-setup", cwd=repo)

    assert result.returncode == 0, result.stderr
    attributes = git(repo, "check-attr", "diff", "merge", "--", "a.ipynb").stdout
    assert "diff: jupyter-repro" in attributes and "merge: jupyternotebook" in attributes
    textconv = git(repo, "config", "diff.jupyter-repro.textconv").stdout.strip()
    driver = git(repo, "config", "merge.jupyternotebook.driver").stdout.strip()
    assert textconv.startswith(sys.executable)  # absolute: works where PATH lacks the venv
    assert driver.startswith(sys.executable) and driver.endswith("merge %O %A %B %L %P")
    assert (repo / ".gitattributes").read_text().startswith(UNRELATED_ATTRIBUTES)


def test_running_git_setup_twice_changes_nothing(repo):
    repro("git-setup", cwd=repo)
    once = state(repo)

    again = repro("git-setup", cwd=repo)

    assert state(repo) == once
    assert "Already set up: nothing changed." in again.stdout


def test_undo_restores_gitattributes_and_git_config_exactly(repo):
    before = state(repo)
    repro("git-setup", cwd=repo)

    undone = repro("git-setup", "--undo", cwd=repo)

    assert undone.returncode == 0, undone.stderr
    assert state(repo) == before


def test_undo_deletes_a_gitattributes_file_that_git_setup_created(tmp_path):
    root = init(tmp_path / "bare")
    repro("git-setup", cwd=root)
    assert (root / ".gitattributes").exists()

    repro("git-setup", "--undo", cwd=root)

    assert not (root / ".gitattributes").exists()


def test_a_merge_driver_configured_by_nbdime_itself_is_kept_and_survives_undo(repo):
    # What `nbdime config-git --enable` writes, through nbdime's own code.
    subprocess.run(
        [sys.executable, "-m", "nbdime.vcs.git.mergedriver", "config", "--enable"],
        cwd=repo,
        check=True,
        capture_output=True,
    )
    nbdime_driver = git(repo, "config", "merge.jupyternotebook.driver").stdout

    setup = repro("git-setup", cwd=repo)
    repro("git-setup", "--undo", cwd=repo)

    assert "Left alone merge.jupyternotebook" in setup.stdout
    assert git(repo, "config", "merge.jupyternotebook.driver").stdout == nbdime_driver


def test_our_nbdime_commands_are_nbdimes_own_with_this_python(repo):
    """The commands nbdime's enable() writes, with `git-nb...` run by this interpreter."""
    for module, key in (
        ("mergedriver", "merge.jupyternotebook.driver"),
        ("difftool", "difftool.nbdime.cmd"),
    ):
        subprocess.run(
            [sys.executable, "-m", f"nbdime.vcs.git.{module}", "config", "--enable"],
            cwd=repo,
            check=True,
            capture_output=True,
        )
        theirs = git(repo, "config", key).stdout.strip()
        ours = next(d for d in git_setup.drivers() if key.startswith(d.section)).values[
            key.rsplit(".", 1)[1]
        ]
        assert ours == theirs.replace(
            f"git-nb{module}", f"{sys.executable} -m nbdime.vcs.git.{module}", 1
        )


def test_global_setup_writes_the_user_config_and_attributes_and_undo_removes_them(
    tmp_path, private_git
):
    elsewhere = tmp_path / "not-a-repo"
    elsewhere.mkdir()

    repro("git-setup", "--global", cwd=elsewhere)
    attributes = private_git / ".config" / "git" / "attributes"
    assert "*.ipynb diff=jupyter-repro merge=jupyternotebook" in attributes.read_text()
    assert "jupyter_repro.review.clean_text" in (private_git / ".gitconfig").read_text()

    repro("git-setup", "--global", "--undo", cwd=elsewhere)
    assert not attributes.exists()
    assert "jupyter-repro" not in (private_git / ".gitconfig").read_text()


def test_git_setup_outside_a_repository_is_an_input_error(tmp_path):
    result = repro("git-setup", cwd=tmp_path)

    assert result.returncode == 2
    assert "Not a git repository" in result.stderr
