"""One table says what each magic does; the recorder, the slicer's analysis and the script
translator all follow it, and agree on the magics whose facts once drifted apart."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import replace

import pytest
from IPython.core.inputtransformer2 import TransformerManager

from jupyter_repro.code_analysis import magics
from jupyter_repro.code_analysis.cell_names import analyze
from jupyter_repro.code_analysis.magic_calls import MagicCall, expansion_names, magic_call
from jupyter_repro.code_analysis.magics import MAGICS, Code, Effect, Export, Magic, magic
from jupyter_repro.code_analysis.reads import closure, eager_reads
from jupyter_repro.recorder.touched_names import touched_names
from jupyter_repro.script import magic_translations
from jupyter_repro.script.ipython_syntax import Translation, to_plain_python


def recorded(cell: str) -> set[str] | None:
    """What the recorder says the cell touched: it sees the code IPython transformed."""
    return touched_names(TransformerManager().transform_cell(cell), {"__name__": "__main__"})


def names(words: str) -> set[str]:
    return set(words.split())


class _EditedTable(dict[str, Magic]):
    """A copy of the magic table: each edit forgets the analyses made with the old facts."""

    def __setitem__(self, name: str, facts: Magic) -> None:
        super().__setitem__(name, facts)
        analyze.cache_clear()

    def __delitem__(self, name: str) -> None:
        super().__delitem__(name)
        analyze.cache_clear()


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Magic]]:
    """The magic table, for the test to edit; the real one again afterwards."""
    monkeypatch.setattr(magics, "MAGICS", _EditedTable(MAGICS))
    analyze.cache_clear()
    yield magics.MAGICS  # type: ignore[misc]
    analyze.cache_clear()


# --- The table itself. ---


def _shipped_magics() -> set[str]:
    """Magic names IPython ships: core, script and bundled-extension magics, and shell aliases."""
    import IPython.core.magics as core
    from IPython.core.alias import default_aliases
    from IPython.core.magics.script import ScriptMagics
    from IPython.extensions.autoreload import AutoreloadMagics
    from IPython.extensions.storemagic import StoreMagics

    classes = [getattr(core, n) for n in dir(core) if n.endswith("Magics")]
    found = {
        name for c in [*classes, AutoreloadMagics, StoreMagics] for name in c.magics.get("line", ())
    }
    found |= {name for c in classes for name in c.magics.get("cell", ())}
    found |= set(ScriptMagics()._script_magics_default()) | {a for a, _ in default_aliases()}
    return found | {"ed", "hist", "rep", "SVG", "HTML", "file"}  # InteractiveShell's own aliases


def test_every_magic_in_the_table_is_one_ipython_or_its_kernel_ships():
    newer_installers = {"mamba", "micromamba", "uv"}  # IPython 8.15+, 9.x
    kernel = {"autosave"}  # ipykernel's KernelMagics
    assert set(MAGICS) - _shipped_magics() <= newer_installers | kernel


def test_every_magic_the_translator_names_is_in_the_table_as_translated():
    forms = magic_translations._STATEMENTS.keys() | magic_translations._VALUES.keys()
    forms |= magic_translations._CELLS.keys()
    translated = {name for name, facts in MAGICS.items() if facts.export is Export.TRANSLATED}
    assert forms == translated
    assert all(MAGICS[n].export is Export.UNTRANSLATABLE for n in magic_translations._WHY_NOT)


def test_a_magic_given_two_rows_is_refused():
    with pytest.raises(ValueError, match="%cd has two rows"):
        magics._table(("cd pwd", MAGICS["cd"]), ("cd", MAGICS["time"]))


def test_the_facts_that_drifted_are_stated_once():
    assert magic("time") == Magic(Effect.EXPANDS, Export.TRANSLATED, Code.USER_NAMESPACE)
    assert magic("timeit") == Magic(Effect.EXPANDS, Export.TRANSLATED, Code.OWN_SCOPE)
    assert magic("prun") == Magic(Effect.EXPANDS, Export.UNTRANSLATABLE, Code.USER_NAMESPACE)
    assert magic("capture") == Magic(Effect.REBINDS, Export.TRANSLATED, Code.USER_NAMESPACE)
    assert magic("no_such_magic") is None
    assert all(m.code is None for m in MAGICS.values() if m.export is Export.SILENT)


# --- The consumers agree on what a magic does. ---


def test_time_runs_its_code_in_the_namespace_for_everyone():
    assert recorded("%time y = f(x)") == names("y f x")
    found = analyze("%time y = f(x)")
    assert found is not None and (found.reads, found.binds) == (names("f x"), names("y"))
    assert to_plain_python("%time y = f(x)\n").code == "y = f(x)\n"


def test_timeit_reads_the_namespace_and_binds_only_in_its_own_scope():
    # IPython binds `q` in timeit's own scope; the recorder still sees `h(r)` touch globals. The
    # exported script runs `q = h(r)` once in a function of its own, so neither it nor the
    # analysis binds q at top level (issue 11: the script used to run it inline and rebind q).
    assert recorded("%timeit -n 3 q = h(r)") == names("q h r")
    found = analyze("%timeit -n 3 q = h(r)")
    assert found is not None and (found.reads, found.binds) == (names("h r"), names(""))
    code = to_plain_python("%timeit -n 3 q = h(r)\n").code
    assert code == "def _repro_timeit():\n    q = h(r)\n_repro_timeit()\ndel _repro_timeit\n"


def test_prun_runs_its_code_in_the_namespace_but_has_no_translation():
    assert recorded("%prun -s cumulative f(x)") == names("f x")
    found = analyze("%prun -s cumulative f(x)")
    assert found is not None and found.reads == names("f x")
    result = to_plain_python("%prun -s cumulative f(x)\n")
    assert result.code.startswith("# %prun") and "%prun" in result.warnings[0]


def test_capture_runs_its_body_in_the_namespace():
    cell = "%%capture out\nz = w + 1\n"
    assert recorded(cell) == names("out z w")  # `out` is rebound: the recorder looks at it
    found = analyze(cell)
    assert found is not None and (found.reads, found.binds) == (names("w"), names("z"))
    assert to_plain_python(cell).code.startswith("z = w + 1")  # the script prints the output


@pytest.mark.parametrize(
    ("cell", "translated"),
    [
        ("%cd {folder}\n", "os.chdir(f'{folder}')\n"),
        ("%env DATA={folder}\n", "os.environ['DATA'] = f'{folder}'\n"),
        ("%pip install {folder}\n", "# %pip install {folder}\n"),
        ("%%bash\nls {folder}\n", "subprocess.run(['bash'], input="),
    ],
)
def test_magics_without_code_only_read_their_expansions(cell: str, translated: str):
    assert recorded(cell) == {"folder"}
    found = analyze(cell)
    assert found is not None and "folder" in found.reads
    assert to_plain_python(cell).code.startswith(translated)


def test_magics_no_one_vouches_for_are_unknown_to_the_recorder():
    assert recorded("%run script.py") is None
    assert recorded("%no_such_magic x") is None
    assert recorded("%time %run script.py") is None  # IPython syntax inside a magic's code


# --- Each consumer takes its decision from the table, not from a set of its own. ---


def test_the_recorder_parses_the_code_of_any_magic_the_table_says_has_code(table):
    assert recorded("%stopwatch y.append(x)") is None  # unknown
    table["stopwatch"] = MAGICS["time"]
    assert recorded("%stopwatch y.append(x)") == names("y x")
    table["stopwatch"] = MAGICS["pwd"]  # no code: only the expansions matter
    assert recorded("%stopwatch y.append({x})") == names("x")
    table["stopwatch"] = replace(MAGICS["pwd"], effect=Effect.UNKNOWN)
    assert recorded("%stopwatch y.append({x})") is None


def test_the_analysis_owns_the_names_of_code_only_where_the_table_says_it_runs(table):
    def reads_binds(cell: str) -> tuple[set[str], set[str]]:
        found = analyze(cell)
        assert found is not None
        return set(found.reads), set(found.binds)

    assert reads_binds("%time y = f(x)") == (names("f x"), names("y"))
    table["time"] = replace(MAGICS["time"], code=Code.OWN_SCOPE)
    assert reads_binds("%time y = f(x)") == (names("f x"), names(""))  # issue 11: own scope
    table["cd"] = MAGICS["time"]
    assert reads_binds("%cd y = f(x)") == (names("f x"), names("y"))


def test_the_translator_follows_the_table(table):
    assert (
        to_plain_python("%cp a b\n").code == "subprocess.run('cp a b', shell=True, check=False)\n"
    )
    table["cp"] = MAGICS["who"]
    assert to_plain_python("%cp a b\n") == Translation("# %cp a b\n")
    assert to_plain_python("%stopwatch install x\n").warnings  # unknown: commented, with a warning
    table["stopwatch"] = MAGICS["pip"]
    assert to_plain_python("%stopwatch install x\n") == Translation("# %stopwatch install x\n")
    table["stopwatch"] = MAGICS["bash"]
    assert to_plain_python("%%stopwatch\necho\n").code.startswith("subprocess.run(['stopwatch']")
    del table["cd"]
    assert "has no plain-Python equivalent" in to_plain_python("%cd data\n").warnings[0]


# --- The pieces the consumers share. ---


@pytest.mark.parametrize(
    ("source", "call"),
    [
        ("get_ipython().run_line_magic('cd', 'x')", MagicCall("line", "cd", "x")),
        ("get_ipython().run_cell_magic('bash', '', 'ls')", MagicCall("cell", "bash", "", "ls")),
        ("get_ipython().system('ls {d}')", MagicCall("system", line="ls {d}")),
        ("get_ipython().getoutput('ls')", MagicCall("getoutput", line="ls")),
        ("get_ipython().show_usage()", MagicCall("usage")),
        ("get_ipython().run_line_magic('cd', x)", None),  # not the transformer's shape
        ("get_ipython().run_line_magic('cd', 'x', k=1)", None),
        ("get_ipython(1).run_line_magic('cd', 'x')", None),
        ("get_ipython().events.register('x', f)", None),
        ("shell.run_line_magic('cd', 'x')", None),
    ],
)
def test_magic_calls_are_read_back_only_in_the_transformers_shape(source, call):
    assert magic_call(ast.parse(source, mode="eval").body) == call


def test_magic_calls_show_as_typed():
    assert MagicCall("line", "pinfo2", "len").form == "len??"
    assert MagicCall("cell", "bash", "-x", "ls").form == "%%bash -x\nls"
    assert MagicCall("getoutput", line="ls").form == "!ls"


def test_expansions_read_the_names_in_braces_and_after_dollars():
    assert expansion_names("ls {path} $other {a[b]:>3} {}") == names("path other a b")


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("globals()['x'] = 1", "globals"),
        ("x: exec", "exec"),
        ("f.__globals__", ".__globals__"),
        ("import __main__", "import __main__"),
        ("sys.modules['__main__']", "'__main__'"),
        ("get_ipython().run_line_magic('run', 'x.py')", "%run"),
        ("get_ipython().system('echo {eval(s)}')", "{eval}"),
        ("get_ipython().run_line_magic('time', '!ls')", "IPython syntax in the code of %time"),
        ("x = 1", None),
        ("if __name__ == '__main__':\n    d = vars(obj)", None),
    ],
)
def test_dynamic_access_is_reported_with_its_reason(code: str, why: str | None):
    found = analyze(code)
    assert found is not None and found.dynamic == why and not found.ipython_syntax


def test_mentions_include_nested_scopes_and_magic_code():
    found = analyze("def f(p=q):\n    global r\n    return (lambda: u)()\n%time v.append(1)")
    assert found is not None and found.mentions == names("f q r u v")
    assert found.ipython_syntax  # the raw cell needed IPython's transformer


def test_a_cell_reads_the_globals_of_functions_it_calls_but_not_of_those_it_only_defines():
    found = analyze("def g():\n    return rate\nh = lambda: scale\ny = h()")
    assert found is not None and found.reads == names("rate scale")
    assert eager_reads("def g():\n    return rate\nh = lambda: scale\ny = h()", found) == {"scale"}
    assert closure({"y", "f"}, {"f": frozenset({"g"}), "g": frozenset({"rate"})}) == names(
        "y f g rate"
    )
