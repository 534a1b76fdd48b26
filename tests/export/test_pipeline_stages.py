"""Where stages are cut and what they are named, on synthetic steps (no kernel, no tools)."""

from __future__ import annotations

from jupyter_repro.pipeline.handoffs import definition
from jupyter_repro.pipeline.notebook import CellInfo
from jupyter_repro.pipeline.params import split_parameters
from jupyter_repro.pipeline.stages import infer_stages, stage_names
from jupyter_repro.pipeline.steps import Step
from jupyter_repro.store.models import Execution, FileAccess


def step(
    number: int,
    heading: str | None = None,
    read: tuple[str, ...] = (),
    wrote: tuple[str, ...] = (),
    tag: str | None = None,
    deleted: bool = False,
) -> Step:
    files = tuple(FileAccess(p, "read", "xxh3:r", 1, 1) for p in read)
    files += tuple(FileAccess(p, "write", "xxh3:w", 1, 1) for p in wrote)
    execution = Execution(
        id=number, session_id="s", notebook=None, cell_id=f"c{number}", execution_count=number,
        code="pass", code_hash=str(number), started="", ended="", duration_ms=1.0, status="ok",
        error_name=None, error_message=None, env_id=None, files=files,
    )  # fmt: skip
    return Step(execution, "pass", None if deleted else CellInfo(heading, tag, False))


def cut(*steps: Step) -> list[list[int]]:
    groups, _ = infer_stages(list(steps))
    return [[s.execution.id for s in g.steps] for g in groups]


def test_a_file_read_back_is_a_stage_boundary():
    assert cut(step(1, wrote=("a.csv",)), step(2), step(3, read=("a.csv",))) == [[1, 2], [3]]


def test_a_section_with_its_own_file_io_is_its_own_stage():
    steps = (
        step(1, "Load", read=("raw.csv",)),
        step(2, "Fit"),  # no I/O: stays with the section before it
        step(3, "Report", wrote=("report.txt",)),
    )
    assert cut(*steps) == [[1, 2], [3]]


def test_without_file_io_sections_do_not_cut():
    assert cut(step(1, "One"), step(2, "Two"), step(3, "Three")) == [[1, 2, 3]]


def test_stage_tag_overrides_files_and_sections():
    steps = (
        step(1, "A", wrote=("a.csv",), tag="all"),
        step(2, "B", read=("a.csv",), tag="all"),
        step(3, "B", tag="end"),
    )
    assert cut(*steps) == [[1, 2], [3]]


def test_stages_writing_one_file_merge_with_a_warning():
    steps = (
        step(1, "A", wrote=("log.txt",)),
        step(2, "B", read=("log.txt",)),
        step(3, "C", wrote=("log.txt",)),
    )
    groups, warnings = infer_stages(list(steps))

    assert len(groups) == 1
    assert warnings == [
        "cells c3 join an earlier stage: log.txt needs one producing stage, read only after it"
    ]


def test_names_come_from_the_tag_then_the_heading_then_the_first_output():
    groups, _ = infer_stages(
        [
            step(1, "Clean the data!", wrote=("clean.parquet",)),
            step(2, "Clean the data!", read=("clean.parquet",), wrote=("stats.json",)),
            step(3, deleted=True, read=("stats.json",), wrote=("plot.png",)),
            step(4, "Fit", read=("extra.csv",), tag="Fit model"),
        ]
    )

    assert stage_names(groups, "analysis") == ["clean_the_data", "stats", "plot", "fit_model"]


def test_parameters_cell_keeps_what_is_not_a_yaml_literal():
    values, rest = split_parameters(
        "import os\nalpha = 0.5  # rate\nlabels: list = ['a', 'b']\npath = os.sep\nshape = (1, 2)\n"
    )

    assert values == {"alpha": 0.5, "labels": ["a", "b"]}
    assert rest == "import os\npath = os.sep\nshape = (1, 2)\n"


def test_imports_and_functions_are_copied_values_are_not():
    code = "import numpy as np\n@cache\ndef f(x):\n    return x\nn = 3\n"

    assert definition(code, "np") == (1, "import numpy as np")
    assert definition(code, "f") == (2, "@cache\ndef f(x):\n    return x")
    assert definition(code, "n") is None
    assert definition("import json\njson = None\n", "json") is None
