"""Dynamic reads are not lost (issue 11, point 4): an execution reading names through ``eval``,
``exec``, ``globals()``, ``getattr`` on ``__main__``, ``locals()``, ``vars()`` or a session function
that does keeps the executions defining them, or reads everything and says so."""

from __future__ import annotations

import hashlib

from jupyter_repro.code_analysis.dynamic_reads import dynamic_defs, dynamic_reads
from jupyter_repro.common.slicing import SliceResult, slice_session
from jupyter_repro.store.models import Execution, VariableState

DISPLAY = """class display:
    template = "<p>{0}</p>{1}"
    def __init__(self, *args):
        self.args = args
    def __repr__(self):
        return "\\n\\n".join(a + "\\n" + repr(eval(a)) for a in self.args)
"""


def sliced(runs: list[tuple[str, str]], targets: list[str]) -> SliceResult:
    """Slice executions 1.. of (code, space-separated changed names)."""
    executions, live = record(runs)
    return slice_session(executions, live, targets)


def record(runs: list[tuple[str, str]]) -> tuple[list[Execution], dict[str, VariableState]]:
    executions, live = [], {}
    for number, (code, changed_names) in enumerate(runs, start=1):
        changed = tuple(VariableState(n, f"h{number}:{n}", "o") for n in changed_names.split())
        executions.append(
            Execution(
                id=number, session_id="s", notebook=None, cell_id=f"c{number}",
                execution_count=number, code=code,
                code_hash=hashlib.sha256(code.encode()).hexdigest(), started="", ended="",
                duration_ms=1.0, status="ok", error_name=None, error_message=None,
                env_id=None, changed=changed, removed=(), files=(),
            )
        )  # fmt: skip
        live.update({v.name: v for v in changed})
    return executions, live


def ids(result: SliceResult) -> list[int]:
    return [e.id for e in result.executions]


def test_eval_of_a_literal_reads_the_names_of_its_code():
    result = sliced([("x = 1", "x"), ("y = 2", "y"), ("z = eval('x + 1')", "z")], ["z"])
    assert ids(result) == [1, 3]
    assert result.dynamic_reads == ()


def test_exec_of_a_literal_reads_what_its_code_reads():
    result = sliced([("x = 1", "x"), ("exec('y = x')", "y")], ["y"])
    assert ids(result) == [1, 2]


def test_a_globals_subscript_with_a_literal_key_reads_that_name():
    result = sliced([("x = 1", "x"), ("w = 0", "w"), ("y = globals()['x']", "y")], ["y"])
    assert ids(result) == [1, 3]


def test_getattr_on_the_main_module_with_a_literal_reads_that_name():
    code = "import sys\ny = getattr(sys.modules['__main__'], 'x')"
    result = sliced([("x = 1", "x"), ("w = 0", "w"), (code, "sys y")], ["y"])
    assert ids(result) == [1, 3]


def test_getattr_on_an_ordinary_object_reads_no_string():
    assert dynamic_reads("y = getattr(config, 'x')") is None
    assert dynamic_reads("v = vars(obj)") is None
    assert dynamic_reads("df['x']") is None


def test_bare_locals_reads_every_variable_alive_and_says_so():
    runs = [("a = 1", "a"), ("b = 2", "b"), ("text = '{a}'.format(**locals())", "text")]
    result = sliced(runs, ["text"])
    assert ids(result) == [1, 2, 3]
    assert result.dynamic_reads == (
        "execution 3 reads names dynamically (locals() as a whole); kept every earlier "
        "definition it could reach",
    )


def test_bare_vars_reads_every_variable_alive():
    result = sliced([("a = 1", "a"), ("b = 2", "b"), ("n = len(vars())", "n")], ["n"])
    assert ids(result) == [1, 2, 3]


def test_eval_of_a_non_literal_reads_every_earlier_definition_and_says_so():
    runs = [("x = 1", "x"), ("x = 2", "x"), ("name = 'x' + ''", "name"), ("y = eval(name)", "y")]
    result = sliced(runs, ["y"])
    assert ids(result) == [2, 3, 4]  # the latest writer of each name alive before it
    assert result.dynamic_reads == (
        "execution 4 reads names dynamically (eval of a non-literal); kept every earlier "
        "definition it could reach",
    )


def test_a_function_defined_earlier_reading_a_literal_dynamically_reads_it_where_called():
    runs = [
        ("def f():\n    return globals()['data']", "f"),
        ("data = 1", "data"),
        ("other = 2", "other"),
        ("y = f()", "y"),
    ]
    assert ids(sliced(runs, ["y"])) == [1, 2, 4]


def test_the_cell_defining_a_dynamic_function_reads_nothing_by_it():
    assert dynamic_reads("def f(name):\n    return eval(name)") is None


def test_a_class_whose_repr_evals_its_arguments_reads_the_literals_at_the_call():
    runs = [
        (DISPLAY, "display"),
        ("df1 = 1", "df1"),
        ("df2 = 2", "df2"),
        ("df3 = 3", "df3"),
        ("display('df1', 'df2')", ""),
        ("df1 = 10", "df1"),
    ]
    result = sliced(runs, ["cell:c5"])
    assert ids(result) == [1, 2, 3, 5]  # df1 as it was when shown; never df3
    assert result.dynamic_reads == ()
    assert dynamic_defs(DISPLAY)["display"].opaque == "eval of a non-literal"


def test_an_object_made_by_a_dynamic_class_reads_the_literals_it_was_made_with_when_used():
    runs = [(DISPLAY, "display"), ("df1 = 1", "df1"), ("d = display('df1')", "d"), ("d", "")]
    assert ids(sliced(runs, ["cell:c4"])) == [1, 2, 3, 4]


def test_a_dynamic_function_called_without_literals_reads_every_variable_alive():
    runs = [(DISPLAY, "display"), ("a = 1", "a"), ("names = ['a']", "names")]
    runs += [("display(*names)", "")]
    result = sliced(runs, ["cell:c4"])
    assert ids(result) == [1, 2, 3, 4]
    assert result.dynamic_reads[0].startswith("execution 4 reads names dynamically (eval of")


def test_the_self_check_adds_the_latest_omitted_writer_before_the_execution_that_raised():
    from jupyter_repro.verify.report import CellError
    from jupyter_repro.verify.self_check import _writer

    runs = [("x = 1", "x"), ("x = 2", "x"), ("y = lookup('x')", "y"), ("x = 3", "x")]
    assert ids(sliced(runs, ["y"])) == [3]  # nothing static reads x
    every = record(runs)[0]
    raised = CellError(1, 3, "NameError", "name 'x' is not defined")
    found = _writer(every, (3,), raised)
    assert found is not None and (found[0].id, found[1]) == (2, "x")
    other = CellError(1, 3, "ValueError", "name 'x' is not defined")
    assert _writer(every, (3,), other) is None
    assert _writer(every, (2, 3), raised) is None  # its writer is kept: nothing to add


def test_getattr_on_the_main_module_with_a_non_literal_reads_every_variable_alive():
    code = "import sys\ny = getattr(sys.modules['__main__'], name)"
    result = sliced([("x = 1", "x"), ("name = 'x'", "name"), (code, "sys y")], ["y"])
    assert ids(result) == [1, 2, 3]
    assert "(getattr of a non-literal)" in result.dynamic_reads[0]
