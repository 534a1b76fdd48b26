"""What each cell of a session does to hidden global state, from its code and the code before it:
the kinds of ``global_state`` it sets (named as written, for warnings), the random generators it
seeds outright, the kinds its code reads.

Usage::

    names = SessionNames()                # one per session, fed every execution in run order
    effects = names.effects("np.random.seed(0)")
    effects.sets     # {"state:rng:numpy": "np.random.seed"}: kind -> its first setter, as written
    effects.seeds    # {"state:rng:numpy"}: seeded kinds a top-level call sets outright
    effects.drawn_first  # seeded kinds another call of the cell may have drawn from before that
    effects.reads    # kinds the code reads, as the table's readers say

A name stands for the module its latest import bound (``import numpy as np``, ``from numpy import
random as npr``, in this cell or an earlier one); bound any other way, for nothing: ``random =
np.random`` then ``random.seed(0)`` seeds nothing that can be told. A name never bound stands for
itself, or the usual module for ``np``, ``pd``, ``plt``, ``mpl``, ``sns`` and ``tf`` (a startup
script may have imported them). A seed counts as outright only when the call is a whole
top-level statement with arguments (``random.seed()`` reseeds from the OS). A module-level
function whose body sets state sets it where a later cell (or this one) names it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from .global_state import STATE_KINDS, StateKind
from .magic_calls import MagicCall
from .magics import Effect, magic
from .state_refs import Ref, StateRefs, state_refs

_CONVENTIONAL = {"np": "numpy", "pd": "pandas", "plt": "matplotlib.pyplot", "mpl": "matplotlib"}
_CONVENTIONAL |= {"sns": "seaborn", "tf": "tensorflow"}


@dataclass(frozen=True)
class StateEffects:
    sets: Mapping[str, str] = field(default_factory=dict)
    seeds: frozenset[str] = frozenset()
    drawn_first: frozenset[str] = frozenset()
    reads: frozenset[str] = frozenset()


class SessionNames:
    """The module each name stands for and the functions that set state, so far in a session."""

    def __init__(self) -> None:
        self._modules: dict[str, str | None] = {}
        self._functions: dict[str, dict[str, str]] = {}  # name -> {kind key: label}

    def effects(self, code: str) -> StateEffects:
        """The cell's effects (module docstring); learns its imports and functions first."""
        refs = state_refs(code)
        if refs is None:  # not Python: it raised SyntaxError and did nothing
            return StateEffects()
        self._modules.update(dict.fromkeys(refs.rebinds, None))
        self._modules.update(refs.imports)
        for name in refs.rebinds:
            self._functions.pop(name, None)
        sets: dict[str, str] = {}
        for scope, key, label in self._matches(refs):
            if scope is None:
                sets.setdefault(key, label)
            else:
                self._functions.setdefault(scope, {}).setdefault(key, label)
        for name in sorted(refs.loaded & self._functions.keys()):
            for key, label in self._functions[name].items():
                sets.setdefault(key, f"{name}(), which calls {label}")
        seeds, drawn = self._seeds(refs)
        reads = frozenset(k.key for k in STATE_KINDS if self._reads(k, refs))
        return StateEffects(sets, seeds, drawn, reads)

    def resolve(self, text: str) -> str | None:
        """``text`` spelt from its module's full name; None if its root stands for no module."""
        cut = min((i for i in map(text.find, ".[(") if i >= 0), default=len(text))
        root = text[:cut]
        module = self._modules[root] if root in self._modules else _CONVENTIONAL.get(root, root)
        return None if module is None else module + text[cut:]

    def _matches(self, refs: StateRefs) -> Iterator[tuple[str | None, str, str]]:
        """(scope, kind key, label) for each setter in the code."""
        for kind in STATE_KINDS:
            for ref in refs.calls:
                if ref.magic is not None:
                    if _sets(kind, ref.magic):
                        yield ref.scope, kind.key, "%" + ref.magic.name
                elif self._calls(ref, kind):
                    yield ref.scope, kind.key, str(ref.text)
            for ref in refs.stores:
                spelt = self.resolve(ref.text or "") or ""
                if any(_covers(store, spelt) for store in kind.sets.stores):
                    yield ref.scope, kind.key, f"{ref.text or ''} =".replace("[]", "[...]")

    def _seeds(self, refs: StateRefs) -> tuple[frozenset[str], frozenset[str]]:
        """Seeded kinds set outright, and those of them a call before the seed may draw from."""
        seeding = [k for k in STATE_KINDS if k.seeded]
        seeds, drawn = set(), set()
        for kind in seeding:
            hits = [r for r in refs.calls if r.top and not r.bare and self._calls(r, kind)]
            if hits:
                seeds.add(kind.key)
                before = [r for r in refs.calls if r.order < hits[0].order and r.scope is None]
                others = [r for r in before if not any(self._calls(r, k) for k in seeding)]
                if any(map(_may_draw, others)):
                    drawn.add(kind.key)
        return frozenset(seeds), frozenset(drawn)

    def _calls(self, ref: Ref, kind: StateKind) -> bool:
        return ref.text is not None and self.resolve(ref.text) in kind.sets.calls

    def _reads(self, kind: StateKind, refs: StateRefs) -> bool:
        readers = kind.reads
        if readers.everyone or (readers.imports and refs.imports_anything):
            return True
        if readers.methods & refs.methods:
            return True
        if any(r.magic is not None and r.magic.name in readers.magics for r in refs.calls):
            return True
        named = [self.resolve(n) or "" for n in refs.loaded] + list(refs.imports.values())
        return any(_covers(m + ".", n) or n == m for m in readers.modules for n in named)


def _sets(kind: StateKind, call: MagicCall) -> bool:
    """Whether the magic call sets the kind: a magic of its row, its line matching if need be."""
    if call.name not in kind.sets.magics:
        return False
    pattern = kind.sets.magics[call.name]
    return pattern is None or pattern.match(call.line) is not None


def _covers(store: str, spelt: str) -> bool:
    """``store`` names ``spelt`` (a trailing ``.`` covers every attribute below it)."""
    return spelt == store or (store.endswith(".") and spelt.startswith(store))


def _may_draw(ref: Ref) -> bool:
    """Whether a call can draw random numbers: anything but ``get_ipython()`` and magics that run
    no code (``%matplotlib``, ``%cd``)."""
    if ref.magic is not None:
        found = magic(ref.magic.name)
        return found is None or found.code is not None or found.effect is Effect.UNKNOWN
    return ref.text != "get_ipython"
