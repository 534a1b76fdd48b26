"""`export/pipeline` with force answers 409, naming the file, when a file in the way is not ours."""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from .support import recorded_study

CELLS = [
    ("load", "text = open('input.txt').read()"),
    ("save", "open('words.txt', 'w').write(text.upper())"),
]


@pytest.fixture(scope="module")
def recorded_root(tmp_path_factory):
    return recorded_study(tmp_path_factory.mktemp("refusal"), CELLS)


@pytest.fixture
def jp_root_dir(recorded_root):
    return recorded_root


async def test_the_users_makefile_is_a_409_naming_it_and_is_kept(jp_fetch, jp_root_dir):
    pipeline = jp_root_dir / "study" / "pipeline"
    pipeline.mkdir()
    (pipeline / "Makefile").write_text("all:\n\techo mine\n")
    body = {"path": "study/analysis.ipynb", "to": "make", "force": True}

    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("jupyter-repro", "export", "pipeline", method="POST", body=json.dumps(body))

    message = json.loads(error.value.response.body)["message"]
    assert error.value.code == 409
    assert "study/pipeline/Makefile was not written by jupyter-repro" in message
    assert str(jp_root_dir) not in message
    assert sorted(p.name for p in pipeline.iterdir()) == ["Makefile"]
    assert (pipeline / "Makefile").read_text() == "all:\n\techo mine\n"
