"""Hidden global state is a dependency (issue 11): slicing keeps the executions that set the RNG
state, working directory, environment, sys.path, plotting and pandas options a kept one uses."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from jupyter_repro.common.slicing import SliceResult, every_ok, slice_session
from jupyter_repro.store.models import Execution, OutputFingerprint, VariableState


@dataclass(frozen=True)
class Run:
    """One execution: `changed` names, the RNG fingerprints after it, the MIME types it showed."""

    code: str
    changed: str = ""
    rng: str = ""  # "random=a numpy=b": fingerprint per generator; "" records none
    shows: str = ""  # "image/png text/html"
    status: str = "ok"
    types: str = ""  # "name=pandas.DataFrame"


def record(runs: Sequence[Run]) -> tuple[list[Execution], dict[str, VariableState]]:
    executions, live = [], {}
    for number, run in enumerate(runs, start=1):
        types = dict(pair.split("=") for pair in run.types.split())
        changed = tuple(
            VariableState(n, f"h{number}:{n}", types.get(n, "object")) for n in run.changed.split()
        )
        outputs = tuple(
            OutputFingerprint(i, "display_data", mime, 1, f"o{number}.{i}")
            for i, mime in enumerate(run.shows.split())
        )
        executions.append(
            Execution(
                id=number, session_id="s", notebook=None, cell_id=f"c{number}",
                execution_count=number, code=run.code,
                code_hash=hashlib.sha256(run.code.encode()).hexdigest(), started="", ended="",
                duration_ms=1.0, status=run.status, error_name=None, error_message=None,
                env_id=None, rng=dict(pair.split("=") for pair in run.rng.split()),
                changed=changed, outputs=outputs,
            )
        )  # fmt: skip
        live.update({v.name: v for v in changed})
    return executions, live


def sliced(runs: Sequence[Run], targets: Sequence[str] | None = None) -> SliceResult:
    executions, live = record(runs)
    return slice_session(executions, live, targets)


def ids(result: SliceResult) -> list[int]:
    return [e.id for e in result.executions]


# --- Random generators: recorded fingerprints, seeds read from the code. ---

SEEDED_SHUFFLE = [
    Run("import random", "random", rng="random=r0"),
    Run("random.seed(101)", rng="random=s1"),
    Run("data = list(range(10))", "data", rng="random=s1"),
    Run("unrelated = 1", "unrelated", rng="random=s1"),
    Run("random.shuffle(data)", "data", rng="random=s2"),
]


def test_the_seed_a_kept_shuffle_depends_on_is_kept_and_said():
    result = sliced(SEEDED_SHUFFLE, ["data"])

    assert ids(result) == [1, 2, 3, 5]
    assert result.kept_for_state == (
        "kept execution 2 (random.seed): execution 5 uses the RNG state it set",
    )
    assert all(":" not in name for names in result.reads.values() for name in names)


def test_every_execution_that_drew_since_the_seed_is_kept_but_one_after_the_use_is_not():
    runs = [
        *SEEDED_SHUFFLE[:3],
        Run("tmp = random.random()", "tmp", rng="random=s3"),  # scratch, but it moved the state
        Run("random.shuffle(data)", "data", rng="random=s4"),
        Run("later = random.random()", "later", rng="random=s5"),
    ]
    result = sliced(runs, ["data"])

    assert ids(result) == [1, 2, 3, 4, 5]
    assert result.kept_for_state == (
        "kept execution 2 (random.seed): execution 4 uses the RNG state it set",
        "kept execution 4 (drew from the random RNG): execution 5 uses the RNG state it left",
    )


def test_a_seed_replaces_the_state_so_draws_before_it_are_not_needed():
    runs = [
        Run("import random\nold = random.random()", "random old", rng="random=a"),
        Run("random.seed(7)", rng="random=b"),
        Run("x = random.random()", "x", rng="random=c"),
    ]
    assert ids(sliced(runs, ["x"])) == [1, 2, 3]  # 1 for the name `random` only
    runs[0] = Run("import random", "random", rng="random=a")
    runs.insert(1, Run("old = random.random()", "old", rng="random=a2"))
    assert ids(sliced(runs, ["x"])) == [1, 3, 4]


def test_a_seed_after_a_draw_in_the_same_cell_still_needs_the_state_before():
    runs = [
        Run("import random", "random", rng="random=a"),
        Run("random.seed(1)", rng="random=b"),
        Run("first = random.random()\nrandom.seed(2)", "first", rng="random=c"),
    ]
    assert ids(sliced(runs, ["first"])) == [1, 2, 3]


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("if go:\n    random.seed(2)", "ok"),  # may not have run
        ("random.seed(2)", "error"),  # a failed cell may have stopped before it
        ("random.seed()", "ok"),  # reseeded from the OS: nothing reproducible
        ("rnd = random\nrnd.seed(2)", "ok"),  # an alias the analysis does not follow
    ],
)
def test_a_seed_that_cannot_be_trusted_counts_as_a_draw(code, status):
    runs = [
        Run("import random\ngo = True", "random go", rng="random=a"),
        Run("random.seed(1)", rng="random=b"),
        Run(code, "rnd" if "rnd" in code else "", rng="random=c", status=status),
        Run("x = random.random()", "x", rng="random=d"),
    ]
    assert ids(sliced(runs, ["x"]))[:3] == [1, 2, 3]


def test_an_execution_that_did_not_move_the_fingerprint_does_not_touch_the_rng():
    runs = [
        Run("import random", "random", rng="random=a"),
        Run("random.seed(1)", rng="random=b"),
        Run("label = 'random draws'", "label", rng="random=b"),
        Run("x = random.random()", "x", rng="random=c"),
    ]
    assert ids(sliced(runs, ["x"])) == [1, 2, 4]


@pytest.mark.parametrize(
    "imports",
    ["import numpy as np", "import numpy.random as npr", "from numpy import random as npr"],
)
def test_numpy_seeds_are_recognised_through_the_names_imports_bind(imports):
    seed = "npr.seed(0)" if "npr" in imports else "np.random.seed(0)"
    names = "npr" if "npr" in imports else "np"
    runs = [
        Run(imports, names, rng="random=a numpy=n0"),
        Run("a = 1", "a", rng="random=a numpy=n0"),
        Run(seed, rng="random=a numpy=n1"),
        Run(f"x = {names}.rand(3)" if names == "npr" else "x = np.random.rand(3)", "x",
            rng="random=a numpy=n2"),
    ]  # fmt: skip
    result = sliced(runs, ["x"])

    assert ids(result) == [1, 3, 4]
    assert result.kept_for_state[0].startswith(f"kept execution 3 ({seed[:-3]}): execution 4")


def test_a_library_drawing_from_numpy_without_naming_it_is_followed_by_its_fingerprint():
    runs = [
        Run("import numpy as np\nimport pandas as pd", "np pd", rng="random=a numpy=n0"),
        Run("np.random.seed(3)", rng="random=a numpy=n1"),
        Run("df = pd.DataFrame({'a': range(9)})", "df", rng="random=a numpy=n1"),
        Run("sample = df.sample(3)", "sample", rng="random=a numpy=n2"),
    ]
    assert ids(sliced(runs, ["sample"])) == [1, 2, 3, 4]


def test_without_recorded_fingerprints_code_naming_the_generator_counts_as_drawing():
    runs = [
        Run("import random", "random"),
        Run("random.seed(5)"),
        Run("noise = random.random()", "noise"),
        Run("unrelated = 2", "unrelated"),
        Run("x = random.random()", "x"),
    ]
    assert ids(sliced(runs, ["x"])) == [1, 2, 3, 5]


def test_tensorflow_has_no_fingerprint_so_every_cell_naming_it_chains_to_its_seed():
    runs = [
        Run("import tensorflow as tf", "tf"),
        Run("tf.random.set_seed(1)"),
        Run("a = tf.random.uniform([2])", "a"),
        Run("other = 3", "other"),
        Run("b = tf.random.uniform([2])", "b"),
    ]
    assert ids(sliced(runs, ["b"])) == [1, 2, 3, 5]


def test_keras_seeds_random_numpy_and_tensorflow_at_once():
    runs = [
        Run("import random\nimport keras", "random keras", rng="random=a"),
        Run("keras.utils.set_random_seed(4)", rng="random=b"),
        Run("x = random.random()", "x", rng="random=c"),
    ]
    result = sliced(runs, ["x"])

    assert ids(result) == [1, 2, 3]
    assert result.kept_for_state == (
        "kept execution 2 (keras.utils.set_random_seed): execution 3 uses the RNG state it set",
    )


def test_a_function_that_seeds_called_in_a_later_cell_is_a_seed_there():
    runs = [
        Run("import random\ndef reset():\n    random.seed(9)", "random reset", rng="random=a"),
        Run("junk = random.random()", "junk", rng="random=b"),
        Run("reset()", rng="random=c"),
        Run("x = random.random()", "x", rng="random=d"),
    ]
    # Not an outright seed (its body is not analysed as run): it drew, and so do the ones before.
    assert ids(sliced(runs, ["x"])) == [1, 2, 3, 4]


# --- Working directory, environment, sys.path: set by the code, read by later cells. ---


@pytest.mark.parametrize("chdir", ["os.chdir('data')", "%cd data", "%cd -q data"])
def test_a_change_of_working_directory_before_a_kept_execution_is_kept(chdir):
    runs = [
        Run("import os", "os"),
        Run(chdir),
        Run("rows = open('rows.txt').read()", "rows"),
    ]
    result = sliced(runs, ["rows"])

    assert ids(result) == ([1, 2, 3] if chdir.startswith("os") else [2, 3])
    label = "os.chdir" if chdir.startswith("os") else "%cd"
    assert result.kept_for_state == (
        f"kept execution 2 ({label}): execution 3 runs in the working directory it set",
    )


def test_a_setter_after_the_last_kept_execution_is_left_out():
    runs = [Run("x = 1", "x"), Run("%cd elsewhere"), Run("%env MODE=fast"), Run("tmp = 2", "tmp")]
    result = sliced(runs, ["x"])

    assert ids(result) == [1] and result.kept_for_state == ()


def test_every_change_of_directory_before_a_kept_execution_is_kept_in_order():
    runs = [Run("%cd a"), Run("%cd b"), Run("y = 1", "y"), Run("%cd ..")]
    assert ids(sliced(runs, ["y"])) == [1, 2, 3]


@pytest.mark.parametrize(
    "setter",
    ["%env MODE=fast", "%env MODE fast", "%set_env MODE fast", "os.environ['MODE'] = 'fast'",
     "os.environ.update(MODE='fast')", "from os import environ\nenviron['MODE'] = 'fast'"],
)  # fmt: skip
def test_setting_an_environment_variable_is_kept_for_the_executions_after_it(setter):
    runs = [Run("import os", "os"), Run(setter), Run("mode = load_mode()", "mode")]
    result = sliced(runs, ["mode"])

    assert ids(result) == ([1, 2, 3] if setter.startswith("os.") else [2, 3])
    assert "execution 3 may read the environment variables it set" in result.kept_for_state[0]


def test_showing_an_environment_variable_sets_nothing():
    assert ids(sliced([Run("%env MODE"), Run("mode = 1", "mode")])) == [2]


def test_sys_path_is_read_by_code_that_imports_and_by_nothing_else():
    runs = [
        Run("import sys", "sys"),
        Run("sys.path.append('lib')"),
        Run("total = 1 + 1", "total"),
        Run("from helpers import clean\ny = clean(total)", "clean y"),
    ]
    assert ids(sliced(runs, ["total"])) == [3]
    result = sliced(runs, ["y"])
    assert ids(result) == [1, 2, 3, 4]
    assert result.kept_for_state == (
        "kept execution 2 (sys.path.append): execution 4 imports with the sys.path it set",
    )


def test_a_function_defined_earlier_that_changes_directory_is_a_setter_where_called():
    runs = [
        Run("import os\ndef enter():\n    os.chdir('data')", "os enter"),
        Run("enter()"),
        Run("rows = open('rows.txt').read()", "rows"),
    ]
    result = sliced(runs, ["rows"])

    assert ids(result) == [1, 2, 3]
    assert result.kept_for_state[0].startswith("kept execution 2 (enter(), which calls os.chdir)")


# --- Plotting and pandas options: read by the code and by what a cell showed. ---


def test_a_matplotlib_style_is_kept_for_a_cell_that_showed_a_figure_only():
    runs = [
        Run("import matplotlib.pyplot as plt\nimport pandas as pd", "plt pd"),
        Run("plt.style.use('ggplot')"),
        Run("df = pd.DataFrame({'a': [1, 2]})", "df", types="df=pandas.DataFrame"),
        Run("df.plot()", shows="image/png"),
        Run("summary = df.sum()", "summary"),
    ]
    assert ids(sliced(runs, ["summary"])) == [1, 3, 5]
    result = sliced(runs, ["cell:c4"])
    assert ids(result) == [1, 2, 3, 4]
    assert result.kept_for_state == (
        "kept execution 2 (plt.style.use): execution 4 plots with the matplotlib settings it set",
    )


@pytest.mark.parametrize(
    "setter",
    ["plt.rcParams['figure.dpi'] = 50", "mpl.rcParams.update({'font.size': 8})",
     "import seaborn as sns\nsns.set_theme()", "matplotlib.use('Agg')"],
)  # fmt: skip
def test_matplotlib_settings_setters(setter):
    runs = [Run("import matplotlib as mpl\nimport matplotlib", "mpl matplotlib"), Run(setter),
            Run("fig = draw()", "fig", shows="image/png")]  # fmt: skip
    assert 2 in ids(sliced(runs, ["fig"]))


def test_pandas_options_are_read_by_shown_outputs_and_dataframes_not_by_plain_values():
    runs = [
        Run("import pandas as pd", "pd"),
        Run("pd.set_option('display.max_rows', 5)"),
        Run("pd.options.display.precision = 2"),
        Run("n = 3", "n"),
        Run("table = make(n)", "table", types="table=pandas.DataFrame"),
    ]
    assert ids(sliced(runs, ["n"])) == [4]
    assert ids(sliced(runs, ["table"])) == [1, 2, 3, 4, 5]
    shown = [*runs[:4], Run("n", shows="text/plain")]
    assert ids(sliced(shown, ["cell:c5"])) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("setter", "reader"),
    [
        ("import warnings\nwarnings.filterwarnings('ignore')", "y = f()"),
        ("import locale\nlocale.setlocale(locale.LC_ALL, 'C')", "y = f()"),
        ("import numpy as np\nnp.set_printoptions(precision=2)", "y = np.ones(2)"),
        ("import decimal\ndecimal.getcontext().prec = 4", "y = decimal.Decimal(1) / 3"),
        ("import torch\ntorch.use_deterministic_algorithms(True)", "y = torch.ones(2)"),
    ],
)
def test_other_global_settings_are_kept_for_their_readers(setter, reader):
    names = setter.split()[1]
    runs = [Run(setter, names), Run(reader, "y")]
    assert ids(sliced(runs, ["y"])) == [1, 2]


def test_a_setter_also_needed_for_its_variables_is_not_reported():
    runs = [Run("import os\nos.chdir('data')", "os"), Run("rows = os.listdir('.')", "rows")]
    result = sliced(runs, ["rows"])

    assert ids(result) == [1, 2] and result.kept_for_state == ()


def test_every_ok_is_unchanged_by_hidden_state():
    executions, live = record(SEEDED_SHUFFLE)
    result = every_ok(executions, live)

    assert ids(result) == [1, 2, 3, 4, 5] and result.kept_for_state == ()
    assert all(":" not in name for names in result.writes.values() for name in names)
