"""A store a kernel has just created, before its schema exists, reads as empty lineage."""

import sqlite3

from .support import payload, write_notebook


async def test_store_without_schema_yet_is_empty_lineage_not_an_error(jp_fetch, jp_root_dir):
    write_notebook(jp_root_dir / "fresh.ipynb", [("c1", "x = 1")])
    store = jp_root_dir / ".repro" / "lineage.db"
    store.parent.mkdir()
    with sqlite3.connect(store) as conn:  # what a kernel leaves in the instant before migrating
        conn.execute("PRAGMA journal_mode=WAL")

    lineage = payload(await jp_fetch("jupyter-repro", "lineage", params={"path": "fresh.ipynb"}))
    cells = payload(await jp_fetch("jupyter-repro", "cells", params={"path": "fresh.ipynb"}))

    assert store.stat().st_size > 0
    assert lineage["total"] == 0 and lineage["executions"] == []
    assert [c["status"] for c in cells["cells"]] == ["never-run"]


async def test_damaged_store_is_reported_as_503_with_its_path(jp_fetch, jp_root_dir):
    import pytest
    from tornado.httpclient import HTTPClientError

    write_notebook(jp_root_dir / "broken.ipynb", [("c1", "x = 1")])
    store = jp_root_dir / ".repro" / "lineage.db"
    store.parent.mkdir()
    store.write_bytes(b"this is not a database" * 100)

    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("jupyter-repro", "lineage", params={"path": "broken.ipynb"})

    assert error.value.code == 503
    assert "lineage.db" in payload(error.value.response)["message"]
