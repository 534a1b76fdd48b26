"""pandas objects (imported only once pandas is loaded): frames, series, indexes, arrays.

Every column is hashed through the array that actually holds it (numpy block, masked array,
Arrow array, categorical codes...), one column at a time, so block layout and chunking never
change a hash and object columns go element-wise through the hasher.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._core import FRAME, LEAF, MUTABLE, Hasher, Spec
from ._identity import identity_key
from ._names import ident, inherits, qualname
from ._numpy import array_body
from ._wire import lp_str, pack_Q


def _ndarray(h: Hasher, arr: np.ndarray[Any, Any]) -> None:
    h.component(identity_key(arr))
    array_body(h, arr)


def values_body(h: Hasher, values: Any) -> None:
    """Write a column's dtype and content from whichever array backs it."""
    h.name(str(values.dtype))
    if type(values) is np.ndarray:
        h.raw(b"n")
        _ndarray(h, values)
        return
    h.component(ident(values))
    cls = type(values)
    if inherits(cls, pd.Categorical):
        h.raw(b"c" + (b"\x01" if values.ordered else b"\x00"))
        h.visit(values.categories)
        _ndarray(h, values.codes)
        return
    data, mask = getattr(values, "_data", None), getattr(values, "_mask", None)
    if type(data) is np.ndarray and type(mask) is np.ndarray:
        # Masked slots hold leftovers (pd.array([1, None]) stores [1, 1]): zero them.
        h.raw(b"m")
        h.component(identity_key(data))
        if not h.shallow and mask.any():
            data = data.copy()
            data[mask] = 0
        _ndarray(h, mask)
        array_body(h, data)
        return
    arrow = getattr(values, "_pa_array", None)
    if arrow is not None:
        h.raw(b"p")
        h.visit(arrow)
        return
    backing = getattr(values, "_ndarray", None)
    if type(backing) is np.ndarray:
        h.raw(b"n")
        _ndarray(h, backing)
        return
    if inherits(cls, pd.arrays.IntervalArray):
        h.raw(b"i" + lp_str(str(values.closed)))
        h.visit(values.left)
        h.visit(values.right)
        return
    if inherits(cls, pd.arrays.SparseArray):
        h.raw(b"s" + pack_Q(len(values)))
        h.visit(values.fill_value)
        _ndarray(h, values.sp_values)
        _ndarray(h, np.asarray(values.sp_index.indices))
        return
    # Unknown extension array: its elements, one by one, as Python objects.
    h.raw(b"o")
    array_body(h, np.asarray(values, dtype=object))


def _index(h: Hasher, idx: pd.Index) -> None:
    h.name(qualname(type(idx)))
    h.visit_made(list(idx.names))  # made here: never one of the value's components
    if type(idx) is pd.RangeIndex:
        h.visit(range(idx.start, idx.stop, idx.step))
    elif inherits(type(idx), pd.MultiIndex):
        h.raw(pack_Q(idx.nlevels))
        for level, codes in zip(idx.levels, idx.codes, strict=True):
            h.visit(level)
            _ndarray(h, np.asarray(codes))
    else:
        values_body(h, idx._values)


def _series(h: Hasher, s: pd.Series) -> None:
    h.name(qualname(type(s)))
    h.visit(s.name)
    h.visit(s.index)
    values_body(h, s._values)


def _column_arrays(df: pd.DataFrame) -> list[Any]:
    columns = getattr(df, "_iter_column_arrays", None)
    if columns is not None:
        return list(columns())
    return [df.iloc[:, i]._values for i in range(df.shape[1])]


def _frame(h: Hasher, df: pd.DataFrame) -> None:
    h.name(qualname(type(df)))
    h.visit(df.columns)
    h.visit(df.index)
    arrays = _column_arrays(df)
    h.raw(pack_Q(len(arrays)))
    for values in arrays:
        if h.stopped:
            break
        values_body(h, values)


def _extension_array(h: Hasher, values: Any) -> None:
    h.name(qualname(type(values)))
    values_body(h, values)


def _timestamp(h: Hasher, x: Any) -> None:
    # asm8 is the UTC instant at the stored unit; the zone is hashed alongside it.
    h.name(qualname(type(x)))
    h.visit(x.asm8)
    h.visit(getattr(x, "tzinfo", None))


def _period(h: Hasher, x: pd.Period) -> None:
    h.raw(pack_Q(x.ordinal & (2**64 - 1)))
    h.name(x.freqstr)


def _interval(h: Hasher, x: pd.Interval) -> None:
    h.name(str(x.closed))
    h.visit(x.left)
    h.visit(x.right)


def _offset(h: Hasher, x: Any) -> None:
    h.name(qualname(type(x)))
    h.name(x.freqstr)


def _missing(h: Hasher, x: object) -> None:
    h.name(qualname(type(x)))


def spec_for_class(cls: type) -> Spec | None:
    """The spec for a pandas class, or None to let dispatch continue up the MRO."""
    table: list[tuple[type, Spec]] = [
        (pd.DataFrame, Spec(b"\xa0", _frame, MUTABLE, subclasses=True)),
        (pd.Series, Spec(b"\xa1", _series, MUTABLE, subclasses=True)),
        (pd.Index, Spec(b"\xa2", _index, FRAME, subclasses=True)),
        (
            pd.api.extensions.ExtensionArray,
            Spec(b"\xa3", _extension_array, MUTABLE, subclasses=True),
        ),
        (pd.Timestamp, Spec(b"\xa4", _timestamp, LEAF, subclasses=True)),
        (pd.Timedelta, Spec(b"\xa4", _timestamp, LEAF, subclasses=True)),
        (pd.Period, Spec(b"\xa5", _period)),
        (pd.Interval, Spec(b"\xa6", _interval)),
        (pd.offsets.BaseOffset, Spec(b"\xa8", _offset, LEAF, subclasses=True)),
        (type(pd.NaT), Spec(b"\xa7", _missing, subclasses=True)),
        (type(pd.NA), Spec(b"\xa7", _missing, subclasses=True)),
    ]
    for klass, spec in table:
        if klass is cls:
            return spec
    return None
