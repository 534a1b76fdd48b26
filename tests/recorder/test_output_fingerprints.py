"""Output fingerprints: equal for identical runs, different for anything a person would see.

Matplotlib figures are rendered in separate processes, as two kernels would: each process salts
its SVG ids with a new uuid, and PDFs carry the time they were made.
"""

from __future__ import annotations

import base64
import datetime
import json
import subprocess
import sys
import textwrap

import pytest

from jupyter_repro.recorder.output_fingerprints import (
    MAX_CARRY,
    StreamDigest,
    bundle_fingerprints,
    digest,
    error_fingerprint,
)
from jupyter_repro.recorder.output_normalise import (
    ERROR_MIME,
    WIDGET_VIEW_MIME,
    content_parts,
    normalise_markup,
    normalise_svg,
    normalise_text,
    png_parts,
)


def fingerprint(mime: str, value: object) -> str:
    return bundle_fingerprints(0, "display_data", {mime: value})[0].hash


def render(fmt: str, code: str = "ax.plot([1, 3, 2], marker='o')", **savefig: object) -> str:
    """A matplotlib figure saved in a fresh process, base64 as a kernel sends binary data."""
    script = textwrap.dedent(
        f"""
        import base64, datetime, io, sys
        import matplotlib
        matplotlib.use("agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(3, 2))
        {code}
        buffer = io.BytesIO()
        fig.savefig(buffer, format={fmt!r}, **{savefig!r})
        sys.stdout.write(base64.b64encode(buffer.getvalue()).decode())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return done.stdout


def svg(code: str = "ax.plot([1, 3, 2], marker='o')") -> str:
    return base64.b64decode(render("svg", code)).decode()


class TestText:
    def test_object_addresses_are_blanked(self) -> None:
        a = "<object object at 0x7f3a5c1d2e30>\n<function f at 0x7f3a5c1d9ab0>"
        b = "<object object at 0x7fe0012345f0>\n<function f at 0x7fe001234b70>"
        assert normalise_text(a) == normalise_text(b) == "<object object at 0x>\n<function f at 0x>"
        assert fingerprint("text/plain", a) == fingerprint("text/plain", b)

    def test_other_hex_numbers_are_content(self) -> None:
        assert normalise_text("mask 0x7f3a5c1d2e30") == "mask 0x7f3a5c1d2e30"
        assert fingerprint("text/plain", "value 0xff") != fingerprint("text/plain", "value 0xfe")

    def test_text_differences_show(self) -> None:
        assert fingerprint("text/html", "<b>1</b>") != fingerprint("text/html", "<b>2</b>")

    def test_size_is_utf8_bytes_as_sent_before_normalising(self) -> None:
        [found] = bundle_fingerprints(3, "execute_result", {"text/plain": "é at 0x7f3a5c1d2e30"})
        assert (found.index, found.output_type, found.mime, found.name) == (
            3,
            "execute_result",
            "text/plain",
            None,
        )
        assert found.size == len("é at 0x7f3a5c1d2e30".encode())
        assert found.hash == digest(["é at 0x".encode()])
        assert found.hash.startswith("xxh3:") and len(found.hash) == 5 + 32

    def test_a_bundle_gives_one_fingerprint_per_mime_type_in_the_order_sent(self) -> None:
        data = {"text/plain": "<IPython.core.display.HTML object>", "text/html": "<b>x</b>"}
        found = bundle_fingerprints(1, "display_data", data)
        assert [(f.index, f.mime) for f in found] == [(1, "text/plain"), (1, "text/html")]

    def test_nbformat_multiline_strings_hash_like_the_joined_text(self) -> None:
        assert content_parts("text/plain", ["a\n", "b"]) == content_parts("text/plain", "a\nb")


class TestMarkup:
    def test_generated_uuids_are_renumbered_by_first_appearance(self) -> None:
        plotly = '<div id="{0}"></div><script>draw("{0}")</script>'
        a = plotly.format("0b2f6d3c-1a2b-4c3d-8e9f-001122334455")
        b = plotly.format("9e8d7c6b-5a4f-4e3d-9c2b-aabbccddeeff")
        assert normalise_markup(a) == normalise_markup(b)
        assert "~1" in normalise_markup(a)

    def test_renumbering_keeps_which_ids_are_the_same(self) -> None:
        one = "11111111-1111-4111-8111-111111111111"
        two = "22222222-2222-4222-8222-222222222222"
        same = f'<a id="{one}"></a><b href="#{one}"></b>'
        different = f'<a id="{one}"></a><b href="#{two}"></b>'
        assert fingerprint("text/html", same) != fingerprint("text/html", different)

    def test_pandas_styler_ids_are_renumbered(self) -> None:
        pd = pytest.importorskip("pandas")
        frame = pd.DataFrame({"a": [1, 2]})
        a = frame.style.highlight_max().to_html()
        b = frame.style.highlight_max().to_html()
        assert a != b  # a random uuid per Styler
        assert fingerprint("text/html", a) == fingerprint("text/html", b)
        c = pd.DataFrame({"a": [1, 3]}).style.highlight_max().to_html()
        assert fingerprint("text/html", a) != fingerprint("text/html", c)


class TestWidgets:
    def test_model_ids_are_dropped(self) -> None:
        a = {"model_id": "a" * 32, "version_major": 2, "version_minor": 0}
        b = {"version_major": 2, "version_minor": 0, "model_id": "b" * 32}
        assert fingerprint(WIDGET_VIEW_MIME, a) == fingerprint(WIDGET_VIEW_MIME, b)
        assert fingerprint(WIDGET_VIEW_MIME, a) != fingerprint(WIDGET_VIEW_MIME, {**a, "x": 1})

    def test_a_widget_view_is_sized_as_sent_with_its_model_id(self) -> None:
        view = {"model_id": "a" * 32, "version_major": 2}
        size, parts = content_parts(WIDGET_VIEW_MIME, view)
        assert size == len(json.dumps(view, separators=(",", ":")))
        assert parts == [b'{"version_major":2}']

    def test_a_json_list_of_strings_is_json_not_lines(self) -> None:
        assert content_parts("application/json", ["a", "b"]) == (9, [b'["a","b"]'])
        assert fingerprint("application/json", ["ab"]) != fingerprint(
            "application/json", ["a", "b"]
        )

    def test_json_is_hashed_with_sorted_keys_and_sized_compact(self) -> None:
        size, _ = content_parts("application/json", {"b": 1, "a": [1, 2]})
        assert size == len('{"a":[1,2],"b":1}')
        a = fingerprint("application/json", {"b": 1, "a": 2})
        assert a == fingerprint("application/json", {"a": 2, "b": 1})
        assert a != fingerprint("application/json", {"a": 2, "b": 2})


class TestMatplotlib:
    @pytest.fixture(autouse=True)
    def _matplotlib(self) -> None:
        pytest.importorskip("matplotlib")

    def test_svg_from_two_processes_fingerprints_equal(self) -> None:
        a, b = svg(), svg()
        assert a != b  # dates and salted ids
        assert normalise_svg(a) == normalise_svg(b)
        assert fingerprint("image/svg+xml", a) == fingerprint("image/svg+xml", b)
        assert "<metadata" not in normalise_svg(a) and "~1" in normalise_svg(a)

    def test_svg_of_another_plot_differs(self) -> None:
        other = svg("ax.plot([1, 3, 2.5], marker='o')")
        assert fingerprint("image/svg+xml", svg()) != fingerprint("image/svg+xml", other)

    def test_svg_with_an_image_from_two_processes_fingerprints_equal(self) -> None:
        code = "ax.imshow([[1, 2], [3, 4]])"
        assert fingerprint("image/svg+xml", svg(code)) == fingerprint("image/svg+xml", svg(code))

    def test_png_text_chunks_are_not_content(self) -> None:
        a = render("png")
        b = render("png", metadata={"Software": "another build", "Title": "a title"})
        assert a != b
        assert fingerprint("image/png", a) == fingerprint("image/png", b)
        assert fingerprint("image/png", a) != fingerprint(
            "image/png", render("png", "ax.plot([1, 3, 2.5], marker='o')")
        )

    def test_png_is_sized_as_sent_and_hashed_as_its_kept_chunks(self) -> None:
        sent = render("png")
        raw = base64.b64decode(sent)
        [found] = bundle_fingerprints(0, "display_data", {"image/png": sent})
        assert found.size == len(sent)
        kept = b"".join(bytes(part) for part in png_parts(raw))
        assert b"tEXt" in raw and b"tEXt" not in kept and kept.startswith(raw[:16])
        assert found.hash == digest([kept])

    def test_a_damaged_png_is_hashed_whole(self) -> None:
        raw = base64.b64decode(render("png"))[:-7]
        assert [bytes(p) for p in png_parts(raw)] == [raw]

    def test_pdf_dates_and_producer_are_not_content(self) -> None:
        b = render("pdf")
        c = render("pdf", metadata={"CreationDate": datetime.datetime(2020, 1, 2, 3, 4, 5)})
        assert b != c
        assert fingerprint("application/pdf", b) == fingerprint("application/pdf", c)
        other = render("pdf", "ax.plot([1, 3, 2.5], marker='o')")
        assert fingerprint("application/pdf", b) != fingerprint("application/pdf", other)


class TestStreams:
    def test_how_a_stream_is_chunked_does_not_matter(self) -> None:
        text = "line one\n<object object at 0x7f3a5c1d2e30>\nno newline at the end"
        whole = StreamDigest("stdout")
        whole.feed(text)
        for cut in range(len(text)):
            parts = StreamDigest("stdout")
            parts.feed(text[:cut])
            parts.feed(text[cut:])
            assert parts.fingerprint(0) == whole.fingerprint(0), cut
        expected = digest([normalise_text(text).encode()])
        assert whole.fingerprint(2).hash == expected

    def test_a_stream_fingerprint_names_its_stream_and_counts_utf8_bytes(self) -> None:
        stream = StreamDigest("stderr")
        stream.feed("héllo\n")
        found = stream.fingerprint(4)
        assert (found.index, found.output_type, found.mime, found.name) == (
            4,
            "stream",
            "text/plain",
            "stderr",
        )
        assert found.size == len("héllo\n".encode())

    def test_fingerprinting_does_not_end_the_stream(self) -> None:
        stream = StreamDigest("stdout")
        stream.feed("a")
        first = stream.fingerprint(0)
        stream.feed("b\n")
        again = StreamDigest("stdout")
        again.feed("ab\n")
        assert stream.fingerprint(0) == again.fingerprint(0) != first

    def test_text_without_newlines_keeps_memory_bounded(self) -> None:
        stream = StreamDigest("stdout")
        for _ in range(10):
            stream.feed("x" * (MAX_CARRY // 3))
        assert len(stream._carry) < MAX_CARRY
        assert stream.size == 10 * (MAX_CARRY // 3)


def test_an_error_is_fingerprinted_by_its_name_only() -> None:
    found = error_fingerprint(2, "ZeroDivisionError")
    assert (found.index, found.output_type, found.mime) == (2, "error", ERROR_MIME)
    assert found.size == len("ZeroDivisionError")
    assert found.hash == digest([b"ZeroDivisionError"])
    assert found.hash != error_fingerprint(2, "ValueError").hash


def test_fingerprints_never_hold_the_output() -> None:
    secret = "a secret value 1234567890"
    found = bundle_fingerprints(0, "display_data", {"text/plain": secret, "application/json": {}})
    assert secret not in json.dumps([f.__dict__ for f in found])
