"""hash_value on numpy, pandas, pyarrow (and torch when installed)."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from jupyter_repro.recorder.hashing import _numpy
from jupyter_repro.recorder.state_hash import hash_value, ident, identity_key


def h(value: object) -> str:
    return hash_value(value).hash


def assert_complete(value: object) -> None:
    d = hash_value(value)
    assert d.hash.startswith("xxh3:") and d.complete and not d.unhashable, d
    assert "error_parts" not in d.summary, d


# ---------------------------------------------------------------------------------- numpy
def test_view_and_copy_hash_equal() -> None:
    a = np.arange(100, dtype=np.float64)
    assert h(a[::2]) == h(a[::2].copy())
    assert h(a[::-1]) == h(a[::-1].copy())
    m = np.arange(24).reshape(4, 6)
    assert h(m.T) == h(np.ascontiguousarray(m.T))
    assert h(m[:, 1:3]) == h(m[:, 1:3].copy())


def test_fortran_order_hashes_like_c_order() -> None:
    m = np.arange(12.0).reshape(3, 4)
    assert h(np.asfortranarray(m)) == h(m)


def test_non_contiguous_array_is_copied_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tiny pieces force many partial copies; the stream must equal the contiguous one.
    monkeypatch.setattr(_numpy, "COPY_CHUNK", 64)
    a = np.arange(10_000, dtype=np.int32).reshape(100, 100)
    assert h(a[:, ::3]) == h(a[:, ::3].copy())
    big_rows = np.arange(4000.0).reshape(2, 2000)
    assert h(big_rows[:, ::2]) == h(big_rows[:, ::2].copy())


def test_transposed_array_tiles_hash_like_contiguous(monkeypatch: pytest.MonkeyPatch) -> None:
    # Transposed views take the tiled copy; odd sizes leave partial tiles and pieces.
    monkeypatch.setattr(_numpy, "COPY_CHUNK", 4096)
    for view in (
        np.arange(6500.0).reshape(50, 130).T,
        np.arange(7 * 9 * 150, dtype=np.int16).reshape(7, 9, 150).transpose(2, 0, 1),
        np.asfortranarray(np.arange(3000, dtype=">i8").reshape(30, 100)),
    ):
        assert h(view) == h(np.ascontiguousarray(view)), view.shape


def test_array_hash_covers_dtype_and_shape() -> None:
    a = np.arange(6, dtype=np.int64)
    assert h(a) != h(a.astype(np.int32))
    assert h(a) != h(a.reshape(2, 3))
    assert h(a.reshape(2, 3)) != h(a.reshape(3, 2))
    assert h(np.zeros(0)) != h(np.zeros((0, 3)))


def test_big_endian_array_hashes_like_little_endian() -> None:
    a = np.arange(5, dtype="<i4")
    assert h(a.astype(">i4")) == h(a)


def test_structured_array_hashes_by_fields_not_padding() -> None:
    dtype = np.dtype({"names": ["a", "b"], "formats": ["u1", "<f8"], "offsets": [0, 8]})
    x = np.zeros(3, dtype=dtype)
    y = np.zeros(3, dtype=dtype)
    y.view(np.uint8).reshape(3, 16)[:, 1:8] = 7  # junk in the padding
    assert h(x) == h(y)
    y["a"][0] = 1
    assert h(x) != h(y)


def test_object_array_hashes_elementwise_without_pickle() -> None:
    class NoPickle:
        def __init__(self, v: int) -> None:
            self.v = v

        def __reduce__(self) -> Any:
            raise AssertionError("pickled")

    a = np.array([NoPickle(1), "x", None, [1, 2]], dtype=object)
    b = np.array([NoPickle(1), "x", None, [1, 2]], dtype=object)
    assert_complete(a)
    assert h(a) == h(b)
    b[0].v = 2
    assert h(a) != h(b)


def test_numpy_scalars_hash_by_type_and_value() -> None:
    assert h(np.float32(1.5)) != h(np.float64(1.5))
    assert h(np.int64(3)) == h(np.int64(3))
    assert h(np.datetime64("2024-01-01")) != h(np.datetime64("2024-01-02"))
    assert h(np.str_("a")) != h("a")
    assert_complete(np.datetime64("NaT"))


def test_masked_array_hashes_data_and_mask() -> None:
    a = np.ma.array([1, 2, 3], mask=[False, True, False])
    b = np.ma.array([1, 2, 3], mask=[False, False, False])
    assert h(a) != h(b)
    assert_complete(a)


def test_numpy_random_generator_hashes_its_state() -> None:
    g1, g2 = np.random.default_rng(1), np.random.default_rng(1)
    assert h(g1) == h(g2)
    g2.random()
    assert h(g1) != h(g2)
    assert h(np.random.RandomState(1)) == h(np.random.RandomState(1))


def test_ndarray_summary_has_shape_dtype_nbytes() -> None:
    assert hash_value(np.zeros((2, 3))).summary == {
        "shape": [2, 3],
        "dtype": "float64",
        "nbytes": 48,
    }


# ---------------------------------------------------------------------------------- pandas
def make_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "i": [1, 2, 3],
            "f": [1.5, np.nan, 3.0],
            "s": ["a", "b", None],
            "cat": pd.Categorical(["x", "y", "x"], categories=["x", "y", "z"]),
            "nullable": pd.array([1, None, 3], dtype="Int64"),
            "tz": pd.date_range("2024-01-01", periods=3, tz="Europe/Paris"),
            "obj": [{"k": 1}, (1, 2), None],
            "bool": pd.array([True, None, False], dtype="boolean"),
        },
        index=pd.Index(["r1", "r2", "r3"], name="row"),
    )


def test_dataframe_hash_is_stable_and_content_sensitive() -> None:
    assert_complete(make_frame())
    assert h(make_frame()) == h(make_frame())
    df = make_frame()
    df.loc["r3", "obj"] = "other"
    assert h(df) != h(make_frame())


@pytest.mark.parametrize(
    "change",
    [
        lambda df: df.rename(columns={"i": "j"}),
        lambda df: df.rename(index={"r1": "r0"}),
        lambda df: df.astype({"i": "int32"}),
        lambda df: df.assign(cat=df["cat"].cat.set_categories(["x", "y"])),
        lambda df: df.assign(cat=df["cat"].cat.as_ordered()),
        lambda df: df.assign(tz=df["tz"].dt.tz_convert("UTC")),
        lambda df: df.assign(nullable=pd.array([1, 2, 3], dtype="Int64")),
        lambda df: df[["f", "i", "s", "cat", "nullable", "tz", "obj", "bool"]],
    ],
)
def test_dataframe_hash_sees_names_dtypes_categories_and_zones(change: Any) -> None:
    assert h(change(make_frame())) != h(make_frame())


def test_masked_slots_do_not_leak_into_hash() -> None:
    a = pd.array([1, None], dtype="Int64")
    b = pd.array([1, 2], dtype="Int64")
    b[1] = None
    assert h(a) == h(b)


def test_dataframe_hash_ignores_block_layout() -> None:
    a = pd.DataFrame({"x": [1, 2], "y": [3, 4]})
    b = pd.DataFrame(np.array([[1, 3], [2, 4]]), columns=["x", "y"])
    assert h(a) == h(b)


def test_series_index_and_multiindex_hash() -> None:
    s = pd.Series([1, 2, 3], name="s")
    assert h(s) == h(pd.Series([1, 2, 3], name="s"))
    assert h(s) != h(pd.Series([1, 2, 3], name="t"))
    mi = pd.MultiIndex.from_tuples([(1, "a"), (2, "b")], names=["n", "c"])
    assert_complete(mi)
    assert h(mi) == h(pd.MultiIndex.from_tuples([(1, "a"), (2, "b")], names=["n", "c"]))
    assert h(mi) != h(pd.MultiIndex.from_tuples([(1, "a"), (2, "c")], names=["n", "c"]))
    assert_complete(pd.Series([1.0, 2.0], index=mi))


def test_string_dtypes_hash_by_content() -> None:
    for dtype in ("str", "string", "string[pyarrow]", object):
        a = pd.Series(["a", None, "c"], dtype=dtype)
        assert_complete(a)
        assert h(a) == h(pd.Series(["a", None, "c"], dtype=dtype))
        assert h(a) != h(pd.Series(["a", None, "d"], dtype=dtype))


def test_pandas_scalars_and_other_arrays_hash() -> None:
    assert h(pd.Timestamp("2024-01-01", tz="UTC")) != h(pd.Timestamp("2024-01-01"))
    assert h(pd.Timedelta("1D")) == h(pd.Timedelta("24h"))
    assert h(pd.NaT) != h(pd.NA)
    for value in (
        pd.Period("2024-01", freq="M"),
        pd.Interval(0, 1),
        pd.arrays.IntervalArray.from_breaks([0, 1, 2]),
        pd.arrays.SparseArray([0, 0, 1]),
        pd.array(["2024-01"], dtype="period[M]"),
        pd.Categorical(["a", "b"]),
    ):
        assert_complete(value)


def test_dataframe_summary_lists_shape_columns_nbytes() -> None:
    df = pd.DataFrame({f"c{i}": [1] for i in range(30)})
    summary = hash_value(df).summary
    assert summary["shape"] == [1, 30]
    assert summary["columns"] == [f"c{i}" for i in range(20)]
    assert summary["nbytes"] == int(df.memory_usage(deep=False).sum())
    s = pd.Series([1.0, 2.0])
    assert hash_value(s).summary == {"len": 2, "dtype": "float64", "nbytes": 16}


# --------------------------------------------------------------------------------- pyarrow
def test_arrow_slices_hash_like_fresh_arrays() -> None:
    arrays = [
        pa.array([1, None, 3, 4, 5, 6, 7, 8, 9, 10]),
        pa.array([True, None, False, True, True, True, True, True, True]),
        pa.array(["a", None, "ccc", "dd", "eeee", "f"]),
        pa.array([[1, 2], [3], None, [4, 5, 6], []]),
        pa.array([{"x": 1, "y": "a"}, None, {"x": 3, "y": None}]),
    ]
    for arr in arrays:
        for off in range(len(arr)):
            for n in range(len(arr) - off + 1):
                part = arr.slice(off, n)
                assert h(part) == h(pa.array(part.to_pylist(), type=arr.type)), (arr, off, n)


def test_arrow_chunking_does_not_change_hash() -> None:
    one = pa.chunked_array([[1, 2, 3, 4]])
    two = pa.chunked_array([[1], [2, 3], [], [4]])
    assert h(one) == h(two)
    assert h(pa.table({"a": one})) == h(pa.table({"a": two}))
    assert h(pa.table({"a": one})) != h(pa.table({"b": one}))


def test_arrow_table_and_batch_hash_content_not_metadata() -> None:
    t = pa.Table.from_pandas(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}), preserve_index=False)
    assert h(t) == h(t.replace_schema_metadata(None))
    assert h(t) != h(pa.table({"a": [1, 3], "b": ["x", "y"]}))
    batch = t.to_batches()[0]
    assert_complete(batch)
    assert hash_value(t).summary["shape"] == [2, 2]


def test_arrow_dictionary_arrays_hash_their_values() -> None:
    a = pa.array(["x", "y", "x"]).dictionary_encode()
    b = pa.DictionaryArray.from_arrays(pa.array([1, 0, 1], pa.int32()), pa.array(["y", "x"]))
    assert h(a) == h(b)
    c = pa.chunked_array([a.slice(0, 1), pa.array(["z"]).dictionary_encode()])
    assert_complete(c)


def test_arrow_scalars_schema_and_buffers_hash() -> None:
    assert h(pa.scalar(1)) != h(pa.scalar(1.0))
    assert_complete(pa.schema([("a", pa.int64())]))
    assert_complete(pa.py_buffer(b"abc"))
    assert_complete(pa.int64())


def test_pandas_arrow_string_column_components_and_hash() -> None:
    s = pd.Series(["a", "b"], dtype="string[pyarrow]")
    assert ident(s) in hash_value(s).components


# ----------------------------------------------------------------------------------- torch
def test_torch_tensor_when_installed() -> None:
    torch = pytest.importorskip("torch")
    t = torch.arange(10, dtype=torch.float32)
    assert h(t) == h(t.clone())
    assert h(t[::2]) == h(t[::2].contiguous())
    assert identity_key(t[2:]) == identity_key(t)
    assert hash_value(t).summary["shape"] == [10]


def test_torch_is_never_imported_by_hashing() -> None:
    if "torch" in sys.modules:
        pytest.skip("torch already imported by something else")
    hash_value([np.arange(3), pd.DataFrame({"a": [1]}), pa.array([1])])
    assert "torch" not in sys.modules


EDGE_VALUES: list[Any] = [
    pd.DataFrame(),
    pd.DataFrame([[1, 2]], columns=["a", "a"]),
    pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)])),
    pd.Series([1, 2], index=pd.date_range("2020", periods=2)),
    pd.Series([1, 2], index=pd.CategoricalIndex(["a", "b"])),
    pd.Series([1, 2], index=pd.interval_range(0, 2)),
    pd.Series([1, 2], index=pd.period_range("2020", periods=2, freq="M")),
    pd.DataFrame({"t": pd.to_timedelta([1, 2], unit="s")}),
    pd.DataFrame({"s": pd.arrays.SparseArray([0, 1])}),
    pd.Series([[1], [2, 3]]),
    pd.array([1.5, None], dtype="Float32"),
    pd.Series([1, None], dtype="int64[pyarrow]"),
    pd.offsets.Day(2),
    pd.DataFrame({"a": [1]}).groupby("a"),
    pa.table({"a": pa.array([], pa.int64())}),
    pa.array([{"x": "a"}], pa.struct([("x", pa.dictionary(pa.int8(), pa.string()))])),
    pa.array([["a"], ["b", "a"]], pa.list_(pa.dictionary(pa.int8(), pa.string()))),
    pa.array([[("a", 1)], []], pa.map_(pa.string(), pa.int64())),
    pa.array([1, 2], pa.decimal128(10, 2)),
    pa.array([None, None]),
    pa.array([[1, 2], [3, 4]], pa.list_(pa.int64(), 2)),
    pa.scalar({"a": 1}),
    np.array([True, False]),
    np.array([1 + 2j]),
    np.array(["2020-01-01"], dtype="M8[D]"),
    np.array([1], dtype="m8[s]"),
    np.array(["ab", "c"]),
    np.array([b"ab"]),
    np.array(5),
    np.zeros((0, 3)),
    np.array([np.arange(3), None], dtype=object),
    np.zeros(2, dtype=[("a", [("b", "i4"), ("c", "f8", (2,))]), ("o", "O")]),
    np.zeros(1, dtype=[("a", "i4")])[0],
    np.rec.array([(1, 2.0)], dtype=[("a", "i4"), ("b", "f8")]),
    np.dtype("f8"),
    np.add,
    np.mean,
    np.random.PCG64(0),
]


@pytest.mark.parametrize("value", EDGE_VALUES, ids=lambda v: type(v).__name__)
def test_less_common_data_values_hash_completely(value: Any) -> None:
    assert_complete(value)
    assert "opaque_parts" not in hash_value(value).summary


def test_library_functions_hash_by_implementation() -> None:
    assert h(np.mean) == h(np.mean)
    assert h(np.mean) != h(np.median)


def _peak_traced_bytes(fn: Any) -> int:
    import tracemalloc

    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_contiguous_array_is_hashed_without_a_copy() -> None:
    a = np.ones(8 * 1024 * 1024)  # 64 MiB
    assert _peak_traced_bytes(lambda: hash_value(a)) < 1024 * 1024


def test_strided_array_is_copied_a_few_megabytes_at_a_time() -> None:
    a = np.ones(16 * 1024 * 1024)  # 128 MiB, a[::2] is 64 MiB of logical content
    peak = _peak_traced_bytes(lambda: hash_value(a[::2]))
    assert peak < 3 * _numpy.COPY_CHUNK
