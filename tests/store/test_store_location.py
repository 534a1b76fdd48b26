"""One store per project: at the git root, else beside the notebook; JUPYTER_REPRO_DB wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_repro.store import ENV_VAR, default_db_path, project_root


@pytest.fixture(autouse=True)
def _no_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)


def test_git_root_is_found_from_a_nested_folder(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    nested = tmp_path / "repo" / "analysis" / "2024"
    nested.mkdir(parents=True)
    repo = (tmp_path / "repo").resolve()
    assert project_root(nested) == repo
    assert default_db_path(nested / "clean.ipynb") == repo / ".repro" / "lineage.db"


def test_worktree_git_file_counts_as_a_repository(tmp_path: Path) -> None:
    (tmp_path / "wt").mkdir()
    (tmp_path / "wt" / ".git").write_text("gitdir: /elsewhere/.git/worktrees/wt\n")
    assert project_root(tmp_path / "wt") == (tmp_path / "wt").resolve()


def test_outside_a_repository_the_notebook_folder_is_the_root(tmp_path: Path) -> None:
    folder = tmp_path / "loose"
    folder.mkdir()
    notebook = folder / "scratch.ipynb"
    notebook.write_text("{}")
    if any((p / ".git").exists() for p in folder.resolve().parents):
        pytest.skip("the temporary folder is itself inside a git repository")
    assert project_root(notebook) == folder.resolve()  # a file means its folder
    assert default_db_path(notebook) == folder.resolve() / ".repro" / "lineage.db"


def test_without_a_notebook_the_working_directory_is_used(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "sub").mkdir()
    expected = tmp_path.resolve() / ".repro" / "lineage.db"
    assert default_db_path(None, cwd=tmp_path / "sub") == expected


def test_relative_notebook_is_taken_from_cwd(tmp_path: Path) -> None:
    (tmp_path / "proj" / ".git").mkdir(parents=True)
    expected = (tmp_path / "proj").resolve() / ".repro" / "lineage.db"
    assert default_db_path(Path("proj/nb/a.ipynb"), cwd=tmp_path) == expected


def test_environment_variable_overrides_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "elsewhere" / "my.db"))
    assert default_db_path(tmp_path / "a.ipynb") == tmp_path / "elsewhere" / "my.db"
    monkeypatch.setenv(ENV_VAR, "rel/my.db")
    assert default_db_path(None, cwd=tmp_path) == tmp_path / "rel" / "my.db"
