"""Every number a request carries is checked: not a whole number, below its minimum, or beyond
SQLite's 64-bit integers is a 400 that says so, never a 500 from the query."""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_repro.store import LineageStore

from .support import payload, write_notebook

LARGEST = 2**63 - 1  # SQLite's largest integer
TOO_LARGE = str(LARGEST + 1)


@pytest.fixture
def notebook(jp_root_dir):
    """a.ipynb with a project store, so that every number reaches a query unless refused."""
    write_notebook(jp_root_dir / "a.ipynb", [("c1", "x = 1")])
    with LineageStore.open(jp_root_dir / ".repro" / "lineage.db") as store:
        store.add_version(str((jp_root_dir / "a.ipynb").resolve()), b'{"cells": []}')
    return "a.ipynb"


async def answer(jp_fetch, *route, **params):
    try:
        response = await jp_fetch("jupyter-repro", *route, params=params)
    except HTTPClientError as error:
        return error.code, json.loads(error.response.body)["message"]
    return response.code, payload(response)


@pytest.mark.parametrize(
    ("route", "params", "says"),
    [
        (("executions", TOO_LARGE), {}, "The execution id must be at most"),
        (("executions", "9" * 5000), {}, "The execution id must be at most"),
        (("lineage",), {"offset": TOO_LARGE}, "offset must be at most"),
        (("lineage",), {"offset": "-" + TOO_LARGE}, "offset must be at least 0"),
        (("lineage",), {"offset": "-1"}, "offset must be at least 0"),
        (("lineage",), {"offset": "1e3"}, "offset must be a whole number"),
        (("lineage",), {"offset": "1_0"}, "offset must be a whole number"),
        (("lineage",), {"offset": "٣"}, "offset must be a whole number"),
        (("lineage",), {"limit": TOO_LARGE}, "limit must be at most"),
        (("lineage",), {"limit": "0"}, "limit must be at least 1"),
        (("diff",), {"base": f"version:{TOO_LARGE}"}, "The version id in base must be at most"),
        (("diff",), {"remote": f"version:{TOO_LARGE}"}, "version id in remote must be at most"),
        (("diff",), {"base": "version:²"}, "base must be saved, git:HEAD or version:<id>"),
        (("diff",), {"base": "version:-1"}, "base must be saved, git:HEAD or version:<id>"),
    ],
)
async def test_a_number_out_of_range_is_a_bad_request(jp_fetch, notebook, route, params, says):
    code, message = await answer(jp_fetch, *route, path=notebook, **params)

    assert code == 400 and says in message


async def test_the_largest_numbers_sqlite_takes_are_answered(jp_fetch, notebook):
    page = await answer(jp_fetch, "lineage", path=notebook, offset=str(LARGEST), limit=str(LARGEST))
    execution = await answer(jp_fetch, "executions", str(LARGEST), path=notebook)
    version = await answer(jp_fetch, "diff", path=notebook, base=f"version:{LARGEST}")

    assert page[0] == 200 and page[1]["executions"] == [] and page[1]["limit"] == 1000
    assert execution == (404, f"No execution {LARGEST} in the lineage of a.ipynb")
    assert version == (404, f"No saved version {LARGEST} of a.ipynb")
