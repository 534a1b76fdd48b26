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
from dataclasses import dataclass

# `!pip install x`, `%conda install x`, `!python -m pip install x`, `%uv pip install x`...
_INSTALL = re.compile(
    r"\s*(?:\S*python[\d.]*\s+-m\s+)?(?:\S*/)?(?:pip[\d.]*|conda|mamba|micromamba|uv(?:\s+pip)?)"
    r"\s+(?:install|uninstall|remove|add|update|upgrade)\b"
)
_INSTALLERS = frozenset({"pip", "conda", "mamba", "micromamba", "uv"})
# Display settings and introspection: dropping them cannot change what the script computes.
_SILENT = frozenset(
    "matplotlib xmode colors autosave pprint page who whos who_ls history hist pinfo pinfo2 pdoc"
    " pdef psource pfile psearch lsmagic magic quickref pwd dhist dirs ls ll lf lk lx ldir".split()
)
_SCRIPTS = frozenset({"sh", "bash", "perl", "ruby", "python", "python2", "python3", "pypy"})
_FILE_ALIASES = frozenset({"cat", "cp", "mkdir", "mv", "rm", "rmdir"})  # IPython's shell aliases
_TIMEIT_OPTION = re.compile(r"-(?:[tcqo]*[nrp]\s*\S+|[tcqo]+)(?:\s+|$)")
_SHELL_VAR = re.compile(r"[A-Z_][A-Z0-9_]*")


@dataclass(frozen=True)
class MagicCall:
    """One ``get_ipython()`` call: kind is line, cell, system (``!cmd``), getoutput
    (``x = !cmd``, ``!!cmd``) or usage (a lone ``?``)."""

    kind: str
    name: str = ""
    line: str = ""
    cell: str = ""

    @property
    def form(self) -> str:
        """The call as typed in the notebook, for commented-out lines and warnings."""
        if self.kind == "cell":
            return f"%%{self.name} {self.line}".rstrip() + "\n" + self.cell
        if self.kind in ("system", "getoutput"):
            return "!" + self.line
        if self.kind == "usage":
            return "?"
        if self.name in ("pinfo", "pinfo2"):
            return self.line + "?" * len(self.name[4:] or "?")
        return f"%{self.name} {self.line}".rstrip()


@dataclass(frozen=True)
class Outcome:
    code: str | None = None  # plain Python for the call; None: comment the IPython line out
    warnings: tuple[str, ...] = ()
    imports: tuple[str, ...] = ()
    nested: bool = False  # code may hold IPython syntax itself (%time's statement)


def translate(call: MagicCall, as_value: bool) -> Outcome:
    """The plain Python for ``call``: an expression when its value is used, else a statement."""
    if call.kind == "usage" or (call.kind == "line" and call.name in _INSTALLERS):
        installs = call.kind == "line" and _INSTALL.match(f"{call.name} {call.line}")
        return _install(call) if installs else Outcome()
    if call.kind in ("system", "getoutput"):
        return _shell(call, call.line, capture=as_value)
    if call.kind == "cell":
        return _cell(call)
    if as_value:
        return _line_value(call)
    name, line = call.name, call.line.strip()
    if name == "cd":
        return _cd(call, line)
    if name in ("env", "set_env"):
        return _env(call, line)
    if name == "time":
        return _time(call, line)
    if name == "timeit":
        statement = _timeit_statement(line)
        return Outcome(statement, (_warn(call, _TIMED),), nested=True) if statement else Outcome()
    if name == "run":
        return _run(call, line)
    if name in ("sx", "system"):
        return _shell(call, call.line, capture=False)
    if name in _FILE_ALIASES:
        return _shell(call, f"{name} {call.line}", capture=False)
    if name == "load":
        return _untranslated(call, "pasted a file's code into the cell, unknown at export")
    if name in _SILENT or (name == "config" and line.startswith("InlineBackend")):
        return Outcome()
    return _untranslated(call)


_TIMED = "timed its code by running it many times; the script runs it once, timing dropped"


def _line_value(call: MagicCall) -> Outcome:
    line = call.line.strip()
    if call.name == "pwd":
        return Outcome("os.getcwd()", imports=("os",))
    if call.name == "env" and line and not re.search(r"[\s=]", line):
        return Outcome(f"os.environ[{line!r}]", imports=("os",))
    if call.name == "time":
        return _time(call, line)
    if call.name in ("sx", "system"):
        return _shell(call, call.line, capture=True)
    return _untranslated(call)


def _cell(call: MagicCall) -> Outcome:
    name, line, body = call.name, call.line.strip(), call.cell
    if name == "time":
        if line and line != "--no-raise-error":
            return _untranslated(call, "is an error in IPython (a statement after %%time)")
        return Outcome(body, nested=True)
    if name == "timeit":
        setup = _timeit_statement(line)
        return Outcome(f"{setup}\n{body}" if setup else body, (_warn(call, _TIMED),), nested=True)
    if name == "capture":
        keeps = [t for t in line.split() if not t.startswith("--")]
        note = "kept its output in a variable; the script prints the output instead"
        return Outcome(body, (_warn(call, note),) if keeps else (), nested=True)
    if name == "writefile":
        return _writefile(call, line)
    if name in _SCRIPTS or name == "script":
        return _script(call, line)
    if name == "!" and not line:
        return _shell(call, body, capture=False)
    return _untranslated(call)


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


def _cd(call: MagicCall, line: str) -> Outcome:
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


def _env(call: MagicCall, line: str) -> Outcome:
    split = "=" if "=" in line else " "
    if split not in line:  # `%env` lists the environment, `%env NAME` shows one value
        return Outcome(warnings=() if line else (_warn(call, "only lists the environment"),))
    name, value = (part.strip() for part in line.split(split, 1))
    if re.search(r"[\s{$]", name):
        return _untranslated(call)
    source, warnings = _expanded(call, value)
    return Outcome(f"os.environ[{name!r}] = {source}", warnings, ("os",))


def _time(call: MagicCall, line: str) -> Outcome:
    if line.startswith("--no-raise-error"):
        note = "ignored errors in its statement; the script lets them stop it"
        return Outcome(line[16:].strip(), (_warn(call, note),), nested=True)
    return Outcome(line or None, nested=True)


def _timeit_statement(line: str) -> str:
    """The code of a ``%timeit`` line, after its ``-n 10 -r 3 -o``-style options."""
    while match := _TIMEIT_OPTION.match(line):
        line = line[match.end() :]
    return line.strip()


def _run(call: MagicCall, line: str) -> Outcome:
    try:
        words = shlex.split(line)
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


def _writefile(call: MagicCall, line: str) -> Outcome:
    try:
        words = shlex.split(line)
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


def _untranslated(call: MagicCall, reason: str = "has no plain-Python equivalent") -> Outcome:
    return Outcome(warnings=(_warn(call, f"{reason}; it is commented out in the script"),))


def _warn(call: MagicCall, reason: str) -> str:
    shown = (call.form.splitlines() or [""])[0]
    return f"`{shown[:60] + '...' if len(shown) > 60 else shown}` {reason}"
