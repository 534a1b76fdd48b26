"""Saved versions follow the project's retention: outputs the user cleared do not live on in
earlier versions, and versions older than ``versions_days`` go at the next save."""

from __future__ import annotations

import json
import sqlite3
import zlib
from datetime import datetime, timedelta, timezone

import nbformat
import pytest
from tornado.httpclient import HTTPClientError

from jupyter_repro.store import LineageStore

from .support import payload


def cell(cell_id, source, *printed):
    code = nbformat.v4.new_code_cell(source, id=cell_id)
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in printed]
    return code


async def save(jp_fetch, root, path, *cells):
    """Save through the contents API (the post-save hook runs); the bytes as saved."""
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    model = {"type": "notebook", "format": "json", "content": nb}
    await jp_fetch("api", "contents", path, method="PUT", body=json.dumps(model))
    return (root / path).read_bytes()


async def history(jp_fetch, root, path):
    """The content of every saved version of ``path``, oldest first (after the hook settled)."""
    await jp_fetch("jupyter-repro", "versions", params={"path": path})  # waits for the snapshots
    with LineageStore.open(root / ".repro" / "lineage.db", create=False) as store:
        versions = store.versions(str(root / path))
        return [store.version_content(v.id).decode() for v in reversed(versions)]


async def put_settings(jp_fetch, **settings):
    body = json.dumps({"path": "a.ipynb", **settings})
    return payload(await jp_fetch("jupyter-repro", "settings", method="PUT", body=body))


def store_bytes(root):
    db = root / ".repro" / "lineage.db"
    return b"".join(p.read_bytes() for p in (db, db.with_name("lineage.db-wal")) if p.exists())


async def test_clearing_a_cells_outputs_takes_them_out_of_every_earlier_version(
    jp_fetch, jp_root_dir
):
    first = await save(
        jp_fetch, jp_root_dir, "a.ipynb", cell("c0", "print(pw)", "OUT-SECRET-1"),
        cell("c1", "print(n)", "OUT-KEPT"),
    )  # fmt: skip
    await save(
        jp_fetch, jp_root_dir, "a.ipynb", cell("c0", "print(pw)  # again", "OUT-SECRET-2"),
        cell("c1", "print(n)", "OUT-KEPT"),
    )  # fmt: skip
    await jp_fetch("jupyter-repro", "versions", params={"path": "a.ipynb"})  # snapshots written
    assert zlib.compress(first, 6) in store_bytes(jp_root_dir)  # the test can see it

    await save(
        jp_fetch, jp_root_dir, "a.ipynb", cell("c0", "print(pw)  # again"),
        cell("c1", "print(n)", "OUT-KEPT"),
    )  # fmt: skip
    versions = await history(jp_fetch, jp_root_dir, "a.ipynb")

    assert len(versions) == 3 and not any("OUT-SECRET" in v for v in versions)
    assert all("OUT-KEPT" in v for v in versions)  # the other cell's outputs stay
    assert ["# again" in v for v in versions] == [False, True, True]  # the code's history stays
    assert zlib.compress(first, 6) not in store_bytes(jp_root_dir)


async def test_clear_all_outputs_clears_cells_deleted_since_too(jp_fetch, jp_root_dir):
    await save(
        jp_fetch, jp_root_dir, "a.ipynb", cell("c0", "x", "OUT-A"), cell("c1", "y", "OUT-GONE")
    )
    await save(jp_fetch, jp_root_dir, "a.ipynb", cell("c0", "x", "OUT-A"))  # c1 deleted

    await save(jp_fetch, jp_root_dir, "a.ipynb", cell("c0", "x"))  # Clear All Outputs
    versions = await history(jp_fetch, jp_root_dir, "a.ipynb")

    assert len(versions) == 3 and not any("OUT-" in v for v in versions)


async def test_the_project_can_keep_cleared_outputs_in_its_versions(jp_fetch, jp_root_dir):
    await save(jp_fetch, jp_root_dir, "a.ipynb", cell("c0", "x", "OUT-WANTED"))
    stored = await put_settings(jp_fetch, versions_keep_cleared_outputs=True)

    await save(jp_fetch, jp_root_dir, "a.ipynb", cell("c0", "x"))
    versions = await history(jp_fetch, jp_root_dir, "a.ipynb")

    assert stored["versions_keep_cleared_outputs"] is True
    assert ["OUT-WANTED" in v for v in versions] == [True, False]


async def test_versions_older_than_the_retention_go_at_the_next_save(jp_fetch, jp_root_dir):
    await save(jp_fetch, jp_root_dir, "a.ipynb", cell("c0", "old = 1"))
    await history(jp_fetch, jp_root_dir, "a.ipynb")
    long_ago = (datetime.now(timezone.utc) - timedelta(days=100)).isoformat()
    with sqlite3.connect(jp_root_dir / ".repro" / "lineage.db") as raw:
        raw.execute("UPDATE notebook_versions SET saved = ?", (long_ago,))
    raw.close()
    await put_settings(jp_fetch, versions_days=0)  # kept for ever
    await save(jp_fetch, jp_root_dir, "b.ipynb", cell("c0", "b = 1"))
    kept = await history(jp_fetch, jp_root_dir, "a.ipynb")
    await put_settings(jp_fetch, versions_days=99)

    await save(jp_fetch, jp_root_dir, "b.ipynb", cell("c0", "b = 2"))  # another notebook's save

    assert len(kept) == 1
    assert await history(jp_fetch, jp_root_dir, "a.ipynb") == []
    assert len(await history(jp_fetch, jp_root_dir, "b.ipynb")) == 2


async def test_the_default_retention_is_ninety_days(jp_fetch, jp_root_dir):
    await save(jp_fetch, jp_root_dir, "a.ipynb", cell("c0", "x = 1"))
    await history(jp_fetch, jp_root_dir, "a.ipynb")
    with sqlite3.connect(jp_root_dir / ".repro" / "lineage.db") as raw:
        for days in (91, 89):
            raw.execute(
                "INSERT INTO notebook_versions (notebook, saved, hash) "
                "SELECT notebook, ?, hash FROM notebook_versions LIMIT 1",
                ((datetime.now(timezone.utc) - timedelta(days=days)).isoformat(),),
            )
    raw.close()

    await save(jp_fetch, jp_root_dir, "a.ipynb", cell("c0", "x = 2"))

    assert len(await history(jp_fetch, jp_root_dir, "a.ipynb")) == 3  # 89 days, then the saves


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ({"versions_days": -1}, "versions_days must be a whole number of days"),
        ({"versions_days": 1.5}, "versions_days must be a whole number of days"),
        ({"versions_keep_cleared_outputs": "yes"}, "must be true or false"),
    ],
)
async def test_invalid_retention_settings_are_refused_with_400(
    jp_fetch, jp_root_dir, setting, words
):
    nbformat.write(nbformat.v4.new_notebook(), jp_root_dir / "a.ipynb")
    with pytest.raises(HTTPClientError) as error:
        await put_settings(jp_fetch, **setting)

    assert error.value.code == 400
    assert words in json.loads(error.value.response.body)["message"]
    assert not (jp_root_dir / ".repro" / "settings.json").exists()
