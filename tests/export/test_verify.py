"""`jupyter repro verify` re-runs an exported script in a real recording kernel and compares.

Scripts are recorded for real (a kernel runs their cells, the store gives the hashes) and their
lock is built from that lineage following the exporter's conventions; the end-to-end tests at
the bottom go through ``export_script`` itself.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from jupyter_repro.cli.verify_command import verify
from jupyter_repro.script.lockfile import (
    LockedCell,
    LockedFile,
    LockedTarget,
    ReproLock,
    lock_path_for,
    write_lock,
)
from jupyter_repro.store import LineageStore
from jupyter_repro.verify.verification import verify_script

from ..recorder.kernels import execute, kernel

BASE_CELLS = [
    'import csv\nwith open("data/x.csv") as f:\n    rows = list(csv.reader(f))',
    "total = sum(int(r[0]) for r in rows[1:])",
    'label = f"total={total}"\ngen = (c for c in label)',
    'with open("out.txt", "w") as out:\n    out.write(label)',
]
BASE_TARGETS = ["gen", "label", "rows", "total"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record(folder: Path, cells: list[str], targets: list[str]) -> Path:
    """Run ``cells`` in a recording kernel in ``folder``; write ``an.py`` and its lock there."""
    db = folder.parent / f"{folder.name}.db"
    with kernel(folder, db) as (_, client):
        for code in cells:
            assert execute(client, code).error is None
    with LineageStore.open(db, create=False) as store:
        session = store.latest_session()
        assert session is not None
        executions = store.executions(session_id=session.id)
        live = store.live_state(session.id)
    files = {
        a.path: LockedFile(a.hash, sha256(folder / a.path), a.size)
        for e in executions
        for a in e.files_read
    }
    lock = ReproLock(
        source={"notebook": "an.ipynb", "session": session.id, "workdir": "."},
        python={"version": platform.python_version(), "implementation": "CPython"},
        packages={},
        files=files,
        targets={n: LockedTarget(live[n].hash, live[n].type, live[n].complete) for n in targets},
        cells=tuple(
            LockedCell(e.id, e.cell_id, {v.name: v.hash for v in e.changed}) for e in executions
        ),
    )
    script = folder / "an.py"
    write_lock(lock, lock_path_for(script))
    header = '# %% [markdown]\n# Exported by jupyter_repro\n\n# %% tags=["repro-data-check"]\n'
    # A minimal check cell keeping the convention verify relies on: JUPYTER_REPRO_WORKDIR wins.
    header += 'import os\nos.chdir(os.environ.get("JUPYTER_REPRO_WORKDIR") or ".")\n'
    script.write_text(
        header
        + "".join(
            f'\n# %% tags=["repro-execution"] repro={{"execution": {e.id}, "cell_id": null}}\n'
            f"{e.code}\n"
            for e in executions
        )
    )
    (folder / "out.txt").unlink(missing_ok=True)  # the user's folder holds inputs only
    return script


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("recorded")
    (folder / "data").mkdir()
    (folder / "data" / "x.csv").write_text("a,b\n1,2\n3,4\n")
    return record(folder, BASE_CELLS, BASE_TARGETS).parent


@pytest.fixture
def project(recorded: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(recorded, tmp_path / "project"))


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry below ``folder`` (hidden ones too) with its content hash."""
    return {
        str(p.relative_to(folder)): sha256(p) if p.is_file() else "dir"
        for p in sorted(folder.rglob("*"))
    }


def run_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(verify, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_reproducing_script_exits_0_and_leaves_the_users_folder_untouched(project: Path) -> None:
    before = snapshot(project)

    code, out, _ = run_cli(str(project / "an.py"))

    assert code == 0, out
    assert out.splitlines()[0] == "Reproduced: all 3 targets match (1 not comparable)."
    assert "not compared: gen" in out
    assert snapshot(project) == before  # no out.txt, no .repro, no notebook, no __pycache__


def test_edited_code_names_the_variable_both_hashes_and_the_first_divergence(
    project: Path,
) -> None:
    script = project / "an.py"
    lock = json.loads(lock_path_for(script).read_text())
    script.write_text(script.read_text().replace("for r in rows[1:])", "for r in rows[1:]) + 1"))

    code, out, _ = run_cli(str(script), "--json")

    assert code == 1
    report = json.loads(out)
    mismatched = {m["name"]: m for m in report["mismatched"]}
    assert set(mismatched) == {"label", "total"}
    assert mismatched["total"]["recorded"] == lock["targets"]["total"]["hash"]
    assert mismatched["total"]["reproduced"].startswith("xxh3:")
    assert mismatched["total"]["reproduced"] != mismatched["total"]["recorded"]
    second = lock["cells"][1]
    assert report["first_divergence"] == {
        "execution": second["execution"],
        "cell_id": second["cell_id"],
        "names": ["total"],
    }
    assert report["matched"] == ["rows"]


def test_json_report_has_the_documented_shape(project: Path) -> None:
    code, out, _ = run_cli(str(project / "an.py"), "--json")

    report = json.loads(out)
    assert code == 0
    assert set(report) == {
        "reproduced", "script", "targets", "matched", "mismatched", "missing", "unhashable",
        "first_divergence", "files", "environment", "errors", "runs", "nondeterministic",
        "notes", "seconds", "outputs", "data_versions", "between_runs",
    }  # fmt: skip
    assert report["reproduced"] is True
    assert (report["matched"], report["unhashable"]) == (["label", "rows", "total"], ["gen"])
    assert report["mismatched"] == report["missing"] == report["errors"] == []
    assert report["first_divergence"] is None
    assert (report["files"], report["environment"]) == ([], [])
    assert (report["runs"], report["nondeterministic"], report["between_runs"]) == (1, [], [])


def test_changed_data_file_is_reported_with_both_hashes(project: Path) -> None:
    data = project / "data" / "x.csv"
    recorded = sha256(data)
    data.write_text("a,b\n1,2\n3,5\n")  # same total, other rows

    code, out, _ = run_cli(str(project / "an.py"), "--json")

    assert code == 1
    report = json.loads(out)
    assert report["files"] == [
        {
            "path": "data/x.csv",
            "recorded": f"sha256:{recorded}",
            "current": f"sha256:{sha256(data)}",
        }
    ]
    assert [m["name"] for m in report["mismatched"]] == ["rows"]
    assert report["first_divergence"]["names"] == ["rows"]


def test_missing_data_file_is_a_one_line_input_error_that_writes_nothing(project: Path) -> None:
    (project / "data" / "x.csv").unlink()
    before = snapshot(project)

    code, out, err = run_cli(str(project / "an.py"))

    assert code == 2
    assert out == ""
    assert err.strip().splitlines() == [
        f"Error: Data file missing: data/x.csv (looked for {project.resolve() / 'data/x.csv'})"
    ]
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: (p / "an.repro.lock").unlink(), "No lock file beside the script"),
        (lambda p: (p / "an.repro.lock").write_text("{"), "Not a jupyter-repro lock file"),
        (lambda p: (p / "an.py").unlink(), "No such script"),
    ],
    ids=["missing-lock", "unreadable-lock", "missing-script"],
)
def test_bad_script_or_lock_is_a_one_line_input_error(project: Path, damage, message) -> None:
    damage(project)

    code, _, err = run_cli(str(project / "an.py"))

    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert message in err


def test_cell_that_raises_is_reported_with_its_index_and_exception(project: Path) -> None:
    script = project / "an.py"
    script.write_text(script.read_text().replace('label = f"total={total}"', "label = 1 / 0"))

    code, out, _ = run_cli(str(script))

    assert code == 1
    # The failed cell never defines label nor gen, so the next one, which writes label, fails too.
    assert out.splitlines()[0] == "Not reproduced: 2 of 4 targets differ, 2 cells raised."
    assert "missing: label is not defined after the run" in out
    # Counted as people count cells: the markdown header is cell 1, the data check cell 2.
    assert "Cell 5 (execution 3) raised ZeroDivisionError: division by zero" in out
    assert "Cell 6 (execution 4) raised NameError: name 'label' is not defined" in out


def test_twice_names_unseeded_randomness_as_nondeterministic(tmp_path: Path) -> None:
    folder = tmp_path / "random"
    folder.mkdir()
    script = record(folder, ["import random", "r = random.random()", "n = 3"], ["n", "r"])
    progress: list[tuple[int, int]] = []

    report = verify_script(script, twice=True, on_cell=lambda *a: progress.append(a))

    assert not report.reproduced
    assert [m.name for m in report.mismatched] == ["r"]
    assert report.nondeterministic == ("r",)
    # 4 cells and verify's fingerprint cell, twice
    assert (report.runs, progress[-1]) == (2, (10, 10))
    assert [(d.name, d.cause) for d in report.between_runs] == [("r", "code")]
    code, out, _ = run_cli(str(script), "--twice")
    assert code == 1
    assert "the code is nondeterministic" in out
    assert "Nondeterministic (differ between 2 clean runs): r" in out


# --- End to end: recorded by running a notebook, exported by ``export_script``. ---


@pytest.fixture(scope="module")
def notebook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A notebook run headless in the recording kernel, its lineage in the project's store."""
    from jupyter_repro.runner import run_notebook

    folder = tmp_path_factory.mktemp("notebook")
    (folder / "data").mkdir()
    (folder / "data" / "x.csv").write_text("a,b\n1,2\n3,4\n")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code) for code in BASE_CELLS]
    path = folder / "an.ipynb"
    nbformat.write(nb, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("JUPYTER_REPRO_DB", raising=False)
        run_notebook(path)
    (folder / "out.txt").unlink()
    return path


@pytest.fixture
def project_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JUPYTER_REPRO_DB", raising=False)


def test_notebook_target_is_exported_on_the_fly_and_reproduces(
    notebook: Path, project_store: None
) -> None:
    before = snapshot(notebook.parent)

    code, out, _ = run_cli(str(notebook), "--json")

    assert code == 0, out
    report = json.loads(out)
    assert {"label", "rows", "total"} <= set(report["matched"])
    assert "gen" in report["unhashable"]
    assert report["script"] == str(notebook.resolve())
    after = snapshot(notebook.parent)
    # Reading the store updates SQLite's shared-memory index (-shm), never the lineage itself.
    shm = ".repro/lineage.db-shm"
    assert after.keys() == before.keys()
    assert {k: v for k, v in after.items() if k != shm} == {
        k: v for k, v in before.items() if k != shm
    }


@pytest.mark.parametrize("fmt", ["py", "ipynb"])
def test_export_in_another_folder_runs_in_a_copy_of_the_notebooks_folder(
    notebook: Path, project_store: None, tmp_path: Path, fmt: str
) -> None:
    from jupyter_repro.script.export import export_script

    with LineageStore.open(notebook.parent / ".repro" / "lineage.db", create=False) as store:
        output = tmp_path / "scripts" / f"an_script.{fmt}"
        result = export_script(store, notebook, output=output, fmt=fmt)
    before = snapshot(notebook.parent)

    code, out, _ = run_cli(str(result.script))

    assert code == 0, out
    assert out.startswith("Reproduced: all ")
    assert snapshot(notebook.parent) == before  # its out.txt went to the copy


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--session", "nope"], "Unknown session: nope"),
        (["missing.ipynb"], "Not a valid notebook"),
        (["broken.ipynb"], "Not a valid notebook"),
    ],
    ids=["unknown-session", "missing-notebook", "invalid-notebook"],
)
def test_bad_notebook_target_is_a_one_line_input_error(
    notebook: Path, project_store: None, args: list[str], message: str
) -> None:
    (notebook.parent / "broken.ipynb").write_text("{not json")
    target = [str(notebook)] if args[0].startswith("--") else [str(notebook.parent / args[0])]

    code, _, err = run_cli(*target, *args[1:] if not args[0].startswith("--") else args)

    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert message in err
