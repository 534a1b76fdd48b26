"""Every review test runs git with a private HOME: the developer's own git config never leaks in."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def private_git(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    monkeypatch.delenv("JUPYTER_REPRO_DB", raising=False)
    return home
