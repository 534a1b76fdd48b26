"""Handlers of the lineage reads: lineage pages, one execution, cell status, environment.

Each parses its arguments, runs one ``queries`` function in a worker thread, and answers JSON.
Routes and shapes: ``docs/rest-api.md``.
"""

from __future__ import annotations

from typing import Any, cast

import tornado
from jupyter_server.auth.decorator import authorized
from tornado.web import HTTPError

from ..cell_status import NotebookCell
from . import queries
from .base import ReproAPIHandler


class LineageHandler(ReproAPIHandler):
    """A page of a notebook's executions, newest (or oldest) first, optionally of one cell."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        notebook = self.notebook()
        order = self.get_query_argument("order", "desc")
        if order not in ("asc", "desc"):
            raise HTTPError(400, "%s", f"order must be asc or desc, not {order!r}")
        offset = self.int_argument("offset", 0)
        limit = min(
            self.int_argument("limit", self.repro.config.default_page_size, low=1),
            self.repro.config.max_page_size,
        )
        cell_id = self.get_query_argument("cell_id", None) or None
        page = await self.call(
            queries.lineage_page,
            notebook,
            self.label(notebook),
            cast(queries.Order, order),
            offset,
            limit,
            cell_id,
        )
        self.reply(page)


class ExecutionHandler(ReproAPIHandler):
    """One execution of the notebook, in detail."""

    @tornado.web.authenticated
    @authorized
    async def get(self, execution_id: str) -> None:
        notebook = self.notebook()
        number = self.number(execution_id, "The execution id")
        self.reply(await self.call(queries.execution_detail, notebook, number))


class CellsHandler(ReproAPIHandler):
    """Per-cell status: GET from the saved file, POST with the cells as the editor has them."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        notebook = self.notebook()
        self.reply(await self.call(queries.cells_status, notebook, self.label(notebook), None))

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.body()
        notebook = self.notebook(body.get("path"))
        cells = parse_cells(body.get("cells"))
        self.reply(await self.call(queries.cells_status, notebook, self.label(notebook), cells))


class EnvironmentHandler(ReproAPIHandler):
    """The environment a session of the notebook (default: the latest) last ran in."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        notebook = self.notebook()
        session = self.get_query_argument("session", None) or None
        self.reply(await self.call(queries.environment_of, notebook, session))


def parse_cells(value: Any) -> list[NotebookCell]:
    """``[{id, cell_type, source}]`` as JupyterLab's model gives them (source: str or lines)."""
    if not isinstance(value, list):
        raise HTTPError(400, "cells must be a list of {id, cell_type, source}")
    cells = []
    for cell in value:
        source = cell.get("source", "") if isinstance(cell, dict) else None
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)
        if not isinstance(source, str) or not isinstance(cell.get("cell_type"), str):
            raise HTTPError(400, "each cell needs a cell_type and a source")
        cell_id = cell.get("id")
        cells.append(
            NotebookCell(cell_id if isinstance(cell_id, str) else None, cell["cell_type"], source)
        )
    return cells
