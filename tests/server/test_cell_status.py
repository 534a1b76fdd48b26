"""Per-cell status from a real recorded session: what the badges on a notebook's cells say."""

from __future__ import annotations

import time

import pytest

from jupyter_repro.cell_status import NotebookCell, cell_statuses, notebook_status
from jupyter_repro.store import (
    ExecutionEnd,
    ExecutionStart,
    FileAccess,
    LineageStore,
    Session,
    VariableState,
    default_db_path,
)

from .support import record, write_notebook

CELLS = [
    ("k0", "k = 3"),
    ("c1", "rate = 0.2"),
    ("c2", "data = open('input.txt').read()"),
    ("c3", "total = len(data) * rate"),
    ("c4", "m = k + 1"),
    ("c5", "def scaled(v):\n    return v * rate"),
    ("c6", "y = scaled(2)"),
    ("c7", "note = 'never run'"),
    ("c8", "z = m * 2"),
]
RUNS = [
    ("k0", "k = 3"),
    ("c1", "rate = 0.1"),
    ("c2", "data = open('input.txt').read()"),
    ("c3", "total = len(data) * rate"),
    ("c4", "m = k + 1"),
    ("c5", "def scaled(v):\n    return v * rate"),
    ("c6", "y = scaled(2)"),
    ("c8", "z = m * 2"),
    ("k0", "k = 3"),  # same value again: k0 now ran after c4, nothing changed
    ("c1", "rate = 0.2"),  # changes what c3 and, through scaled, c6 used
]


@pytest.fixture(scope="module")
def notebook(tmp_path_factory):
    folder = tmp_path_factory.mktemp("project")
    (folder / "input.txt").write_text("first")
    path = write_notebook(folder / "analysis.ipynb", CELLS, markdown="# Demo")
    record(path, RUNS)
    (folder / "input.txt").write_text("second, longer")
    return path


@pytest.fixture(scope="module")
def statuses(notebook):
    with LineageStore.open(default_db_path(notebook), create=False) as store:
        found = notebook_status(store, notebook.resolve())
    return found, {cell.cell_id: cell for cell in found.cells}


def test_cells_come_in_notebook_order_with_the_latest_session(statuses):
    found, _ = statuses
    assert found.session is not None
    assert [c.cell_id for c in found.cells] == ["md", *(cell_id for cell_id, _ in CELLS)]
    assert [c.index for c in found.cells] == list(range(len(CELLS) + 1))


def test_cell_that_read_a_variable_another_cell_changed_later_is_stale(statuses):
    cell = statuses[1]["c3"]
    assert cell.status == "stale"
    assert "It uses `rate`, which cell 3 changed after it ran." in cell.reasons
    # The cell above re-ran after it, too: said as well, stale wins.
    assert "It ran before cell 3 above it, which sets `rate`." in cell.reasons


def test_cell_calling_a_function_whose_global_changed_is_stale(statuses):
    cell = statuses[1]["c6"]
    assert cell.status == "stale" and "It uses `rate`" in cell.reasons[0]


def test_cell_only_defining_a_function_is_not_stale(statuses):
    assert statuses[1]["c5"].status == "ok"


def test_cell_whose_data_file_changed_on_disk_is_stale(statuses):
    cell = statuses[1]["c2"]
    assert cell.status == "stale"
    assert cell.reasons == ("It read input.txt, which has changed on disk since it ran.",)


def test_cell_run_before_a_cell_above_it_depends_on_is_out_of_order(statuses):
    cell = statuses[1]["c4"]
    assert cell.status == "out-of-order"
    assert cell.reasons == ("It ran before cell 2 above it, which sets `k`.",)


def test_cell_never_run_and_cells_in_order_and_markdown(statuses):
    cells = statuses[1]
    assert cells["c7"].status == "never-run" and cells["c7"].last_execution is None
    assert cells["c8"].status == "ok" and cells["c8"].reasons == ()
    assert cells["k0"].status == cells["c1"].status == "ok"
    assert cells["md"].status == "ok" and cells["md"].cell_type == "markdown"


def test_last_execution_count_and_edits_are_reported(statuses):
    c1 = statuses[1]["c1"]
    assert c1.execution_count == 10 and c1.execution_status == "ok" and not c1.edited


def test_cells_as_the_editor_has_them_are_judged_without_saving(notebook):
    live = [NotebookCell("c1", "code", "rate = 0.3"), NotebookCell("new", "code", "w = 1")]
    with LineageStore.open(default_db_path(notebook), create=False) as store:
        found = notebook_status(store, notebook.resolve(), cells=live)

    assert [(c.status, c.edited) for c in found.cells] == [("ok", True), ("never-run", False)]


def test_status_of_200_cells_and_2000_executions_takes_well_under_a_second(tmp_path):
    with LineageStore.open(tmp_path / "lineage.db") as store:
        store.add_session(Session("s", None, "/nb.ipynb", "2024-01-01T00:00:00Z", 1, "h"))
        for n in range(2000):
            cell = f"c{n % 200}"
            start = ExecutionStart(
                "s", "/nb.ipynb", cell, f"v{n % 200} = v{(n + 7) % 200} + 1", "t"
            )
            changed = (VariableState(f"v{n % 200}", f"h{n}", "int"),)
            files = (FileAccess(f"f{n % 50}.csv", "read", "xxh3:0", 1, 1),)
            end = ExecutionEnd(n, "t", 1.0, "ok", changed=changed, files=files)
            store.finish_execution(store.start_execution(start), end)
        executions = store.executions(session_id="s")
    cells = [NotebookCell(f"c{i}", "code", f"v{i} = v{(i + 7) % 200} + 1") for i in range(200)]

    started = time.perf_counter()
    found = cell_statuses(cells, executions, tmp_path, lambda access, root: None)
    elapsed = time.perf_counter() - started

    assert len(found) == 200 and {c.status for c in found} <= {"stale", "out-of-order", "ok"}
    assert elapsed < 0.5
