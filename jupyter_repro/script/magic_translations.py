"""Plain-Python equivalents of IPython magics and shell escapes, one call at a time.

``ipython_syntax.to_plain_python`` finds the ``get_ipython()`` calls that IPython's transformer
writes for ``%magic``, ``%%cell magic``, ``!cmd`` and ``obj?``, and asks :func:`translate` for
each one::

    translate(MagicCall("line", "cd", "{folder}"), as_value=False)
    # Outcome(code="os.chdir(f'{folder}')", imports=("os",))

An :class:`Outcome` without ``code`` means "comment the IPython line out"; its ``warnings`` say
why when that could change what the script computes. Each translation follows what the IPython
magic does at run time, including its ``{expr}``/``$name`` expansion (see :func:`expand`).
"""

from __future__ import annotations

import ast
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass

from ..code_analysis.cell_names import analyze
from ..code_analysis.magic_calls import MagicCall
from ..code_analysis.magics import Export, magic

# `!pip install x`, `%conda install x`, `!python -m pip install x`, `%uv pip install x`...
_INSTALL = re.compile(
    r"\s*(?:\S*python[\d.]*\s+-m\s+)?(?:\S*/)?(?:pip[\d.]*|conda|mamba|micromamba|uv(?:\s+pip)?)"
    r"\s+(?:install|uninstall|remove|add|update|upgrade)\b"
)
_TIMEIT_OPTION = re.compile(r"-(?:[tcqo]*[nrp]\s*\S+|[tcqo]+)(?:\s+|$)")
_SHELL_VAR = re.compile(r"[A-Z_][A-Z0-9_]*")
_TIMED = "timed its code by running it many times; the script runs it once, timing dropped"
_OWN_SCOPE = "in a function of its own as IPython's timer does (its assignments stay local)"
#: The function a %timeit whose code binds names runs in, deleted once called.
_TIMER = "_repro_timeit"
_NO_EQUIVALENT = "has no plain-Python equivalent"


@dataclass(frozen=True)
class Outcome:
    code: str | None = None  # plain Python for the call; None: comment the IPython line out
    warnings: tuple[str, ...] = ()
    imports: tuple[str, ...] = ()
    nested: bool = False  # code may hold IPython syntax itself (%time's statement)


def translate(call: MagicCall, as_value: bool) -> Outcome:
    """The plain Python for ``call``: an expression when its value is used, else a statement."""
    if call.kind == "usage":
        return Outcome()
    if call.kind in ("system", "getoutput"):
        return _shell(call, call.line, capture=as_value)
    return _magic(call, as_value)


def _magic(call: MagicCall, as_value: bool) -> Outcome:
    """A line or cell magic, as its ``Export`` in ``code_analysis.magics`` says; each TRANSLATED
    magic has a function below for each form it takes, any other form is commented out."""
    found = magic(call.name)
    export = found.export if found else Export.UNTRANSLATABLE
    if call.kind == "line" and export is Export.INSTALLS:
        return _install(call) if _INSTALL.match(f"{call.name} {call.line}") else Outcome()
    forms = _CELLS if call.kind == "cell" else _VALUES if as_value else _STATEMENTS
    if export is Export.TRANSLATED and call.name in forms:
        return forms[call.name](call)
    if export is Export.INTERPRETER and call.kind == "cell":
        return _script(call, call.line.strip())
    if call.kind == "line" and not as_value:
        return _statement(call, export)
    return _untranslated(call)


def _statement(call: MagicCall, export: Export) -> Outcome:
    """A line magic used as a statement, with no translation of its own."""
    if export is Export.FILE_ALIAS:
        return _shell(call, f"{call.name} {call.line}", capture=False)
    if export is Export.SILENT:
        return Outcome()
    return _untranslated(call, _WHY_NOT.get(call.name, _NO_EQUIVALENT))


def _cd(call: MagicCall) -> Outcome:
    line = call.line.strip()
    if line.split()[:1] == ["-q"]:  # -q only stops IPython printing the new directory
        line = line[2:].strip()
    if not line:
        return Outcome("os.chdir(os.path.expanduser('~'))", imports=("os",))
    if line.startswith("-"):
        return _untranslated(call, "uses IPython's directory history or bookmarks")
    try:  # IPython's option parser unquotes the path when it holds no expansion
        path = line if "{" in line or "$" in line else " ".join(shlex.split(line))
    except ValueError:
        return _untranslated(call)
    source, warnings = _expanded(call, path)
    if "~" in path:
        source = f"os.path.expanduser({source})"
    return Outcome(f"os.chdir({source})", warnings, ("os",))


def _env(call: MagicCall) -> Outcome:
    line = call.line.strip()
    split = "=" if "=" in line else " "
    if split not in line:  # `%env` lists the environment, `%env NAME` shows one value
        return Outcome(warnings=() if line else (_warn(call, "only lists the environment"),))
    name, value = (part.strip() for part in line.split(split, 1))
    if re.search(r"[\s{$]", name):
        return _untranslated(call)
    source, warnings = _expanded(call, value)
    return Outcome(f"os.environ[{name!r}] = {source}", warnings, ("os",))


def _env_value(call: MagicCall) -> Outcome:
    line = call.line.strip()
    if line and not re.search(r"[\s=]", line):
        return Outcome(f"os.environ[{line!r}]", imports=("os",))
    return _untranslated(call)


def _time(call: MagicCall) -> Outcome:
    line = call.line.strip()
    if line.startswith("--no-raise-error"):
        note = "ignored errors in its statement; the script lets them stop it"
        return Outcome(line[16:].strip(), (_warn(call, note),), nested=True)
    return Outcome(line or None, nested=True)


def _timeit(call: MagicCall) -> Outcome:
    statement = _timeit_statement(call.line.strip())
    return _timed(call, statement) if statement else Outcome()


def _timeit_statement(line: str) -> str:
    """The code of a ``%timeit`` line, after its ``-n 10 -r 3 -o``-style options."""
    while match := _TIMEIT_OPTION.match(line):
        line = line[match.end() :]
    return line.strip()


def _config(call: MagicCall) -> Outcome:
    if call.line.strip().startswith("InlineBackend"):  # how figures display: no effect here
        return Outcome()
    return _untranslated(call)


def _time_cell(call: MagicCall) -> Outcome:
    line = call.line.strip()
    if line and line != "--no-raise-error":
        return _untranslated(call, "is an error in IPython (a statement after %%time)")
    return Outcome(call.cell, nested=True)


def _timeit_cell(call: MagicCall) -> Outcome:
    setup = _timeit_statement(call.line.strip())
    return _timed(call, f"{setup}\n{call.cell}" if setup else call.cell)


def _timed(call: MagicCall, code: str) -> Outcome:
    """%timeit's code (its setup first), run once, never rebinding a global it did not declare.

    IPython compiles it as the body of a timer function whose globals are the user namespace:
    it reads and mutates globals, its assignments are the function's locals (``x = x + 1`` raises
    UnboundLocalError), ``global x`` rebinds. Code that binds no name means the same inline, so
    it stays plain; any other runs in a function of its own, called once.
    """
    found = analyze(code)
    if found is not None and not (found.binds or found.dynamic or found.ipython_syntax):
        return Outcome(code, (_warn(call, _TIMED),), nested=True)
    wrapped = f"def {_TIMER}():\n{_indented(code)}\n{_TIMER}()\ndel {_TIMER}"
    return Outcome(wrapped, (_warn(call, f"{_TIMED}, {_OWN_SCOPE}"),), nested=True)


def _indented(code: str) -> str:
    """``code`` as a function's body: every line indented but those inside a multi-line string
    (IPython syntax in the code: every line)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        tree = ast.Module(body=[], type_ignores=[])
    inside = {
        row
        for node in ast.walk(tree)
        if isinstance(node, (ast.Constant, ast.JoinedStr))
        and node.end_lineno is not None
        and node.end_lineno > node.lineno
        for row in range(node.lineno + 1, node.end_lineno + 1)
    }
    lines = code.rstrip("\n").split("\n") if code.strip() else ["pass"]
    return "\n".join(
        line if row in inside or not line.strip() else "    " + line
        for row, line in enumerate(lines, start=1)
    )


def _capture_cell(call: MagicCall) -> Outcome:
    keeps = [t for t in call.line.split() if not t.startswith("--")]
    note = "kept its output in a variable; the script prints the output instead"
    return Outcome(call.cell, (_warn(call, note),) if keeps else (), nested=True)


def _bang_cell(call: MagicCall) -> Outcome:
    if call.line.strip():
        return _untranslated(call)
    return _shell(call, call.cell, capture=False)


def _shell(call: MagicCall, command: str, capture: bool) -> Outcome:
    if _INSTALL.match(command):
        return _install(call)
    source, warnings = _expanded(call, command)
    if capture:  # IPython's getoutput merges stderr into the lines, as a terminal shows them
        options = "stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True"
        code = f"subprocess.run({source}, shell=True, {options}).stdout.splitlines()"
    else:  # IPython's `!` does not raise when the command fails
        code = f"subprocess.run({source}, shell=True, check=False)"
    return Outcome(code, warnings, ("subprocess",))


def _run(call: MagicCall) -> Outcome:
    try:
        words = shlex.split(call.line.strip())
    except ValueError:
        return _untranslated(call)
    if not words or words[0].startswith("-") or words[0].endswith((".ipynb", ".ipy")):
        return _untranslated(call, "runs with options or IPython code the script cannot mirror")
    warnings: list[str] = []
    argv = []
    for word in words:
        source, notes = _expanded(call, word)
        argv.append(source)
        warnings += notes
    if any(re.search(r"[*?\[~]", word) for word in words[1:]):
        warnings.append(_warn(call, "has arguments IPython glob- or ~-expanded; passed as typed"))
    # IPython runs the file as __main__ with these argv, copies its names into the notebook,
    # and ignores a clean sys.exit() from it.
    code = (
        f"_repro_argv, sys.argv = sys.argv, [{', '.join(argv)}]\n"
        "try:\n"
        "    globals().update(\n"
        "        (k, v)\n"
        f"        for k, v in runpy.run_path({argv[0]}, run_name='__main__').items()\n"
        "        if not k.startswith('__')\n"
        "    )\n"
        "except SystemExit as _repro_exit:\n"
        "    if _repro_exit.code:\n"
        "        raise\n"
        "finally:\n"
        "    sys.argv = _repro_argv\n"
        "    del _repro_argv"
    )
    return Outcome(code, tuple(warnings), ("runpy", "sys"))


def _writefile(call: MagicCall) -> Outcome:
    try:
        words = shlex.split(call.line.strip())
    except ValueError:
        return _untranslated(call)
    paths = [word for word in words if word not in ("-a", "--append")]
    if len(paths) != 1:
        return _untranslated(call)
    source, warnings = _expanded(call, paths[0])
    if paths[0].startswith("~"):
        source = f"os.path.expanduser({source})"
    mode = "a" if len(words) > len(paths) else "w"  # -a or --append
    code = (
        f"with open({source}, {mode!r}, encoding='utf-8') as _repro_file:\n"
        f"    _repro_file.write({_literal(call.cell)})"
    )
    return Outcome(code, warnings, ("os",) if "os.path" in source else ())


def _script(call: MagicCall, line: str) -> Outcome:
    try:
        argv = ([] if call.name == "script" else [call.name]) + shlex.split(line)
    except ValueError:
        return _untranslated(call)
    check = "--no-raise-error" not in argv  # IPython raises CalledProcessError by default
    argv = [word for word in argv if word != "--no-raise-error"]
    if not argv or any(word.split("=")[0] in ("--bg", "--proc", "--out", "--err") for word in argv):
        return _untranslated(call, "runs in the background or keeps its output in a variable")
    # IPython feeds the cell to the program's stdin, not as a -c argument.
    code = f"subprocess.run({argv!r}, input={_literal(call.cell)}, text=True, check={check})"
    return Outcome(code, imports=("subprocess",))


def expand(text: str) -> tuple[str, list[str]]:
    """Python source for the string IPython's ``var_expand`` makes of ``text`` at run time,
    and the ``$NAME`` variables left to the shell.

    ``{expr}`` and ``$name`` become f-string fields. IPython keeps the whole text as typed when
    a field fails, so text with a field that is not Python (``find . -exec rm {} \\;``) stays a
    plain string. ``$UPPER_CASE`` is assumed to be an environment variable for the shell: IPython
    substitutes it only when the notebook defines a Python variable of that name.
    """
    from IPython.utils.text import DollarFormatter  # the same parser as var_expand

    parts: list[ast.expr] = []
    kept: list[str] = []
    try:
        for literal, field, spec, conversion in DollarFormatter().parse(text):
            parts += [ast.Constant(literal)] if literal else []
            if field is None:
                continue
            source = f"{field}:{spec}" if spec else field  # IPython evaluates `a[1:2]` whole
            if _SHELL_VAR.fullmatch(source) and re.search(rf"(?<!\$)\${source}\b", text):
                parts.append(ast.Constant("$" + source))
                kept.append("$" + source)
            elif conversion in (None, "r", "s", "a"):
                value = ast.parse(source.strip(), mode="eval").body
                flag = -1 if conversion is None else ord(conversion)
                parts.append(ast.FormattedValue(value, flag, None))
            else:
                raise ValueError(conversion)
    except (ValueError, SyntaxError):
        return repr(text), []
    if not any(isinstance(part, ast.FormattedValue) for part in parts):
        return repr("".join(str(getattr(part, "value", "")) for part in parts)), kept
    return ast.unparse(ast.JoinedStr(parts)), kept


def _expanded(call: MagicCall, text: str) -> tuple[str, tuple[str, ...]]:
    source, kept = expand(text)
    note = "a Python variable of that name would be used instead if the notebook defined one"
    return source, tuple(_warn(call, f"leaves {name} to the shell; {note}") for name in kept)


def _literal(text: str) -> str:
    """``text`` as a string literal, triple-quoted when that keeps a cell's text readable.

    Only cell magics use it, and they sit at the top of a cell, so the string's lines are never
    re-indented."""
    plain = all(char.isprintable() or char in "\n\t" for char in text)
    if "\n" in text and plain and not re.search(r'\\|"""|"\Z', text):
        return f'"""\\\n{text}"""'
    return repr(text)


def _install(call: MagicCall) -> Outcome:
    note = "installs packages; package installs are recorded in the script's header/requirements"
    return Outcome(warnings=(_warn(call, note + ", not run"),))


def _untranslated(call: MagicCall, reason: str = _NO_EQUIVALENT) -> Outcome:
    return Outcome(warnings=(_warn(call, f"{reason}; it is commented out in the script"),))


def _warn(call: MagicCall, reason: str) -> str:
    shown = (call.form.splitlines() or [""])[0]
    return f"`{shown[:60] + '...' if len(shown) > 60 else shown}` {reason}"


def _pwd(call: MagicCall) -> Outcome:
    return Outcome()  # it only shows the working directory


def _pwd_value(call: MagicCall) -> Outcome:
    return Outcome("os.getcwd()", imports=("os",))


def _sx(call: MagicCall) -> Outcome:
    return _shell(call, call.line, capture=False)


def _sx_value(call: MagicCall) -> Outcome:
    return _shell(call, call.line, capture=True)


# The TRANSLATED magics of code_analysis.magics, by the form they are used in; any other form of
# them is commented out with a warning.
_Translation = Callable[[MagicCall], Outcome]
_STATEMENTS: dict[str, _Translation] = {"cd": _cd, "env": _env, "set_env": _env, "run": _run}
_STATEMENTS |= {"time": _time, "timeit": _timeit, "sx": _sx, "system": _sx, "config": _config}
_STATEMENTS |= {"pwd": _pwd}
_VALUES: dict[str, _Translation] = {"pwd": _pwd_value, "env": _env_value, "time": _time}
_VALUES |= {"sx": _sx_value, "system": _sx_value}
_CELLS: dict[str, _Translation] = {"time": _time_cell, "timeit": _timeit_cell, "!": _bang_cell}
_CELLS |= {"capture": _capture_cell, "writefile": _writefile}
# Why an UNTRANSLATABLE magic's statement is commented out, when there is more to say.
_WHY_NOT = {"load": "pasted a file's code into the cell, unknown at export"}
