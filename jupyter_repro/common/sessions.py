"""Which recorded session an export reads: the one named, else the notebook's latest.

Usage::

    session = choose_session(store, notebook.resolve(), session_id=None)  # or ExportError
"""

from __future__ import annotations

from pathlib import Path

from ..store import LineageStore, Session
from .errors import ExportError


def choose_session(store: LineageStore, notebook: Path, session_id: str | None) -> Session:
    """The session ``session_id`` (which must exist), else the latest one of ``notebook``."""
    if session_id:
        session = store.session(session_id)
        if session is None:
            raise ExportError(f"Unknown session: {session_id}")
        return session
    session = store.latest_session(str(notebook))
    if session is None:
        raise ExportError(f"No recorded session for {notebook}: run it in the repro kernel first")
    return session
