"""The panel's buttons: export a script or a pipeline, pair with jupytext, project settings."""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from .support import payload, recorded_study, write_notebook

CELLS = [
    ("load", "text = open('input.txt').read()"),
    ("save", "open('words.txt', 'w').write(text.upper())"),
    ("count", "n = len(open('words.txt').read())"),
]


@pytest.fixture(scope="module")
def recorded_root(tmp_path_factory):
    return recorded_study(tmp_path_factory.mktemp("root"), CELLS)


@pytest.fixture
def jp_root_dir(recorded_root):
    return recorded_root


async def post(jp_fetch, route, method="POST", **body):
    return payload(
        await jp_fetch("jupyter-repro", *route.split("/"), method=method, body=json.dumps(body))
    )


async def failure(jp_fetch, route, method="POST", **body):
    with pytest.raises(HTTPClientError) as error:
        await post(jp_fetch, route, method, **body)
    return error.value.code, json.loads(error.value.response.body)["message"]


async def test_export_script_writes_it_beside_the_notebook(jp_fetch, jp_root_dir):
    result = await post(jp_fetch, "export/script", path="study/analysis.ipynb")

    assert result["script"] == "study/analysis_script.py"
    assert result["lock"] == "study/analysis_script.repro.lock"
    assert len(result["executions"]) == 3
    assert "text.upper()" in (jp_root_dir / result["script"]).read_text()


async def test_export_script_with_an_unknown_target_says_which(jp_fetch):
    code, message = await failure(
        jp_fetch, "export/script", path="study/analysis.ipynb", targets=["nope"]
    )

    assert code == 400 and "nope" in message


async def test_export_of_a_notebook_never_run_asks_to_run_it(jp_fetch, jp_root_dir):
    write_notebook(jp_root_dir / "other" / "fresh.ipynb", [("c1", "x = 1")])

    code, message = await failure(jp_fetch, "export/script", path="other/fresh.ipynb")

    assert (
        code == 400
        and message == "No recorded session for fresh.ipynb: run it in the repro kernel first"
    )


async def test_export_pipeline_writes_inside_the_root_and_asks_before_replacing(
    jp_fetch, jp_root_dir
):
    result = await post(jp_fetch, "export/pipeline", path="study/analysis.ipynb", to="make")

    assert result["directory"] == "study/pipeline" and result["stages"]
    assert all((jp_root_dir / f).is_file() for f in result["files"])
    assert any(f.endswith("Makefile") for f in result["files"])
    code, message = await failure(
        jp_fetch, "export/pipeline", path="study/analysis.ipynb", to="make"
    )
    assert code == 409 and "force" in message
    again = await post(
        jp_fetch, "export/pipeline", path="study/analysis.ipynb", to="make", force=True
    )
    assert again["files"] == result["files"]


async def test_export_pipeline_to_an_unknown_tool_is_refused(jp_fetch):
    code, message = await failure(
        jp_fetch, "export/pipeline", path="study/analysis.ipynb", to="airflow"
    )

    assert code == 400 and "dvc, make" in message


async def test_pair_writes_a_percent_script_beside_the_notebook(jp_fetch, jp_root_dir):
    result = await post(jp_fetch, "pair", path="study/analysis.ipynb")

    assert result["paired"] == "study/analysis.py" and result["format"] == "py:percent"
    assert "# %%" in (jp_root_dir / "study" / "analysis.py").read_text()
    assert result["formats"] == "ipynb,py:percent"


async def test_pair_refuses_a_format_with_a_folder(jp_fetch):
    code, message = await failure(
        jp_fetch, "pair", path="study/analysis.ipynb", format="../x//py:percent"
    )

    assert code == 400 and "py:percent" in message


async def test_settings_default_then_stored_for_the_project(jp_fetch, jp_root_dir):
    params = {"path": "study/analysis.ipynb"}
    before = payload(await jp_fetch("jupyter-repro", "settings", params=params))

    stored = await post(
        jp_fetch, "settings", "PUT", path="study/analysis.ipynb", skip=["model", "*_cache"]
    )
    after = payload(await jp_fetch("jupyter-repro", "settings", params=params))

    assert before == {"skip": [], "budget_mb": 256.0}
    assert stored == after == {"skip": ["model", "*_cache"], "budget_mb": 256.0}
    on_disk = json.loads((jp_root_dir / "study" / ".repro" / "settings.json").read_text())
    assert on_disk["skip"] == ["model", "*_cache"]


async def test_invalid_settings_are_refused_with_the_rule(jp_fetch):
    code, message = await failure(
        jp_fetch, "settings", "PUT", path="study/analysis.ipynb", budget_mb=-1
    )
    assert code == 400 and "budget_mb" in message

    code, message = await failure(
        jp_fetch, "settings", "PUT", path="study/analysis.ipynb", skip=["a,b"]
    )
    assert code == 400 and "'a,b'" in message
