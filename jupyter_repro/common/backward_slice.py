"""The backward walk under ``slicing``: from the keys demanded, each needed (key, position)
goes to the latest execution before that position writing the key, whose own reads are demanded
in turn; a writer that keeps the key (it updated the value) demands the writer before it.

Usage::

    walk = BackwardSlice(execution_steps(runs))
    walk.demand("model", len(runs))   # the final value of a variable
    walk.include(i)                   # execution i, with everything it changed (`cell:` target)
    walk.run()
    walk.needed                       # positions in ``runs``
    walk.state_uses                   # (writer, hidden state key) -> first position that used it
"""

from __future__ import annotations

from bisect import bisect_left

from .dependencies import STATE, Step


class BackwardSlice:
    """Backward slice: each needed (name, position) goes to the latest writer before it."""

    def __init__(self, steps: list[Step]) -> None:
        self.steps = steps
        self.needed: set[int] = set()
        self._writers: dict[str, list[int]] = {}  # key -> positions of its writers, ascending
        for i, step in enumerate(steps):
            for key in step.writes:
                self._writers.setdefault(key, []).append(i)
        self._done: set[tuple[int, str]] = set()
        self._todo: list[tuple[str, int]] = []
        #: (writer, hidden state key) -> the first execution whose use of the key needed it
        self.state_uses: dict[tuple[int, str], int] = {}

    def demand(self, key: str, before: int) -> None:
        self._todo.append((key, before))

    def include(self, i: int) -> None:
        """Execution `i` is needed with everything it changed (a `cell:` target)."""
        self._use(i)
        self._todo += [(key, i) for key in self.steps[i].keeps]

    def run(self) -> None:
        while self._todo:
            key, before = self._todo.pop()
            writers = self._writers.get(key, [])
            at = bisect_left(writers, before) - 1
            if at < 0:
                continue
            found = writers[at]
            if key.startswith(STATE):
                uses = self.state_uses
                uses[found, key] = min(uses.get((found, key), before), before)
            if (found, key) in self._done:
                continue
            self._done.add((found, key))
            self._use(found)
            if key in self.steps[found].keeps:  # it updated the value: the old one is needed
                self._todo.append((key, found))

    def _use(self, i: int) -> None:
        if i not in self.needed:
            self.needed.add(i)
            self._todo += [(key, i) for key in self.steps[i].reads]
