"""Core behaviour of hash_value: determinism, type tags, order, cycles, mutation, components."""

from __future__ import annotations

import collections
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest

from jupyter_repro.recorder.state_hash import (
    DEFAULT_BUDGET,
    ValueDigest,
    hash_value,
    ident,
    identity_key,
)

HASH_RE = re.compile(r"^xxh3:[0-9a-f]{32}$")


def h(value: object) -> str:
    return hash_value(value).hash


def test_digest_has_the_documented_shape() -> None:
    d = hash_value([1, 2, 3])
    assert isinstance(d, ValueDigest)
    assert HASH_RE.match(d.hash)
    assert d.type == "builtins.list"
    assert d.summary == {"len": 3}
    assert d.complete and not d.unhashable
    assert isinstance(d.components, frozenset)
    assert DEFAULT_BUDGET == 256 * 1024 * 1024


def test_same_value_hashes_the_same_in_process() -> None:
    value = {"a": [1, 2.5, "x", None], "b": (b"y", {3, 4}), "c": {"d": np.arange(5)}}
    rebuilt = {"c": {"d": np.arange(5)}, "b": (b"y", {4, 3}), "a": [1, 2.5, "x", None]}
    assert h(value) == h(rebuilt)


@pytest.mark.parametrize(
    "values",
    [
        [1, 1.0, True, "1", b"1", 1 + 0j, np.int64(1), np.float64(1.0), np.bool_(True)],
        [0, 0.0, False, "", b"", None, (), [], {}, set(), frozenset()],
        [[1, 2], (1, 2), {1, 2}, frozenset({1, 2}), collections.deque([1, 2])],
        [b"ab", "ab", bytearray(b"ab"), memoryview(b"ab")],
        [{"a": 1}, collections.OrderedDict(a=1), collections.defaultdict(int, a=1)],
        [[1] * 10, [1.0] * 10, [True] * 10, ["1"] * 10],
        [0.0, -0.0],
        [2**63, 2**63 - 1, -(2**63), -(2**63) - 1, 2**200],
    ],
)
def test_equal_looking_values_of_different_types_hash_apart(values: list[Any]) -> None:
    hashes = [h(v) for v in values]
    assert len(set(hashes)) == len(hashes)


def test_nan_hashes_stably() -> None:
    assert h(float("nan")) == h(float("nan"))
    assert h([float("nan")] * 10) == h([float("nan")] * 10)
    assert h(np.array([np.nan, 1.0])) == h(np.array([np.nan, 1.0]))


def test_dict_hash_ignores_insertion_order() -> None:
    assert h({1: 2, 3: 4}) == h({3: 4, 1: 2})
    assert h({"x": 1, "y": 2}) == h({"y": 2, "x": 1})
    assert h({(1, "a"): [1], 2.5: None}) == h({2.5: None, (1, "a"): [1]})


def test_set_hash_ignores_order_and_string_salt() -> None:
    words = [f"w{i}" for i in range(50)]
    assert h(set(words)) == h(set(reversed(words)))
    assert h(frozenset(words)) == h(frozenset(reversed(words)))
    mixed = [1, "a", (2, 3), 4.5, None]
    assert h(set(mixed)) == h(set(reversed(mixed)))


def test_ordered_dict_hash_follows_order() -> None:
    a = collections.OrderedDict([(1, 2), (3, 4)])
    b = collections.OrderedDict([(3, 4), (1, 2)])
    assert h(a) != h(b)
    b.move_to_end(3)
    assert h(a) == h(b)


def test_defaultdict_factory_is_part_of_the_hash() -> None:
    with_list: Any = collections.defaultdict(list, a=[])
    with_set: Any = collections.defaultdict(set, a=[])
    assert h(with_list) != h(with_set)
    assert h(collections.defaultdict(list, a=[1])) == h(collections.defaultdict(list, a=[1]))


def test_self_referencing_list_and_dict_hash_stably() -> None:
    lst: list[Any] = [1]
    lst.append(lst)
    d: dict[str, Any] = {"a": 1}
    d["self"] = d
    assert hash_value(lst).complete and hash_value(d).complete
    assert h(lst) == h(lst)
    assert h(d) == h(d)


def test_structurally_identical_cycles_hash_the_same() -> None:
    def ring(n: int) -> list[Any]:
        nodes: list[list[Any]] = [[i] for i in range(n)]
        for a, b in zip(nodes, nodes[1:] + nodes[:1], strict=True):
            a.append(b)
        return nodes[0]

    assert h(ring(5)) == h(ring(5))
    assert h(ring(5)) != h(ring(6))
    x: dict[str, Any] = {}
    x["me"] = x
    y: dict[str, Any] = {}
    y["me"] = y
    assert h(x) == h(y)


class Peer:
    def __init__(self, n: int) -> None:
        self.n = n
        self.other: Any = None


def linked_pair() -> tuple[Peer, Peer]:
    a, b = Peer(1), Peer(2)
    a.other, b.other = b, a
    return a, b


def test_mutually_referencing_objects_hash_independently_of_container_order() -> None:
    a, b = linked_pair()
    c, d = linked_pair()
    assert h({1: a, "x": b}) == h({"x": d, 1: c})
    assert h({(1,): [a], 2.5: [b]}) == h({2.5: [d], (1,): [c]})
    assert h({a, b}) == h({d, c})
    assert h([a, b]) == h([c, d])
    assert h([a, b]) != h([b, a])


def test_shared_subobjects_hash_like_copies() -> None:
    inner = [1, 2, 3]
    assert h([inner, inner]) == h([[1, 2, 3], [1, 2, 3]])


def test_deeply_shared_structure_is_hashed_once_not_exponentially() -> None:
    node: Any = ()
    for _ in range(200):
        node = (node, node)
    d = hash_value(node)
    assert d.complete


def test_list_append_changes_hash() -> None:
    lst = [1, 2]
    before = h(lst)
    lst.append(3)
    assert h(lst) != before


def test_array_in_place_add_changes_hash() -> None:
    arr = np.arange(10.0)
    before = h(arr)
    arr += 1
    assert h(arr) != before


def test_dataframe_loc_assignment_changes_hash() -> None:
    df = pd.DataFrame({"a": [5, 6], "b": ["x", "y"]})
    before = h(df)
    df.loc[0, "a"] = 1
    assert h(df) != before


def test_mutating_array_inside_dict_changes_dict_hash() -> None:
    arr = np.zeros(4)
    d = {"k": arr}
    before = h(d)
    arr[0] = 1
    assert h(d) != before


def test_nested_object_attribute_mutation_changes_hash() -> None:
    class Box:
        def __init__(self) -> None:
            self.items = [1]

    box = Box()
    before = h({"box": box})
    box.items.append(2)
    assert h({"box": box}) != before


def test_components_of_dict_contain_the_array_key() -> None:
    arr = np.arange(3)
    d = {"k": arr}
    comps = hash_value(d).components
    assert identity_key(arr) in comps
    assert ident(d) in comps


def test_view_shares_identity_key_with_base() -> None:
    a = np.arange(10)
    v = a[::2]
    assert identity_key(v) == identity_key(a)
    assert identity_key(v[1:]) == identity_key(a)
    assert identity_key(a.copy()) != identity_key(a)
    assert identity_key(a.data) == identity_key(a)


def test_components_of_view_hold_the_base_key() -> None:
    a = np.arange(10)
    assert identity_key(a) in hash_value({"v": a[2:]}).components


def test_components_leave_out_immutable_leaves() -> None:
    assert hash_value((1, "a", 2.0)).components == frozenset()
    assert hash_value(5).components == frozenset()


def test_components_cover_objects_and_their_dicts() -> None:
    class Thing:
        def __init__(self) -> None:
            self.payload = [1, 2]

    t = Thing()
    comps = hash_value(t).components
    assert {ident(t), ident(vars(t)), ident(t.payload)} <= comps


def test_components_past_the_cap_carry_the_sentinel() -> None:
    value = [[i] for i in range(50)]
    comps = hash_value(value, max_components=10).components
    assert -1 in comps
    assert len(comps) <= 11


def test_pandas_components_include_column_array_bases() -> None:
    df = pd.DataFrame({"a": np.arange(3), "b": np.arange(3.0)})
    comps = hash_value(df).components
    assert ident(df) in comps
    block_keys = {identity_key(df["a"].to_numpy()), identity_key(df["b"].to_numpy())}
    assert block_keys & comps


def test_spec_tags_are_unique_per_encoding() -> None:
    # Two specs may share a tag only if their bodies start with the type's name, which then
    # tells them apart; any other clash would let two kinds of value collide.
    from jupyter_repro.recorder.hashing import _arrow, _dispatch, _objects, _pandas, _stdlib
    from jupyter_repro.recorder.hashing import _numpy as numpy_specs
    from jupyter_repro.recorder.hashing._core import Spec

    specs: list[Spec | None] = [spec for _, spec in _dispatch._STATIC.values()]
    specs += list(_stdlib.zoneinfo_spec().values())
    specs += [_objects.OBJECT, _objects.OPAQUE]
    for module, classes in (
        (
            numpy_specs,
            [
                np.ndarray,
                np.float64,
                np.dtype,
                np.random.Generator,
                np.random.RandomState,
                np.ufunc,
                type(np.mean),
            ],
        ),
        (
            _pandas,
            [
                pd.DataFrame,
                pd.Series,
                pd.Index,
                pd.api.extensions.ExtensionArray,
                pd.Timestamp,
                pd.Timedelta,
                pd.Period,
                pd.Interval,
                type(pd.NaT),
                type(pd.NA),
                pd.offsets.BaseOffset,
            ],
        ),
    ):
        specs += [module.spec_for_class(c) for c in classes]
    import pyarrow as pa

    specs += [
        _arrow.spec_for_class(c)
        for c in (
            pa.Table,
            pa.RecordBatch,
            pa.ChunkedArray,
            pa.Array,
            pa.Scalar,
            pa.Schema,
            pa.Field,
            pa.DataType,
            pa.Buffer,
        )
    ]
    by_tag: dict[bytes, set[str]] = collections.defaultdict(set)
    for spec in specs:
        assert spec is not None
        by_tag[spec.tag].add(spec.body.__qualname__)
    named_first = {"_wrapped_func", "_builtin", "_table", "_timestamp", "_missing"}
    for tag, bodies in by_tag.items():
        assert len(bodies) == 1 or bodies <= named_first, (tag, bodies)
    reserved = {b"R", b"@", b"Z", b"Q", b"E", b"~", b"+"}
    assert not reserved & set(by_tag), reserved & set(by_tag)
