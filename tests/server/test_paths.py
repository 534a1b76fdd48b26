"""Requests only reach files inside the server root, and say plainly what is wrong."""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from .support import payload, write_notebook


async def refused(jp_fetch, route, path, method="GET"):
    body = json.dumps({"path": path}) if method != "GET" else None
    params = {"path": path} if method == "GET" else None
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("jupyter-repro", route, method=method, body=body, params=params)
    return error.value.code, json.loads(error.value.response.body)["message"]


@pytest.mark.parametrize("route", ["lineage", "cells", "versions", "settings"])
async def test_dot_dot_is_refused(jp_fetch, jp_root_dir, route):
    write_notebook(jp_root_dir.parent / "outside.ipynb", [("c1", "x = 1")])

    code, message = await refused(jp_fetch, route, "../outside.ipynb")

    assert code == 403 and "leaves the server root" in message


async def test_absolute_path_is_refused(jp_fetch, jp_root_dir):
    notebook = write_notebook(jp_root_dir / "a.ipynb", [("c1", "x = 1")])

    code, message = await refused(jp_fetch, "lineage", str(notebook))

    assert code == 400 and "relative to the server root" in message


@pytest.mark.parametrize(("route", "method"), [("lineage", "GET"), ("export/script", "POST")])
async def test_symlink_leaving_the_root_is_refused(jp_fetch, jp_root_dir, route, method):
    outside = write_notebook(jp_root_dir.parent / "secret" / "s.ipynb", [("c1", "x = 1")])
    (jp_root_dir / "link").symlink_to(outside.parent, target_is_directory=True)

    code, message = await refused(jp_fetch, route, "link/s.ipynb", method)

    assert code == 403 and "outside the server root" in message


async def test_export_refuses_to_write_through_a_symlink_leaving_the_root(jp_fetch, jp_root_dir):
    write_notebook(jp_root_dir / "a.ipynb", [("c1", "x = 1")])
    target = jp_root_dir.parent / "elsewhere.py"
    (jp_root_dir / "a_script.py").symlink_to(target)

    code, message = await refused(jp_fetch, "export/script", "a.ipynb", "POST")

    assert code == 403 and "a_script.py resolves outside the server root" in message
    assert not target.exists()


async def test_missing_notebook_is_404_with_its_name(jp_fetch):
    code, message = await refused(jp_fetch, "cells", "nowhere/missing.ipynb")

    assert code == 404 and message == "No such notebook: nowhere/missing.ipynb"


async def test_a_file_that_is_not_a_notebook_is_refused(jp_fetch, jp_root_dir):
    (jp_root_dir / "notes.txt").write_text("hello")

    code, message = await refused(jp_fetch, "lineage", "notes.txt")

    assert code == 400 and "Not a notebook" in message


async def test_missing_path_argument_is_a_bad_request(jp_fetch):
    code, message = await refused(jp_fetch, "lineage", "")

    assert code == 400 and "'path'" in message


async def test_notebook_never_run_has_empty_lineage_and_no_store_is_created(jp_fetch, jp_root_dir):
    write_notebook(jp_root_dir / "fresh.ipynb", [("c1", "x = 1")])

    lineage = payload(await jp_fetch("jupyter-repro", "lineage", params={"path": "fresh.ipynb"}))
    cells = payload(await jp_fetch("jupyter-repro", "cells", params={"path": "fresh.ipynb"}))
    env = payload(await jp_fetch("jupyter-repro", "environment", params={"path": "fresh.ipynb"}))

    assert lineage["total"] == 0 and lineage["executions"] == []
    assert cells["session"] is None and [c["status"] for c in cells["cells"]] == ["never-run"]
    assert "Python 3 (repro) kernel" in cells["cells"][0]["reasons"][0]
    assert env is None
    assert not (jp_root_dir / ".repro").exists()


async def test_a_damaged_store_is_reported_not_hidden(jp_fetch, jp_root_dir):
    write_notebook(jp_root_dir / "a.ipynb", [("c1", "x = 1")])
    (jp_root_dir / ".repro").mkdir()
    (jp_root_dir / ".repro" / "lineage.db").write_bytes(b"this is not a database" * 100)

    code, message = await refused(jp_fetch, "lineage", "a.ipynb")

    assert code == 503 and "damaged" in message
