"""Every file the server writes is checked before it is written: a target, or a folder on the way
to it, that resolves outside the root (a symlink) is refused with 403, and nothing is written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from tornado.httpclient import HTTPClientError

from .support import payload, record, write_notebook

CELLS = [
    ("load", "text = open('input.txt').read()"),
    ("save", "open('words.txt', 'w').write(text.upper())"),
    ("count", "n = len(open('words.txt').read())"),
]


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (symlinks not followed), with its content."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


async def refused(jp_fetch, route, method="POST", **body):
    with pytest.raises(HTTPClientError) as error:
        await jp_fetch("jupyter-repro", *route.split("/"), method=method, body=json.dumps(body))
    return error.value.code, json.loads(error.value.response.body)["message"]


async def save(jp_fetch, path, source):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source, id="c1")]
    model = {"type": "notebook", "format": "json", "content": nb}
    return await jp_fetch("api", "contents", path, method="PUT", body=json.dumps(model))


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """A server root with study/analysis.ipynb recorded once (a real kernel), and a folder
    outside the root."""
    base = tmp_path_factory.mktemp("confinement")
    root, outside = base / "root", base / "outside"
    (root / "study").mkdir(parents=True)
    outside.mkdir()
    (root / "study" / "input.txt").write_text("some words")
    record(write_notebook(root / "study" / "analysis.ipynb", CELLS), CELLS)
    return root, outside


@pytest.fixture
def jp_root_dir(recorded):
    return recorded[0]


@pytest.fixture
def outside(recorded):
    """The folder outside the root, emptied after each test (the pipeline folder removed)."""
    root, folder = recorded
    yield folder
    remove(root / "study" / "pipeline")
    remove(folder)
    folder.mkdir()


def remove(path: Path) -> None:
    if path.is_symlink():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


async def test_pipeline_with_force_never_writes_or_deletes_through_a_stages_symlink(
    jp_fetch, jp_root_dir, outside
):
    stages = outside / "stages"
    stages.mkdir()
    # A stale stage script of ours (force removes those) and the user's own file, out there.
    (stages / "09_old.py").write_text("# written by jupyter_repro\nprint('old')\n")
    (stages / "notes.txt").write_text("mine")
    pipeline = jp_root_dir / "study" / "pipeline"
    pipeline.mkdir()
    (pipeline / "stages").symlink_to(stages, target_is_directory=True)
    before = tree(outside)

    code, message = await refused(
        jp_fetch, "export/pipeline", path="study/analysis.ipynb", to="make", force=True
    )

    assert code == 403
    assert "study/pipeline/stages" in message and "outside the server root" in message
    assert tree(outside) == before
    assert sorted(p.name for p in pipeline.iterdir()) == ["stages"]  # nothing written here either


async def test_pipeline_folder_symlinked_outside_is_refused_before_anything(
    jp_fetch, jp_root_dir, outside
):
    (jp_root_dir / "study" / "pipeline").symlink_to(outside, target_is_directory=True)

    code, message = await refused(
        jp_fetch, "export/pipeline", path="study/analysis.ipynb", to="dvc", force=True
    )

    assert code == 403 and "study/pipeline resolves outside the server root" in message
    assert tree(outside) == {}


async def test_pipeline_through_a_symlink_inside_the_root_is_written(
    jp_fetch, jp_root_dir, outside
):
    inside = jp_root_dir / "study" / "elsewhere"
    inside.mkdir(exist_ok=True)
    (jp_root_dir / "study" / "pipeline").symlink_to(inside, target_is_directory=True)
    try:
        response = await jp_fetch(
            "jupyter-repro",
            "export",
            "pipeline",
            method="POST",
            body=json.dumps({"path": "study/analysis.ipynb", "to": "make", "force": True}),
        )

        assert response.code == 200 and (inside / "Makefile").is_file()
    finally:
        remove(jp_root_dir / "study" / "pipeline")
        remove(inside)


@pytest.mark.parametrize("name", ["analysis_script.py", "analysis_script.repro.lock"])
async def test_script_export_through_a_symlink_outside_is_refused(
    jp_fetch, jp_root_dir, outside, name
):
    link = jp_root_dir / "study" / name
    link.symlink_to(outside / "target")
    try:
        code, message = await refused(jp_fetch, "export/script", path="study/analysis.ipynb")
    finally:
        link.unlink()

    assert code == 403 and f"study/{name} resolves outside the server root" in message
    assert tree(outside) == {}
    assert not (jp_root_dir / "study" / "analysis_script.py").exists()


async def test_a_symlink_loop_on_the_way_is_refused_not_a_crash(jp_fetch, jp_root_dir, outside):
    link = jp_root_dir / "study" / "analysis_script.py"
    link.symlink_to(link.name)  # itself
    try:
        code, message = await refused(jp_fetch, "export/script", path="study/analysis.ipynb")
    finally:
        link.unlink()

    assert code == 403 and message == "study/analysis_script.py is a symlink loop"


async def test_pair_through_a_symlink_outside_is_refused(jp_fetch, jp_root_dir, outside):
    link = jp_root_dir / "study" / "analysis.py"
    link.symlink_to(outside / "twin.py")
    notebook = (jp_root_dir / "study" / "analysis.ipynb").read_bytes()
    try:
        code, message = await refused(jp_fetch, "pair", path="study/analysis.ipynb")
    finally:
        link.unlink()

    assert code == 403 and "study/analysis.py resolves outside the server root" in message
    assert tree(outside) == {}
    assert (jp_root_dir / "study" / "analysis.ipynb").read_bytes() == notebook


@pytest.fixture
def repro_outside(jp_root_dir, outside):
    """``<root>/.repro`` is a symlink to a folder outside the root holding the user's settings."""
    (outside / "settings.json").write_text('{"skip": ["theirs"]}\n')
    link = jp_root_dir / ".repro"
    link.symlink_to(outside, target_is_directory=True)
    yield outside
    link.unlink()


async def test_settings_are_not_written_through_a_repro_symlink(
    jp_fetch, jp_root_dir, repro_outside
):
    write_notebook(jp_root_dir / "top.ipynb", [("c1", "x = 1")])
    before = tree(repro_outside)

    code, message = await refused(jp_fetch, "settings", "PUT", path="top.ipynb", skip=["mine"])

    assert code == 403 and ".repro resolves outside the server root" in message
    assert tree(repro_outside) == before


async def test_a_save_never_creates_a_store_through_a_repro_symlink_and_still_saves(
    jp_fetch, jp_root_dir, repro_outside
):
    saved = await save(jp_fetch, "top.ipynb", "x = 42")
    # The versions route waits for the snapshots queued so far.
    versions = payload(await jp_fetch("jupyter-repro", "versions", params={"path": "top.ipynb"}))

    assert saved.code == 200
    assert "x = 42" in (jp_root_dir / "top.ipynb").read_text()
    assert versions["versions"] == []
    assert not (repro_outside / "lineage.db").exists()
    assert sorted(p.name for p in repro_outside.iterdir()) == ["settings.json"]


async def test_a_repro_symlink_inside_the_root_keeps_saves(jp_fetch, jp_root_dir, outside):
    kept = jp_root_dir / "kept"
    kept.mkdir(exist_ok=True)
    (jp_root_dir / ".repro").symlink_to(kept, target_is_directory=True)
    try:
        await save(jp_fetch, "top.ipynb", "x = 1")
        found = payload(await jp_fetch("jupyter-repro", "versions", params={"path": "top.ipynb"}))
    finally:
        (jp_root_dir / ".repro").unlink()

    assert len(found["versions"]) == 1 and (kept / "lineage.db").is_file()


class TestProjectRootAboveTheServerRoot:
    """A git root above the server root holds the project's .repro/ (where the kernel records):
    writing there is allowed, through a symlink leaving it is not."""

    @pytest.fixture
    def jp_root_dir(self, tmp_path):
        (tmp_path / "repo" / ".git").mkdir(parents=True)
        served = tmp_path / "repo" / "served"
        write_notebook(served / "a.ipynb", [("c1", "x = 1")])
        return served

    async def test_settings_go_to_the_project_store(self, jp_fetch, jp_root_dir):
        response = await jp_fetch(
            "jupyter-repro",
            "settings",
            method="PUT",
            body=json.dumps({"path": "a.ipynb", "skip": ["m"]}),
        )

        assert response.code == 200
        assert "m" in (jp_root_dir.parent / ".repro" / "settings.json").read_text()

    async def test_not_through_a_symlink_leaving_the_project(self, jp_fetch, jp_root_dir, tmp_path):
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        (jp_root_dir.parent / ".repro").symlink_to(elsewhere, target_is_directory=True)

        code, message = await refused(jp_fetch, "settings", "PUT", path="a.ipynb", skip=["m"])
        await save(jp_fetch, "a.ipynb", "x = 2")
        await jp_fetch("jupyter-repro", "versions", params={"path": "a.ipynb"})

        assert code == 403 and ".repro resolves outside the project folder" in message
        assert list(elsewhere.iterdir()) == []
