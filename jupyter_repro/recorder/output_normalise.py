"""What varies between two identical runs of a cell's output, taken out before it is hashed.

Pure functions over one MIME value as a kernel sends it (a ``str``, base64 for binary types, or
JSON data); no kernel, no xxhash. ``content_parts`` is the one entry point::

    size, parts = content_parts("text/plain", "<object object at 0x7f3a5c1d2e30>")
    size   # 33: bytes of the value as sent
    parts  # [b"<object object at 0x>"]: hash these, in order

The rules (bump ``OUTPUT_SCHEME`` whenever one changes, so old and new fingerprints are never
compared as if they were made alike):

* every text (streams, ``text/*``, SVG, JavaScript, JSON): object addresses ``at 0x7f...``
  become ``at 0x``, as in ``<object object at 0x...>`` or ``<function f at 0x...>``;
* SVG: the ``<metadata>`` element (matplotlib writes its version and a timestamp there) is
  dropped, and ids made of letters then 10 hex digits (matplotlib's ``m``/``p``/``image`` ids,
  salted with a random uuid in every process) are renumbered in order of first appearance;
* HTML and JavaScript: uuids (plotly's and bokeh's div ids) and pandas Styler's ``T_xxxxx`` ids
  are renumbered in order of first appearance;
* PNG: the text chunks (``tEXt``, ``zTXt``, ``iTXt``: matplotlib's "Software") and ``tIME`` are
  dropped; the pixels and every other chunk are hashed as sent;
* PDF: the values of ``/CreationDate``, ``/ModDate``, ``/Creator``, ``/Producer`` and the
  trailer's ``/ID`` are blanked;
* widget views: the ``model_id`` (new for every widget object) is dropped;
* JSON values are hashed as compact JSON with sorted keys; other base64 types (JPEG, GIF...) as
  their decoded bytes.

Renumbering keeps the structure: two SVGs that reference their ids differently still differ.
"""

from __future__ import annotations

import binascii
import json
import re
import struct
import sys
from collections.abc import Callable, Sequence
from typing import Any

#: Version of the rules above; recorded with every environment beside the value hash scheme.
OUTPUT_SCHEME = 1

ERROR_MIME = "application/vnd.jupyter.error"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"

_ADDRESS = re.compile(r"(?<=\bat )0x[0-9a-fA-F]+")
_SVG_METADATA = re.compile(r"<metadata\b.*?</metadata>\s*", re.DOTALL)
_SVG_ID = re.compile(r'\bid="([A-Za-z]+[0-9a-f]{10})"')
_SVG_ID_TOKEN = re.compile(r"\b[A-Za-z]+[0-9a-f]{10}\b")
_UUID = re.compile(
    r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
)
_STYLER_ID = re.compile(r"\bT_[0-9a-f]{5}(?![0-9a-zA-Z])")
_PDF_META = re.compile(rb"/(CreationDate|ModDate|Creator|Producer)\s*\((?:[^()\\]|\\.)*\)")
_PDF_ID = re.compile(rb"/ID\s*\[\s*<[0-9A-Fa-f]*>\s*<[0-9A-Fa-f]*>\s*\]")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_DROPPED = frozenset({b"tEXt", b"zTXt", b"iTXt", b"tIME"})
_CHUNK_HEAD = struct.Struct(">I4s")
_STRICT: dict[str, bool] = {"strict_mode": True} if sys.version_info >= (3, 11) else {}


def is_binary(mime: str) -> bool:
    """Whether a kernel sends this type base64-encoded (every image but SVG, and PDF)."""
    return (mime.startswith("image/") and mime != "image/svg+xml") or mime == "application/pdf"


def normalise_text(text: str) -> str:
    """Any text with object addresses blanked."""
    return _ADDRESS.sub("0x", text) if "at 0x" in text else text


def _renumber(text: str, pattern: re.Pattern[str], keep: Callable[[str], bool]) -> str:
    """Every match of ``pattern`` that ``keep`` accepts becomes ``~1``, ``~2``... by appearance."""
    numbers: dict[str, str] = {}

    def number(match: re.Match[str]) -> str:
        token = match.group(0)
        if not keep(token):
            return token
        return numbers.setdefault(token, f"~{len(numbers) + 1}")

    return pattern.sub(number, text)


def normalise_svg(text: str) -> str:
    """SVG without its metadata element, with addresses blanked and salted ids renumbered."""
    text = _SVG_METADATA.sub("", normalise_text(text), count=1)
    ids = set(_SVG_ID.findall(text))
    return _renumber(text, _SVG_ID_TOKEN, ids.__contains__) if ids else text


def normalise_markup(text: str) -> str:
    """HTML or JavaScript with addresses blanked and generated element ids renumbered."""
    text = normalise_text(text)
    if "-" in text:
        text = _renumber(text, _UUID, lambda _: True)
    if "T_" in text:
        text = _renumber(text, _STYLER_ID, lambda _: True)
    return text


def png_parts(data: bytes) -> list[memoryview]:
    """The parts of a PNG to hash: signature and chunks, without text and time chunks.

    Kept chunks are hashed as they are (length, type, data, CRC), so dropping one cannot make
    two different images alike. A damaged PNG is hashed whole: it is still what was sent.
    """
    view = memoryview(data)
    if not data.startswith(_PNG_SIGNATURE):
        return [view]
    runs, pos, end = [[0, len(_PNG_SIGNATURE)]], len(_PNG_SIGNATURE), len(data)
    while pos < end:
        if pos + 12 > end:
            return [view]
        length, kind = _CHUNK_HEAD.unpack_from(data, pos)
        stop = pos + 12 + length
        if stop > end:
            return [view]
        if kind not in _PNG_DROPPED:
            if runs[-1][1] == pos:
                runs[-1][1] = stop  # one slice for each run of kept chunks
            else:
                runs.append([pos, stop])
        pos = stop
    return [view[start:stop] for start, stop in runs]


def normalise_pdf(data: bytes) -> bytes:
    """PDF bytes with the dates, producer and file ids of its metadata blanked."""
    data = _PDF_META.sub(rb"/\1 ()", data)
    return _PDF_ID.sub(b"/ID []", data)


def _json(value: Any) -> str:
    # Sorted keys: the same data hashes alike whatever order the kernel's dict had.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _widget_view(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k != "model_id"}
    return value


def text_size(text: str) -> int:
    """Bytes of ``text`` in UTF-8; O(1) for ASCII (base64, most text) as CPython knows it."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def utf8(text: str) -> bytes:
    """UTF-8 that never raises: lone surrogates are kept as they are."""
    return text.encode("utf-8", "surrogatepass")


def _decode_base64(text: str) -> bytes:
    """Base64 as kernels send it; decoding dominates an image's cost (about 3.5 us per KB)."""
    if _STRICT:
        try:
            return binascii.a2b_base64(text, **_STRICT)  # 15% faster: no line breaks to skip
        except (binascii.Error, ValueError):
            pass  # line breaks (nbformat) or damage: the lenient decoder decides
    return binascii.a2b_base64(text)


def content_parts(mime: str, value: Any) -> tuple[int, Sequence[bytes | memoryview]]:
    """The size of ``value`` as sent and the normalised bytes to hash, in order."""
    json_type = mime == "application/json" or mime.endswith("+json")
    if not json_type and isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = "".join(value)  # nbformat's multi-line strings
    if not isinstance(value, str):
        size = text_size(_json(value))
        if mime == WIDGET_VIEW_MIME:
            value = _widget_view(value)
        return size, [utf8(normalise_text(_json(value)))]
    size = text_size(value)
    if is_binary(mime):
        try:
            data = _decode_base64(value)
        except (binascii.Error, ValueError):
            return size, [utf8(value)]
        if mime == "image/png":
            return size, png_parts(data)
        if mime == "application/pdf":
            return size, [normalise_pdf(data)]
        return size, [data]
    if mime == "image/svg+xml":
        return size, [utf8(normalise_svg(value))]
    if mime in ("text/html", "application/javascript", "text/javascript"):
        return size, [utf8(normalise_markup(value))]
    return size, [utf8(normalise_text(value))]
