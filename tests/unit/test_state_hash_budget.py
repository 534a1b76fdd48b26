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


def test_the_time_budget_defaults_to_50_ms_and_0_means_no_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jupyter_repro.project_settings import SettingsError, update

    monkeypatch.delenv("JUPYTER_REPRO_HASH_TIME_BUDGET_MS", raising=False)
    assert ProjectSettings().hash_time_budget_ms == 50
    assert RecorderSettings.from_environ().hash_time_budget_s == 0.05
    assert "hash_time_budget_ms" not in ProjectSettings().to_json()  # the panel's shape kept
    assert update(ProjectSettings(), hash_time_budget_ms=0).to_json()["hash_time_budget_ms"] == 0
    for bad in (-1, 1.5, True, "50"):
        with pytest.raises(SettingsError, match="hash_time_budget_ms"):
            update(ProjectSettings(), hash_time_budget_ms=bad)

    (tmp_path / ".repro").mkdir()
    (tmp_path / ".repro" / "settings.json").write_text(json.dumps({"hash_time_budget_ms": 0}))
    assert read_settings(tmp_path).hash_time_budget_ms == 0
    assert RecorderSettings.from_environ().with_project(tmp_path).hash_time_budget_s is None
    monkeypatch.setenv("JUPYTER_REPRO_HASH_TIME_BUDGET_MS", "200")
    assert RecorderSettings.from_environ().with_project(tmp_path).hash_time_budget_s == 0.2
    monkeypatch.setenv("JUPYTER_REPRO_HASH_TIME_BUDGET_MS", "soon")
    assert RecorderSettings.from_environ().hash_time_budget_ms == 50
