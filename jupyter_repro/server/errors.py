"""How library errors become HTTP answers: one table, so every handler says the same thing.

Handlers run library calls through ``ReproAPIHandler.call``, which maps what they raise::

    raise NotFound("No saved version of analysis.ipynb yet: save it first")   # -> 404

Every message is a sentence a person can act on; it goes to the client as ``message``.
"""

from __future__ import annotations

from tornado.web import HTTPError

from ..common.errors import ExportError
from ..common.notebook_file import NotebookUnreadable
from ..common.slicing import UnknownTarget
from ..project_settings import SettingsError
from ..store import SchemaTooNew, StoreUnavailable
from ..verify.verification import VerifyInputError


class NotFound(LookupError):
    """Something the request names does not exist (404)."""


class BadRequest(ValueError):
    """The request itself is wrong (400)."""


class Conflict(RuntimeError):
    """The request would overwrite something; it may be repeated with ``force`` (409)."""


class Busy(RuntimeError):
    """Too much is running already; the request may be repeated later (429)."""


#: (exception class, status), first match wins. StoreUnavailable here is a store that exists
#: but cannot be used (damaged, locked, unwritable): a missing one is an empty lineage. A store
#: a newer jupyter-repro wrote is a conflict (409) whatever call met it, even wrapped in another
#: library error (verify's input errors): ``as_http_error`` looks along the cause chain for it.
_STATUS: tuple[tuple[type[BaseException], int], ...] = (
    (SchemaTooNew, 409),
    (NotFound, 404),
    (BadRequest, 400),
    (Conflict, 409),
    (Busy, 429),
    (NotebookUnreadable, 400),
    (ExportError, 400),
    (UnknownTarget, 400),
    (VerifyInputError, 400),
    (SettingsError, 400),
    (StoreUnavailable, 503),
)


def as_http_error(error: BaseException) -> HTTPError | None:
    """The HTTP answer for a library error, or None for a bug (which stays a 500)."""
    newer = _cause(error, SchemaTooNew)
    if newer is not None:
        error = newer
    for kind, status in _STATUS:
        if isinstance(error, kind):
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            # As an argument, not the format: a file name may hold a %.
            return HTTPError(status, "%s", message)
    return None


def _cause(error: BaseException, kind: type[BaseException]) -> BaseException | None:
    """The first exception of ``kind`` among ``error`` and its causes."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
