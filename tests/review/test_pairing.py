"""`jupyter repro pair`: a jupytext twin that JupyterLab keeps in sync, never a lost text file."""

from __future__ import annotations

import json
from pathlib import Path

import jupytext
import nbformat
import pytest

from jupyter_repro.review.pairing import PairingRefused, pair

from ..cli import repro
from .gitrepo import analysis_notebook


@pytest.fixture
def notebook(tmp_path) -> Path:
    path = tmp_path / "analysis.ipynb"
    nbformat.write(analysis_notebook(), path)
    return path


def test_pair_writes_a_percent_twin_and_jupytext_formats_metadata(notebook):
    result = repro("pair", "analysis.ipynb", cwd=notebook.parent)

    assert result.returncode == 0, result.stderr
    assert "analysis.ipynb <-> analysis.py" in result.stdout
    nb = nbformat.read(notebook, as_version=4)
    assert nb.metadata["jupytext"]["formats"] == "ipynb,py:percent"
    twin = (notebook.parent / "analysis.py").read_text()
    assert "# %% [markdown]\n# # Prices" in twin and "print(len(rows))" in twin
    assert nb.cells[1].outputs  # the notebook keeps its outputs


def test_saving_the_notebook_through_jupytexts_contents_manager_updates_the_twin(notebook):
    pair(notebook)
    manager = jupytext.TextFileContentsManager(root_dir=str(notebook.parent))

    model = manager.get("analysis.ipynb")
    model["content"].cells[1].source = "rows = []"
    manager.save(model, "analysis.ipynb")

    assert "rows = []" in (notebook.parent / "analysis.py").read_text()


def test_saving_the_twin_through_jupytexts_contents_manager_updates_the_notebook(notebook):
    pair(notebook, "md")
    manager = jupytext.TextFileContentsManager(root_dir=str(notebook.parent))

    model = manager.get("analysis.md")
    model["content"].cells[0].source = "# Costs"
    manager.save(model, "analysis.md")

    nb = nbformat.read(notebook, as_version=4)
    assert nb.cells[0].source == "# Costs"
    assert nb.cells[1].outputs  # outputs survive an edit of the text side


def test_pairing_again_is_a_no_op(notebook):
    pair(notebook)
    before = notebook.read_bytes(), (notebook.parent / "analysis.py").read_bytes()

    result = repro("pair", "analysis.ipynb", cwd=notebook.parent)

    assert result.returncode == 0 and "Already paired" in result.stdout
    assert (notebook.read_bytes(), (notebook.parent / "analysis.py").read_bytes()) == before


def test_a_different_existing_twin_is_refused_and_nothing_is_written(notebook):
    twin = notebook.parent / "analysis.py"
    twin.write_text("# my own script\nprint('keep me')\n")
    before = notebook.read_bytes()

    result = repro("pair", "analysis.ipynb", cwd=notebook.parent)

    assert result.returncode == 1
    assert "analysis.py already exists and differs" in result.stderr
    assert twin.read_text() == "# my own script\nprint('keep me')\n"
    assert notebook.read_bytes() == before
    with pytest.raises(PairingRefused):
        pair(notebook)


def test_myst_markdown_twin(notebook):
    result = repro("pair", "analysis.ipynb", "--format", "md:myst", cwd=notebook.parent)

    assert result.returncode == 0, result.stderr
    assert "```{code-cell}" in (notebook.parent / "analysis.md").read_text()


def test_unpair_removes_the_pairing_and_keeps_the_text_file(notebook):
    pair(notebook)

    result = repro("pair", "analysis.ipynb", "--unpair", cwd=notebook.parent)

    assert result.returncode == 0, result.stderr
    assert "kept analysis.py" in result.stdout
    assert "jupytext" not in nbformat.read(notebook, as_version=4).metadata
    twin = notebook.parent / "analysis.py"
    assert "print(len(rows))" in twin.read_text() and "formats:" not in twin.read_text()
    manager = jupytext.TextFileContentsManager(root_dir=str(notebook.parent))
    model = manager.get("analysis.ipynb")
    model["content"].cells[1].source = "rows = []"
    manager.save(model, "analysis.ipynb")
    assert "rows = []" not in twin.read_text()  # no longer kept in sync


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["analysis.ipynb", "--format", "py:nonsense"], "Unknown jupytext format"),
        (["missing.ipynb"], "No such notebook: missing.ipynb"),
        (["notes.txt"], "Not a notebook: notes.txt"),
        (["broken.ipynb"], "Not a valid notebook: broken.ipynb"),
    ],
)
def test_bad_pair_input_exits_2_with_one_line(notebook, args, message):
    (notebook.parent / "broken.ipynb").write_text("{not json")

    result = repro("pair", *args, cwd=notebook.parent)

    assert result.returncode == 2
    assert message in result.stderr


class TestInJupyterServer:
    """JupyterLab's server, with the jupytext server extension this install enables."""

    @pytest.fixture
    def jp_server_config(self, jp_server_config):
        extensions = {**jp_server_config["ServerApp"]["jpserver_extensions"]}
        extensions["jupyterlab_jupytext"] = True
        return {"ServerApp": {**jp_server_config["ServerApp"], "jpserver_extensions": extensions}}

    async def test_saving_in_jupyterlab_updates_the_paired_twin(self, jp_fetch, jp_root_dir):
        path = Path(jp_root_dir) / "analysis.ipynb"
        nbformat.write(analysis_notebook(), path)
        pair(path)
        nb = nbformat.read(path, as_version=4)
        nb.cells[2].source = "mean = 0"

        response = await jp_fetch(
            "api",
            "contents",
            "analysis.ipynb",
            method="PUT",
            body=json.dumps({"type": "notebook", "format": "json", "content": nb}),
        )

        assert response.code == 200
        assert "mean = 0" in (Path(jp_root_dir) / "analysis.py").read_text()


def test_changing_the_format_of_a_paired_notebook_asks_to_unpair_first(notebook):
    pair(notebook, "py:light")

    result = repro("pair", "analysis.ipynb", "--format", "py:percent", cwd=notebook.parent)

    assert result.returncode == 2
    assert "already paired as ipynb,py:light" in result.stderr
    assert "unpair it first" in result.stderr
