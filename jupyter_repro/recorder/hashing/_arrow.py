"""pyarrow tables, batches and arrays (imported only once pyarrow is loaded).

Arrow slices share buffers with their parent at an offset, and a slice at offset 0 keeps the
parent's validity bits past its end, so raw buffers are not canonical. Each column is cut
into fixed windows of rows, each window rebuilt by ``concat_arrays`` (fresh, zero-offset
buffers) and serialised as one IPC record batch: chunking and slicing cannot show through.
Dictionary columns are decoded first, so a window never depends on which dictionary it saw.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from ._core import FRAME, LEAF, Hasher, Spec
from ._names import qualname
from ._wire import pack_Q

#: Rows per canonical window; part of the hash format, so it must never change.
WINDOW = 1 << 20


def _decoded(typ: pa.DataType) -> pa.DataType:
    """typ with every dictionary type replaced by its value type."""
    if pa.types.is_dictionary(typ):
        return _decoded(typ.value_type)
    if pa.types.is_struct(typ):
        return pa.struct([f.with_type(_decoded(f.type)) for f in typ])
    if pa.types.is_large_list(typ):
        return pa.large_list(typ.value_field.with_type(_decoded(typ.value_type)))
    if pa.types.is_list(typ):
        return pa.list_(typ.value_field.with_type(_decoded(typ.value_type)))
    return typ


def _field(h: Hasher, field: pa.Field) -> None:
    # Field and schema metadata are left out: pandas writes its own version there.
    h.name(field.name)
    h.name(str(field.type))
    h.raw(b"\x01" if field.nullable else b"\x00")


def column_body(h: Hasher, chunks: list[pa.Array], typ: pa.DataType) -> None:
    """Write a logical column given as chunks, window by canonical window."""
    if h.shallow:
        return  # Arrow data is immutable and holds no Python objects
    column = pa.chunked_array(chunks, type=typ)
    plain = _decoded(typ)
    h.name(str(typ))
    h.raw(pack_Q(len(column)))
    for start in range(0, len(column), WINDOW):
        if h.stopped:
            break
        window = pa.concat_arrays(column.slice(start, WINDOW).chunks)
        if plain != typ:
            window = window.cast(plain)
        batch = pa.record_batch([window], names=[""])
        h.write_buffer(memoryview(batch.serialize()))


def _table(h: Hasher, table: Any) -> None:
    h.name(qualname(type(table)))
    schema = table.schema
    h.raw(pack_Q(len(schema)) + pack_Q(table.num_rows))
    for i, field in enumerate(schema):
        if h.stopped:
            break
        _field(h, field)
        column = table.column(i)
        column_body(
            h, column.chunks if isinstance(column, pa.ChunkedArray) else [column], field.type
        )


def _chunked(h: Hasher, column: pa.ChunkedArray) -> None:
    column_body(h, column.chunks, column.type)


def _array(h: Hasher, arr: pa.Array) -> None:
    column_body(h, [arr], arr.type)


def _scalar(h: Hasher, x: pa.Scalar) -> None:
    column_body(h, [pa.array([x], type=x.type)], x.type)


def _schema(h: Hasher, schema: pa.Schema) -> None:
    h.raw(pack_Q(len(schema)))
    for field in schema:
        _field(h, field)


def _buffer(h: Hasher, buf: pa.Buffer) -> None:
    h.write_buffer(memoryview(buf).cast("B"))


def spec_for_class(cls: type) -> Spec | None:
    """The spec for a pyarrow class, or None to let dispatch continue up the MRO."""
    table: list[tuple[type, Spec]] = [
        (pa.Table, Spec(b"\xb0", _table, FRAME, subclasses=True)),
        (pa.RecordBatch, Spec(b"\xb0", _table, FRAME, subclasses=True)),
        (pa.ChunkedArray, Spec(b"\xb1", _chunked, FRAME, subclasses=True)),
        (pa.Array, Spec(b"\xb2", _array, FRAME, subclasses=True)),
        (pa.Scalar, Spec(b"\xb3", _scalar, LEAF, subclasses=True)),
        (pa.Schema, Spec(b"\xb4", _schema, LEAF)),
        (pa.Field, Spec(b"\xb5", _field, LEAF)),
        (pa.DataType, Spec(b"\xb6", lambda h, t: h.name(str(t)), LEAF, subclasses=True)),
        (pa.Buffer, Spec(b"\xb7", _buffer, LEAF)),
    ]
    for klass, spec in table:
        if klass is cls:
            return spec
    return None
