"""The hash budget has one default, which the hasher, the recorder and the project file share."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyter_repro.project_settings import DEFAULT_BUDGET_MB, ProjectSettings, read_settings
from jupyter_repro.recorder.recorder_settings import RecorderSettings
from jupyter_repro.recorder.state_hash import DEFAULT_BUDGET

MIB = 1024 * 1024


def test_hasher_recorder_and_project_file_default_to_the_same_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JUPYTER_REPRO_HASH_BUDGET_MB", raising=False)
    assert DEFAULT_BUDGET == int(DEFAULT_BUDGET_MB * MIB) == 256 * MIB
    assert RecorderSettings().budget_bytes == DEFAULT_BUDGET
    assert RecorderSettings.from_environ().budget_bytes == DEFAULT_BUDGET
    assert read_settings(tmp_path) == ProjectSettings() and ProjectSettings().budget_mb == 256
    assert RecorderSettings.from_environ().with_project(tmp_path).budget_bytes == DEFAULT_BUDGET


def test_project_budget_applies_unless_the_environment_sets_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".repro").mkdir()
    (tmp_path / ".repro" / "settings.json").write_text(json.dumps({"budget_mb": 8}))
    monkeypatch.delenv("JUPYTER_REPRO_HASH_BUDGET_MB", raising=False)
    assert RecorderSettings.from_environ().with_project(tmp_path).budget_bytes == 8 * MIB

    monkeypatch.setenv("JUPYTER_REPRO_HASH_BUDGET_MB", "2")
    assert RecorderSettings.from_environ().with_project(tmp_path).budget_bytes == 2 * MIB
    monkeypatch.setenv("JUPYTER_REPRO_HASH_BUDGET_MB", "not a number")
    assert RecorderSettings.from_environ().budget_bytes == DEFAULT_BUDGET
