"""Static analysis of a cell's code, from its text alone (no live objects).

Usage::

    found = analyze("total = total + f(x)")  # CodeNames, or None if it does not parse
    found.reads     # {"total", "f", "x"}: loaded before the code binds them
    found.binds     # {"total"}: every name the code may bind or delete at top level
    found.definite  # {"total"}: binds that happen whenever the code runs to its end
    found.defs      # {name: globals its body loads} for functions/classes/lambdas it defines
    found.made_from # {"m": {"Model", "cfg"}} for `m = Model(cfg)`: what the value expression loads
    found.mentions  # every name written anywhere in the code, for the recorder (below)
    found.dynamic   # why the code may reach the namespace without naming a variable, or None

The code may be a raw cell: IPython syntax is transformed first (``ipython_syntax`` says so).
Magics follow the table in ``magics``: names inside code run in the user namespace (``%time``,
``%prun``, ``%%capture``) count as the cell's own; code run in a scope of its own (``%timeit``)
reads the globals it loads and binds only names it declares ``global``, as a function body
would; other magics' arguments that parse as Python are both read and bound (unknown semantics:
conservative); ``{expr}``/``$name`` expansions are read. Names used inside functions, lambdas and
comprehensions that are not local to them count as reads.

``mentions`` and ``dynamic`` are the recorder's view: names anywhere, including nested scopes,
``global`` declarations, imports, except/match names, the code of magics with code, expansions.
``dynamic`` is set by ``globals()``, ``exec``, frames, ``__main__`` (see ``dynamic_access``),
a magic the table does not vouch for, or IPython syntax inside a magic's code.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .dynamic_access import DYNAMIC_ATTRS, DYNAMIC_NAMES
from .magic_calls import MagicCall, expansion_names
from .magics import Code, Effect, Magic, magic
from .scope_names import CallNames, collect
from .statement_order import TopLevel


@dataclass(frozen=True)
class CodeNames:
    reads: frozenset[str]
    binds: frozenset[str]
    definite: frozenset[str]
    defs: Mapping[str, frozenset[str]]
    made_from: Mapping[str, frozenset[str]]
    mentions: frozenset[str] = frozenset()
    dynamic: str | None = None
    ipython_syntax: bool = False  # the text needed IPython's transformer to be Python


@functools.lru_cache(maxsize=4096)
def analyze(code: str) -> CodeNames | None:
    """What the code reads, binds and mentions; None when it does not parse (module docstring)."""
    try:
        tree, transformed = parse_cell(code)
    except (SyntaxError, ValueError, RecursionError):
        return None
    top = TopLevel(_call_names)
    top.block(tree.body, set(), definite=True)
    return CodeNames(
        reads=frozenset(top.reads - {"get_ipython"}),
        binds=frozenset(top.binds),
        definite=frozenset(top.definite),
        defs=top.defs,
        made_from=top.made_from,
        mentions=frozenset(top.mentions),
        dynamic=top.dynamic,
        ipython_syntax=transformed,
    )


def parse_cell(code: str) -> tuple[ast.Module, bool]:
    """The syntax tree, and whether IPython's transformer had to make the code Python first;
    raises SyntaxError (or ValueError, RecursionError) when it is not Python even then."""
    try:  # most cells are plain Python: skip IPython's tokenizer, half the cost of an export
        return ast.parse(code), False
    except (SyntaxError, ValueError):
        return ast.parse(str(_transformer().transform_cell(code))), True


@functools.cache
def _transformer() -> Any:
    from IPython.core.inputtransformer2 import TransformerManager  # heavy: only when needed

    return TransformerManager()


def _call_names(call: MagicCall) -> CallNames:
    """What one ``get_ipython()`` call from IPython's transformer adds to the names."""
    if call.kind in ("system", "getoutput"):  # a shell command: only its expansions are Python
        names = expansion_names(call.line)
        return CallNames(names, frozenset(), names, _dynamic_expansion(names))
    if call.kind == "usage":  # a lone `?`: never reviewed for the recorder
        return CallNames(dynamic="`?`")
    found = magic(call.name)
    loads, stores = _read_and_bound(call, found)
    mentions, dynamic = _mentioned(call, found)
    return CallNames(loads, stores, mentions, dynamic)


def _read_and_bound(call: MagicCall, found: Magic | None) -> tuple[frozenset[str], frozenset[str]]:
    """A magic's reads and binds for slicing: see the note on %timeit in ``magics``."""
    if found is not None and found.code is Code.OWN_SCOPE:
        return _own_scope(call)
    own = found is not None and found.code is Code.USER_NAMESPACE
    loads = set(expansion_names(call.line) | expansion_names(call.cell))
    stores: set[str] = set()
    codes = [_magic_line(call.line)] if call.kind == "line" else [analyze(call.cell)]
    if call.kind == "cell" and not own:  # the line of `%%timeit -n1 setup`, `%%bash --out x`
        codes.append(_magic_line(call.line))
    for sub in codes:
        if sub is not None:
            loads |= sub.reads if own else sub.reads | sub.binds
            stores |= sub.binds
    return frozenset(loads), frozenset(stores)


def _own_scope(call: MagicCall) -> tuple[frozenset[str], frozenset[str]]:
    """Reads and binds of code run as one function's body (``%%timeit``: its setup line, then the
    cell): the globals it loads, and the names it declares ``global`` and binds. Such a magic
    does not expand ``{expr}`` (IPython's ``no_var_expand``): its text is all code."""
    texts = [_line_code(call.line)] + ([call.cell] if call.kind == "cell" else [])
    body: list[ast.stmt] = []
    for text in filter(None, texts):
        try:
            body += parse_cell(text)[0].body
        except (SyntaxError, ValueError, RecursionError):
            continue  # IPython raises on it: the cell binds nothing by it
    names = collect(body, _call_names)
    local = names.stores - names.globals
    return frozenset(names.loads - local), frozenset(names.stores & names.globals)


def _mentioned(call: MagicCall, found: Magic | None) -> tuple[frozenset[str], str | None]:
    """The names a magic may touch for the recorder, and why it cannot tell (else None)."""
    if found is None or found.effect is Effect.UNKNOWN:
        return frozenset(), "%" + call.name
    texts = [call.line, call.cell] if found.code is None else [call.line]  # code: not expanded
    mentions = frozenset().union(*map(expansion_names, texts))
    dynamic = _dynamic_expansion(mentions)
    if found.code is None:
        return mentions, dynamic
    codes = [_magic_line(call.line)] + ([analyze(call.cell)] if call.cell.strip() else [])
    for sub in codes:  # options first, then code (or the setup of %%timeit)
        if sub is None or sub.ipython_syntax:  # `%time %run x.py`: cannot see through it
            return mentions, dynamic or f"IPython syntax in the code of %{call.name}"
        mentions |= sub.mentions
        dynamic = dynamic or sub.dynamic
    return mentions, dynamic


def _magic_line(line: str) -> CodeNames | None:
    """A magic's line as Python, after its leading `-o [value]` options; None if it is not."""
    code = _line_code(line)
    return None if code is None else analyze(code)


def _line_code(line: str) -> str | None:
    """The Python code in a magic's line, after its leading `-o [value]` options; None if the
    line is not Python; "" if it holds only options."""
    words, after_option = line.split(), False
    while words:
        code = " ".join(words)
        if analyze(code) is not None:
            return code
        if not (words[0].startswith("-") or after_option):
            return None
        after_option = words.pop(0).startswith("-")
    return ""


def _dynamic_expansion(names: frozenset[str]) -> str | None:
    reached = names & (DYNAMIC_NAMES | DYNAMIC_ATTRS)
    return "{" + min(reached) + "}" if reached else None
