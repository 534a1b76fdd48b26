"""In plain IPython (no ipykernel, no output hooks) recording goes on: errors only, no crash."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import jupyter_repro
from jupyter_repro.recorder.output_fingerprints import error_fingerprint
from jupyter_repro.store import LineageStore


@pytest.fixture
def shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.setenv("JUPYTER_REPRO_DB", str(tmp_path / "lineage.db"))
    monkeypatch.chdir(tmp_path)
    shell = InteractiveShell.instance()
    jupyter_repro.load_ipython_extension(shell)
    recorder = shell._jupyter_repro_recorder
    assert recorder is not None and recorder.outputs is not None
    assert not recorder.outputs.hooked
    yield shell
    jupyter_repro.unload_ipython_extension(shell)


def test_plain_ipython_records_errors_and_nothing_else(shell, tmp_path, capsys):
    shell.run_cell("print('hello')\n40 + 2", store_history=True)
    shell.run_cell("from IPython.display import HTML, display\ndisplay(HTML('<b>x</b>'))", True)
    shell.run_cell("1/0", store_history=True)
    assert "hello" in capsys.readouterr().out  # the user still sees everything

    with LineageStore.open(tmp_path / "lineage.db", create=False) as store:
        executions = store.executions()
    assert [e.outputs for e in executions] == [
        (),
        (),
        (error_fingerprint(0, "ZeroDivisionError"),),
    ]
