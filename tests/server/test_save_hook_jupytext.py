"""Saves are kept as versions when jupytext's contents manager serves the files, too."""

from __future__ import annotations

import json

import nbformat
import pytest

from .support import payload


@pytest.fixture
def jp_server_config(jp_server_config):
    # As installed: jupytext's server extension swaps in its contents manager, after ours loads.
    extensions = {"jupyter_repro": True, "jupyterlab_jupytext": True}
    return {"ServerApp": {**jp_server_config["ServerApp"], "jpserver_extensions": extensions}}


async def test_saves_through_jupytext_are_kept_and_the_paired_script_is_not(
    jp_fetch, jp_root_dir, jp_serverapp
):
    assert hasattr(jp_serverapp.web_app.settings["contents_manager"], "formats")  # jupytext's
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1", id="c1")]
    nb.metadata["jupytext"] = {"formats": "ipynb,py:percent"}
    model = {"type": "notebook", "format": "json", "content": nb}

    await jp_fetch("api", "contents", "a.ipynb", method="PUT", body=json.dumps(model))
    versions = payload(await jp_fetch("jupyter-repro", "versions", params={"path": "a.ipynb"}))

    assert (jp_root_dir / "a.py").is_file()
    assert len(versions["versions"]) == 1
