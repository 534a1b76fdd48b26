"""A store a newer jupyter-repro migrated is a conflict (409) on every route, never a 500."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_repro.store import LineageStore, latest_version

from .support import payload, write_notebook

FUTURE = latest_version() + 1


@pytest.fixture
def newer_store(jp_root_dir):
    """analysis.ipynb, with a project store a future release migrated."""
    write_notebook(jp_root_dir / "analysis.ipynb", [("c1", "x = 1")])
    db = jp_root_dir / ".repro" / "lineage.db"
    LineageStore.open(db).close()
    with contextlib.closing(sqlite3.connect(db)) as raw, raw:
        raw.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('jupyter_repro.store', 'm999_from_the_future', 'later')"
        )
        raw.execute(f"PRAGMA user_version = {FUTURE}")
    return db


@pytest.mark.parametrize(
    ("method", "route", "params", "body"),
    [
        ("GET", "lineage", {"path": "analysis.ipynb"}, None),
        ("GET", "cells", {"path": "analysis.ipynb"}, None),
        ("GET", "executions/1", {"path": "analysis.ipynb"}, None),
        ("GET", "environment", {"path": "analysis.ipynb"}, None),
        ("POST", "export/script", {}, {"path": "analysis.ipynb"}),
    ],
    ids=["lineage", "cells", "execution", "environment", "export"],
)
async def test_newer_store_is_409_naming_both_versions(
    jp_fetch, newer_store, method, route, params, body
):
    before = hashlib.sha256(newer_store.read_bytes()).hexdigest()
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(
            "jupyter-repro",
            *route.split("/"),
            method=method,
            params=params,
            body=None if body is None else json.dumps(body),
        )

    assert error.value.code == 409
    message = payload(error.value.response)["message"]
    assert f"schema version {FUTURE}, newer than version {latest_version()}" in message
    assert "Traceback" not in message and "\n" not in message
    assert hashlib.sha256(newer_store.read_bytes()).hexdigest() == before
