"""Each save through the contents API is kept as a version, and versions diff with nbdime."""

from __future__ import annotations

import json
import subprocess

import nbformat
import pytest
from tornado.httpclient import HTTPClientError

from .support import payload, write_notebook


async def save(jp_fetch, path, sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s, id=f"c{i}") for i, s in enumerate(sources)]
    model = {"type": "notebook", "format": "json", "content": nb}
    return await jp_fetch("api", "contents", path, method="PUT", body=json.dumps(model))


async def get(jp_fetch, route, **params):
    return payload(await jp_fetch("jupyter-repro", route, params=params))


async def failure(jp_fetch, route, **params):
    with pytest.raises(HTTPClientError) as error:
        await get(jp_fetch, route, **params)
    return error.value.code, json.loads(error.value.response.body)["message"]


def git(root, *args):
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args]
    subprocess.run(command, cwd=root, check=True, capture_output=True)


async def test_each_save_is_a_version_newest_first(jp_fetch, jp_root_dir):
    await save(jp_fetch, "a.ipynb", ["x = 1"])
    await save(jp_fetch, "a.ipynb", ["x = 2"])

    found = await get(jp_fetch, "versions", path="a.ipynb")

    assert found["notebook"] == "a.ipynb" and len(found["versions"]) == 2
    newest, older = found["versions"]
    assert newest["id"] > older["id"] and newest["hash"] != older["hash"]
    assert (jp_root_dir / ".repro" / "lineage.db").is_file()


async def test_diff_against_the_last_different_save(jp_fetch):
    await save(jp_fetch, "a.ipynb", ["x = 1", "y = 2"])
    await save(jp_fetch, "a.ipynb", ["x = 10", "y = 2", "z = 3"])

    found = await get(jp_fetch, "diff", path="a.ipynb")

    assert found["summary"] == {
        "cells_added": 1,
        "cells_removed": 0,
        "cells_modified": 1,
        "cells_moved": 0,
        "metadata_changed": False,
    }
    assert [c["source"] for c in found["base"]["cells"]] == ["x = 1", "y = 2"]
    assert found["diff"][0]["key"] == "cells" and found["base_ref"]["kind"] == "version"
    assert found["changes"][0]["source_diff"] == ["@@ -1 +1 @@", "-x = 1", "+x = 10"]


async def test_diff_between_two_named_versions(jp_fetch):
    await save(jp_fetch, "a.ipynb", ["x = 1"])
    await save(jp_fetch, "a.ipynb", ["x = 1", "y = 2"])
    newest, older = (await get(jp_fetch, "versions", path="a.ipynb"))["versions"]

    found = await get(
        jp_fetch,
        "diff",
        path="a.ipynb",
        base=f"version:{older['id']}",
        remote=f"version:{newest['id']}",
    )

    assert found["summary"]["cells_added"] == 1 and found["remote_ref"]["id"] == newest["id"]


async def test_diff_before_any_save_says_so(jp_fetch, jp_root_dir):
    write_notebook(jp_root_dir / "a.ipynb", [("c1", "x = 1")])

    code, message = await failure(jp_fetch, "diff", path="a.ipynb")

    assert code == 404 and "No saved version of a.ipynb yet" in message


async def test_diff_against_git_head(jp_fetch, jp_root_dir):
    git(jp_root_dir, "init", "-q")
    write_notebook(jp_root_dir / "nb" / "a.ipynb", [("c1", "x = 1")])
    git(jp_root_dir, "add", "nb/a.ipynb")
    git(jp_root_dir, "commit", "-q", "-m", "first")
    write_notebook(jp_root_dir / "nb" / "a.ipynb", [("c1", "x = 1"), ("c2", "y = 2")])

    found = await get(jp_fetch, "diff", path="nb/a.ipynb", base="git:HEAD")

    assert found["summary"]["cells_added"] == 1 and found["base_ref"] == {
        "kind": "git",
        "revision": "HEAD",
    }


async def test_diff_against_git_head_of_an_uncommitted_notebook_says_why(jp_fetch, jp_root_dir):
    write_notebook(jp_root_dir / "a.ipynb", [("c1", "x = 1")])
    code, message = await failure(jp_fetch, "diff", path="a.ipynb", base="git:HEAD")
    assert code == 404 and message == "a.ipynb is not in a git repository"

    git(jp_root_dir, "init", "-q")
    write_notebook(jp_root_dir / "b.ipynb", [("c1", "x = 1")])
    git(jp_root_dir, "add", "b.ipynb")
    git(jp_root_dir, "commit", "-q", "-m", "first")
    code, message = await failure(jp_fetch, "diff", path="a.ipynb", base="git:HEAD")
    assert code == 404 and message == "a.ipynb is not committed at HEAD: commit it first"


@pytest.mark.parametrize("base", ["version:x", "git:--output=/tmp/x", "yesterday"])
async def test_diff_with_a_malformed_base_is_refused(jp_fetch, jp_root_dir, base):
    write_notebook(jp_root_dir / "a.ipynb", [("c1", "x = 1")])

    code, _ = await failure(jp_fetch, "diff", path="a.ipynb", base=base)

    assert code == 400


async def test_a_save_succeeds_even_when_its_version_cannot_be_kept(jp_fetch, jp_root_dir):
    (jp_root_dir / ".repro").write_text("a file where the store's folder should be")

    response = await save(jp_fetch, "a.ipynb", ["x = 1"])

    assert response.code in (200, 201) and (jp_root_dir / "a.ipynb").is_file()
    assert (await get(jp_fetch, "versions", path="a.ipynb"))["versions"] == []


async def test_saving_other_files_keeps_no_version(jp_fetch, jp_root_dir):
    model = {"type": "file", "format": "text", "content": "hello"}
    await jp_fetch("api", "contents", "notes.txt", method="PUT", body=json.dumps(model))

    assert not (jp_root_dir / ".repro").exists()


async def test_a_rerun_changing_only_execution_counts_shows_no_change_unless_raw(jp_fetch):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1", id="c1", execution_count=1)]
    for count in (1, 7):
        nb.cells[0].execution_count = count
        model = {"type": "notebook", "format": "json", "content": nb}
        await jp_fetch("api", "contents", "a.ipynb", method="PUT", body=json.dumps(model))

    clean = await get(jp_fetch, "diff", path="a.ipynb")
    raw = await get(jp_fetch, "diff", path="a.ipynb", raw="true")

    assert clean["diff"] == [] and clean["changes"] == []
    assert raw["diff"] and raw["base"]["cells"][0]["execution_count"] == 1
