"""hash_value against hostile objects, huge values, budgets, and other processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from jupyter_repro.recorder.state_hash import hash_value

# Values built the same way here and in a fresh interpreter with another hash seed.
VALUES_SOURCE = textwrap.dedent(
    """
    import collections, dataclasses, datetime, decimal, enum, fractions, pathlib, uuid
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    class Color(enum.Enum):
        RED = 1

    @dataclasses.dataclass
    class Rec:
        name: str
        tags: set

    def f(x, y=2):
        return x + y

    cyclic = {"name": "loop"}
    cyclic["self"] = cyclic

    class Peer:
        def __init__(self, n):
            self.n = n

    peers = [Peer(i) for i in range(6)]
    for p, q in zip(peers, peers[1:] + peers[:1]):
        p.next, q.prev = q, p

    VALUES = {
        "int": 12345678901234567890,
        "float": 1.5,
        "nan": float("nan"),
        "str_set": {"alpha", "beta", "gamma", "delta", "epsilon"},
        "mixed_set": {1, "a", (2, "b"), None, 2.5},
        "dict": {"b": [1, 2], "a": {"x": None}, 3: "three", (1, 2): b"t"},
        "frozenset_of_str": frozenset(f"k{i}" for i in range(40)),
        "dict_big_str_keys": {f"key{i}": i for i in range(100)},
        "ordered": collections.OrderedDict([("z", 1), ("a", 2)]),
        "defaultdict": collections.defaultdict(list, {"a": [1]}),
        "cyclic": cyclic,
        "peer_set": set(peers),  # iteration order follows id(): differs between processes
        "dates": [datetime.datetime(2024, 1, 2, 3, 4, tzinfo=datetime.timezone.utc),
                  datetime.date(2020, 1, 1), datetime.timedelta(seconds=5)],
        "misc": [decimal.Decimal("1.20"), fractions.Fraction(1, 3), uuid.UUID(int=7),
                 pathlib.PurePosixPath("/a/b"), Color.RED, range(3), slice(1, 2)],
        "dataclass": Rec("r", {"x", "y", "z"}),
        "function": f,
        "lambda": lambda a: a * 2,
        "ndarray": np.arange(12.0).reshape(3, 4)[:, ::2],
        "object_array": np.array([{"s": {"p", "q"}}, "x", None], dtype=object),
        "frame": pd.DataFrame({"a": [1, 2], "s": ["x", None], "c": pd.Categorical(["u", "v"]),
                               "o": [{"k", "j"}, frozenset({"m", "n"})]}),
        "series": pd.Series([1.0, 2.0], index=pd.Index(["r", "s"], name="idx")),
        "arrow": pa.table({"a": pa.chunked_array([[1], [2, 3]]), "b": ["x", None, "z"]}),
        "list_of_ints": list(range(1000)),
    }
    """
)

PRINTER = VALUES_SOURCE + textwrap.dedent(
    """
    import json
    from jupyter_repro.recorder.state_hash import hash_value
    print(json.dumps({k: hash_value(v).hash for k, v in VALUES.items()}))
    """
)


def _hashes_in_subprocess(seed: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", PRINTER],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def test_hashes_agree_across_processes_and_hash_seeds() -> None:
    # Same module name and compiler flags as ``python -c``: functions carry both in their
    # hash, and exec() would otherwise inherit this module's ``from __future__`` flags.
    namespace: dict[str, Any] = {"__name__": "__main__"}
    exec(compile(VALUES_SOURCE, "<values>", "exec", dont_inherit=True), namespace)
    here = {k: hash_value(v).hash for k, v in namespace["VALUES"].items()}
    assert all(h.startswith("xxh3:") for h in here.values()), here
    for seed in ("1", "4242"):
        assert _hashes_in_subprocess(seed) == here


# ------------------------------------------------------------------------- hostile objects
class RaisingGetattr:
    def __init__(self) -> None:
        self.x = 1

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError("no attribute access allowed")

    def __getattribute__(self, name: str) -> Any:
        if name in {"__dict__", "__class__"}:
            raise RuntimeError("boom")
        return object.__getattribute__(self, name)


class RaisingEq:
    def __init__(self) -> None:
        self.v = [1]

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("eq called")

    def __hash__(self) -> int:
        raise RuntimeError("hash called")

    def __repr__(self) -> str:
        raise RuntimeError("repr called")

    def __reduce__(self) -> Any:
        raise RuntimeError("reduce called")


class RaisingProperty:
    def __init__(self) -> None:
        self.real = 2

    @property
    def broken(self) -> int:
        raise RuntimeError("property ran")


class UnsetSlots:
    __slots__ = ("a", "b")

    def __init__(self) -> None:
        self.a = 1


class LyingDict:
    """A property named __dict__: must not run, the real instance dict is read instead."""

    def __init__(self) -> None:
        self.v = 3

    @property
    def __dict__(self) -> Any:  # type: ignore[override]
        raise RuntimeError("fake __dict__ ran")


@pytest.mark.parametrize(
    ("factory", "attr"),
    [(RaisingGetattr, "x"), (RaisingEq, "v"), (RaisingProperty, "real"), (UnsetSlots, "a")],
)
def test_hostile_objects_hash_completely_without_running_their_code(
    factory: Any, attr: str
) -> None:
    a, b = factory(), factory()
    da = hash_value(a)
    assert da.hash.startswith("xxh3:") and da.complete, da
    assert da.hash == hash_value(b).hash
    object.__setattr__(b, attr, "changed")
    assert hash_value(b).hash != da.hash


def test_shadowed_instance_dict_is_reported_unreadable_without_running_it() -> None:
    d = hash_value(LyingDict())
    assert d.hash.startswith("xxh3:")
    assert not d.complete and d.summary["error_parts"] == 1


class KeyWithRaisingEq:
    def __eq__(self, other: object) -> bool:
        raise RuntimeError("eq called")

    def __hash__(self) -> int:
        return 1


def test_hostile_objects_inside_containers_and_as_dict_keys() -> None:
    def build() -> Any:
        return {KeyWithRaisingEq(): RaisingEq(), "k": [RaisingGetattr(), UnsetSlots()]}

    d = hash_value(build())
    assert d.complete, d
    assert d.hash == hash_value(build()).hash


def test_attribute_mutation_of_hostile_object_changes_hash() -> None:
    x = RaisingEq()
    before = hash_value(x).hash
    x.v.append(2)
    assert hash_value(x).hash != before


class ExplodingArray(np.ndarray):
    """An ndarray subclass whose overridden metadata raises: the base class's is read."""

    @property
    def dtype(self) -> Any:
        raise RuntimeError("subclass dtype ran")

    def __getitem__(self, key: Any) -> Any:
        raise RuntimeError("subclass getitem ran")


def test_ndarray_subclass_overrides_do_not_run() -> None:
    arr = np.arange(6.0).view(ExplodingArray)
    d = hash_value({"arr": arr})
    assert d.complete, d
    assert hash_value(arr).summary == {"shape": [6], "dtype": "float64", "nbytes": 48}
    other = np.arange(1.0, 7.0).view(ExplodingArray)
    assert hash_value(other).hash != hash_value(arr).hash


def test_released_memoryview_is_reported_not_raised() -> None:
    view = memoryview(b"abc")
    view.release()
    d = hash_value([view])
    assert d.hash.startswith("xxh3:")
    assert not d.complete and d.summary["error_parts"] == 1


def test_self_referencing_dict_neither_crashes_nor_hangs() -> None:
    d: dict[str, Any] = {}
    d["d"] = d
    d["l"] = [d, d]
    start = time.perf_counter()
    assert hash_value(d).complete
    assert time.perf_counter() - start < 1


def test_deep_nesting_is_cut_visibly_not_crashing() -> None:
    deep: list[Any] = []
    node = deep
    for _ in range(100_000):
        child: list[Any] = []
        node.append(child)
        node.append(1.5)  # keeps lists from being written inline
        node = child
    d = hash_value(deep)
    assert d.hash.startswith("xxh3:")
    assert not d.complete and "max_depth" in d.summary["incomplete"]


def test_moderate_nesting_is_complete() -> None:
    deep: list[Any] = []
    node = deep
    for _ in range(400):
        child: list[Any] = []
        node.extend([child, {"k": [1]}])
        node = child
    assert hash_value(deep).complete


def test_linked_objects_a_few_hundred_long_are_complete() -> None:
    class Node:
        def __init__(self, nxt: Any) -> None:
            self.next = nxt
            self.payload = [1]

    head = None
    for _ in range(300):
        head = Node(head)
    assert hash_value(head).complete


# ----------------------------------------------------------------------------- big values
def test_ten_million_int_list_is_fast_and_complete() -> None:
    big = list(range(10_000_000))
    start = time.perf_counter()
    d = hash_value(big)
    elapsed = time.perf_counter() - start
    assert d.complete and d.summary == {"len": 10_000_000}
    assert elapsed < 3, elapsed
    big[5_000_000] = -1
    assert hash_value(big).hash != d.hash


def test_ten_million_float_list_is_fast_and_complete() -> None:
    big = [0.5] * 10_000_000
    start = time.perf_counter()
    assert hash_value(big).complete
    assert time.perf_counter() - start < 3


def test_budget_hit_sets_complete_false_with_hashed_bytes() -> None:
    arr = np.arange(1_000_000, dtype=np.float64)
    d = hash_value(arr, budget_bytes=1000)
    assert not d.complete
    assert d.summary["hashed_bytes"] == 1000
    assert "budget_bytes" in d.summary["incomplete"]
    assert d.hash.startswith("xxh3:")
    assert hash_value(arr).complete


def test_budget_applies_to_python_containers_and_strings() -> None:
    assert not hash_value(["x" * 100] * 100, budget_bytes=500).complete
    assert not hash_value("y" * 10_000, budget_bytes=500).complete
    assert not hash_value(list(range(1000)), budget_bytes=100).complete


def test_object_cap_sets_complete_false() -> None:
    value = [[i, None, "x"] * 10 for i in range(1000)]
    d = hash_value(value, max_objects=500)
    assert not d.complete and "max_objects" in d.summary["incomplete"]


def test_incomplete_hash_still_differs_by_covered_content() -> None:
    a = np.zeros(1000)
    b = np.zeros(1000)
    b[0] = 1
    assert hash_value(a, budget_bytes=80).hash != hash_value(b, budget_bytes=80).hash


def test_summaries_never_contain_values() -> None:
    secret = "hunter2-secret-value"
    for value in (secret, [secret], {"k": secret}, 987654321, 3.14159, {secret}):
        assert secret not in json.dumps(hash_value(value).summary)
        assert "987654321" not in json.dumps(hash_value(value).summary)


class LyingClass:
    """isinstance() would read this __class__ property; hashing must not."""

    def __init__(self) -> None:
        self.v = 1

    @property  # type: ignore[misc]
    def __class__(self) -> Any:
        raise RuntimeError("__class__ property ran")


def test_class_property_on_instance_is_never_read() -> None:
    value = LyingClass()
    d = hash_value({"x": value, "m": [].append, "bound": LyingClass().__str__})
    assert d.complete, d
    assert hash_value(value).type.endswith("LyingClass")


class Meta(type):
    def __eq__(cls, other: object) -> bool:
        raise RuntimeError("metaclass eq ran")

    def __hash__(cls) -> int:
        raise RuntimeError("metaclass hash ran")


class WithMeta(metaclass=Meta):
    def __init__(self) -> None:
        self.v = [1, 2]


def test_metaclass_eq_and_hash_never_run() -> None:
    d = hash_value([WithMeta(), WithMeta(), {"k": WithMeta(), 1: WithMeta}, (WithMeta,)])
    assert d.complete, d
    assert hash_value(WithMeta).complete
    assert hash_value([WithMeta()] * 20).complete


def test_a_handle_class_of_a_module_imported_after_hashing_began_is_still_opaque() -> None:
    """The opaque classes are looked up once and again only when their modules change: a
    Future of asyncio, imported after other values were hashed, is still a handle."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from jupyter_repro.recorder.state_hash import hash_value\n"
        "hash_value([1]); hash_value(object())\n"
        "assert 'asyncio' not in sys.modules\n"
        "import asyncio\n"
        "print(hash_value(asyncio.new_event_loop().create_future()).hash)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("opaque:_asyncio.Future")
