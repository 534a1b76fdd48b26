"""Every route refuses a request without credentials, and a cookie-authenticated POST needs the
XSRF token, as jupyter-server requires of the frontend."""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_repro.server.routes import ROUTES

from .support import write_notebook

SAMPLE_ARGUMENTS = {
    r"executions/(\d+)": "executions/1",
    r"verify/([0-9a-f]{32})": "verify/" + "0" * 32,
}
VERBS = ("get", "post", "put")
CALLS = [
    (SAMPLE_ARGUMENTS.get(route, route), verb.upper())
    for route, handler in ROUTES
    for verb in VERBS
    if verb in vars(handler)
]


def test_every_route_and_verb_is_checked():
    routes = {route for route, _ in CALLS}
    assert len(routes) == len(ROUTES) and {"POST", "PUT", "GET"} <= {verb for _, verb in CALLS}


@pytest.mark.parametrize(("route", "verb"), CALLS)
async def test_request_without_token_is_refused(jp_fetch, jp_root_dir, route, verb):
    write_notebook(jp_root_dir / "a.ipynb", [("c1", "x = 1")])
    body = json.dumps({"path": "a.ipynb"}) if verb != "GET" else None

    with pytest.raises(HTTPClientError) as error:
        await jp_fetch(
            "jupyter-repro",
            route,
            method=verb,
            body=body,
            params={"path": "a.ipynb"},
            headers={"Authorization": ""},
        )

    assert error.value.code == 403


async def test_cookie_authenticated_post_without_xsrf_token_is_refused(jp_fetch, jp_root_dir):
    write_notebook(jp_root_dir / "a.ipynb", [("c1", "x = 1")])
    # A token request sets the login cookie, as the browser's first visit does.
    login = await jp_fetch("jupyter-repro", "status")
    cookies = "; ".join(c.split(";")[0] for c in login.headers.get_list("Set-Cookie"))
    body = json.dumps({"path": "a.ipynb", "skip": ["model"]})
    by_cookie = {"Authorization": "", "Cookie": cookies}

    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("jupyter-repro", "settings", method="PUT", body=body, headers=by_cookie)

    assert error.value.code == 403
    assert not (jp_root_dir / ".repro" / "settings.json").exists()
    with_xsrf = {**by_cookie, "Cookie": cookies + "; _xsrf=abc", "X-XSRFToken": "abc"}
    accepted = await jp_fetch(
        "jupyter-repro", "settings", method="PUT", body=body, headers=with_xsrf
    )
    assert accepted.code == 200
