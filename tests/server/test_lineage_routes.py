"""The lineage reads the panel makes, against a session recorded by a real repro kernel."""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from .support import payload, record, write_notebook

RUNS = [("c1", "x = 10"), ("c2", "y = x * 2"), ("c1", "x = 11"), ("c3", "import sys")]


@pytest.fixture(scope="module")
def recorded_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("root")
    cells = [("c1", "x = 11"), ("c2", "y = x * 2"), ("c3", "import sys"), ("c4", "pass")]
    record(write_notebook(root / "work" / "analysis.ipynb", cells), RUNS)
    return root


@pytest.fixture
def jp_root_dir(recorded_root):
    return recorded_root


async def get(jp_fetch, route, **params):
    return payload(await jp_fetch("jupyter-repro", route, params=params))


async def test_lineage_is_newest_first_by_default(jp_fetch):
    page = await get(jp_fetch, "lineage", path="work/analysis.ipynb")

    assert page["notebook"] == "work/analysis.ipynb" and page["order"] == "desc"
    assert page["total"] == 4 and [e["code"] for e in page["executions"]][:2] == [
        "import sys",
        "x = 11",
    ]
    newest = page["executions"][1]
    assert newest["changed"]["x"]["type"] == "builtins.int" and newest["cell_id"] == "c1"


async def test_lineage_pages_oldest_first_and_filters_by_cell(jp_fetch):
    page = await get(
        jp_fetch, "lineage", path="work/analysis.ipynb", order="asc", offset=1, limit=2
    )
    of_c1 = await get(jp_fetch, "lineage", path="work/analysis.ipynb", cell_id="c1")

    assert [e["code"] for e in page["executions"]] == ["y = x * 2", "x = 11"]
    assert (page["total"], page["offset"], page["limit"]) == (4, 1, 2)
    assert of_c1["total"] == 2 and [e["code"] for e in of_c1["executions"]] == ["x = 11", "x = 10"]


async def test_lineage_limit_is_capped_and_bad_arguments_are_refused(jp_fetch):
    page = await get(jp_fetch, "lineage", path="work/analysis.ipynb", limit=100000)
    assert page["limit"] == 1000

    for params in ({"limit": "ten"}, {"offset": "-1"}, {"order": "sideways"}):
        with pytest.raises(HTTPClientError) as error:
            await get(jp_fetch, "lineage", path="work/analysis.ipynb", **params)
        assert error.value.code == 400


async def test_one_execution_in_detail_with_its_environment(jp_fetch):
    newest = (await get(jp_fetch, "lineage", path="work/analysis.ipynb", limit=1))["executions"][0]

    detail = payload(
        await jp_fetch(
            "jupyter-repro", "executions", str(newest["id"]), params={"path": "work/analysis.ipynb"}
        )
    )

    assert detail["code"] == "import sys" and detail["environment"] == detail["env"]


async def test_unknown_execution_is_404(jp_fetch):
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(
            "jupyter-repro", "executions", "99999", params={"path": "work/analysis.ipynb"}
        )

    assert error.value.code == 404
    assert "No execution 99999" in json.loads(error.value.response.body)["message"]


async def test_cell_status_of_the_saved_notebook(jp_fetch):
    found = await get(jp_fetch, "cells", path="work/analysis.ipynb")

    by_id = {c["cell_id"]: c for c in found["cells"]}
    statuses = [c["status"] for c in found["cells"]]
    assert found["session"] and statuses == ["ok", "stale", "ok", "never-run"]
    assert by_id["c2"]["reasons"] == [
        "It uses `x`, which cell 1 changed after it ran.",
        "It ran before cell 1 above it, which sets `x`.",
    ]
    assert by_id["c1"]["execution_count"] == 3 and by_id["c4"]["last_execution"] is None


async def test_cell_status_of_cells_as_the_editor_has_them(jp_fetch):
    cells = [
        {"id": "c2", "cell_type": "code", "source": ["y = x", " * 2"]},
        {"id": "c1", "cell_type": "code", "source": "x = 11"},
    ]
    body = json.dumps({"path": "work/analysis.ipynb", "cells": cells})

    found = payload(await jp_fetch("jupyter-repro", "cells", method="POST", body=body))

    assert [(c["cell_id"], c["status"]) for c in found["cells"]] == [("c2", "stale"), ("c1", "ok")]
    # Positions are those of the cells sent: c1 is now cell 2.
    assert found["cells"][0]["reasons"] == ["It uses `x`, which cell 2 changed after it ran."]


async def test_environment_of_the_latest_session(jp_fetch):
    env = await get(jp_fetch, "environment", path="work/analysis.ipynb")

    assert env["id"] and env["python"]["version"]


async def test_environment_of_an_unknown_session_is_404(jp_fetch):
    with pytest.raises(HTTPClientError) as error:
        await get(jp_fetch, "environment", path="work/analysis.ipynb", session="nope")

    assert error.value.code == 404
