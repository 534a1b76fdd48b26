"""Output fingerprints: written with the execution's end, read back in order, cheaply per page."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from jupyter_repro.store import (
    STATUS_OK,
    ExecutionEnd,
    ExecutionStart,
    LineageStore,
    OutputFingerprint,
    Session,
    latest_version,
    ledger,
)
from jupyter_repro.store.migrations import MIGRATIONS

NB = "/home/ann/proj/analysis.ipynb"
H = "xxh3:" + "0" * 32


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LineageStore]:
    with LineageStore.open(tmp_path / ".repro" / "lineage.db") as opened:
        opened.add_session(Session("s1", None, NB, "2026-01-01T00:00:00+00:00", 1, "host"))
        yield opened


def run(store: LineageStore, outputs: tuple[OutputFingerprint, ...], code: str = "x") -> int:
    execution_id = store.start_execution(
        ExecutionStart("s1", NB, "c1", code, "2026-01-01T00:00:01+00:00")
    )
    end = ExecutionEnd(1, "2026-01-01T00:00:02+00:00", 1.0, STATUS_OK, outputs=outputs)
    store.finish_execution(execution_id, end)
    return execution_id


#: In the order the kernel sent them, which is not alphabetical.
OUTPUTS = (
    OutputFingerprint(0, "stream", "text/plain", 6, H.replace("0", "1"), "stdout"),
    OutputFingerprint(1, "display_data", "text/plain", 33, H.replace("0", "2")),
    OutputFingerprint(1, "display_data", "image/png", 29496, H.replace("0", "3")),
    OutputFingerprint(1, "display_data", "application/json", 2, H.replace("0", "4")),
    OutputFingerprint(2, "stream", "text/plain", 4, H.replace("0", "5"), "stderr"),
    OutputFingerprint(3, "error", "application/vnd.jupyter.error", 17, H.replace("0", "6")),
)


def test_outputs_read_back_as_written_in_the_order_sent(store):
    execution_id = run(store, OUTPUTS)
    found = store.execution(execution_id)
    assert found is not None and found.outputs == OUTPUTS
    assert store.executions()[0].outputs == OUTPUTS


def test_an_execution_without_output_has_none(store):
    found = store.execution(run(store, ()))
    assert found is not None and found.outputs == ()


def test_finishing_twice_keeps_the_latest_outputs_only(store):
    execution_id = run(store, OUTPUTS)
    end = ExecutionEnd(1, "2026-01-01T00:00:03+00:00", 1.0, STATUS_OK, outputs=OUTPUTS[:1])
    store.finish_execution(execution_id, end)
    found = store.execution(execution_id)
    assert found is not None and found.outputs == OUTPUTS[:1]


def test_outputs_that_came_late_replace_the_written_ones(store):
    execution_id = run(store, OUTPUTS[:2])
    other = run(store, OUTPUTS[:1], code="y")
    store.replace_outputs(execution_id, OUTPUTS)
    first, second = store.executions()
    assert (first.outputs, second.outputs) == (OUTPUTS, OUTPUTS[:1])
    assert second.id == other


def test_each_execution_of_a_page_gets_its_own_outputs(store):
    ids = [run(store, OUTPUTS[: i % 4], code=str(i)) for i in range(12)]
    page = store.executions(order="desc", limit=5, offset=2)
    assert [e.id for e in page] == ids[::-1][2:7]
    for execution in page:
        assert execution.outputs == OUTPUTS[: ids.index(execution.id) % 4]


def test_a_page_of_thousands_of_executions_costs_four_queries(store):
    for i in range(2000):
        run(store, OUTPUTS[:3], code=str(i % 10))
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)
    try:
        page = store.executions(session_id="s1")
    finally:
        store._conn.set_trace_callback(None)
    assert len(page) == 2000 and all(e.outputs == OUTPUTS[:3] for e in page)
    assert sum(s.lstrip().upper().startswith("SELECT") for s in statements) == 4


def test_a_store_from_before_outputs_gains_the_table_and_keeps_its_executions(tmp_path):
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as raw:  # what a release before m003_outputs left
        ledger.ensure_table(raw)
        for migration in MIGRATIONS:
            if migration.name == "m003_outputs":
                break
            for statement in migration.statements:
                raw.execute(statement)
            ledger.record(raw, migration.name)
        raw.execute("INSERT INTO code (hash, text) VALUES ('h', 'x = 1')")
        raw.execute(
            """INSERT INTO executions (session_id, code_hash, started, status)
            VALUES ('s0', 'h', '2025-01-01T00:00:00+00:00', 'ok')"""
        )
    with LineageStore.open(db) as store:
        assert store.schema_version == latest_version()
        [old] = store.executions()
        assert old.code == "x = 1" and old.outputs == ()
