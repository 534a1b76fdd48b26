"""How a value handed off between stages is written and read back, chosen by its recorded type.

Usage::

    kind = format_for(state)                 # "pandas" for a recorded pandas.DataFrame
    fmt = FORMATS[kind]
    fmt.save("df", "_HANDOFFS / 'df.parquet'")   # source line for the producing stage
    fmt.load("df", "_HANDOFFS / 'df.parquet'")   # source line for the consuming stage
    fmt.modules                              # ("pandas", "pyarrow"): pinned in requirements.txt

Parquet through pyarrow for DataFrames and Arrow tables, ``.npy`` (no pickle inside) for numpy
arrays, JSON for numbers, strings, booleans and None, and pickle for anything else: the last
resort, since it loads only with the same code and packages (the caller warns). Every writer is
deterministic, so an unchanged value gives an unchanged file and DVC skips what follows.

``STATE_FORMATS`` (also in ``FORMATS``, keyed by the hidden state's dependency key) hand off a
global random generator rather than a value: ``save`` writes the state the generator is in,
``load`` puts the generator back in it (``random`` and ``numpy.random`` as JSON, torch's CPU
generator as its bytes); ``{value}`` is not used. ``state_replay`` says when.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..store import VariableState


@dataclass(frozen=True)
class Format:
    extension: str
    modules: tuple[str, ...]  # distributions the stage scripts need for it
    imports: str  # import lines, aliased so no user name is shadowed
    save_line: str  # {value} and {path} are filled in
    load_line: str

    def save(self, value: str, path: str) -> str:
        return self.save_line.format(value=value, path=path)

    def load(self, value: str, path: str) -> str:
        return self.load_line.format(value=value, path=path)


FORMATS = {
    "pandas": Format(
        "parquet",
        ("pandas", "pyarrow"),
        "import pandas as _repro_pandas",
        "{value}.to_parquet({path}, engine='pyarrow')",
        "{value} = _repro_pandas.read_parquet({path}, engine='pyarrow')",
    ),
    "arrow": Format(
        "parquet",
        ("pyarrow",),
        "import pyarrow.parquet as _repro_parquet",
        "_repro_parquet.write_table({value}, {path})",
        "{value} = _repro_parquet.read_table({path})",
    ),
    "numpy": Format(
        "npy",
        ("numpy",),
        "import numpy as _repro_numpy",
        "_repro_numpy.save({path}, {value}, allow_pickle=False)",
        "{value} = _repro_numpy.load({path}, allow_pickle=False)",
    ),
    "json": Format(
        "json",
        (),
        "import json as _repro_json",
        "({path}).write_text(_repro_json.dumps({value}))",
        "{value} = _repro_json.loads(({path}).read_text())",
    ),
    "pickle": Format(
        "pkl",
        (),
        "import pickle as _repro_pickle",
        "({path}).write_bytes(_repro_pickle.dumps({value}, protocol=4))",
        "{value} = _repro_pickle.loads(({path}).read_bytes())",
    ),
}

#: Global random generators whose state a stage can save and a later one restore.
STATE_FORMATS = {
    "state:rng:random": Format(
        "json",
        (),
        "import json as _repro_json\nimport random as _repro_random",
        "({path}).write_text(_repro_json.dumps(_repro_random.getstate()))",
        "_repro_state = _repro_json.loads(({path}).read_text())\n"
        "_repro_random.setstate((_repro_state[0], tuple(_repro_state[1]), _repro_state[2]))",
    ),
    "state:rng:numpy": Format(
        "json",
        ("numpy",),
        "import json as _repro_json\nimport numpy.random as _repro_numpy_random",
        "({path}).write_text(_repro_json.dumps([v.tolist() if hasattr(v, 'tolist') else v "
        "for v in _repro_numpy_random.get_state()]))",
        "_repro_numpy_random.set_state(tuple(_repro_json.loads(({path}).read_text())))",
    ),
    "state:rng:torch": Format(
        "bin",
        ("torch",),
        "import torch as _repro_torch",
        "({path}).write_bytes(bytes(_repro_torch.get_rng_state().tolist()))",
        "_repro_torch.set_rng_state(_repro_torch.tensor(list(({path}).read_bytes()), "
        "dtype=_repro_torch.uint8))",
    ),
}
FORMATS.update(STATE_FORMATS)

_PANDAS = {"pandas.DataFrame", "pandas.core.frame.DataFrame"}
_ARROW = {"pyarrow.Table", "pyarrow.lib.Table"}
_NUMPY = {"numpy.ndarray"}
# json gives these back equal and of the same type (a tuple would come back a list).
_JSON = {"builtins.int", "builtins.float", "builtins.str", "builtins.bool", "builtins.NoneType"}


def format_for(state: VariableState | None) -> str:
    """The FORMATS key for a value of the recorded type (``pickle`` when nothing better fits)."""
    kind = state.type if state else ""
    if kind in _PANDAS:
        return "pandas"
    if kind in _ARROW:
        return "arrow"
    # An object array holds Python objects: only pickle can write it.
    if kind in _NUMPY and state is not None and state.summary.get("dtype") != "object":
        return "numpy"
    if kind in _JSON:
        return "json"
    return "pickle"
