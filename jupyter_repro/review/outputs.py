"""Cell outputs reduced to what a reviewer cares about: normalised content and one-line summaries.

Usage::

    clean = normalise_outputs(cell["outputs"])      # for diffing: no counts, metadata, model ids
    [summarise(o) for o in clean]                   # ['stdout: "total 3" #5d41402a', ...]

Two runs that print or display the same things give equal normalised outputs, whatever their
execution counts, output metadata, widget model ids or the way a stream was chunked. A summary
ends with a short hash of the whole output, so any change to it changes the summary, even past
the first line that is shown.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

#: Preferred order when an output offers several representations: the one a person sees.
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")
TEXT_TYPES = ("text/markdown", "text/latex", "text/plain", "text/html", "application/json")
WIDGET_TYPE = "application/vnd.jupyter.widget-view+json"
SHOWN_CHARS = 60


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _clean_data(data: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for mime, value in sorted(data.items()):
        if mime == WIDGET_TYPE:
            clean[mime] = {}  # model ids are new on every run; the widget's state is not output
        elif mime.startswith("image/") and mime != "image/svg+xml":
            clean[mime] = "".join(_text(value).split())  # base64: line breaks are not content
        else:
            clean[mime] = value if isinstance(value, dict) else _text(value)
    return clean


def normalise_outputs(outputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Outputs stripped of run noise, with consecutive stream chunks of one stream merged."""
    clean: list[dict[str, Any]] = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            name, text = output.get("name", "stdout"), _text(output.get("text", ""))
            previous = clean[-1] if clean else None
            # How a stream is chunked depends on flush timing, not on what was printed.
            if previous and previous["output_type"] == "stream" and previous["name"] == name:
                previous["text"] += text
            else:
                clean.append({"output_type": "stream", "name": name, "text": text})
        elif kind == "error":
            clean.append(
                {
                    "output_type": "error",
                    "ename": output.get("ename", ""),
                    "evalue": output.get("evalue", ""),
                    "traceback": [],  # paths and ANSI codes; ename and evalue say what failed
                }
            )
        else:
            # execute_result and display_data alike: the prompt number is not what was shown.
            data = _clean_data(output.get("data", {}))
            clean.append({"output_type": "display_data", "data": data, "metadata": {}})
    return clean


def digest(output: dict[str, Any]) -> str:
    canonical = json.dumps(output, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:8]


def _first_line(text: str) -> str:
    lines = text.strip("\n").splitlines() or [""]
    shown = lines[0] if len(lines[0]) <= SHOWN_CHARS else lines[0][: SHOWN_CHARS - 1] + "…"
    more = f" (+{len(lines) - 1} lines)" if len(lines) > 1 else ""
    return json.dumps(shown, ensure_ascii=False) + more


def kind(output: dict[str, Any]) -> str:
    """What a normalised output is: ``stdout``, ``error``, ``image/png``, ``text/plain``..."""
    if output["output_type"] == "stream":
        return str(output["name"])
    if output["output_type"] == "error":
        return "error"
    data = output["data"]
    for mime in (*IMAGE_TYPES, WIDGET_TYPE, *TEXT_TYPES):
        if mime in data:
            return mime
    return next(iter(data), "empty")


def is_image(output: dict[str, Any]) -> bool:
    return kind(output) in IMAGE_TYPES


def summarise(output: dict[str, Any]) -> str:
    """One line for a normalised output, ending with a hash of all of it."""
    what = kind(output)
    if what == WIDGET_TYPE:
        return "widget"
    if output["output_type"] == "stream":
        body = _first_line(output["text"])
    elif output["output_type"] == "error":
        body = _first_line(f"{output['ename']}: {output['evalue']}")
    elif what in IMAGE_TYPES:
        body = "image"
    else:
        body = _first_line(_text(output["data"].get(what, "")))
    return f"{what}: {body} #{digest(output)}"
