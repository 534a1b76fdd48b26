"""`pipeline --force` replaces a file only when the folder's manifest proves it is ours.

The manifest (``.jupyter-repro-manifest.json``) lists every file an export wrote, with the
digest of its bytes. A file is replaced or deleted only when it is listed, for this notebook,
and unchanged since; anything else in the way (the user's Makefile, a stage script edited since,
a notebook) stops the export with exit 1, naming it, and nothing is written. One project,
recorded twice in a real kernel: session A ran a third section, Shout, that session B (the
latest) did not run, so A's pipeline has a third stage that B's has not.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

from jupyter_repro.common.file_digest import file_digests
from jupyter_repro.pipeline.export import export_pipeline
from jupyter_repro.pipeline.manifest import MANIFEST
from jupyter_repro.store import LineageStore, default_db_path

from ..cli import repro
from .test_pipeline import record
from .test_pipeline_cli import CELLS, listing

SHOUT = [
    ("h3", "markdown", "# Shout", []),
    ("shout", "code", "open('shout.txt', 'w').write(' '.join(words).upper())", []),
]
REFUSED = "Refusing to write the pipeline, nothing was written"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> tuple[Path, str]:
    """The project, and the id of session A (three stages); the latest, B, has two."""
    root = tmp_path_factory.mktemp("ownership") / "project"
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("JUPYTER_REPRO_DB", raising=False)
        notebook = record(root, CELLS + SHOUT, data={"notes.txt": "to be or not to be\n"})
        with LineageStore.open(default_db_path(notebook), create=False) as store:
            first = store.latest_session(str(notebook.resolve()))
        record(root, CELLS, data={"notes.txt": "to be or not to be\n"})
    nb = nbformat.read(notebook, 4)  # the Shout section is still in the notebook, not run in B
    nb.cells += [nbformat.v4.new_markdown_cell("# Shout", id="h3")]
    nb.cells += [nbformat.v4.new_code_cell(SHOUT[1][2], id="shout")]
    nbformat.write(nb, notebook)
    assert first is not None
    return root, first.id


def pipeline(root: Path, folder: str, *args: str, tool: str = "make"):
    """The command under test, as a user runs it."""
    return repro("pipeline", "analysis.ipynb", "--to", tool, "-o", folder, *args, cwd=root)


def earlier_export(root: Path, folder: str, session: str | None = None, force: bool = False):
    """An export the test starts from (in-process: no interpreter to start)."""
    notebook = root / "analysis.ipynb"
    with LineageStore.open(default_db_path(notebook), create=False) as store:
        options = {"session_id": session, "output_dir": root / folder, "force": force}
        return export_pipeline(store, notebook, to="make", **options)


@pytest.fixture(autouse=True)
def project_store(monkeypatch):
    monkeypatch.delenv("JUPYTER_REPRO_DB", raising=False)


def manifest(folder: Path) -> dict:
    return json.loads((folder / MANIFEST).read_text())


def sha256(path: Path) -> str:
    return "sha256:" + file_digests(path)[1]


def error_line(stderr: str) -> str:
    (line,) = [line for line in stderr.splitlines() if line.startswith("Error:")]
    return line


def test_the_manifest_lists_every_file_written_with_the_digest_of_its_bytes(project):
    root, _ = project

    result = pipeline(root, "listed")

    folder = root / "listed"
    assert result.returncode == 0, result.stderr
    written = {p for p in listing(folder) if p != MANIFEST}
    assert written == {"Makefile", "requirements.txt", "stages/01_count.py", "stages/02_save.py"}
    document = manifest(folder)
    assert document["files"] == {name: [sha256(folder / name)] for name in sorted(written)}
    assert document["notebook"] == "../analysis.ipynb" and document["tool"] == "make"


def test_a_busy_folder_without_force_is_refused_with_exit_1_and_nothing_written(project):
    root, _ = project
    (root / "busy").mkdir()
    (root / "busy" / "mine.txt").write_text("the user's\n")
    before = listing(root)

    result = pipeline(root, "busy")

    assert result.returncode == 1
    assert "Output folder is not empty" in error_line(result.stderr)
    assert listing(root) == before


@pytest.mark.parametrize(
    ("tool", "folder", "force"),
    [("make", "theirs", False), ("make", "theirs", True), ("dvc", ".", True)],
)
def test_the_users_own_pipeline_files_are_refused_with_or_without_force(
    project, tool, folder, force
):
    root, _ = project
    target = root / folder
    target.mkdir(exist_ok=True)
    tool_file = "Makefile" if tool == "make" else "dvc.yaml"
    (target / tool_file).write_text("# mine, made by hand; jupyter_repro is not in charge\n")
    (target / "requirements.txt").write_text("pandas  # jupyter_repro\n")
    before = listing(root)
    try:
        result = pipeline(root, folder, *(["--force"] if force else []), tool=tool)

        assert result.returncode == 1
        assert listing(root) == before  # their bytes, and nothing else written
        if force:
            line = error_line(result.stderr)
            assert REFUSED in line
            assert f"{target.resolve() / tool_file} was not written by jupyter-repro" in line
            assert f"{target.resolve() / 'requirements.txt'} was not written" in line
    finally:
        (target / tool_file).unlink()
        (target / "requirements.txt").unlink()


def test_a_users_stage_script_is_refused_and_one_beside_ours_is_kept(project):
    root, _ = project
    stages = root / "mixed" / "stages"
    stages.mkdir(parents=True)
    (stages / "01_count.py").write_text("import jupyter_repro  # my own count\n")
    before = listing(root)

    refused = pipeline(root, "mixed", "--force")

    assert refused.returncode == 1 and "01_count.py was not written" in refused.stderr
    assert listing(root) == before
    (stages / "01_count.py").rename(stages / "09_mine.py")
    earlier_export(root, "mixed", force=True)
    again = pipeline(root, "mixed", "--force")
    assert again.returncode == 0, again.stderr
    assert (stages / "09_mine.py").read_text() == "import jupyter_repro  # my own count\n"


def test_exporting_again_replaces_our_unchanged_files_and_deletes_our_stale_stage(project):
    root, session_a = project
    folder = root / "again"
    earlier_export(root, "again", session_a)
    old = listing(folder)
    (folder / "dvc.lock").write_text("what DVC wrote\n")

    result = pipeline(root, "again", "--force")  # session B: no third stage

    assert result.returncode == 0, result.stderr
    assert "stages/03_shout.py" in old and not (folder / "stages/03_shout.py").exists()
    assert f"Removed {folder / 'stages/03_shout.py'}" in result.stdout
    assert (folder / "Makefile").read_bytes() != old["Makefile"]  # B's header and rules
    assert "03_shout" not in (folder / "Makefile").read_text()
    assert (folder / "dvc.lock").read_text() == "what DVC wrote\n"
    assert set(manifest(folder)["files"]) == set(listing(folder)) - {MANIFEST, "dvc.lock"}


@pytest.mark.parametrize("stale", [False, True])
def test_a_stage_script_of_ours_edited_since_is_refused(project, stale):
    root, session_a = project
    folder = root / f"edited-{stale}"
    earlier_export(root, folder.name, session_a)
    script = folder / "stages" / ("03_shout.py" if stale else "01_count.py")
    script.write_text(script.read_text() + "print('my change')\n")
    before = listing(root)

    result = pipeline(root, folder.name, "--force")

    assert result.returncode == 1
    assert f"{script} was changed since jupyter-repro wrote it" in error_line(result.stderr)
    assert listing(root) == before


def test_a_fifo_where_a_file_goes_is_refused_without_being_read(project):
    root, _ = project
    folder = root / "piped"
    folder.mkdir()
    os.mkfifo(folder / "requirements.txt")  # reading it would wait for a writer forever

    result = repro(
        "pipeline", "analysis.ipynb", "--to", "make", "-o", "piped", "--force", cwd=root, timeout=60
    )

    assert result.returncode == 1
    assert f"{folder / 'requirements.txt'} is not a plain file" in error_line(result.stderr)
    assert [p.name for p in folder.iterdir()] == ["requirements.txt"]


def test_a_notebook_is_never_touched_whatever_the_manifest_says(project):
    root, _ = project
    folder = root / "forged"
    earlier_export(root, "forged")
    notebook = nbformat.writes(nbformat.read(root / "analysis.ipynb", 4))
    (folder / "stages" / "01_count.py").write_text(notebook)  # saved under a stage's name
    (folder / "old.ipynb").write_text(notebook)
    forged = manifest(folder)
    for name in ("stages/01_count.py", "old.ipynb"):  # listed, with their very digests
        forged["files"][name] = [sha256(folder / name)]
    (folder / MANIFEST).write_text(json.dumps(forged))
    before = listing(root)

    result = pipeline(root, "forged", "--force")

    assert result.returncode == 1
    line = error_line(result.stderr)
    assert f"{folder / 'stages/01_count.py'} is a notebook: never replaced" in line
    assert f"{folder / 'old.ipynb'} is a notebook: never replaced" in line
    assert listing(root) == before


def test_a_manifest_naming_files_outside_its_folder_never_deletes_them(project):
    root, _ = project
    folder = root / "outward"
    earlier_export(root, "outward")
    forged = manifest(folder)
    forged["files"]["../notes.txt"] = [sha256(root / "notes.txt")]
    (folder / MANIFEST).write_text(json.dumps(forged))

    result = pipeline(root, "outward", "--force")

    assert result.returncode == 0, result.stderr
    assert (root / "notes.txt").read_text() == "to be or not to be\n"
    assert "../notes.txt" not in manifest(folder)["files"]


def test_the_pipeline_of_another_notebook_is_refused(project):
    root, _ = project
    folder = root / "other"
    earlier_export(root, "other")
    forged = manifest(folder)
    forged["notebook"] = "../other.ipynb"
    (folder / MANIFEST).write_text(json.dumps(forged))
    before = listing(root)

    result = pipeline(root, "other", "--force")

    assert result.returncode == 1
    assert "says this folder holds the pipeline of ../other.ipynb" in error_line(result.stderr)
    assert listing(root) == before


def test_a_folder_from_before_manifests_is_replaced_only_where_nothing_changed(project):
    root, _ = project
    folder = root / "legacy"
    earlier_export(root, "legacy")
    (folder / MANIFEST).unlink()  # as an export before manifests left it

    same = pipeline(root, "legacy", "--force")  # the same session: the very same bytes

    assert same.returncode == 0, same.stderr
    (folder / MANIFEST).unlink()
    makefile = folder / "Makefile"
    makefile.write_text(makefile.read_text() + "# my rule\n")
    before = listing(root)
    changed = pipeline(root, "legacy", "--force")
    assert changed.returncode == 1
    assert f"{makefile} was not written by jupyter-repro" in error_line(changed.stderr)
    assert listing(root) == before


@pytest.mark.parametrize("crash_at", ["first file", "final manifest"])
def test_a_crash_while_moving_files_in_leaves_a_manifest_naming_only_our_bytes(
    project, crash_at, monkeypatch
):
    root, session_a = project
    folder = root / f"crash-{crash_at.split()[0]}"
    earlier_export(root, folder.name, session_a)
    notebook = root / "analysis.ipynb"
    real_replace, moves = os.replace, []

    def crashing_replace(source, target):
        """The process dies at the chosen move into the folder (a power cut, a kill -9)."""
        if Path(target).parent.is_relative_to(folder):
            moves.append(Path(target).name)
            last = Path(target).name == MANIFEST and moves.count(MANIFEST) == 2
            if (crash_at == "first file" and len(moves) == 2) or (
                crash_at == "final manifest" and last
            ):
                raise KeyboardInterrupt("crash")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", crashing_replace)
    with (
        LineageStore.open(default_db_path(notebook), create=False) as store,
        pytest.raises(KeyboardInterrupt),
    ):
        export_pipeline(store, notebook, to="make", output_dir=folder, force=True)
    monkeypatch.setattr(os, "replace", real_replace)

    claims = manifest(folder)["files"]
    on_disk = {name for name in claims if (folder / name).exists()}
    assert on_disk and all(sha256(folder / name) in claims[name] for name in on_disk)
    recovered = pipeline(root, folder.name, "--force")  # every file recognised as ours
    assert recovered.returncode == 0, recovered.stderr
    assert set(manifest(folder)["files"]) == set(listing(folder)) - {MANIFEST}
