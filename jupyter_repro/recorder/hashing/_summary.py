"""Small JSON-able facts about a value for display: shapes, lengths, dtypes. Never values."""

from __future__ import annotations

import collections
import sys
from typing import Any

from ._names import inherits, is_one_of, mro_of, qualname

#: Column labels kept in a DataFrame summary, and characters kept of each.
MAX_COLUMNS = 20
MAX_LABEL = 64
_SIZED = (list, tuple, dict, set, frozenset, str, bytes, bytearray, collections.deque)


def _label(value: object) -> str:
    # Only builtin scalars are rendered: str() of a user object would run its code.
    if is_one_of(type(value), (str, int, float, bool)) or value is None:
        return str(value)[:MAX_LABEL]
    return f"<{qualname(type(value))}>"


def _numpy(obj: Any, cls: type) -> dict[str, Any] | None:
    np = sys.modules.get("numpy")
    if np is None or not inherits(cls, np.ndarray):
        return None
    obj = np.ndarray.view(obj, np.ndarray)
    return {
        "shape": [int(n) for n in obj.shape],
        "dtype": str(obj.dtype),
        "nbytes": int(obj.nbytes),
    }


def _columns(df: Any) -> list[Any]:
    arrays = getattr(df, "_iter_column_arrays", None)
    return list(arrays()) if arrays is not None else [df.iloc[:, i] for i in range(df.shape[1])]


def _pandas(obj: Any, cls: type) -> dict[str, Any] | None:
    pd = sys.modules.get("pandas")
    if pd is None:
        return None
    if inherits(cls, pd.DataFrame):
        return {
            "shape": [int(n) for n in obj.shape],
            "columns": [_label(c) for c in list(obj.columns[:MAX_COLUMNS])],
            # memory_usage(deep=False).sum() without building two Series: it is per cell.
            "nbytes": int(sum(a.nbytes for a in _columns(obj)) + obj.index.memory_usage()),
        }
    if inherits(cls, pd.Series):
        return {"len": len(obj), "dtype": str(obj.dtype), "nbytes": int(obj.nbytes)}
    if inherits(cls, pd.Index):
        return {"len": len(obj), "dtype": str(obj.dtype)}
    return None


def _arrow(obj: Any, cls: type) -> dict[str, Any] | None:
    pa = sys.modules.get("pyarrow")
    if pa is None:
        return None
    if inherits(cls, pa.Table) or inherits(cls, pa.RecordBatch):
        names = obj.schema.names
        return {
            "shape": [obj.num_rows, len(names)],
            "columns": [_label(c) for c in names[:MAX_COLUMNS]],
            "nbytes": int(obj.nbytes),
        }
    if inherits(cls, pa.Array) or inherits(cls, pa.ChunkedArray):
        return {"len": len(obj), "dtype": str(obj.type), "nbytes": int(obj.nbytes)}
    return None


def _torch(obj: Any, cls: type) -> dict[str, Any] | None:
    torch = sys.modules.get("torch")
    if torch is None or not inherits(cls, torch.Tensor):
        return None
    return {
        "shape": [int(n) for n in obj.shape],
        "dtype": str(obj.dtype),
        "nbytes": int(obj.numel() * obj.element_size()),
        "device": str(obj.device),
    }


def summarize(obj: object) -> dict[str, Any]:
    """Shape/len/dtype/nbytes for arrays, frames and containers; {} for scalars and others."""
    cls = type(obj)
    for probe in (_numpy, _pandas, _arrow, _torch):
        found = probe(obj, cls)
        if found is not None:
            return found
    for klass in mro_of(cls):
        if is_one_of(klass, _SIZED):
            # The base class's __len__: a subclass's override is user code.
            return {"len": int(klass.__len__(obj))}  # type: ignore[attr-defined]
    return {}
