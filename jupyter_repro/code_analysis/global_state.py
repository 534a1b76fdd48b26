"""Hidden global state a cell can set and a later cell depends on, in one table: for each kind,
its dependency key, what sets it and what reads it. Slicing keeps a setter when a kept execution
after it reads the kind (``common.hidden_state``); ``state_effects`` matches a cell against it.

Usage::

    for kind in STATE_KINDS:
        kind.key           # "state:cwd": a dependency key, never a Python name
        kind.sets.calls    # {"os.chdir", ...}: calls, spelt with the module's full dotted name
        kind.reads.everyone  # True: every later execution may depend on it

Calls and assignment targets are spelt as the module's own dotted names: ``np.random.seed`` is
``numpy.random.seed`` once ``import numpy as np`` is known, ``plt.rcParams[...] = v`` is
``matplotlib.pyplot.rcParams[]``; a store ending in ``.`` covers every attribute below it.

``seeded`` kinds are the global random number generators. Their setters replace the whole state
(a seed): such an execution needs nothing before it. Any other execution that changed the
generator (its ``fingerprint``, recorded after each cell, differs from the previous execution's)
drew from it, so it depends on the state before it and leaves the one after it. Without a
fingerprint (TensorFlow's is not exposed), an execution naming the modules counts as drawing.
Setters of the other kinds update part of the state (one variable, one option), so each one
kept needs the setters before it too.

Left out on purpose: ``%matplotlib`` and ``%config InlineBackend`` (the export drops them: a
script shows figures its own way) and scoped changes (``pd.option_context``,
``np.random.default_rng(seed)`` generators are ordinary variables, slicing follows them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Setters:
    calls: frozenset[str] = frozenset()
    stores: tuple[str, ...] = ()  # assignment and `del` targets, `[]` for a subscript
    magics: dict[str, re.Pattern[str] | None] = field(default_factory=dict)  # line must match


@dataclass(frozen=True)
class Readers:
    everyone: bool = False  # every later execution
    modules: tuple[str, ...] = ()  # code naming (or importing) one of these modules
    imports: bool = False  # code with an import statement, anywhere
    methods: frozenset[str] = frozenset()  # code calling a method of that name (`df.plot()`)
    magics: frozenset[str] = frozenset()
    outputs: tuple[str, ...] = ()  # an execution that showed an output of that MIME ("": any)
    types: tuple[str, ...] = ()  # an execution that changed a variable of such a type


@dataclass(frozen=True)
class StateKind:
    key: str
    what: str  # for warnings: "the random RNG", "the working directory"
    uses: str  # "execution 9 {uses} it set"
    sets: Setters
    reads: Readers
    seeded: bool = False  # a random generator: its setters replace the whole state
    fingerprint: str | None = None  # the recorder's name for it in ``Execution.rng``


_KERAS = "tensorflow.keras.utils.set_random_seed keras.utils.set_random_seed"
_ALL_SEEDS = (  # seed random, numpy and torch at once
    "transformers.set_seed lightning.seed_everything lightning.pytorch.seed_everything"
    " lightning.fabric.seed_everything pytorch_lightning.seed_everything"
)
_MPL = "rc rcdefaults rc_file rc_file_defaults style.use rcParams.update"
_SNS = "set set_theme set_style set_context set_palette set_color_codes reset_defaults reset_orig"
_TORCH = (
    "set_default_dtype set_default_device set_default_tensor_type use_deterministic_algorithms"
    " set_num_threads set_num_interop_threads set_float32_matmul_precision set_grad_enabled"
    " set_printoptions autograd.set_detect_anomaly autograd.set_grad_enabled"
)
_TF = (
    "config.experimental.enable_op_determinism config.run_functions_eagerly"
    " config.threading.set_intra_op_parallelism_threads"
    " config.threading.set_inter_op_parallelism_threads"
)
_ENVIRON = "update setdefault pop popitem clear"
_KERAS_SETTINGS = "mixed_precision.set_global_policy backend.set_floatx"
_VALUE = re.compile(r"\s*[^\s=]+\s*(=|\s\S)")  # `%env NAME=value`, `%env NAME value`


def _under(prefix: str, names: str) -> str:
    return " ".join(f"{prefix}.{name}" for name in names.split())


def _kind(key: str, what: str, uses: str, *, calls: str = "", stores: str = "",
          magics: dict[str, re.Pattern[str] | None] | None = None, everyone: bool = False,
          modules: str = "", imports: bool = False, methods: str = "", magic_reads: str = "",
          outputs: tuple[str, ...] = (), types: str = "") -> StateKind:  # fmt: skip
    """One row; names are space-separated."""
    sets = Setters(frozenset(calls.split()), tuple(stores.split()), magics or {})
    reads = Readers(everyone, tuple(modules.split()), imports, frozenset(methods.split()),
                    frozenset(magic_reads.split()), outputs, tuple(types.split()))  # fmt: skip
    return StateKind(key, what, uses, sets, reads)


def _rng(name: str, what: str, calls: str, modules: str, fingerprint: str | None) -> StateKind:
    kind = _kind(f"state:rng:{name}", what, "uses the RNG state", calls=calls, modules=modules)
    return replace(kind, seeded=True, fingerprint=fingerprint)


STATE_KINDS: tuple[StateKind, ...] = (
    _rng("random", "the random RNG", f"random.seed random.setstate {_KERAS} {_ALL_SEEDS}",
         modules="random", fingerprint="random"),
    _rng("numpy", "the numpy.random RNG",
         f"numpy.random.seed numpy.random.set_state {_KERAS} {_ALL_SEEDS}",
         modules="numpy", fingerprint="numpy"),
    _rng("torch", "the torch RNG",
         f"{_under('torch', 'manual_seed random.manual_seed set_rng_state random.set_rng_state')}"
         f" {_ALL_SEEDS}", modules="torch", fingerprint="torch"),
    _rng("tensorflow", "the TensorFlow RNG",
         f"{_under('tensorflow', 'random.set_seed compat.v1.set_random_seed')} {_KERAS}"
         " tensorflow.compat.v1.random.set_random_seed", modules="tensorflow keras",
         fingerprint=None),
    _kind("state:cwd", "the working directory", "runs in the working directory",
          calls="os.chdir os.fchdir", magics=dict.fromkeys(["cd", "pushd", "popd"]),
          everyone=True),
    _kind("state:env", "the environment variables", "may read the environment variables",
          calls=f"os.putenv os.unsetenv {_under('os.environ', _ENVIRON)}",
          stores="os.environ[] os.environ", magics={"env": _VALUE, "set_env": None},
          everyone=True),
    _kind("state:sys.path", "sys.path", "imports with the sys.path",
          calls=f"site.addsitedir {_under('sys.path', 'append insert extend remove pop clear')}",
          stores="sys.path sys.path[]", imports=True,
          modules="importlib pickle joblib dill cloudpickle",
          magic_reads="run load_ext reload_ext aimport autoreload"),
    _kind("state:matplotlib", "the matplotlib settings", "plots with the matplotlib settings",
          calls=f"matplotlib.use {_under('matplotlib', _MPL)} {_under('seaborn', _SNS)} "
          f"{_under('matplotlib.pyplot', _MPL + ' switch_backend xkcd')}",
          stores="matplotlib.rcParams[] matplotlib.pyplot.rcParams[]",
          modules="matplotlib seaborn", outputs=("image/",),
          methods="plot hist boxplot scatter bar barh pie imshow hexbin savefig"),
    _kind("state:pandas", "the pandas options", "uses the pandas options",
          calls="pandas.set_option pandas.reset_option pandas.set_eng_float_format",
          stores="pandas.options.", modules="pandas", outputs=("",), types="pandas."),
    _kind("state:numpy", "the numpy options", "uses the numpy options",
          calls="numpy.set_printoptions numpy.seterr numpy.seterrcall numpy.setbufsize",
          modules="numpy", outputs=("",), types="numpy. pandas."),
    _kind("state:warnings", "the warning filters", "runs under the warning filters",
          calls="warnings.filterwarnings warnings.simplefilter warnings.resetwarnings",
          stores="warnings.filters", everyone=True),
    _kind("state:locale", "the locale", "runs under the locale",
          calls="locale.setlocale", everyone=True),
    _kind("state:interpreter", "the interpreter limits", "runs under the interpreter limits",
          calls="sys.setrecursionlimit sys.set_int_max_str_digits", everyone=True),
    _kind("state:decimal", "the decimal context", "uses the decimal context",
          calls="decimal.setcontext", stores="decimal.getcontext().", modules="decimal"),
    _kind("state:torch", "the torch settings", "uses the torch settings",
          calls=_under("torch", _TORCH), stores="torch.backends.", modules="torch"),
    _kind("state:tensorflow", "the TensorFlow settings", "uses the TensorFlow settings",
          calls=f"{_under('tensorflow', _TF)} {_under('tensorflow.keras', _KERAS_SETTINGS)} "
          f"{_under('keras', _KERAS_SETTINGS)}", modules="tensorflow keras"),
)  # fmt: skip
