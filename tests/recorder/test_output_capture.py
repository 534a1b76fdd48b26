"""OutputCapture and ShownOutputs without a kernel: attribution, ordering, flushing, failures.

The fakes have ipykernel's hook API (``register_hook``, ``pub_thread.schedule``,
``_flush_pending``); the real kernel is in ``test_kernel_outputs``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from jupyter_repro.recorder.output_capture import OutputCapture
from jupyter_repro.recorder.output_fingerprints import (
    StreamDigest,
    bundle_fingerprints,
    error_fingerprint,
)
from jupyter_repro.recorder.output_sequence import ShownOutputs

Hook = Callable[[dict[str, Any]], Any]


def stream_fp(index: int, name: str, text: str):
    digest = StreamDigest(name)
    digest.feed(text)
    return digest.fingerprint(index)


class PubThread:
    """Runs what is scheduled at once, as ipykernel's does when its thread is gone."""

    def __init__(self) -> None:
        self.scheduled = 0

    def schedule(self, f: Callable[[], Any]) -> None:
        self.scheduled += 1
        f()


class Hooked:
    def __init__(self) -> None:
        self.hooks: list[Hook] = []

    def register_hook(self, hook: Hook) -> None:
        self.hooks.append(hook)

    def unregister_hook(self, hook: Hook) -> bool:
        self.hooks.remove(hook)
        return True

    def send(self, msg: dict[str, Any]) -> dict[str, Any]:
        for hook in self.hooks:
            msg = hook(msg)
        return msg


class Stream(Hooked):
    def __init__(self, name: str, pub_thread: PubThread) -> None:
        super().__init__()
        self.name, self.pub_thread = name, pub_thread
        self.buffered: list[tuple[str, str]] = []
        self._flush_pending = False

    def write(self, text: str, request: str) -> None:
        self.buffered.append((request, text))
        self._flush_pending = True

    def flush(self) -> None:
        self._flush_pending = False
        buffered, self.buffered = self.buffered, []
        for request, text in buffered:
            self.send(message("stream", request, {"name": self.name, "text": text}))


class Shell:
    def __init__(self) -> None:
        self.display_pub, self.displayhook = Hooked(), Hooked()


def message(kind: str, request: str, content: dict[str, Any]) -> dict[str, Any]:
    return {"msg_type": kind, "parent_header": {"msg_id": request}, "content": content}


@pytest.fixture
def kernel(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[OutputCapture, Shell, Stream, Stream]]:
    thread = PubThread()
    out, err = Stream("stdout", thread), Stream("stderr", thread)
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    shell = Shell()
    capture = OutputCapture(shell)
    monkeypatch.undo()
    assert capture.hooked and out.hooks and err.hooks and shell.display_pub.hooks
    yield capture, shell, out, err


HTML = {"text/plain": "<IPython.core.display.HTML object>", "text/html": "<b>x</b>"}


def test_outputs_go_to_the_execution_of_their_request(kernel):
    capture, shell, out, _ = kernel
    first = capture.open("r1")
    out.write("one\n", "r1")
    out.write("someone else's\n", "r0")
    shell.display_pub.send(message("display_data", "r0", {"data": HTML}))
    out.flush()  # ipykernel flushes the streams before it sends a display
    shell.displayhook.send(message("execute_result", "r1", {"data": {"text/plain": "2"}}))
    capture.flush_streams()
    assert capture.close(first, None) == (
        stream_fp(0, "stdout", "one\n"),
        *bundle_fingerprints(1, "execute_result", {"text/plain": "2"}),
    )


def test_text_still_buffered_is_flushed_before_close(kernel):
    capture, _, out, err = kernel
    key = capture.open("r1")
    err.write("late\n", "r1")
    capture.flush_streams()
    assert out.pub_thread.scheduled > 0
    assert capture.close(key, ZeroDivisionError()) == (
        stream_fp(0, "stderr", "late\n"),
        error_fingerprint(1, "ZeroDivisionError"),
    )
    assert capture.settle() is None  # flushed and waited for: nothing can come late


def test_nothing_buffered_asks_nothing_of_the_iopub_thread(kernel):
    capture, _, out, _ = kernel
    before = out.pub_thread.scheduled
    key = capture.open("r1")
    capture.flush_streams()
    assert capture.close(key, None) == ()
    assert out.pub_thread.scheduled == before


def test_a_flush_under_way_at_close_is_settled_later(kernel):
    capture, _, out, _ = kernel
    key = capture.open("r1")
    out.write("first\n", "r1")
    out.flush()  # the timer's flush: done
    out.buffered.append(("r1", "in flight\n"))  # a flush begun, flag already cleared
    capture.flush_streams()
    assert capture.close(key, KeyError()) == (
        stream_fp(0, "stdout", "first\n"),
        error_fingerprint(1, "KeyError"),
    )
    out.flush()  # the IOPub thread finishes its flush after the execution was written
    assert capture.settle() == (
        stream_fp(0, "stdout", "first\nin flight\n"),
        error_fingerprint(1, "KeyError"),
    )
    assert capture.settle() is None
    out.write("after settling\n", "r1")
    out.flush()
    assert capture.settle() is None  # a closed, settled request keeps nothing


def test_hooks_return_the_message_even_when_they_fail(kernel):
    capture, shell, out, _ = kernel
    capture.open("r1")
    broken = {"msg_type": "display_data", "parent_header": {"msg_id": "r1"}}  # no content
    assert shell.display_pub.send(broken) is broken
    odd: dict[str, Any] = {"parent_header": None}
    assert shell.displayhook.send(odd) is odd
    bad_stream = message("stream", "r1", {"name": "stdout", "text": None})
    assert out.send(bad_stream) is bad_stream


def test_detach_unregisters_every_hook(kernel):
    capture, shell, out, err = kernel
    capture.detach()
    assert not (shell.display_pub.hooks or shell.displayhook.hooks or out.hooks or err.hooks)


def test_plain_ipython_has_no_hooks_and_records_errors_only(monkeypatch):
    monkeypatch.setattr(sys, "stdout", object())
    capture = OutputCapture(object())
    assert not capture.hooked and capture.open("r1") is None
    capture.flush_streams()
    assert capture.close(None, ValueError()) == (error_fingerprint(0, "ValueError"),)
    assert capture.close(None, None) == ()


class TestShownOutputs:
    def test_clear_output_forgets_what_was_shown(self) -> None:
        shown = ShownOutputs()
        shown.add_stream("stdout", "gone\n")
        shown.add_bundle("display_data", HTML)
        shown.clear(wait=False)
        shown.add_stream("stdout", "kept\n")
        assert shown.fingerprints() == (stream_fp(0, "stdout", "kept\n"),)

    def test_clear_output_with_wait_clears_at_the_next_output(self) -> None:
        shown = ShownOutputs()
        shown.add_bundle("display_data", HTML)
        shown.clear(wait=True)
        assert len(shown.fingerprints()) == 2  # nothing came after: still shown
        shown.add_bundle("display_data", {"text/plain": "frame 2"})
        assert shown.fingerprints() == tuple(
            bundle_fingerprints(0, "display_data", {"text/plain": "frame 2"})
        )

    def test_streams_first_seen_together_come_stdout_first(self) -> None:
        shown = ShownOutputs()
        shown.add_stream("stderr", "e\n")
        shown.add_stream("stdout", "o\n")
        shown.add_bundle("display_data", HTML)
        shown.add_stream("stderr", "more\n")
        assert shown.fingerprints() == (
            stream_fp(0, "stdout", "o\n"),
            stream_fp(1, "stderr", "e\nmore\n"),
            *bundle_fingerprints(2, "display_data", HTML),
        )

    def test_a_failed_output_keeps_its_position_and_records_nothing(self, monkeypatch) -> None:
        from jupyter_repro.recorder import output_fingerprints

        shown = ShownOutputs()
        shown.add_stream("stdout", "a\n")
        with monkeypatch.context() as patch:
            patch.setattr(output_fingerprints, "bundle_fingerprints", _boom)
            with pytest.raises(RuntimeError):
                shown.add_bundle("display_data", HTML)
        shown.add_bundle("execute_result", {"text/plain": "1"})
        assert shown.fingerprints("NameError") == (
            stream_fp(0, "stdout", "a\n"),
            *bundle_fingerprints(2, "execute_result", {"text/plain": "1"}),
            error_fingerprint(3, "NameError"),
        )

    def test_a_stream_that_failed_once_is_never_half_hashed(self) -> None:
        shown = ShownOutputs()
        shown.add_stream("stdout", "a\n")
        with pytest.raises(AttributeError):
            shown.add_stream("stdout", None)  # type: ignore[arg-type]
        shown.add_stream("stdout", "b\n")
        shown.add_stream("stderr", "c\n")
        assert shown.fingerprints() == (stream_fp(1, "stderr", "c\n"),)


def _boom(*args: object) -> None:
    raise RuntimeError("boom")
