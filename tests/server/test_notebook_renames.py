"""Lineage follows a notebook renamed through Jupyter (PATCH /api/contents), a running kernel
included, and a notebook renamed outside Jupyter at its next save."""

from __future__ import annotations

import asyncio
import json
import time

import nbformat

from jupyter_repro.store import (
    ExecutionEnd,
    ExecutionStart,
    LineageStore,
    Session,
    default_db_path,
)

from ..recorder.kernels import execute, kernel
from .support import payload, write_notebook


async def lineage(jp_fetch, path):
    return payload(await jp_fetch("jupyter-repro", "lineage", params={"path": path}))


async def rename(jp_fetch, old, new):
    body = json.dumps({"path": new})
    await jp_fetch("api", "contents", old, method="PATCH", body=body)


async def lineage_once_moved(jp_fetch, path, total, seconds=5.0):
    """The lineage of ``path`` once it holds ``total`` executions (the listener runs after the
    PATCH is answered, on a worker thread)."""
    deadline = time.monotonic() + seconds
    page = await lineage(jp_fetch, path)
    while page["total"] < total and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        page = await lineage(jp_fetch, path)
    return page


def recorded(notebook, cells, session_id="s1"):
    with LineageStore.open(default_db_path(notebook)) as store:
        store.add_session(Session(session_id, None, str(notebook), "2024-05-01", 1, "h"))
        for cell_id, code in cells:
            run = store.start_execution(
                ExecutionStart(session_id, str(notebook), cell_id, code, "t")
            )
            store.finish_execution(run, ExecutionEnd(1, "t", 1.0, "ok"))


def count(notebook):
    with LineageStore.open(default_db_path(notebook), create=False) as store:
        return store.count_executions(notebook=str(notebook))


async def test_a_running_kernel_records_under_the_name_jupyter_renamed_to(
    jp_fetch, jp_root_dir, repro_kernel
):
    notebook = write_notebook(jp_root_dir / "work" / "draft.ipynb", [("c1", "x = 1")])
    env = {"JPY_SESSION_NAME": str(notebook)}
    with kernel(notebook.parent, None, env=env) as (_, client):
        execute(client, "x = 1", "c1")
        deadline = time.monotonic() + 10
        while count(notebook) < 1 and time.monotonic() < deadline:  # the session row is written
            await asyncio.sleep(0.05)

        await rename(jp_fetch, "work/draft.ipynb", "work/final.ipynb")
        await lineage_once_moved(jp_fetch, "work/final.ipynb", 1)
        execute(client, "y = x + 1", "c2")  # the kernel still has the old name

    page = await lineage_once_moved(jp_fetch, "work/final.ipynb", 2)

    assert page["total"] == 2
    assert [e["cell_id"] for e in page["executions"]] == ["c2", "c1"]
    assert {e["notebook"] for e in page["executions"]} == {str(jp_root_dir / "work/final.ipynb")}
    assert count(notebook) == 0


async def test_renaming_a_folder_moves_the_lineage_of_its_notebooks(jp_fetch, jp_root_dir):
    (jp_root_dir / ".git").mkdir()  # the project root: its store stays where it is
    notebook = write_notebook(jp_root_dir / "drafts" / "a.ipynb", [("c1", "x = 1")])
    recorded(notebook, [("c1", "x = 1")])

    await rename(jp_fetch, "drafts", "reports")

    # The panel asks at once, under the new name: the answer waits for the rename's write.
    page = await lineage(jp_fetch, "reports/a.ipynb")
    assert [e["cell_id"] for e in page["executions"]] == ["c1"]


async def test_a_notebook_renamed_outside_jupyter_is_recovered_at_its_next_save(
    jp_fetch, jp_root_dir
):
    cells = [("c1", "x = 1"), ("c2", "y = 2"), ("c3", "z = 3")]
    notebook = write_notebook(jp_root_dir / "old.ipynb", cells)
    recorded(notebook, cells[:2])
    copy = write_notebook(jp_root_dir / "copy.ipynb", cells)  # same cell ids, still there
    recorded(copy, cells, session_id="s2")
    unrelated = write_notebook(jp_root_dir / "gone.ipynb", [("zz", "pass")])
    recorded(unrelated, [("zz", "pass")], session_id="s3")
    unrelated.unlink()
    notebook.rename(jp_root_dir / "new.ipynb")  # in a shell, say

    nb = nbformat.read(jp_root_dir / "new.ipynb", as_version=4)
    model = {"type": "notebook", "format": "json", "content": nb}
    await jp_fetch("api", "contents", "new.ipynb", method="PUT", body=json.dumps(model))
    await jp_fetch("jupyter-repro", "versions", params={"path": "new.ipynb"})  # saves settled

    page = await lineage(jp_fetch, "new.ipynb")
    assert sorted(e["cell_id"] for e in page["executions"]) == ["c1", "c2"]
    assert (await lineage(jp_fetch, "copy.ipynb"))["total"] == 3  # the copy kept its own


async def test_a_notebook_sharing_few_cells_with_a_gone_one_takes_nothing(jp_fetch, jp_root_dir):
    cells = [("c1", "x = 1"), ("c2", "y = 2"), ("c3", "z = 3")]
    gone = write_notebook(jp_root_dir / "gone.ipynb", cells[:1])
    recorded(gone, cells[:1])
    gone.unlink()
    nb = nbformat.read(write_notebook(jp_root_dir / "new.ipynb", cells), as_version=4)

    model = {"type": "notebook", "format": "json", "content": nb}
    await jp_fetch("api", "contents", "new.ipynb", method="PUT", body=json.dumps(model))
    await jp_fetch("jupyter-repro", "versions", params={"path": "new.ipynb"})  # saves settled

    assert (await lineage(jp_fetch, "new.ipynb"))["total"] == 0  # 1 of 3 cells: not the same
