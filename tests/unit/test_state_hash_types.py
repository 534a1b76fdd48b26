"""hash_value on Python's own type families: scalars, stdlib values, code, objects, opaque."""

from __future__ import annotations

import array
import collections
import dataclasses
import datetime as dt
import decimal
import enum
import fractions
import functools
import io
import pathlib
import re
import socket
import threading
import uuid
import zoneinfo
from typing import Any, NamedTuple

import pytest

from jupyter_repro.recorder.state_hash import hash_value, ident


def h(value: object) -> str:
    return hash_value(value).hash


def assert_complete(value: object) -> None:
    d = hash_value(value)
    assert d.hash.startswith("xxh3:"), d
    assert d.complete and not d.unhashable, d
    assert "error_parts" not in d.summary and "opaque_parts" not in d.summary, d


class Color(enum.Enum):
    RED = 1
    GREEN = 2


class Level(enum.IntEnum):
    LOW = 1


class Point(NamedTuple):
    x: int
    y: int


@dataclasses.dataclass
class Rec:
    name: str
    values: list[int]


@dataclasses.dataclass(frozen=True, slots=True)
class Frozen:
    a: int
    b: tuple[int, ...]


# Pairs that must hash equal (rebuilt independently) and differ from the third value.
FAMILIES: list[tuple[Any, Any, Any]] = [
    (None, None, Ellipsis),
    (Ellipsis, Ellipsis, NotImplemented),
    (3 + 4j, complex(3, 4), 3 - 4j),
    (decimal.Decimal("1.10"), decimal.Decimal("1.10"), decimal.Decimal("1.1")),
    (fractions.Fraction(1, 3), fractions.Fraction(2, 6), fractions.Fraction(1, 4)),
    (dt.date(2024, 1, 2), dt.date(2024, 1, 2), dt.date(2024, 1, 3)),
    (
        dt.datetime(2024, 1, 2, 3, 4, 5, 6),
        dt.datetime(2024, 1, 2, 3, 4, 5, 6),
        dt.datetime(2024, 1, 2),
    ),
    (
        dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc),
        dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc),
        dt.datetime(2024, 1, 2, tzinfo=dt.timezone(dt.timedelta(hours=1))),
    ),
    (
        dt.datetime(2024, 1, 2, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")),
        dt.datetime(2024, 1, 2, tzinfo=zoneinfo.ZoneInfo("Europe/Paris")),
        dt.datetime(2024, 1, 2, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")),
    ),
    (dt.time(1, 2, 3), dt.time(1, 2, 3), dt.time(1, 2, 4)),
    (dt.timedelta(days=1), dt.timedelta(hours=24), dt.timedelta(days=2)),
    (uuid.UUID(int=5), uuid.UUID(int=5), uuid.UUID(int=6)),
    (
        pathlib.PurePosixPath("/a/b"),
        pathlib.PurePosixPath("/a", "b"),
        pathlib.PurePosixPath("/a/c"),
    ),
    (pathlib.Path("x/y"), pathlib.Path("x") / "y", pathlib.PurePosixPath("x/y")),
    (Color.RED, Color(1), Color.GREEN),
    (Level.LOW, Level(1), 1),
    (range(0, 10, 2), range(0, 10, 2), range(0, 10, 3)),
    (slice(1, 5), slice(1, 5), slice(1, 6)),
    (Point(1, 2), Point(1, 2), (1, 2)),
    (Rec("a", [1]), Rec("a", [1]), Rec("a", [2])),
    (Frozen(1, (2,)), Frozen(1, (2,)), Frozen(1, (3,))),
    (
        collections.deque([1, 2], maxlen=5),
        collections.deque([1, 2], maxlen=5),
        collections.deque([1, 2]),
    ),
    (collections.Counter("abca"), collections.Counter("aabc"), {"a": 2, "b": 1, "c": 1}),
    (array.array("i", [1, 2]), array.array("i", [1, 2]), array.array("l", [1, 2])),
    (bytearray(b"abc"), bytearray(b"abc"), bytearray(b"abd")),
    (memoryview(b"abc"), memoryview(bytearray(b"abc")), memoryview(b"abd")),
    (re.compile("a+", re.I), re.compile("a+", re.I), re.compile("a+")),
    (ValueError("x", 1), ValueError("x", 1), KeyError("x", 1)),
    (
        functools.partial(int, base=2),
        functools.partial(int, base=2),
        functools.partial(int, base=3),
    ),
    (len, len, max),
]


@pytest.mark.parametrize(("a", "b", "other"), FAMILIES, ids=lambda v: type(v).__name__)
def test_type_family_hashes_by_value(a: Any, b: Any, other: Any) -> None:
    assert_complete(a)
    assert h(a) == h(b)
    assert h(a) != h(other)


def test_str_and_bytes_summary_has_length_only() -> None:
    assert hash_value("secret").summary == {"len": 6}
    assert hash_value(b"secret").summary == {"len": 6}
    assert hash_value(123456).summary == {}
    assert hash_value(1.5).summary == {}


def test_non_contiguous_memoryview_hashes_by_content() -> None:
    data = bytearray(range(10))
    assert h(memoryview(data)[::2]) == h(memoryview(bytes(data[::2])))


def test_surrogates_and_unicode_strings_hash() -> None:
    assert h("\ud800") != h("\ud801")
    assert h(["é", "\ud800"] * 5) == h(["é", "\ud800"] * 5)


def make_adder(n: int) -> Any:
    def add(x: int, y: int = 2, *, z: int = 3) -> int:
        return x + y + z + n

    return add


def test_function_hash_follows_code_defaults_and_closure() -> None:
    assert h(make_adder(1)) == h(make_adder(1))
    assert h(make_adder(1)) != h(make_adder(2))
    f = make_adder(1)
    before = h(f)
    f.__defaults__ = (5,)
    assert h(f) != before
    f.__kwdefaults__ = {"z": 9}
    assert h(f) != before


def test_lambda_hash_follows_code_not_location() -> None:
    first = eval("lambda x: x + 1")
    second = eval("\n\nlambda x: x + 1")
    assert h(first) == h(second)
    assert h(first) != h(eval("lambda x: x + 2"))


def test_function_hash_ignores_global_values() -> None:
    ns: dict[str, Any] = {"K": 1}
    exec("def f():\n    return K", ns)
    before = h(ns["f"])
    ns["K"] = 2
    assert h(ns["f"]) == before


def test_recursive_closure_hashes() -> None:
    def outer() -> Any:
        def inner(n: int) -> int:
            return 0 if n == 0 else inner(n - 1)

        return inner

    assert_complete(outer())
    assert h(outer()) == h(outer())


class Greeter:
    greeting = "hi"

    def __init__(self, name: str) -> None:
        self.name = name

    def greet(self) -> str:
        return self.greeting + self.name


def test_method_hash_uses_function_not_instance_state() -> None:
    a, b = Greeter("a"), Greeter("b")
    assert h(a.greet) == h(b.greet)
    assert ident(a) in hash_value(a.greet).components


def test_class_hash_covers_methods_and_constants() -> None:
    def build(greeting: str) -> type:
        ns: dict[str, Any] = {}
        exec(f"class G:\n    greeting = {greeting!r}\n    def f(self):\n        return 1\n", ns)
        return ns["G"]  # type: ignore[no-any-return]

    assert h(build("hi")) == h(build("hi"))
    assert h(build("hi")) != h(build("yo"))
    assert_complete(Greeter)
    assert_complete(int)


def test_module_hash_is_name_and_version() -> None:
    import json

    import numpy

    assert_complete(numpy)
    assert h(numpy) != h(json)
    assert hash_value(numpy).summary == {}


def test_object_with_slots_hashes_set_and_unset_slots() -> None:
    class Slotted:
        __slots__ = ("a", "b", "__weird")

        def __init__(self) -> None:
            self.a = 1

    x, y = Slotted(), Slotted()
    assert_complete(x)
    assert h(x) == h(y)
    object.__setattr__(y, "b", None)
    assert h(x) != h(y)


def test_objects_of_different_classes_with_same_attrs_differ() -> None:
    class A:
        def __init__(self) -> None:
            self.v = 1

    class B:
        def __init__(self) -> None:
            self.v = 1

    assert h(A()) != h(B())
    assert h(A()) == h(A())


def test_subclass_of_builtin_hashes_content_type_and_attrs() -> None:
    class Tagged(list):  # type: ignore[type-arg]
        pass

    t = Tagged([1, 2])
    assert h(t) != h([1, 2])
    before = h(t)
    t.label = "x"  # type: ignore[attr-defined]
    assert h(t) != before


def test_generator_is_opaque() -> None:
    d = hash_value(i for i in range(3))
    assert d.hash == "opaque:builtins.generator"
    assert d.unhashable and d.complete


def test_open_file_is_opaque(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "f.txt"
    path.write_text("x")
    with open(path) as text, open(path, "rb") as binary:
        assert hash_value(text).unhashable
        assert hash_value(text).hash == "opaque:_io.TextIOWrapper"
        assert hash_value(binary).unhashable
    assert hash_value(io.BytesIO(b"x")).unhashable


def test_threading_primitives_are_opaque() -> None:
    for value in (threading.Lock(), threading.RLock(), threading.Event(), threading.Condition()):
        d = hash_value(value)
        assert d.unhashable and d.hash.startswith("opaque:"), d


def test_socket_is_opaque() -> None:
    with socket.socket() as sock:
        d = hash_value(sock)
    assert d.hash == "opaque:socket.socket" and d.unhashable


def test_stateless_c_objects_and_iterators_are_opaque() -> None:
    assert hash_value(object()).unhashable
    assert hash_value(iter([1, 2])).unhashable
    assert hash_value(map(str, [1])).unhashable


def test_container_with_opaque_part_still_gets_content_hash() -> None:
    lock = threading.Lock()
    d = hash_value({"lock": lock, "n": 1})
    assert d.hash.startswith("xxh3:")
    assert not d.unhashable and d.complete
    assert d.summary["opaque_parts"] == 1
    assert d.hash != hash_value({"lock": lock, "n": 2}).hash


def test_async_generator_and_coroutine_are_opaque() -> None:
    async def agen() -> Any:
        yield 1

    async def coro() -> None:
        return None

    c = coro()
    try:
        assert hash_value(c).unhashable
    finally:
        c.close()
    assert hash_value(agen()).unhashable


def test_cached_function_hashes_as_the_function_it_wraps() -> None:
    def build(k: int) -> Any:
        ns: dict[str, Any] = {"functools": functools}
        exec(f"@functools.lru_cache\ndef f(x):\n    return x + {k}\n", ns)
        return ns["f"]

    f = build(1)
    assert_complete(f)
    assert h(f) == h(build(1))
    assert h(f) != h(build(2))
    f(3)  # filling the cache is not a change of value
    assert h(f) == h(build(1))


def test_mixed_scalar_lists_hash_by_value_and_position() -> None:
    base = [1, None, "a", 2.5, True, "", 0, False, -1.0, None]
    assert_complete(base)
    assert h(base) == h(list(base))
    variants = [
        base[::-1],
        [1.0 if x == 1 and type(x) is int else x for x in base],
        [1 if x is True else x for x in base],
        base[:-1] + [0],
        base + [None],
        [2**70] + base[1:],
    ]
    hashes = {h(v) for v in variants}
    assert len(hashes) == len(variants) and h(base) not in hashes


def test_homogeneous_lists_of_each_scalar_kind_differ() -> None:
    kinds = [[1] * 9, [1.0] * 9, ["1"] * 9, [True] * 9, [None] * 9, [b"1"] * 9, [2**64] * 9]
    assert len({h(k) for k in kinds}) == len(kinds)
    assert h([1, 2] * 9) != h([2, 1] * 9)
    assert h(["ab", "c"] * 9) != h(["a", "bc"] * 9)


def test_small_and_large_dicts_and_sets_are_order_free() -> None:
    for n in (3, 16, 17, 200):
        items = [(i, f"v{i}") for i in range(n)] + [("k", None), (2.5, (1, 2))]
        assert h(dict(items)) == h(dict(reversed(items)))
        assert h({k for k, _ in items}) == h({k for k, _ in reversed(items)})


def test_function_hash_survives_bytecode_specialisation() -> None:
    f = make_adder(1)
    before = h(f)
    for i in range(10_000):  # hot enough for the adaptive interpreter to specialise
        f(i, 2, z=3)
    assert h(f) == before
