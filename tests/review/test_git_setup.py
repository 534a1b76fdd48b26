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


def test_git_setup_routes_notebooks_to_the_clean_text_diff_our_merge_and_the_clean_filter(repo):
    result = repro("git-setup", cwd=repo)

    assert result.returncode == 0, result.stderr
    attributes = git(repo, "check-attr", "diff", "merge", "filter", "--", "a.ipynb").stdout
    assert "diff: jupyter-repro" in attributes and "merge: jupyter-repro" in attributes
    assert "filter: jupyter-repro" in attributes
    textconv = git(repo, "config", "diff.jupyter-repro.textconv").stdout.strip()
    driver = git(repo, "config", "merge.jupyter-repro.driver").stdout.strip()
    clean = git(repo, "config", "filter.jupyter-repro.clean").stdout.strip()
    for command in (textconv, driver, clean):
        assert command.startswith(sys.executable)  # absolute: works where PATH lacks the venv
    assert driver.endswith(" -m jupyter_repro.review.merge_driver %O %A %B %P")
    assert clean.endswith(" -m jupyter_repro.review.clean_filter")  # counts are kept
    # Not required, no smudge: if the filter cannot run, git commits the file as it is.
    assert git(repo, "config", "filter.jupyter-repro.required", check=False).returncode == 1
    assert git(repo, "config", "filter.jupyter-repro.smudge", check=False).returncode == 1
    assert (repo / ".gitattributes").read_text().startswith(UNRELATED_ATTRIBUTES)


def test_strip_counts_is_a_flag_of_the_clean_filter_and_plain_setup_turns_it_off(repo):
    repro("git-setup", "--strip-counts", cwd=repo)
    stripping = git(repo, "config", "filter.jupyter-repro.clean").stdout.strip()

    again = repro("git-setup", cwd=repo)

    assert stripping.endswith(" -m jupyter_repro.review.clean_filter --strip-counts")
    assert "Set filter.jupyter-repro.clean" in again.stdout
    assert git(repo, "config", "filter.jupyter-repro.clean").stdout.strip().endswith("clean_filter")


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


def test_a_merge_driver_configured_by_nbdime_itself_is_untouched_by_setup_and_undo(repo):
    # What `nbdime config-git --enable` writes, through nbdime's own code.
    subprocess.run(
        [sys.executable, "-m", "nbdime.vcs.git.mergedriver", "config", "--enable"],
        cwd=repo,
        check=True,
        capture_output=True,
    )
    nbdime_driver = git(repo, "config", "merge.jupyternotebook.driver").stdout

    repro("git-setup", cwd=repo)
    merge = git(repo, "check-attr", "merge", "--", "a.ipynb").stdout
    repro("git-setup", "--undo", cwd=repo)

    assert "merge: jupyter-repro" in merge  # our block comes last in .gitattributes: it wins
    assert git(repo, "config", "merge.jupyternotebook.driver").stdout == nbdime_driver


def test_the_nbdime_merge_driver_an_earlier_release_configured_is_replaced(repo):
    earlier = f"{sys.executable} -m nbdime.vcs.git.mergedriver merge %O %A %B %L %P"
    git(repo, "config", "merge.jupyternotebook.name", "jupyter notebook merge driver")
    git(repo, "config", "merge.jupyternotebook.driver", earlier)

    setup = repro("git-setup", cwd=repo)

    assert "Removed merge.jupyternotebook.driver" in setup.stdout
    assert "jupyternotebook" not in (repo / ".git" / "config").read_text()


def test_our_nbdime_difftool_command_is_nbdimes_own_with_this_python(repo):
    """The command nbdime's enable() writes, with `git-nbdifftool` run by this interpreter."""
    subprocess.run(
        [sys.executable, "-m", "nbdime.vcs.git.difftool", "config", "--enable"],
        cwd=repo,
        check=True,
        capture_output=True,
    )
    theirs = git(repo, "config", "difftool.nbdime.cmd").stdout.strip()
    ours = next(d for d in git_setup.drivers() if d.section == "difftool.nbdime").values["cmd"]
    assert ours == theirs.replace("git-nbdifftool", f"{sys.executable} -m nbdime.vcs.git.difftool")


def test_global_setup_writes_the_user_config_and_attributes_and_undo_removes_them(
    tmp_path, private_git
):
    elsewhere = tmp_path / "not-a-repo"
    elsewhere.mkdir()

    repro("git-setup", "--global", cwd=elsewhere)
    attributes = private_git / ".config" / "git" / "attributes"
    assert (
        "*.ipynb diff=jupyter-repro merge=jupyter-repro filter=jupyter-repro"
        in attributes.read_text()
    )
    config = (private_git / ".gitconfig").read_text()
    assert "jupyter_repro.review.clean_text" in config and "review.merge_driver" in config

    repro("git-setup", "--global", "--undo", cwd=elsewhere)
    assert not attributes.exists()
    assert "jupyter-repro" not in (private_git / ".gitconfig").read_text()


def test_git_setup_outside_a_repository_is_an_input_error(tmp_path):
    result = repro("git-setup", cwd=tmp_path)

    assert result.returncode == 2
    assert "Not a git repository" in result.stderr
