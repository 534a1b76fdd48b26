"""The variables an execution reads without naming them (``eval``, ``globals()[...]``...), as
``dependencies`` adds them to its reads, session order kept.

Usage::

    seen = DynamicNames()
    for e in runs:                              # in the order they ran
        extra, why = seen.reads(e.code, reached)  # reached: its reads closed over defs
        ...
        seen.wrote(e.code, code, writes, trusted, removed)

The rules (names from ``code_analysis.dynamic_reads``):

- code that reaches the namespace dynamically reads the identifiers among its string literals
  and what the literal code it ``eval``/``exec``-s reads: ``globals()['x']``, ``eval('x + 1')``;
- so does code that calls a function or class defined in the session whose body does (or uses
  an object one made: ``d = display('df1')`` reads ``df1`` where ``d`` is made and used);
- when a non-literal leaves the names open (``eval(name)``, bare ``locals()``) and no string
  literal at the call says them, the execution reads every variable alive before it, and ``why``
  says which access did it (``SliceResult.dynamic_reads`` turns it into a warning).
"""

from __future__ import annotations

from collections.abc import Set

from ..code_analysis.cell_names import CodeNames
from ..code_analysis.dynamic_reads import DynamicReads, dynamic_defs, dynamic_reads, string_names


class DynamicNames:
    """What the functions defined so far read dynamically, and the variables alive so far."""

    def __init__(self) -> None:
        self.defs: dict[str, DynamicReads] = {}
        self.alive: set[str] = set()

    def reads(self, code: str, reached: Set[str]) -> tuple[frozenset[str], str | None]:
        """The names the code reads dynamically, and why it reads all of them (else None)."""
        own = dynamic_reads(code)
        via = [self.defs[name] for name in sorted(reached & self.defs.keys())]
        if own is None and not via:
            return frozenset(), None
        literals = string_names(code)
        found = set(literals).union(*(v.names for v in via))
        why = None
        if own is not None:
            found |= own.names
            why = own.opaque
        if why is None and not literals:  # the callee's non-literal gets its names from here
            why = next((v.opaque for v in via if v.opaque), None)
        return frozenset(found | self.alive if why else found), why

    def wrote(
        self,
        text: str,
        code: CodeNames | None,
        written: Set[str],
        trusted: Set[str],
        removed: Set[str],
    ) -> None:
        """Update the table after an execution of ``text`` wrote (and removed) these names."""
        defined = dynamic_defs(text)
        literals = string_names(text)
        made_from = code.made_from if code is not None else {}
        for name in written:
            made = [self.defs[n] for n in sorted(made_from.get(name, ())) if n in self.defs]
            if name in defined and name in trusted:
                self.defs[name] = defined[name]
            elif made and name in trusted:  # an object made by a dynamic class: its literals
                names = literals.union(*(m.names for m in made))
                why = None if literals else next((m.opaque for m in made if m.opaque), None)
                self.defs[name] = DynamicReads(names, why)
            else:
                self.defs.pop(name, None)
        self.alive |= {name for name in written if ":" not in name}
        self.alive -= removed


def opaque_sentence(execution: int, why: str) -> str:
    """The warning for an execution that reads every variable alive before it."""
    return (
        f"execution {execution} reads names dynamically ({why}); kept every earlier definition "
        "it could reach"
    )
