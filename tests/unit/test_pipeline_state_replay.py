"""Hidden state across pipeline stages (issue 11): which setters a stage runs again, which of
their statements, and which random generators an earlier stage hands over (``state_replay``)."""

from __future__ import annotations

import hashlib

from jupyter_repro.code_analysis.cell_names import analyze
from jupyter_repro.common.slicing import SliceResult, slice_session
from jupyter_repro.pipeline.handoffs import StageNeeds, plan_needs
from jupyter_repro.pipeline.state_replay import StatePlan, StateReplay
from jupyter_repro.pipeline.steps import Step, plain_steps
from jupyter_repro.store.models import Execution, VariableState

Cell = str | tuple[str, str]  # code, or (code, "rng fingerprints": "random=a numpy=b")


def planned(*stages: list[Cell]) -> tuple[StatePlan, list[list[Step]], SliceResult]:
    """Record the cells in order, slice to every variable, cut as given, plan the state."""
    executions, live, cut = [], {}, []
    for stage in stages:
        cut.append([])
        for cell in stage:
            code, rng = (cell, "") if isinstance(cell, str) else cell
            number = len(executions) + 1
            found = analyze(code)
            changed = tuple(
                VariableState(n, f"h{number}:{n}", "builtins.str")
                for n in sorted(found.binds if found else ())
            )
            executions.append(
                Execution(
                    id=number, session_id="s", notebook=None, cell_id=f"c{number}",
                    execution_count=number, code=code,
                    code_hash=hashlib.sha256(code.encode()).hexdigest(), started="", ended="",
                    duration_ms=1.0, status="ok", error_name=None, error_message=None,
                    env_id=None, rng=dict(p.split("=") for p in rng.split()), changed=changed,
                )
            )  # fmt: skip
            live.update({v.name: v for v in changed})
            cut[-1].append(number)
    sliced = slice_session(executions, live)
    steps = {s.execution.id: s for s in plain_steps(sliced, {}).steps}
    groups = [[steps[i] for i in ids if i in steps] for ids in cut]
    return StateReplay(executions, list(steps.values())).plan(groups), groups, sliced


def replayed(plan: StatePlan, stage: int) -> list[tuple[str | None, str]]:
    return [(r.step.execution.cell_id, r.step.code) for r in plan.replays[stage]]


SETUP = (
    "import os, sys\nimport pandas as pd\nraw = len('abc')\nos.chdir('work')\n"
    "os.environ['GREETING'] = 'hi'\nsys.path.insert(0, 'lib')\n"
    "pd.set_option('display.precision', 2)\nunrelated = raw * 2"
)


def needs_of(plan: StatePlan, groups: list[list[Step]], sliced: SliceResult) -> list[StageNeeds]:
    state_of = lambda _i, name: sliced.targets.get(name)  # noqa: E731
    return plan_needs(groups, sliced.reads, sliced.writes, (None, frozenset()), state_of, plan)[0]


def test_a_later_stage_runs_again_only_the_setup_statements_that_set_state():
    plan, groups, sliced = planned(
        [SETUP], ["import helper\nshown = repr(pd.DataFrame({'x': [1 / 3]}))"]
    )

    assert replayed(plan, 0) == []
    assert replayed(plan, 1) == [
        (
            "c1",
            "import os, sys\nimport pandas as pd\nos.chdir('work')\n"
            "os.environ['GREETING'] = 'hi'\nsys.path.insert(0, 'lib')\n"
            "pd.set_option('display.precision', 2)\n",
        )
    ]
    assert plan.carried == {} and plan.warnings == []
    assert needs_of(plan, groups, sliced)[1].copies == []  # `import pandas as pd` ran already


def test_a_kind_the_stage_does_not_read_is_not_set_again():
    plan, _, _ = planned([SETUP], ["total = 1 + 2"])  # no import, no pandas: cwd and env only

    code = replayed(plan, 1)[0][1]
    assert "os.chdir('work')" in code and "os.environ['GREETING']" in code
    assert "sys.path" not in code and "set_option" not in code and "pandas" not in code


def test_every_setter_back_to_the_first_runs_again_in_the_order_they_ran():
    plan, _, _ = planned(
        ["import os\nos.chdir('a')", "x = 1"],
        ["where = 'b'\nos.chdir(where)\ny = x"],
        ["z = open('f.txt').read()"],
    )

    assert replayed(plan, 1) == [("c1", "import os\nos.chdir('a')\n")]
    assert replayed(plan, 2) == [
        ("c1", "import os\nos.chdir('a')\n"),
        ("c3", "where = 'b'\nos.chdir(where)\n"),  # with the statement binding what it reads
    ]


def test_what_a_replayed_statement_reads_from_another_cell_is_brought_first():
    cells = ["import os", "folder = 'out' + str(3)", "os.chdir(folder)"]
    plan, groups, sliced = planned(cells, ["data = open('x').read()"])

    needs = needs_of(plan, groups, sliced)

    assert replayed(plan, 1) == [("c3", "os.chdir(folder)\n")]
    assert needs[1].replay_copies == ["import os"]
    assert [h.file for h in needs[1].replay_loads] == ["handoffs/folder.json"]
    assert needs[1].loads == [] and needs[1].copies == []
    assert [h.file for h in needs[0].saves] == ["handoffs/folder.json"]


def test_a_generator_comes_from_the_last_stage_that_moved_it_seeds_and_draws_included():
    plan, _, _ = planned(
        [("import random", "random=a"), ("random.seed(101)", "random=b")],
        [("first = random.random()", "random=c")],
        [("data = list(range(5))\nrandom.shuffle(data)", "random=d")],
    )

    assert plan.carried == {(2, "state:rng:random"): [1], (3, "state:rng:random"): [2]}
    assert all(replayed(plan, i) == [] for i in range(3))


def test_a_stage_that_seeds_before_drawing_needs_no_generator_from_before():
    plan, _, _ = planned(
        [("import numpy as np\nnp.random.seed(0)\na = np.random.rand()", "numpy=b")],
        [("np.random.seed(1)\nb = np.random.rand()", "numpy=c")],
    )

    assert plan.carried == {}


def test_a_tensorflow_seed_is_set_again_and_draws_it_cannot_replay_are_said():
    plan, _, _ = planned(
        ["import tensorflow as tf\ntf.random.set_seed(1)", "a = tf.random.uniform([2])"],
        ["b = tf.random.uniform([2])"],
    )

    assert replayed(plan, 1) == [("c1", "import tensorflow as tf\ntf.random.set_seed(1)\n")]
    assert plan.warnings == [
        "stage 2 cannot set the TensorFlow RNG again as execution 2 did (drew from the "
        "TensorFlow RNG): no statement of its cell does it"
    ]


def test_magics_set_state_again_as_the_plain_python_they_export_as():
    plan, _, _ = planned(["%cd work", "%env GREETING=hi"], ["x = 1"])

    assert replayed(plan, 1) == [
        ("c1", "import os\nos.chdir('work')\n"),
        ("c2", "import os\nos.environ['GREETING'] = 'hi'\n"),
    ]


def test_a_generator_no_seed_came_before_is_not_handed_over():
    plan, _, _ = planned(
        [("import random\nfirst = random.random()", "random=a")],
        [("second = random.random()", "random=b")],
    )

    assert plan.carried == {}
