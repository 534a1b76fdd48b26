"""The server extension is loaded into a real jupyter-server and guards its routes."""

import json

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_repro._version import __version__


async def test_status_reports_version_and_root(jp_fetch, jp_root_dir):
    response = await jp_fetch("jupyter-repro", "status")

    assert response.code == 200
    payload = json.loads(response.body)
    assert payload["version"] == __version__
    assert payload["root_dir"] == str(jp_root_dir)


async def test_status_without_token_is_refused(jp_fetch):
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("jupyter-repro", "status", headers={"Authorization": ""})

    assert error.value.code == 403
