"""Sees what each cell shows as ipykernel sends it, and keeps fingerprints of it per execution.

Usage, by the session recorder::

    capture = OutputCapture(shell)            # registers the hooks, if this is an ipykernel
    late = capture.settle()                   # pre_run_cell: the previous cell's late outputs
    key = capture.open(request_id)            # pre_run_cell: keep this request's outputs
    capture.flush_streams()                   # first thing in post_run_cell
    fingerprints = capture.close(key, error)  # last thing: every output, then the error
    capture.detach()

Hooks. ipykernel hands every outgoing message to the hooks registered on its display publisher
(``display_data`` and ``clear_output``), its displayhook (``execute_result``) and its output
streams (``stream``); a hook returns the message, and these return it untouched whatever
happens inside them: a failure is logged once, to the kernel's log (the server's console, never
the user's cell), and costs only that fingerprint. A cell that shows nothing calls no hook and
costs nothing here.

Threads. The publisher's and the displayhook's hooks are per thread: they are registered from
the thread that loads the extension, the one cells run in, so displays from other threads are
not seen. Stream messages are made on the IOPub thread when buffered text is flushed, so the
stream hook is registered there, through ``pub_thread.schedule``, and a lock guards what the
two threads share. ipykernel flushes the streams only after ``post_run_cell``, so when text is
still buffered ``flush_streams`` has the IOPub thread flush it and ``close`` waits for that. A
flush the IOPub thread had just begun by itself when the cell ended is not waited for (that
would cost every cell a round trip): its text still reaches the closed execution, and
``settle`` returns the execution's outputs again, for the recorder to rewrite.

Attribution. Every message carries the header of the request it answers; an output belongs to
the execution opened for that request's ``msg_id``. Outputs of other requests (silent ones, or
a thread printing after its cell was written and settled) are ignored. ``update_display_data``
is not a new output and is ignored. Plain IPython (no ipykernel) has none of these hooks: its
executions get their error fingerprint only. The order of the outputs is ``output_sequence``'s.
"""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import dataclass
from typing import Any

from ..store import OutputFingerprint
from .output_fingerprints import error_fingerprint
from .output_sequence import ShownOutputs

log = logging.getLogger("jupyter_repro.recorder")

#: How long ``close`` waits for the IOPub thread to flush the streams; ipykernel's own flush
#: waits 10 s, but a thread that stuck has bigger problems than a stream fingerprint.
FLUSH_TIMEOUT = 2.0
#: Requests left open (a post_run_cell that never came) are dropped past this many.
MAX_OPEN = 16


@dataclass
class _Closed:
    """An execution closed without a flush: a flush already under way may still bring text."""

    key: str
    cell: ShownOutputs
    error: str | None
    version: int


class OutputCapture:
    """The output hooks of one kernel and the fingerprints of the executions still open."""

    def __init__(self, shell: Any) -> None:
        self._cells: dict[str, ShownOutputs] = {}
        self._lock = threading.Lock()
        self._logged = False
        # The kernel's own log goes to the server's console; this module's logger, unconfigured
        # in a kernel, would print into the user's cell through sys.stderr.
        self._log = getattr(getattr(shell, "kernel", None), "log", None) or log
        self._flushed: threading.Event | None = None
        self._unsettled: _Closed | None = None
        self._display_pub = _hookable(getattr(shell, "display_pub", None))
        self._displayhook = _hookable(getattr(shell, "displayhook", None))
        self._streams = [s for s in (sys.stdout, sys.stderr) if _hookable(s) and _pub_thread(s)]
        if self._display_pub is not None:
            self._display_pub.register_hook(self._on_display)
        if self._displayhook is not None:
            self._displayhook.register_hook(self._on_display)
        for stream in self._streams:
            _pub_thread(stream).schedule(lambda s=stream: s.register_hook(self._on_stream))

    @property
    def hooked(self) -> bool:
        """Whether any hook is registered (False in plain IPython)."""
        return bool(self._display_pub or self._displayhook or self._streams)

    # -- one execution ---------------------------------------------------------------------
    def open(self, request_id: str | None) -> str | None:
        """Keep the outputs of this request from now on; returns the key for ``close``."""
        if request_id is None or not self.hooked:
            return None
        with self._lock:
            while len(self._cells) >= MAX_OPEN:
                self._cells.pop(next(iter(self._cells)))
            self._cells[request_id] = ShownOutputs()
        return request_id

    def flush_streams(self) -> None:
        """Have the IOPub thread flush text still buffered; ``close`` waits until it did.

        Most cells leave nothing buffered, and then nothing is asked of the IOPub thread (a
        round trip costs about 0.1 ms). ``_flush_pending`` is ipykernel's own "text waits"
        flag, read as a hint only: without it every cell flushes. A flush that the IOPub thread
        began by itself just before is not waited for; ``settle`` catches what it brings.
        """
        self._flushed = None
        if not any(getattr(stream, "_flush_pending", True) for stream in self._streams):
            return
        flushed = threading.Event()
        streams = list(self._streams)

        def flush_here() -> None:  # on the IOPub thread, flush() sends at once, hooks included
            try:
                for stream in streams:
                    stream.flush()
            finally:
                flushed.set()

        try:
            _pub_thread(streams[0]).schedule(flush_here)
        except Exception as error:  # noqa: BLE001 - a closed stream: no more stream output
            self._failed(error)
            return
        self._flushed = flushed

    def close(self, key: str | None, error: BaseException | None) -> tuple[OutputFingerprint, ...]:
        """Every output of the execution in order, its error last; stop keeping its outputs."""
        flushed, self._flushed = self._flushed, None
        settled = flushed is not None and flushed.wait(FLUSH_TIMEOUT)
        if flushed is not None and not settled:
            self._log.warning("jupyter-repro: the output streams did not flush in time")
        name = type(error).__name__ if error is not None else None
        with self._lock:
            cell = self._cells.pop(key, None) if key is not None else None
            if key is None or cell is None:
                return (error_fingerprint(0, name),) if name else ()
            if not settled and self._streams:
                self._unsettled = _Closed(key, cell, name, cell.version)
            return cell.fingerprints(name)

    def settle(self) -> tuple[OutputFingerprint, ...] | None:
        """The last closed execution's outputs again if more of them arrived after ``close``
        (a flush the IOPub thread was in the middle of), else None; then forget it.

        Call it before the next cell runs: by then ipykernel's own flush, at the end of the
        request, has let any such flush finish.
        """
        with self._lock:
            closed, self._unsettled = self._unsettled, None
            if closed is None or closed.cell.version == closed.version:
                return None
            return closed.cell.fingerprints(closed.error)

    def detach(self) -> None:
        """Unregister every hook (at unload); messages already in flight pass untouched."""
        if self._display_pub is not None:
            self._display_pub.unregister_hook(self._on_display)
        if self._displayhook is not None:
            self._displayhook.unregister_hook(self._on_display)
        for stream in self._streams:
            _pub_thread(stream).schedule(lambda s=stream: s.unregister_hook(self._on_stream))
        self._streams = []
        with self._lock:
            self._cells.clear()
            self._unsettled = None

    def _cell(self, msg: dict[str, Any]) -> ShownOutputs | None:
        """The outputs of the execution this message belongs to, if it is kept."""
        key = _request_id(msg)
        cell = self._cells.get(key)
        closed = self._unsettled  # read once: the kernel's thread may settle it meanwhile
        if cell is None and closed is not None and closed.key == key:
            return closed.cell
        return cell

    # -- hooks: always return the message ----------------------------------------------------
    def _on_display(self, msg: dict[str, Any]) -> dict[str, Any]:
        try:
            cell = self._cell(msg)
            kind = msg.get("msg_type")
            if cell is None or kind not in ("display_data", "execute_result", "clear_output"):
                return msg
            content = msg["content"]
            with self._lock:
                if kind == "clear_output":
                    cell.clear(bool(content.get("wait")))
                elif content.get("data"):  # an empty bundle shows nothing
                    cell.add_bundle(kind, content["data"])
        except Exception as error:  # noqa: BLE001 - never between the user and their output
            self._failed(error)
        return msg

    def _on_stream(self, msg: dict[str, Any]) -> dict[str, Any]:
        try:
            cell = self._cell(msg)
            if cell is not None:
                with self._lock:
                    cell.add_stream(msg["content"]["name"], msg["content"]["text"])
        except Exception as error:  # noqa: BLE001 - never between the user and their output
            self._failed(error)
        return msg

    def _failed(self, error: BaseException) -> None:
        # Logged, never printed: a line on the user's stderr would itself be an output.
        if not self._logged:
            self._logged = True
            self._log.warning("jupyter-repro: an output could not be fingerprinted", exc_info=error)
        else:
            self._log.debug("jupyter-repro: an output could not be fingerprinted", exc_info=error)


def _request_id(msg: dict[str, Any]) -> str:
    """The msg_id of the request a message answers ("" when it answers none)."""
    parent = msg.get("parent_header")
    return str(parent.get("msg_id") or "") if isinstance(parent, dict) else ""


def _hookable(target: Any) -> Any:
    """``target`` if it takes ipykernel's message hooks, else None."""
    has = callable(getattr(target, "register_hook", None))
    return target if has and callable(getattr(target, "unregister_hook", None)) else None


def _pub_thread(stream: Any) -> Any:
    thread = getattr(stream, "pub_thread", None)
    return thread if callable(getattr(thread, "schedule", None)) else None
