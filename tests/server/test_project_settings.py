"""A project's recorder settings: read with defaults, validated, written atomically."""

from __future__ import annotations

import pytest

from jupyter_repro.project_settings import (
    DEFAULT_BUDGET_MB,
    ProjectSettings,
    SettingsError,
    read_settings,
    settings_file,
    update,
    write_settings,
)


def test_a_project_without_settings_gets_the_defaults(tmp_path):
    assert read_settings(tmp_path) == ProjectSettings((), DEFAULT_BUDGET_MB)
    assert not (tmp_path / ".repro").exists()


def test_settings_written_are_read_back_and_the_folder_is_private(tmp_path):
    write_settings(
        tmp_path, update(ProjectSettings(), skip=["model", "tmp_*", "model"], budget_mb=64)
    )

    assert read_settings(tmp_path) == ProjectSettings(("model", "tmp_*"), 64.0)
    assert (tmp_path / ".repro" / ".gitignore").read_text() == "*\n"
    assert (tmp_path / ".repro").stat().st_mode & 0o077 == 0
    # Written through a temporary file, renamed over: none is left behind.
    assert sorted(p.name for p in (tmp_path / ".repro").iterdir()) == [
        ".gitignore",
        "settings.json",
    ]


def test_a_change_keeps_what_it_does_not_name(tmp_path):
    settings = update(ProjectSettings(), skip=["a"], budget_mb=10)

    assert update(settings, budget_mb=20) == ProjectSettings(("a",), 20.0)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"skip": "model"}, "list"),
        ({"skip": ["a b"]}, "'a b'"),
        ({"skip": ["x,y"]}, "'x,y'"),
        ({"budget_mb": 0}, "above 0"),
        ({"budget_mb": True}, "number"),
        ({"budget_mb": "64"}, "number"),
    ],
)
def test_invalid_settings_say_what_is_expected(change, words):
    with pytest.raises(SettingsError, match=words):
        update(ProjectSettings(), **change)


def test_a_damaged_file_is_an_error_for_people_and_defaults_for_kernels(tmp_path):
    settings_file(tmp_path).parent.mkdir()
    settings_file(tmp_path).write_text("{not json")

    with pytest.raises(SettingsError, match="Fix or delete the file"):
        read_settings(tmp_path)
    assert read_settings(tmp_path, strict=False) == ProjectSettings()
