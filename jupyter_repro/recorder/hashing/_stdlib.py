"""Standard-library value types: dates, decimals, paths, enums, collections, buffers, regexes.

Fields are read through the base class's own descriptors and methods, so a subclass that
overrides them cannot run code during hashing or fake its content.
"""

from __future__ import annotations

import array
import collections
import datetime as dt
import decimal
import enum
import fractions
import pathlib
import random
import re
import sys
import uuid
from typing import Any

from ._builtins import mapping
from ._core import FRAME, MUTABLE, Hasher, Spec
from ._identity import identity_key
from ._names import inherits, qualname
from ._objects import instance_attrs, instance_dict
from ._sequences import seq
from ._wire import lp_str, pack_Q, pack_q

_DATE = [dt.date.__dict__[n] for n in ("year", "month", "day")]
_TIME = [dt.time.__dict__[n] for n in ("hour", "minute", "second", "microsecond", "fold")]
_STAMP = [dt.datetime.__dict__[n] for n in ("hour", "minute", "second", "microsecond", "fold")]
_DELTA = [dt.timedelta.__dict__[n] for n in ("days", "seconds", "microseconds")]


def _ints(h: Hasher, obj: object, fields: list[Any]) -> None:
    h.write(b"".join(pack_q(f.__get__(obj)) for f in fields))


def _date(h: Hasher, x: dt.date) -> None:
    _ints(h, x, _DATE)


def _datetime(h: Hasher, x: dt.datetime) -> None:
    _ints(h, x, _DATE + _STAMP)
    h.visit(dt.datetime.__dict__["tzinfo"].__get__(x))


def _time(h: Hasher, x: dt.time) -> None:
    _ints(h, x, _TIME)
    h.visit(dt.time.__dict__["tzinfo"].__get__(x))


def _timedelta(h: Hasher, x: dt.timedelta) -> None:
    _ints(h, x, _DELTA)


def _timezone(h: Hasher, x: dt.timezone) -> None:
    h.visit(dt.timezone.utcoffset(x, None))
    h.name(str(dt.timezone.tzname(x, None)))


def _zoneinfo(h: Hasher, x: Any) -> None:
    key = sys.modules["zoneinfo"].ZoneInfo.__dict__["key"].__get__(x)
    if type(key) is not str:
        raise TypeError("ZoneInfo without a key")
    h.name(key)


def _decimal(h: Hasher, x: decimal.Decimal) -> None:
    # The exact representation: Decimal("1.0") and Decimal("1.00") print, and hash, apart.
    h.write(lp_str(decimal.Decimal.__str__(x)))


def _fraction(h: Hasher, x: fractions.Fraction) -> None:
    h.visit(fractions.Fraction.numerator.fget(x))  # type: ignore[attr-defined]
    h.visit(fractions.Fraction.denominator.fget(x))  # type: ignore[attr-defined]


def _uuid(h: Hasher, x: uuid.UUID) -> None:
    h.write(uuid.UUID.__dict__["int"].__get__(x).to_bytes(16, "big"))


def _path(h: Hasher, x: pathlib.PurePath) -> None:
    h.name(qualname(type(x)))
    h.write(lp_str(pathlib.PurePath.__str__(x)))


def _enum(h: Hasher, x: enum.Enum) -> None:
    h.name(qualname(type(x)))
    attrs = instance_dict(x) or {}
    h.visit(attrs.get("_name_"))
    h.visit(attrs.get("_value_"))


def _range(h: Hasher, x: range) -> None:
    h.visit(x.start)
    h.visit(x.stop)
    h.visit(x.step)


def _deque(h: Hasher, x: collections.deque[Any]) -> None:
    h.visit(collections.deque.__dict__["maxlen"].__get__(x))
    seq(h, list(collections.deque.__iter__(x)))


def _ordered_dict(h: Hasher, x: collections.OrderedDict[Any, Any]) -> None:
    # OrderedDict equality is order-sensitive, so its hash is too.
    items = list(collections.OrderedDict.items(x))
    h.raw(pack_Q(len(items)))
    for key, value in items:
        if h.stopped:
            break
        h.visit(key)
        h.visit(value)


def _defaultdict(h: Hasher, x: collections.defaultdict[Any, Any]) -> None:
    h.visit(collections.defaultdict.__dict__["default_factory"].__get__(x))
    mapping(h, x)


def _array(h: Hasher, x: array.array[Any]) -> None:
    h.name(x.typecode)
    if sys.byteorder == "big":
        x = array.array(x.typecode, x)
        x.byteswap()
    h.write_buffer(memoryview(x).cast("B"))


def _memoryview(h: Hasher, x: memoryview) -> None:
    h.name(x.format)
    h.raw(pack_Q(x.itemsize) + b"".join(pack_Q(n) for n in x.shape or ()))
    if x.c_contiguous:
        h.write_buffer(x.cast("B"))
    elif not h.shallow:
        h.write_buffer(memoryview(x.tobytes()))


def _pattern(h: Hasher, x: re.Pattern[Any]) -> None:
    h.visit(x.pattern)
    h.raw(pack_q(x.flags))


def _random(h: Hasher, x: random.Random) -> None:
    """A generator by its state; the module's global one (behind ``random.random()``) by
    reference: its state is tracked once, on its own, as the session's RNG fingerprint."""
    if x is getattr(random, "_inst", None):
        h.name("random._inst")
        return
    h.name(qualname(type(x)))
    if inherits(type(x), random.SystemRandom):
        h.opaque(qualname(type(x)))  # the OS's entropy: no state to hash
        return
    h.visit(random.Random.getstate(x))
    instance_attrs(h, x)


def _slice(h: Hasher, x: slice) -> None:
    h.visit(x.start)
    h.visit(x.stop)
    h.visit(x.step)


SPECS: dict[type, Spec] = {
    dt.date: Spec(b"\x80", _date),
    dt.datetime: Spec(b"\x81", _datetime),
    dt.time: Spec(b"\x82", _time),
    dt.timedelta: Spec(b"\x83", _timedelta),
    dt.timezone: Spec(b"\x84", _timezone),
    decimal.Decimal: Spec(b"\x85", _decimal),
    fractions.Fraction: Spec(b"\x86", _fraction),
    uuid.UUID: Spec(b"\x87", _uuid),
    pathlib.PurePath: Spec(b"\x88", _path, subclasses=True),
    enum.Enum: Spec(b"\x89", _enum, FRAME, subclasses=True),
    range: Spec(b"\x8a", _range),
    slice: Spec(b"\x8b", _slice),
    collections.deque: Spec(b"\x8c", _deque, MUTABLE),
    collections.OrderedDict: Spec(b"\x8d", _ordered_dict, MUTABLE),
    collections.defaultdict: Spec(b"\x8e", _defaultdict, MUTABLE),
    array.array: Spec(b"\x8f", _array, MUTABLE),
    memoryview: Spec(b"\x90", _memoryview, MUTABLE, key=identity_key),
    re.Pattern: Spec(b"\x91", _pattern),
    random.Random: Spec(b"\x93", _random, MUTABLE, subclasses=True),
}


def zoneinfo_spec() -> dict[type, Spec]:
    """ZoneInfo by key, only once the kernel has imported zoneinfo itself."""
    zoneinfo = sys.modules.get("zoneinfo")
    if zoneinfo is None:
        return {}
    return {zoneinfo.ZoneInfo: Spec(b"\x92", _zoneinfo)}
