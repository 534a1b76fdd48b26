"""A recorded notebook exported as a pipeline and run by the real tools: DVC and GNU make.

Each project is a temporary git repository whose notebook ran in a real `repro-python3` kernel,
cell by cell as JupyterLab sends them. The pipeline must write the same bytes the session wrote,
run nothing when nothing changed, and re-run only what a changed input feeds.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from jupyter_repro.common.file_digest import file_digests
from jupyter_repro.pipeline.export import export_pipeline
from jupyter_repro.store import LineageStore, default_db_path

from ..recorder.kernels import execute, kernel

BIN = Path(sys.executable).parent  # the tools, and the `python` the stages run with
REPORT = "title = open('data/title.txt').read().strip()\nwith open('report.txt', 'w') as f:\n"
REPORT += "    f.write(f'{title}: {weights.sum():.3f}\\n')"
ANALYSIS = [  # (cell id, markdown or code, source, tags)
    ("h-setup", "markdown", "# Setup", []),
    ("imports", "code", "import numpy as np\nimport pandas as pd", []),
    ("h-params", "markdown", "## Parameters", []),
    ("params", "code", "threshold = 2\nscale = 1.5", ["parameters"]),
    ("h-clean", "markdown", "## Tidy up", []),
    (
        "clean",
        "code",
        "raw = pd.read_csv('data/raw.csv')\nclean = raw[raw.a > threshold]\n"
        "clean.to_parquet('data/clean.parquet')",
        [],
    ),
    ("h-train", "markdown", "## Train", []),
    (
        "train",
        "code",
        "df = pd.read_parquet('data/clean.parquet')\nweights = np.asarray(df.b * scale)",
        [],
    ),
    ("h-report", "markdown", "## Report", []),
    ("report", "code", REPORT, []),
]
DATA = {"data/raw.csv": "a,b\n1,2\n3,4\n5,6\n", "data/title.txt": "Weights\n"}


def record(root: Path, cells=ANALYSIS, data=DATA, folder: str = ".") -> Path:
    """A git repository holding `data`, and folder/analysis.ipynb run cell by cell in a real
    kernel (started in the notebook's folder, as Jupyter starts it)."""
    root.mkdir(exist_ok=True)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    for name, text in data.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    notebook = root / folder / "analysis.ipynb"
    notebook.parent.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    for cell_id, kind, source, tags in cells:
        new = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        cell = new(source, id=cell_id)
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    nbformat.write(nb, notebook)
    with kernel(notebook.parent, None, env={"JPY_SESSION_NAME": str(notebook)}) as (_, client):
        for cell_id, kind, source, _ in cells:
            if kind == "code":
                assert execute(client, source, cell_id).status == "ok"
    return notebook


def recorded_outputs(notebook: Path) -> dict[str, str]:
    """Path -> xxh3 of every file the session left written, as the recorder hashed it."""
    with LineageStore.open(default_db_path(notebook), create=False) as store:
        return {f.path: f.hash for e in store.executions() for f in e.files_written if f.hash}


def export(notebook: Path, **options):
    with LineageStore.open(default_db_path(notebook), create=False) as store:
        return export_pipeline(store, notebook, **options)


def run(*command: str, cwd: Path) -> str:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "DVC_NO_ANALYTICS": "1"}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def dvc_repro(folder: Path) -> list[str]:
    """Run `dvc repro` inside the pipeline folder; the stages it ran."""
    return re.findall(r"Running stage '([^']+)'", run(str(BIN / "dvc"), "repro", cwd=folder))


def make(folder: Path) -> list[str]:
    """Run `make -C folder`; the stages it ran (their scripts are named NN_stage.py)."""
    return re.findall(r"stages/\d\d_(\w+)\.py", run("make", "-C", str(folder), cwd=folder.parent))


def current(root: Path, paths) -> dict[str, str]:
    return {p: file_digests(root / p)[0] for p in paths}


def touch_later(path: Path, text: str) -> None:
    """Change an input; its time moved a second on, as a coarse file clock may not."""
    path.write_text(text)
    later = path.stat().st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(later, later))


@pytest.fixture(autouse=True)
def project_store(monkeypatch):
    monkeypatch.delenv("JUPYTER_REPRO_DB", raising=False)


@pytest.fixture(scope="module")
def analysis(tmp_path_factory) -> Path:
    """The recorded analysis, for tests that only export it (each into its own folder)."""
    return record(tmp_path_factory.mktemp("analysis") / "project")


def test_dvc_repro_writes_the_recorded_bytes_then_skips_then_reruns_only_downstream(tmp_path):
    root = tmp_path / "project"
    notebook = record(root)
    recorded = recorded_outputs(notebook)
    run(str(BIN / "dvc"), "init", "-q", cwd=root)
    run(str(BIN / "dvc"), "config", "core.analytics", "false", cwd=root)

    result = export(notebook, to="dvc")
    (root / "report.txt").unlink()  # the pipeline, not the session, must make it

    assert [s.name for s in result.stages] == ["tidy_up", "train", "report"]
    assert dvc_repro(root / "pipeline") == ["tidy_up", "train", "report"]
    assert current(root, recorded) == recorded
    assert dvc_repro(root / "pipeline") == []
    assert "up to date" in run(str(BIN / "dvc"), "status", cwd=root / "pipeline")
    export(notebook, to="dvc", force=True)  # the same code exported again: the same scripts
    assert dvc_repro(root / "pipeline") == []

    (root / "data/title.txt").write_text("Weights, again\n")
    assert dvc_repro(root / "pipeline") == ["report"]
    assert (root / "report.txt").read_text() == "Weights, again: 15.000\n"

    params = root / "pipeline/params.yaml"
    params.write_text(params.read_text().replace("scale: 1.5", "scale: 2"))
    assert dvc_repro(root / "pipeline") == ["train", "report"]


def test_make_writes_the_recorded_bytes_then_skips_then_reruns_only_downstream(tmp_path):
    root = tmp_path / "project"
    notebook = record(root)
    recorded = recorded_outputs(notebook)

    export(notebook, to="make", output_dir=root / "build")
    (root / "report.txt").unlink()

    assert make(root / "build") == ["tidy_up", "train", "report"]
    assert current(root, recorded) == recorded
    assert make(root / "build") == []

    touch_later(root / "data/title.txt", "Weights, again\n")
    assert make(root / "build") == ["report"]
    assert (root / "report.txt").read_text() == "Weights, again: 15.000\n"

    touch_later(root / "data/raw.csv", "a,b\n4,1\n5,6\n")
    assert make(root / "build") == ["tidy_up", "train", "report"]
    assert (root / "report.txt").read_text() == "Weights, again: 10.500\n"


def test_notebook_in_a_subfolder_gets_its_outputs_back_where_it_wrote_them(tmp_path):
    root = tmp_path / "project"
    shout = "text = open('../data/in.txt').read()\nopen('out/loud.txt', 'w').write(text.upper())"
    data = {"data/in.txt": "quiet\n", "notebooks/out/.keep": ""}
    notebook = record(root, [("shout", "code", shout, [])], data, folder="notebooks")
    run(str(BIN / "dvc"), "init", "-q", cwd=root)
    (root / "notebooks/out/loud.txt").unlink()

    result = export(notebook, to="dvc")

    assert result.directory == root / "notebooks/pipeline"
    assert result.stages[0].deps[1:] == ("data/in.txt",)  # relative to the project root
    assert dvc_repro(result.directory) == ["loud"]
    assert (root / "notebooks/out/loud.txt").read_text() == "QUIET\n"


def test_parameters_cell_becomes_params_yaml_listed_by_the_stages_using_it(analysis):
    result = export(analysis, to="dvc", output_dir=analysis.parent / "with_params")

    params = (result.directory / "params.yaml").read_text()
    assert "threshold: 2\n" in params and "scale: 1.5\n" in params
    assert {s.name: s.params for s in result.stages} == {
        "tidy_up": ("threshold",),
        "train": ("scale",),
        "report": (),
    }
    assert "with_params/params.yaml" in (result.directory / "dvc.yaml").read_text()


def test_in_memory_value_crossing_stages_becomes_a_file_edge(analysis):
    result = export(analysis, to="dvc", output_dir=analysis.parent / "edges")
    train, report = result.stages[1], result.stages[2]

    assert "edges/handoffs/weights.npy" in train.outs
    assert "edges/handoffs/weights.npy" in report.deps
    assert report.deps[0] == report.script  # its own script is a dependency


def test_requirements_pin_what_the_stages_import_at_the_recorded_versions(analysis):
    result = export(analysis, to="make", output_dir=analysis.parent / "pinned")

    pins = (result.directory / "requirements.txt").read_text().splitlines()
    names = {line.split("==")[0] for line in pins if not line.startswith("#")}
    assert names == {"numpy", "pandas", "pyarrow", "pyyaml"}
    import numpy

    assert f"numpy=={numpy.__version__}" in pins


def test_stage_tag_overrides_inference_and_a_deleted_cell_is_named_by_its_output(tmp_path):
    notebook = record(tmp_path / "project")
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.id in ("train", "report"):
            cell.metadata["tags"] = ["stage=model"]
    nb.cells = [c for c in nb.cells if c.id != "clean"]  # deleted since it ran
    nbformat.write(nb, notebook)

    result = export(notebook, to="dvc")

    assert [s.name for s in result.stages] == ["clean", "model"]
    assert not any("handoffs" in path for s in result.stages for path in s.outs)


def test_notebook_without_file_io_is_one_stage_and_says_so(tmp_path):
    cells = [
        ("h1", "markdown", "# Inputs", []),
        ("a", "code", "x = 21", []),
        ("h2", "markdown", "# Answer", []),
        ("b", "code", "answer = x * 2\nprint(answer)", []),
    ]
    notebook = record(tmp_path / "project", cells, data={})

    result = export(notebook, to="make")

    assert result.single_stage and len(result.stages) == 1
    assert any("single-stage pipeline: no file I/O" in w for w in result.warnings)
    script = notebook.parent / result.stages[0].script
    assert run(sys.executable, str(script), cwd=tmp_path).strip() == "42"


HANDOFFS = [
    ("h1", "markdown", "# Load", []),
    (
        "load",
        "code",
        "import json\nimport pandas as pd\nimport pyarrow as pa\n"
        "frame = pd.read_csv('data/raw.csv')\ntable = pa.Table.from_pandas(frame)\n"
        "arr = frame.to_numpy()\ncount = len(frame)\nmeta = {'source': 'raw'}",
        [],
    ),
    ("h2", "markdown", "# Use", []),
    (
        "use",
        "code",
        "title = open('data/title.txt').read()\n"
        "out = {'title': title, 'sum': int(arr.sum()), 'rows': table.num_rows, 'count': count,\n"
        "       'mean': float(frame.b.mean()), 'meta': meta}\n"
        "open('out.json', 'w').write(json.dumps(out, sort_keys=True))",
        [],
    ),
]


def test_each_value_type_crosses_in_its_format_and_pickle_is_warned(tmp_path):
    root = tmp_path / "project"
    notebook = record(root, HANDOFFS)
    recorded = recorded_outputs(notebook)

    result = export(notebook, to="make")
    (root / "out.json").unlink()
    make(result.directory)

    assert sorted(p.name for p in (result.directory / "handoffs").iterdir()) == [
        "arr.npy",
        "count.json",
        "frame.parquet",
        "meta.pkl",
        "table.parquet",
    ]
    assert current(root, ["out.json"]) == {"out.json": recorded["out.json"]}
    assert [w for w in result.warnings if "pickle" in w] == [
        "meta (builtins.dict) goes from stage 1 to stage 2 as a pickle: it loads only with "
        "the same code and packages"
    ]
