"""ReproServerSettings, set like any jupyter-server option, change what the routes do."""

from __future__ import annotations

import json

import nbformat
import pytest
from tornado.httpclient import HTTPClientError

from .support import payload, write_notebook


@pytest.fixture
def jp_server_config(jp_server_config):
    options = {"max_verify_running": 0, "max_page_size": 2, "snapshot_saves": "off"}
    return {**jp_server_config, "ReproServerSettings": options}


async def test_verification_beyond_the_limit_is_refused_with_429(jp_fetch, jp_root_dir):
    write_notebook(jp_root_dir / "a.ipynb", [("c1", "x = 1")])

    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(
            "jupyter-repro", "verify", method="POST", body=json.dumps({"path": "a.ipynb"})
        )

    assert error.value.code == 429
    assert "try again when one has finished" in json.loads(error.value.response.body)["message"]


async def test_page_size_is_capped_by_the_option(jp_fetch, jp_root_dir):
    write_notebook(jp_root_dir / "a.ipynb", [("c1", "x = 1")])

    page = payload(
        await jp_fetch("jupyter-repro", "lineage", params={"path": "a.ipynb", "limit": 50})
    )

    assert page["limit"] == 2


async def test_saves_are_not_kept_when_snapshots_are_off(jp_fetch, jp_root_dir):
    model = {"type": "notebook", "format": "json", "content": nbformat.v4.new_notebook()}
    await jp_fetch("api", "contents", "a.ipynb", method="PUT", body=json.dumps(model))

    versions = payload(await jp_fetch("jupyter-repro", "versions", params={"path": "a.ipynb"}))

    assert versions["versions"] == [] and not (jp_root_dir / ".repro").exists()
