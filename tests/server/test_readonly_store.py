"""GET routes never write the store: no migration, no ``-wal``/``-shm``, not through a symlink.

The project's ``.repro`` is a symlink to a folder outside the server's root holding a store an
older release wrote (so opening it read-write would migrate it); every GET answers, and the
folder's files keep their bytes and modification times.
"""

from __future__ import annotations

import contextlib
import sqlite3

from tornado.httpclient import HTTPClientError

from tests.read_only import OLDER, files, older_store

from .support import payload, write_notebook

GETS = [
    ("lineage", {}),
    ("executions/1", {}),
    ("cells", {}),
    ("environment", {}),
    ("versions", {}),
    ("diff", {"base": "version:1"}),
]


async def test_get_routes_read_an_older_store_through_a_symlink_and_write_nothing(
    jp_fetch, jp_root_dir, tmp_path_factory
):
    notebook = write_notebook(jp_root_dir / "a.ipynb", [("c1", "x = 1")]).resolve()
    outside = tmp_path_factory.mktemp("elsewhere") / ".repro"
    older_store(outside / "lineage.db", notebook)
    (jp_root_dir / ".repro").symlink_to(outside, target_is_directory=True)
    before = files(outside)

    codes, answers = {}, {}
    for route, params in GETS:
        query = {"path": "a.ipynb", **params}
        try:
            response = await jp_fetch("jupyter-repro", *route.split("/"), params=query)
        except HTTPClientError as error:
            codes[route] = error.code
        else:
            codes[route], answers[route] = response.code, payload(response)

    assert codes == {
        "lineage": 200,
        "executions/1": 404,
        "cells": 200,
        "environment": 200,
        "versions": 200,
        "diff": 404,
    }
    assert answers["lineage"]["total"] == 0
    assert answers["cells"]["session"] == "s1"  # read, through the migrated copy in memory
    assert files(outside) == before  # no -wal, no -shm, no byte, no time changed
    uri = f"{(outside / 'lineage.db').as_uri()}?immutable=1"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as raw:
        assert raw.execute("PRAGMA user_version").fetchone() == (OLDER,)  # not migrated
