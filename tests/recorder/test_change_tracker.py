"""ChangeTracker: every affected name re-hashed and reported, nothing else re-hashed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from jupyter_repro.recorder import change_tracker
from jupyter_repro.recorder.change_tracker import CellChanges, ChangeTracker


class Kernel:
    """A namespace dict driven like IPython drives the tracker (exec of the cell's code)."""

    def __init__(self, tracker: ChangeTracker | None = None) -> None:
        self.ns: dict[str, Any] = {"__name__": "__main__"}
        self.tracker = tracker or ChangeTracker()

    def run(self, code: str) -> CellChanges:
        self.tracker.before_cell(self.ns)
        exec(compile(code, "<cell>", "exec"), self.ns)
        return self.tracker.after_cell(self.ns, code)

    @property
    def hashed(self) -> set[str]:
        return set(self.tracker.stats.hashed_names)


@pytest.fixture
def k() -> Kernel:
    return Kernel()


def changed(result: CellChanges) -> set[str]:
    return set(result.changed)


SETUP = "import numpy as np\nimport pandas as pd\nlst = [1, 2]\nother = [3]\nn = 5\n"


class TestCorrectness:
    def test_first_cell_reports_everything_new(self, k: Kernel) -> None:
        assert changed(k.run(SETUP)) == {"np", "pd", "lst", "other", "n"}

    def test_rebinding(self, k: Kernel) -> None:
        k.run(SETUP)
        assert changed(k.run("n = 6")) == {"n"}
        assert changed(k.run("lst = [9]")) == {"lst"}

    def test_rebinding_to_an_equal_value_is_not_a_change(self, k: Kernel) -> None:
        k.run(SETUP)
        result = k.run("lst = [1, 2]")
        assert "lst" in k.hashed and changed(result) == set()
        assert changed(k.run("lst.append(3)")) == {"lst"}  # the new object is tracked

    @pytest.mark.parametrize(
        ("code", "name"),
        [
            ("lst.append(3)", "lst"),
            ("arr += 1", "arr"),
            ('df.loc[0, "a"] = 100', "df"),
            ("d['k'] = 2", "d"),
        ],
    )
    def test_in_place_mutation(self, k: Kernel, code: str, name: str) -> None:
        k.run(SETUP + "arr = np.arange(6.0)\ndf = pd.DataFrame({'a': [1, 2]})\nd = {'k': 1}\n")
        assert changed(k.run(code)) == {name}

    def test_mutation_through_alias(self, k: Kernel) -> None:
        k.run(SETUP + "a = [1, 2]\nb = a\n")
        assert changed(k.run("b[0] = 9")) == {"a", "b"}
        assert "other" not in k.hashed

    def test_function_from_earlier_cell_mutates_global(self, k: Kernel) -> None:
        k.run(SETUP + "data = []\ndef f():\n    data.append(1)\n")
        result = k.run("f()")
        assert "data" in changed(result) and "other" not in k.hashed

    def test_function_rebinding_a_global(self, k: Kernel) -> None:
        k.run(SETUP + "def g():\n    global n\n    n = 42\n")
        assert changed(k.run("g()")) == {"n"}

    def test_write_through_numpy_view(self, k: Kernel) -> None:
        k.run(SETUP + "a = np.arange(10.0)\nv = a[::2]\nunrelated = np.ones(4)\n")
        assert changed(k.run("v[:] = 0")) == {"a", "v"}
        assert "unrelated" not in k.hashed
        assert changed(k.run("a[0] = 7")) == {"a", "v"}  # and the other way round

    def test_view_created_and_written_in_one_cell(self, k: Kernel) -> None:
        k.run(SETUP + "a = np.arange(10.0)\n")
        assert changed(k.run("a[::2][:] = -1")) == {"a"}

    def test_mutated_object_inside_container(self, k: Kernel) -> None:
        k.run(SETUP + "arr = np.zeros(3)\nd = {'k': arr}\n")
        assert changed(k.run("arr[0] = 1")) == {"arr", "d"}

    def test_nested_container(self, k: Kernel) -> None:
        k.run(SETUP + "inner = [1]\nouter = {'a': [inner, 2]}\n")
        assert changed(k.run("inner.append(5)")) == {"inner", "outer"}
        assert changed(k.run("outer['a'][0].append(6)")) == {"inner", "outer"}

    def test_object_reached_through_attribute(self, k: Kernel) -> None:
        k.run(SETUP + "class Box:\n    def __init__(self):\n        self.data = []\n")
        k.run("obj = Box()\ndata2 = obj.data\n")
        assert changed(k.run("obj.data.append(1)")) >= {"data2"}

    def test_object_removed_from_container_then_mutated(self, k: Kernel) -> None:
        k.run(SETUP + "x = [0]\nholder = [x]\n")
        assert changed(k.run("holder.pop().append(1)")) == {"holder", "x"}

    def test_pandas_copy_on_write_column(self, k: Kernel) -> None:
        k.run(SETUP + "df = pd.DataFrame({'a': [1, 2], 'b': [3, 4]})\ns = df['a']\n")
        result = k.run("df.loc[0, 'a'] = 99")
        assert k.ns["s"].iloc[0] == 1  # pandas 3 copy-on-write: s kept the old values
        assert changed(result) == {"df"}
        assert "s" in k.hashed  # it shared df's block until the write: checked, found equal

    def test_hidden_paths_from_called_code(self, k: Kernel) -> None:
        k.run(
            SETUP + "shared = []\nadd = shared.append\n"
            "def dflt(acc=shared):\n    acc.append(1)\n"
            "def make():\n    box = []\n    def inner():\n        box.append(1)\n"
            "    return inner, box\n"
            "inner, box = make()\n"
            "class K:\n    registry = []\n    def add(self):\n        self.registry.append(1)\n"
            "reg = K.registry\nobj = K()\n"
            "log = []\ndef gen():\n    while True:\n        log.append(1)\n        yield\n"
            "g = gen()\n"
        )
        assert {"shared", "dflt"} == changed(k.run("add(5)"))  # dflt's default is shared
        assert "shared" in changed(k.run("dflt()"))
        assert "box" in changed(k.run("inner()"))
        assert "reg" in changed(k.run("obj.add()"))
        assert "log" in changed(k.run("next(g)"))
        assert "other" not in k.hashed

    def test_structure_too_wide_to_list_is_rehashed_conservatively(self, k: Kernel) -> None:
        k.run(SETUP + "wide = [[i] for i in range(120_000)]\nx = wide[5]\n")
        assert k.tracker._cache["wide"].digest.components >= {-1}
        assert changed(k.run("x.append(9)")) == {"x", "wide"}
        assert changed(k.run("n = 7")) == {"n"} and "wide" not in k.hashed  # immutable only

    def test_removal(self, k: Kernel) -> None:
        k.run(SETUP)
        result = k.run("del lst")
        assert result.removed == ["lst"] and changed(result) == set()
        assert k.run("lst = [1, 2]").changed.keys() == {"lst"}  # back: new to the store again

    def test_modules_rehashed_only_on_rebinding(self, k: Kernel) -> None:
        k.run(SETUP)
        k.run("z = np.zeros(3)")
        assert "np" not in k.hashed
        assert "np" in changed(k.run("import numpy as np\nnp = pd"))

    def test_exec_falls_back_to_everything(self, k: Kernel) -> None:
        k.run(SETUP)
        result = k.run("exec('lst.append(1)')")
        assert k.tracker.stats.unknown and k.hashed == {"np", "pd", "lst", "other", "n"}
        assert changed(result) == {"lst"}

    def test_ipython_and_private_names_are_ignored(self) -> None:
        k = Kernel(ChangeTracker(hidden={"In"}, skip=lambda name: name == "secret"))
        result = k.run("In = []\n_x = 1\n__y = 2\nsecret = 3\nkept = 4\n")
        assert changed(result) == {"kept"}

    def test_hash_failure_is_per_name(self, k: Kernel, monkeypatch: pytest.MonkeyPatch) -> None:
        real = change_tracker.hash_value

        def flaky(obj: object, **options: Any) -> Any:
            if isinstance(obj, set):
                raise RuntimeError("boom")
            return real(obj, **options)

        monkeypatch.setattr(change_tracker, "hash_value", flaky)
        result = k.run("bad = {1}\ngood = [1]\n")
        assert result.changed["bad"].unhashable and "good" in result.changed


class TestSpeed:
    def test_untouched_big_arrays_are_not_rehashed(self, k: Kernel) -> None:
        big = 250 * 1024 * 1024 // 8  # 4 x 250 MB float64
        for i in range(4):
            k.ns[f"big{i}"] = np.ones(big)
        k.ns["view0"] = k.ns["big0"][::2]
        k.run(SETUP)  # first sight: everything hashed once
        start = time.perf_counter()
        result = k.run("lst.append(3)\nsmall = n + 1")
        elapsed = time.perf_counter() - start
        assert changed(result) == {"lst", "small"}
        assert not any(name.startswith(("big", "view")) for name in k.hashed)
        assert elapsed < 1.0  # loose: the real bound (20 ms) is measured in benchmarks


class TestInteractiveShell:
    @pytest.fixture
    def shell(self) -> Iterator[tuple[Any, list[CellChanges]]]:
        from IPython.core.interactiveshell import InteractiveShell

        shell = InteractiveShell.instance()
        tracker = ChangeTracker(hidden=shell.user_ns_hidden)
        results: list[CellChanges] = []

        def pre(info: Any) -> None:
            tracker.before_cell(shell.user_ns)

        def post(result: Any) -> None:
            results.append(tracker.after_cell(shell.user_ns, result.info.transformed_cell))

        shell.events.register("pre_run_cell", pre)
        shell.events.register("post_run_cell", post)
        yield shell, results
        shell.events.unregister("pre_run_cell", pre)
        shell.events.unregister("post_run_cell", post)

    def run(self, shell: tuple[Any, list[CellChanges]], code: str) -> set[str]:
        assert shell[0].run_cell(code, store_history=True).success
        return set(shell[1][-1].changed)

    def test_magics_through_transformed_code(self, shell: Any) -> None:
        """`%time x.append(1)` reaches the tracker as `get_ipython().run_line_magic(...)`."""
        self.run(shell, "lst = [1]\nother = [2]\nbig = list(range(10))")
        assert self.run(shell, "%time lst.append(1)") == {"lst"}
        assert self.run(shell, "%%time\nlst.append(2)\n") == {"lst"}
        assert self.run(shell, "%timeit -n1 -r1 other.append(1)") == {"other"}
        assert self.run(shell, "lst?") == set()

    def test_mutation_through_output_history(self, shell: Any) -> None:
        count = shell[0].run_cell("lst = [1]\nother = [2]\nlst", store_history=True).execution_count
        assert self.run(shell, "_.append(3)") == {"lst"}
        assert self.run(shell, f"Out[{count}].append(4)") == {"lst"}

    def test_ipython_names_are_not_user_variables(self, shell: Any) -> None:
        changed_names = self.run(shell, "x = 1\nx")
        assert "x" in changed_names
        assert not {"In", "Out", "_", "_1", "get_ipython", "exit", "quit"} & changed_names


class TestRebinding:
    def test_a_name_only_rebound_does_not_rehash_what_its_old_value_shared(self, k: Kernel) -> None:
        k.run(SETUP + "big = [[1], [2]]\na = big[0]\n")
        assert changed(k.run("for a in range(3):\n    pass")) == {"a"}
        assert k.hashed == {"a"}  # big shared old a's list: a was only bound, never used

    def test_a_name_used_before_it_is_rebound_still_reaches_its_old_value(self, k: Kernel) -> None:
        k.run(SETUP + "big = [[1], [2]]\na = big[0]\n")
        assert changed(k.run("a.append(3)\na = 5")) == {"a", "big"}

    def test_a_function_the_cell_calls_reaches_what_it_uses(self, k: Kernel) -> None:
        k.run(SETUP + "big = [[1], [2]]\na = big[0]\ndef grow():\n    a.append(3)\n")
        assert changed(k.run("grow()\na = 5")) == {"a", "big"}


AUDITED_CELL = r"""
import sys
import matplotlib
matplotlib.use("agg")
from jupyter_repro.recorder.change_tracker import ChangeTracker

ns = {"__name__": "__main__"}
tracker = ChangeTracker()


def run(code):
    tracker.before_cell(ns)
    exec(compile(code, "<cell>", "exec"), ns)
    return tracker.after_cell(ns, code)


run(
    "import matplotlib.pyplot as plt\n"
    "import pandas as pd\n"
    "records = [{'n': i, 'city': str(i % 7), 'x': i / 3} for i in range(20_000)]\n"
    "nested = [[i] for i in range(20_000)]\n"
    "frame = pd.DataFrame(records)\n"
    "fig, grid = plt.subplots(4, 4)\n"
    "for a in grid.flat:\n"
    "    a.plot(range(50))\n"
)
ids = []
sys.addaudithook(lambda event, args: ids.append(1) if event == "builtins.id" else None)
changes = run("records.append({'n': -1, 'city': 'x', 'x': 0.5})\nnested[0].append(1)\n"
              "grid[0, 0].plot([3, 2])\nframe.iloc[0, 0] = 5")
print(sorted(changes.changed), len(ids))
"""


def test_recording_a_cell_raises_no_audit_event_per_element() -> None:
    """``id()`` raises the audit event ``builtins.id``, and in a kernel the file tracker's audit
    hook runs at every one (0.4 us): the hashers key objects by ``ident`` instead, so hashing
    20,000 records or a 16-axes figure raises none per element (it took 29 ms for 20,000
    records instead of 21)."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", AUDITED_CELL], capture_output=True, text=True, check=True
    ).stdout.split("] ")
    assert out[0] + "]" == str(sorted(["fig", "frame", "grid", "nested", "records"]))
    assert int(out[1]) < 100  # a handful per cell (code analysis), never one per element
