"""The JSON shape of a ``DiffReport``, for tools (``jupyter repro diff --format json``).

Usage::

    data = to_json(report)      # plain dicts and lists, ready for json.dumps

Shape (indices count cells from 0; ``a``/``b`` values are None where a side lacks one: a cell
that was added, a file one run did not touch, a package one environment did not have)::

    {"a": "analysis.ipynb@HEAD~1", "b": "analysis.ipynb", "equal": false,
     "summary": {"added": 0, "removed": 0, "moved": 0, "modified": 1},
     "cells": [{"change": "modified", "cell_type": "code", "a_index": 1, "b_index": 1,
                "source_diff": ["@@ -1 +1 @@", "-x = 1", "+x = 2"],
                "outputs": ["image changed (image/png)"]}],
     "lineage": null | {"variables": [{"name", "a", "b"}],
                        "files": [{"path", "mode": "read"|"write", "a", "b"}],
                        "packages": [{"name", "a", "b", "change"}],
                        "python": null | {"a", "b"}},
     "notes": ["..."]}

A package ``change`` is added, removed, upgraded, downgraded or changed (not a PEP 440 version).
``lineage`` is null unless both sides are recordings. Fields are only ever added.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Any

from .compare import DiffReport

CHANGES = ("added", "removed", "moved", "modified")


def to_json(report: DiffReport) -> dict[str, Any]:
    counts: Counter[str] = Counter(c.change for c in report.notebook.cells)
    lineage = report.lineage
    return {
        "a": report.a,
        "b": report.b,
        "equal": report.equal,
        "summary": {k: counts.get(k, 0) for k in CHANGES},
        "cells": [
            asdict(c) | {"source_diff": list(c.source_diff), "outputs": list(c.outputs)}
            for c in report.notebook.cells
        ],
        "lineage": None
        if lineage is None
        else {
            "variables": [asdict(v) for v in lineage.variables],
            "files": [asdict(f) for f in lineage.files],
            "packages": [asdict(p) for p in lineage.packages],
            "python": None
            if lineage.python is None
            else {"a": lineage.python.a, "b": lineage.python.b},
        },
        "notes": list(report.notes),
    }
