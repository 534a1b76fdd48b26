"""`%timeit` in an exported script means what it meant in IPython: its code runs as the body of a
function whose globals are the namespace, so it mutates globals but rebinds none it did not
declare `global`; slicing reads it the same way (issue 11)."""

from __future__ import annotations

from typing import Any

import pytest

from jupyter_repro.code_analysis.cell_names import analyze
from jupyter_repro.script.ipython_syntax import to_plain_python


def run(cell: str, **names: Any) -> dict[str, Any]:
    """Translate ``cell`` and execute it with plain ``exec`` in a fresh namespace."""
    result = to_plain_python(cell)
    namespace: dict[str, Any] = {"__name__": "__main__", **names}
    script = "".join(f"import {module}\n" for module in result.imports) + result.code
    exec(compile(script, "<cell>", "exec"), namespace)
    return {k: v for k, v in namespace.items() if k != "__builtins__"}


def test_an_assignment_under_timeit_leaves_the_global_alone():
    namespace = run("%timeit x = 5\n", x=[1, 2, 3])

    assert namespace["x"] == [1, 2, 3]
    assert "_repro_timeit" not in namespace  # the helper function is gone after its one call
    assert "in a function of its own" in to_plain_python("%timeit x = 5\n").warnings[0]


def test_its_mutations_still_happen_once():
    namespace = run("%timeit -n 100 y = calls.append(len(calls))\n", calls=[])

    assert namespace["calls"] == [0] and "y" not in namespace


def test_a_name_declared_global_is_rebound_as_in_ipython():
    assert run("%timeit -n1 -r1 global y; y = 5\n")["y"] == 5


def test_reading_a_name_it_also_assigns_raises_as_in_ipython():
    with pytest.raises(UnboundLocalError):
        run("%timeit z = z + 1\n", z=1)


def test_timeit_cell_runs_setup_and_body_in_one_scope_of_their_own():
    cell = "%%timeit -n 10 s = len(seen)\nt = s + 1\nseen.append(t)\n"

    namespace = run(cell, seen=[])

    assert namespace["seen"] == [1]
    assert "s" not in namespace and "t" not in namespace


def test_a_multi_line_string_keeps_its_text():
    cell = '%%timeit\ntext = """a\n  b"""\nseen.append(text)\n'

    assert run(cell, seen=[])["seen"] == ["a\n  b"]


def test_inside_a_block_too():
    cell = "for i in range(2):\n    %timeit y = out.append(i)\n"

    namespace = run(cell, out=[])

    assert namespace["out"] == [0, 1] and "y" not in namespace


def test_code_that_binds_nothing_stays_inline():
    assert to_plain_python("%timeit -n 3 f(x)\n").code == "f(x)\n"


@pytest.mark.parametrize(
    ("cell", "reads", "binds"),
    [
        ("%timeit x = 5", "", ""),
        ("%timeit -n 3 q = h(r)", "h r", ""),
        ("%timeit z = z + 1", "", ""),  # z is local to the timer: IPython raises
        ("%timeit -n1 -r1 global y; y = f(a)", "a f", "y"),
        ("%%timeit -n 10 s = g(1)\nt = s + u", "g u", ""),
        ("%timeit [k for k in ks if k > lim]", "ks lim", ""),
    ],
)
def test_the_analysis_reads_globals_and_binds_only_declared_ones(cell, reads, binds):
    found = analyze(cell)

    assert found is not None
    assert (found.reads, found.binds) == (set(reads.split()), set(binds.split()))
