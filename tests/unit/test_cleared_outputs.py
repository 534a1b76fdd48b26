"""Which outputs a save cleared, for notebooks the cell ids cannot match, and non-notebooks."""

from __future__ import annotations

import json

from jupyter_repro.server.cleared_outputs import Cleared, cleared_outputs, without_outputs


def notebook(*cells: tuple[str | None, list[str]]) -> bytes:
    """Code cells (id or None for nbformat 4.4, texts printed)."""
    found = []
    for cell_id, printed in cells:
        outputs = [{"output_type": "stream", "name": "stdout", "text": t} for t in printed]
        cell = {"cell_type": "code", "source": "x", "outputs": outputs, "metadata": {}}
        if cell_id is not None:
            cell["id"] = cell_id
        found.append(cell)
    return json.dumps({"cells": found, "nbformat": 4, "nbformat_minor": 4}).encode()


def test_a_rerun_that_prints_again_clears_nothing():
    before = notebook(("a", ["one"]), ("b", ["two"]))
    after = notebook(("a", ["three"]), ("b", ["two"]))

    assert cleared_outputs(before, after) is None


def test_without_cell_ids_fewer_cells_with_outputs_clears_every_cell():
    before = notebook((None, ["one"]), (None, ["two"]))

    cleared = cleared_outputs(before, notebook((None, ["one"]), (None, [])))

    assert cleared == Cleared(every_cell=True)
    assert cleared_outputs(before, notebook((None, ["uno"]), (None, ["dos"]))) is None


def test_only_the_cleared_cells_lose_their_outputs():
    older = notebook(("a", ["secret"]), ("b", ["kept"]))

    rewritten = without_outputs(older, Cleared(frozenset({"a"})))

    assert rewritten is not None and b"secret" not in rewritten and b"kept" in rewritten
    assert without_outputs(notebook(("b", ["kept"])), Cleared(frozenset({"a"}))) is None


def test_what_is_not_a_notebook_is_never_rewritten():
    assert cleared_outputs(b"\xff not json", notebook(("a", []))) is None
    assert without_outputs(b"[1, 2]", Cleared(every_cell=True)) is None
