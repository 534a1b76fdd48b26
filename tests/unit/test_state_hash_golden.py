"""Known answers of the hashing scheme: one value per encoding route, its hash pinned.

A failure here means some value now hashes differently: if that is intended, bump
``HASH_SCHEME`` (verify then says "recorded with another hashing scheme" instead of reporting a
mismatch) and pin the new answers; if not, the change broke hash stability.
"""

from __future__ import annotations

import collections
import datetime as dt
import decimal
import fractions
import uuid
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from jupyter_repro.recorder.state_hash import HASH_SCHEME, hash_value


class Point:
    def __init__(self, x: object, y: object) -> None:
        self.x, self.y = x, y


Point.__module__ = "golden"  # the hash names the class: pinned whatever this file is called


def _self_ref() -> dict[str, Any]:
    d: dict[str, Any] = {"a": 1}
    d["me"] = d
    return d


def golden_values() -> dict[str, Any]:
    return {
        "int": 42,
        "big_int": 2**100,
        "float": -0.0,
        "str": "héllo\udc80",
        "bytes": b"\x00\xff",
        "none_true": (None, True),
        "list_ints": list(range(100)),  # packed in bulk
        "list_mixed": [1, 2.5, "x", None, True, 3, 4, 5],  # packed by kind
        "list_of_lists": [[i, float(i)] for i in range(100)],  # the pickle route
        "tuple_tree": tuple((i, (str(i), b"b")) for i in range(64)),  # the pickle route
        "records": [{"id": i, "name": f"n{i}", "ok": i % 2 == 0} for i in range(20)],  # columns
        "dict_str_keys": {"b": [1, 2], "a": {"c": 3.5}},  # sorted keys
        "dict_tuple_keys": {(1, "a"): 1, (0, "b"): 2, 3: "mixed"},  # marshal order
        "set_strs": {"x", "y", "z"},
        "set_tuples": {(i, str(i)) for i in range(40)},  # sorted marshal bytes
        "frozenset_mixed": frozenset({1, "1", 2.0}),
        "nested": {"rows": [[1, 2], [3, 4]] * 20, "meta": ("m", 1)},
        "self_ref": _self_ref(),
        "deque": collections.deque([1, 2, 3], maxlen=5),
        "ordered": collections.OrderedDict([("b", 1), ("a", 2)]),
        "stdlib": (
            dt.date(2024, 1, 2),
            decimal.Decimal("1.50"),
            fractions.Fraction(1, 3),
            uuid.UUID(int=7),
        ),
        "object": Point(1, [2, 3]),
        "ndarray": np.arange(12, dtype=np.int32).reshape(3, 4),
        "frame": pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}),
        "arrow": pa.table({"a": [1, 2, None]}),
    }


GOLDEN = {
    "int": "xxh3:0d723d3a5fb5182aa442fe3e6345e219",
    "big_int": "xxh3:eff438e1f5bc13f560e6076be591545b",
    "float": "xxh3:5cf7ddc90477967a5d1d81d571554128",
    "str": "xxh3:41925ee1453bc545b670f2910171b463",
    "bytes": "xxh3:be30c334b6073a499b7f68a352e8eb7e",
    "none_true": "xxh3:eb4c68b7327859f557ce8a3cc9bc3897",
    "list_ints": "xxh3:b5289e8c083d329da1ffe1c9e2022d97",
    "list_mixed": "xxh3:a299dff92b718cc8ccca8fd4d8c8506a",
    "list_of_lists": "xxh3:10b87846a922f829f7ddb47064226aa9",
    "tuple_tree": "xxh3:7bc03f5bbd1e4d64db9e1d855e2e65c3",
    "records": "xxh3:93969f325b991f82b25100eaedd5a1ee",
    "dict_str_keys": "xxh3:b96b5da20b6ebd508713661c8587ed82",
    "dict_tuple_keys": "xxh3:d58957fa701350cdab83f2b772cc3b13",
    "set_strs": "xxh3:6109ccc7db9c82f8932321ee0c7374f4",
    "set_tuples": "xxh3:ae2aea8dc3eb9cf911960df935ae68b3",
    "frozenset_mixed": "xxh3:e8283fc858bd8d8ffd13fdde42d8bd13",
    "nested": "xxh3:79981d4806ed8abe17805c53933e1e03",
    "self_ref": "xxh3:03780dc3b21079cd5538a7144f692861",
    "deque": "xxh3:1b5ecfef2f6a8ffc0dc92d4937b33994",
    "ordered": "xxh3:f7afc81ac9988072648ae6cc98531ad9",
    "stdlib": "xxh3:5c7178f367dc903fa78f77d3b150a32b",
    "object": "xxh3:be91d528020c7330903f8b23f782fdb7",
    "ndarray": "xxh3:bce3bbd9d07dfbc23deb817e7a8e5221",
    "frame": "xxh3:3a1cd274e14d8bbd127739cf2ebd8fd7",
    "arrow": "xxh3:1777b468dc55dfe256b3bee9d5c0ebc5",
}


def test_the_scheme_version_is_the_one_these_answers_belong_to() -> None:
    # 3: matplotlib axis limits left to autoscaling hash as "auto" (no value here changed).
    assert HASH_SCHEME == 3


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_known_answer(name: str) -> None:
    digest = hash_value(golden_values()[name])
    assert digest.complete, digest
    assert digest.hash == GOLDEN[name], f"{name} hashes differently: bump HASH_SCHEME?"


def test_every_value_has_an_answer() -> None:
    assert set(golden_values()) == set(GOLDEN)
