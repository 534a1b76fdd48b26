"""Fingerprints of a verify kernel's variables that owe nothing to jupyter-repro's own hasher.

Verify appends one cell to its runnable copy of the script (``CELL_SOURCE``, tagged ``TAG``): it
runs after the script's last cell, in the same kernel, and prints one line, ``MARKER`` then a
JSON object ``{name: fingerprint}`` for every user variable. ``read`` gets it back from the
executed cell. When two clean runs give a variable two recorder hashes, these say whether the
value itself differed (``attribution``)::

    cell = nbformat.v4.new_code_cell(CELL_SOURCE, metadata={"tags": [TAG]})
    fingerprints = read(executed_cell)   # {"df": "pickle:9f2c...", "gen": "unknown: ..."}

A fingerprint is ``png:<xxh3>`` of a matplotlib figure's rendering (for a figure, an artist on
one, or a list/array of them: their pickles hold ``id()`` keys, their pixels do not),
``pickle:<xxh3>`` of ``pickle.dumps(value, protocol=5)`` streamed (never copied whole: numpy
buffers go straight to the hash), or ``unknown: <why>`` (cannot be pickled, larger than
``BUDGET_BYTES``, out of ``BUDGET_SECONDS``). Pickle honours ``__getstate__``/``__reduce__``: the
state a class says is its value, read by code that owes nothing to jupyter-repro's hasher. xxh3
rather than sha256: six times faster on large arrays (0.06 s against 0.41 s for 400 MB), and
collisions between two runs of the same code are no concern.

The cell binds nothing it leaves behind: it imports ``show`` under an underscore name, which the
recorder never tracks, and deletes it. Standard library only at import time: it is imported
inside the user's kernel (xxhash aside, which the recorder has loaded there already). ``show``
never raises.
"""

from __future__ import annotations

import json
import pickle
import sys
import time
import types
from typing import Any

import xxhash

TAG = "repro-verify-fingerprints"
MARKER = "jupyter-repro-fingerprints: "
_NAME = "_jupyter_repro_fingerprints"
CELL_SOURCE = (
    f"from jupyter_repro.verify.fingerprints import show as {_NAME}\n{_NAME}()\ndel {_NAME}"
)
#: A value whose pickle is longer is "unknown": the recorder's budget would cut its hash anyway.
BUDGET_BYTES = 4 << 30
#: All fingerprints of one run together stop after this long; later ones are "unknown".
BUDGET_SECONDS = 60.0


class _OverBudget(Exception):
    pass


class _HashWriter:
    """A file-like sink for pickle and savefig: xxh3 of what is written, within budget."""

    def __init__(self, deadline: float) -> None:
        self.digest = xxhash.xxh3_128()
        self.size = 0
        self.deadline = deadline

    def write(self, data: Any) -> int:
        view = memoryview(data)
        self.size += view.nbytes
        if self.size > BUDGET_BYTES:
            raise _OverBudget(f"more than {BUDGET_BYTES >> 20} MB")
        if time.monotonic() > self.deadline:
            raise _OverBudget(f"out of time ({BUDGET_SECONDS:.0f} s for all variables)")
        self.digest.update(view)
        return view.nbytes


def fingerprint(value: object, deadline: float = float("inf")) -> str:
    """``png:…``, ``pickle:…`` or ``unknown: why`` for one value (see the module docstring)."""
    sink = _HashWriter(deadline)
    figures: list[Any] = []
    try:
        figures = _figures(value)
        for figure in figures:
            figure.savefig(sink, format="png")
        if figures:
            return "png:" + sink.digest.hexdigest()
        pickle.Pickler(sink, protocol=5).dump(value)
        return "pickle:" + sink.digest.hexdigest()
    except _OverBudget as error:
        return f"unknown: {error}"
    except Exception as error:  # noqa: BLE001 - any failure only means "cannot tell"
        doing = "rendered" if figures else "pickled"
        return f"unknown: cannot be {doing}: {type(error).__name__}"


def _figures(value: object) -> list[Any]:
    """The root matplotlib figures ``value`` shows: itself, its artists' or its items'."""
    artist_module = sys.modules.get("matplotlib.artist")
    figure_module = sys.modules.get("matplotlib.figure")
    if artist_module is None or figure_module is None:
        return []  # matplotlib was never imported: no value can be one of its artists
    artist, base = artist_module.Artist, figure_module.FigureBase
    items: Any = [value]
    if type(value) in (list, tuple):
        items = value
    elif type(value).__module__ == "numpy" and getattr(value, "dtype", None) == "O":
        items = list(value.flat)  # type: ignore[attr-defined]
    found: list[Any] = []
    for item in items:
        if not isinstance(item, artist):
            return []  # a mixed container pickles as a whole
        figure = _root(item, base)
        if not isinstance(figure, figure_module.Figure):
            return []  # an artist on no figure yet: its pickle is all there is
        if all(figure is not seen for seen in found):
            found.append(figure)
    return found


def _root(item: Any, base: type) -> Any:
    try:
        return item.get_figure(root=True)
    except TypeError:  # matplotlib before 3.10: a figure's .figure is its root
        figure = item if isinstance(item, base) else item.figure
        return getattr(figure, "figure", figure)


def show() -> None:
    """Print ``MARKER`` and the fingerprints of the kernel's user variables as one JSON line."""
    try:
        shell = sys.modules["IPython"].get_ipython()
        hidden = shell.user_ns_hidden
        names = [
            name
            for name, value in list(shell.user_ns.items())
            if isinstance(name, str)
            and not name.startswith("_")
            and name not in hidden
            and not isinstance(value, types.ModuleType)
        ]
        deadline = time.monotonic() + BUDGET_SECONDS
        found = {name: fingerprint(shell.user_ns[name], deadline) for name in sorted(names)}
        sys.stdout.write(MARKER + json.dumps(found) + "\n")
        sys.stdout.flush()
    except Exception:  # noqa: BLE001 - no fingerprints only means nothing is attributed
        pass


def read(cell: Any) -> dict[str, str]:
    """The fingerprints the fingerprint cell printed (an nbformat cell); {} if none."""
    for output in cell.get("outputs", []):
        if output.get("output_type") != "stream" or output.get("name") != "stdout":
            continue
        text = output.get("text", "")
        for line in ("".join(text) if isinstance(text, list) else text).splitlines():
            if line.startswith(MARKER):
                try:
                    found = json.loads(line[len(MARKER) :])
                except ValueError:
                    return {}
                if isinstance(found, dict):
                    return {str(k): str(v) for k, v in found.items()}
    return {}
