"""Every handler the extension registers checks both who is asking and what they may do.

The handlers are taken from the running server's route table (not from ``routes.ROUTES``), so a
handler added any other way is checked too. The server runs with jupyter-server's default
``allow_unauthenticated_access=True``: jupyter-server then lets an anonymous request reach the
handler, and only the handler's ``@tornado.web.authenticated`` refuses it; an authorizer denies
the ``repro`` resource, so only the handler's ``@authorized`` refuses a known user. A route that
loses either decorator fails here (``test_auth`` covers the stricter setting this project uses).
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest
from jupyter_server.auth import Authorizer
from jupyter_server.auth.decorator import HTTP_METHOD_TO_AUTH_ACTION
from jupyter_server.base.handlers import APIHandler
from tornado.routing import PathMatches

from jupyter_repro.server.base import AUTH_RESOURCE
from jupyter_repro.server.routes import NAMESPACE, ROUTES

from .support import write_notebook

VERBS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
#: A value for each kind of path argument a route takes; a new kind must be added here.
SAMPLES = ("1", "0" * 32)


class DenyRepro(Authorizer):
    """Allows everything but the extension's resource."""

    def is_authorized(self, handler, user, action, resource):
        return resource != AUTH_RESOURCE


@pytest.fixture
def jp_server_config(jp_server_config):
    """jupyter-server's default for anonymous requests, and the authorizer above."""
    app = {**jp_server_config["ServerApp"], "allow_unauthenticated_access": True}
    return {**jp_server_config, "ServerApp": {**app, "authorizer_class": DenyRepro}}


def registered(web_app):
    """(matcher, handler class) of every rule in the application whose handler is ours or whose
    path is under the extension's namespace."""
    found, routers = [], [web_app.wildcard_router, web_app.default_router]
    while routers:
        for rule in routers.pop().rules:
            if hasattr(rule.target, "rules"):
                routers.append(rule.target)
                continue
            target, matcher = rule.target, rule.matcher
            ours = isinstance(target, type) and target.__module__.startswith("jupyter_repro")
            pattern = getattr(getattr(matcher, "regex", None), "pattern", "")
            if ours or f"/{NAMESPACE}/" in pattern:
                found.append((matcher, target))
    return found


def sample_path(matcher):
    """A path the rule matches, each argument filled with the first sample its group takes."""
    assert isinstance(matcher, PathMatches), matcher
    pattern = matcher.regex.pattern

    def sample(group: re.Match[str]) -> str:
        fits = [s for s in SAMPLES if re.fullmatch(group[1], s)]
        assert fits, f"no sample for the argument {group[0]} of {pattern}"
        return fits[0]

    path = re.sub(r"\(([^()]*)\)", sample, pattern).removesuffix("$")
    assert matcher.regex.fullmatch(path), pattern
    return path


def calls(web_app):
    """(path, verb) for every verb every registered handler implements itself."""
    return [
        (sample_path(matcher), verb)
        for matcher, handler in registered(web_app)
        for verb in VERBS
        if getattr(handler, verb.lower()) is not getattr(APIHandler, verb.lower())
    ]


async def send(http_server_client, path, verb, headers):
    body = json.dumps({"path": "a.ipynb"}) if verb in ("POST", "PUT", "PATCH") else None
    response = await http_server_client.fetch(
        f"{path}?{urlencode({'path': 'a.ipynb'})}",
        method=verb,
        body=body,
        headers=headers,
        raise_error=False,
        follow_redirects=False,
    )
    message = json.loads(response.body or b"{}").get("message") if response.body else None
    return response.code, message


def test_the_route_table_is_what_the_server_registered(jp_serverapp):
    handlers = {handler for _, handler in registered(jp_serverapp.web_app)}

    assert handlers == {handler for _, handler in ROUTES}
    assert {verb for _, verb in calls(jp_serverapp.web_app)} == {"GET", "POST", "PUT"}


async def test_an_anonymous_request_is_refused_by_every_handler(
    jp_serverapp, http_server_client, jp_root_dir
):
    write_notebook(jp_root_dir / "a.ipynb", [("c1", "x = 1")])
    # A matching XSRF cookie and header: the request reaches the handler's own checks.
    anonymous = {"Authorization": "", "Cookie": "_xsrf=abc", "X-XSRFToken": "abc"}

    answers = {
        (path, verb): await send(http_server_client, path, verb, anonymous)
        for path, verb in calls(jp_serverapp.web_app)
    }

    # Refused as unknown (tornado's authenticated: a bare 403), not as unauthorized.
    assert {call: answer for call, answer in answers.items() if answer != (403, "Forbidden")} == {}
    assert not (jp_root_dir / ".repro").exists()


async def test_a_user_the_authorizer_denies_is_refused_by_every_handler(
    jp_serverapp, http_server_client, jp_auth_header, jp_fetch, jp_root_dir
):
    write_notebook(jp_root_dir / "a.ipynb", [("c1", "x = 1")])
    assert (await jp_fetch("api", "status")).code == 200  # the token is good elsewhere

    answers = {
        (path, verb): await send(http_server_client, path, verb, jp_auth_header)
        for path, verb in calls(jp_serverapp.web_app)
    }

    def denied(verb):
        action = HTTP_METHOD_TO_AUTH_ACTION[verb]
        return (403, f"User is not authorized to {action} on resource: {AUTH_RESOURCE}.")

    assert {call: answer for call, answer in answers.items() if answer != denied(call[1])} == {}
    assert not (jp_root_dir / ".repro").exists()
