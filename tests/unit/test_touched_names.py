"""Static analysis of a cell's code: which namespace names it can touch."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from jupyter_repro.recorder.touched_names import analyze_cell, touched_names


def ns_after(code: str) -> dict[str, Any]:
    """A notebook-like namespace built by running earlier cells."""
    ns: dict[str, Any] = {"__name__": "__main__"}
    exec(compile(code, "<earlier cell>", "exec"), ns)
    return ns


def names(code: str, ns: dict[str, Any] | None = None) -> set[str] | None:
    return touched_names(code, ns if ns is not None else {"__name__": "__main__"})


class TestSyntax:
    def test_loads_stores_deletes_and_attribute_roots(self) -> None:
        found = names("a = b.c.d[e]\ndel f\ng.h += 1")
        assert found is not None and {"a", "b", "e", "f", "g"} <= found

    def test_nested_scopes_global_nonlocal_imports(self) -> None:
        code = (
            "import numpy as np, os.path\nfrom x import y as z\n"
            "def f(p=q):\n    global r\n    return [s for s in t] + (lambda: u)()\n"
            "class K:\n    v = w\n"
            "try:\n    pass\nexcept E as err:\n    pass\n"
        )
        found = names(code)
        assert found is not None
        assert {"np", "os", "z", "f", "q", "r", "t", "u", "K", "w", "E", "err"} <= found

    def test_top_level_await(self) -> None:
        assert names("await fetch(x)\nasync with lock as held:\n    pass\n") == {
            "fetch",
            "x",
            "lock",
            "held",
        }

    def test_syntax_error_is_unknown(self) -> None:
        assert names("x = = 1") is None

    @pytest.mark.parametrize(
        "code",
        [
            "globals()['x'].append(1)",
            "vars()['x'] = 1",
            "locals()",
            "exec('x.append(1)')",
            "eval('x.pop()')",
            "__import__('__main__').x.append(1)",
            "import __main__",
            "import sys; sys.modules['__main__'].x = 1",
            "import sys; sys._getframe().f_globals['x'] = 1",
            "get_ipython().user_ns['x'] = 1",
            "f.__globals__['x'] = 1",
        ],
    )
    def test_dynamic_namespace_access_is_unknown(self, code: str) -> None:
        assert names(code) is None

    def test_harmless_lookalikes_are_not_unknown(self) -> None:
        code = 'model.eval()\nd = vars(obj)\nif __name__ == "__main__":\n    pass\n'
        found = names(code)
        assert found is not None and {"model", "obj", "d"} <= found


class TestMagics:
    def test_line_and_cell_code_magics_are_parsed(self) -> None:
        assert names("get_ipython().run_line_magic('time', 'x.append(1)')\n") == {"x"}
        found = names("get_ipython().run_cell_magic('time', '', 'y.append(1)\\nz = 2\\n')\n")
        assert found == {"y", "z"}

    def test_options_are_skipped(self) -> None:
        found = names("get_ipython().run_line_magic('timeit', '-n1 -r 3 x.append(1)')")
        assert found == {"x"}
        found = names("get_ipython().run_cell_magic('capture', '--no-stderr out', 'a = 1\\n')")
        assert found == {"out", "a"}
        found = names("get_ipython().run_cell_magic('timeit', '-n1 s = y', 'x.append(1)\\n')")
        assert found == {"s", "y", "x"}
        assert names("get_ipython().run_line_magic('prun', '-s cumulative -l 5 f(x)')") == {
            "f",
            "x",
        }

    def test_safe_magics_and_shell_read_only_expansions(self) -> None:
        assert names("get_ipython().run_line_magic('matplotlib', 'inline')") == set()
        assert names("get_ipython().run_line_magic('pinfo', 'big')") == set()
        assert names("get_ipython().system('ls {path} $other')") == {"path", "other"}
        assert names("y = get_ipython().getoutput('ls')") == {"y"}

    @pytest.mark.parametrize(
        "code",
        [
            "get_ipython().run_line_magic('run', 'script.py')",
            "get_ipython().run_line_magic('time', '%run script.py')",
            "get_ipython().run_cell_magic('time', '', '%run script.py\\n')",
            "get_ipython().run_line_magic('my_custom_magic', 'x')",
            "get_ipython().system('echo {globals()}')",
            "ip = get_ipython()",
        ],
    )
    def test_opaque_magics_are_unknown(self, code: str) -> None:
        assert names(code) is None


class TestClosure:
    def test_function_from_earlier_cell_adds_its_globals(self) -> None:
        ns = ns_after("data = []\nother = 1\ndef f():\n    data.append(1)\n")
        assert names("f()", ns) == {"f", "data"}

    def test_transitive_and_cycle_safe(self) -> None:
        ns = ns_after(
            "a = []\ndef g():\n    a.append(1)\n    f()\n"
            "def f():\n    if len(a) > 9:\n        g()\n"
        )
        found = names("f()", ns)
        assert found is not None and {"f", "g", "a"} <= found

    def test_global_rebinding_inside_function(self) -> None:
        ns = ns_after("x = 1\ndef f():\n    global x\n    x = 2\n")
        found = names("f()", ns)
        assert found is not None and "x" in found

    def test_methods_of_notebook_classes_and_instances(self) -> None:
        ns = ns_after(
            "log = []\nclass K:\n    def run(self):\n        log.append(1)\n"
            "    @property\n    def p(self):\n        return extra\nk = K()\nextra = []\n"
        )
        found = names("k.run()", ns)
        assert found is not None and {"log", "extra"} <= found

    def test_decorated_partial_and_bound_method(self) -> None:
        ns = ns_after(
            "import functools\nd1 = []\nd2 = []\nlst = []\n"
            "@functools.lru_cache\ndef cached():\n    d1.append(1)\n"
            "def deco(fn):\n    @functools.wraps(fn)\n    def wrap():\n        return fn()\n"
            "    return wrap\n"
            "@deco\ndef wrapped():\n    d2.append(1)\n"
            "m = lst.append\n"
        )
        found = names("cached(); wrapped()", ns)
        assert found is not None and {"d1", "d2"} <= found
        result = analyze_cell("m(1)", ns)
        assert result is not None and any(o is ns["lst"] for o in result.objects)
        ns["p"] = functools.partial(ns["cached"])
        assert "d1" in (names("p()", ns) or set())

    def test_defaults_and_closure_cells_are_reachable_objects(self) -> None:
        ns = ns_after(
            "shared = []\ndef f(acc=shared):\n    acc.append(1)\n"
            "def make():\n    box = shared\n    def inner():\n        box.append(1)\n"
            "    return inner\ng = make()\n"
        )
        for code in ("f()", "g()"):
            result = analyze_cell(code, ns)
            assert result is not None and any(o is ns["shared"] for o in result.objects)

    def test_callbacks_in_a_list(self) -> None:
        ns = ns_after("log = []\ndef step():\n    log.append(1)\nsteps = [step]\n")
        assert "log" in (names("for s in steps:\n    s()", ns) or set())

    def test_dynamic_code_in_called_function_is_unknown(self) -> None:
        ns = ns_after("def f():\n    globals()['x'] = 1\n")
        assert names("f()", ns) is None

    def test_unrelated_functions_are_not_followed(self) -> None:
        ns = ns_after("data = []\ndef f():\n    data.append(1)\ny = 1\n")
        assert names("y + 1", ns) == {"y"}
