"""FileTracker: real files, real libraries; what a cell reads and writes, and nothing else."""

from __future__ import annotations

import importlib
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from unittest.mock import ANY

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xxhash

from jupyter_repro.recorder import file_audit
from jupyter_repro.recorder.file_tracker import FileTracker
from jupyter_repro.store.models import CHANGED_ON_DISK, FileAccess

Accesses = dict[tuple[str, str], FileAccess]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def tracker(project: Path) -> Iterator[FileTracker]:
    t = FileTracker(project)
    yield t
    t.close()


@pytest.fixture
def native(tracker: FileTracker) -> FileTracker:
    if tracker.watcher is None:
        pytest.skip("inotify is not available here")
    return tracker


def cell(tracker: FileTracker, body: Callable[[], object]) -> Accesses:
    tracker.start_cell()
    try:
        body()
    finally:
        accesses = tracker.end_cell()
    return {(a.path, a.mode): a for a in accesses}


def xxh3(path: Path) -> str:
    return "xxh3:" + xxhash.xxh3_128_hexdigest(path.read_bytes())


def frame() -> pd.DataFrame:
    return pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})


def test_open_read_and_write_with_hash_size_and_mtime(tracker: FileTracker, project: Path) -> None:
    got = cell(tracker, lambda: Path("data/out.txt").write_text("hello"))
    written = got[("data/out.txt", "write")]
    st = (project / "data/out.txt").stat()
    assert written == FileAccess("data/out.txt", "write", xxh3(project / "data/out.txt"), 5,
                                 st.st_mtime_ns)  # fmt: skip
    got = cell(tracker, lambda: open("data/out.txt", "rb").read())
    assert list(got) == [("data/out.txt", "read")]
    assert got[("data/out.txt", "read")].hash == written.hash


def test_pandas_csv(tracker: FileTracker) -> None:
    got = cell(tracker, lambda: frame().to_csv("data/f.csv", index=False))
    assert list(got) == [("data/f.csv", "write")]
    got = cell(tracker, lambda: pd.read_csv("data/f.csv"))
    assert list(got) == [("data/f.csv", "read")]


def test_numpy_save_and_load(tracker: FileTracker) -> None:
    assert list(cell(tracker, lambda: np.save("data/a.npy", np.arange(5)))) == [
        ("data/a.npy", "write")
    ]
    assert list(cell(tracker, lambda: np.load("data/a.npy"))) == [("data/a.npy", "read")]


def test_json_and_pickle(tracker: FileTracker, project: Path) -> None:
    (project / "c.json").write_text('{"k": 1}')
    (project / "m.pkl").write_bytes(pickle.dumps({"k": 1}))

    def body() -> None:
        with open("c.json") as f:
            json.load(f)
        with open("m.pkl", "rb") as f:
            pickle.load(f)

    assert set(cell(tracker, body)) == {("c.json", "read"), ("m.pkl", "read")}


def test_native_parquet_readers_and_writers_are_seen_through_inotify(native: FileTracker) -> None:
    got = cell(native, lambda: frame().to_parquet("data/t.parquet"))
    assert list(got) == [("data/t.parquet", "write")]
    assert got[("data/t.parquet", "write")].hash == xxh3(Path("data/t.parquet"))
    assert list(cell(native, lambda: pq.read_table("data/t.parquet"))) == [
        ("data/t.parquet", "read")
    ]
    assert list(cell(native, lambda: pd.read_parquet("data/t.parquet"))) == [
        ("data/t.parquet", "read")
    ]


def test_native_readers_and_writers_are_recorded_without_inotify(tracker: FileTracker) -> None:
    # pyarrow opens files from C, unseen by the audit hook: its hooks report them, so inotify,
    # which cannot tell this process from another, is not needed to record them.
    watcher, tracker.watcher = tracker.watcher, None
    try:
        got = cell(tracker, lambda: frame().to_parquet("data/t.parquet"))
        assert list(got) == [("data/t.parquet", "write")]
        assert list(cell(tracker, lambda: pq.read_table("data/t.parquet"))) == [
            ("data/t.parquet", "read")
        ]
    finally:
        tracker.watcher = watcher


def test_subfolder_created_during_a_cell(native: FileTracker, project: Path) -> None:
    def body() -> None:
        os.makedirs("new/deeper")
        Path("new/deeper/py.txt").write_text("x")
        Path("new/deeper/py.txt").read_text()
        pq.write_table(pa.table({"a": [1]}), "new/deeper/n.parquet")

    got = cell(native, body)
    assert set(got) == {("new/deeper/py.txt", "read"), ("new/deeper/py.txt", "write"),
                        ("new/deeper/n.parquet", "write")}  # fmt: skip
    # The new folder is watched from now on: a native read in a later cell is recorded.
    assert list(cell(native, lambda: pq.read_table("new/deeper/n.parquet"))) == [
        ("new/deeper/n.parquet", "read")
    ]


def test_native_read_back_in_a_subfolder_created_by_the_same_cell(native: FileTracker) -> None:
    probe = Path("probe.bin")
    probe.write_bytes(b"1")
    os.utime(probe, ns=(1, 2))
    probe.read_bytes()
    if probe.stat().st_atime_ns <= probe.stat().st_mtime_ns:
        pytest.skip("this file system does not update atime (noatime)")

    def body() -> None:
        os.makedirs("fresh")
        pq.write_table(pa.table({"a": [1]}), "fresh/n.parquet")
        pq.read_table("fresh/n.parquet")

    assert set(cell(native, body)) == {("fresh/n.parquet", "read"), ("fresh/n.parquet", "write")}


def test_file_outside_the_project_is_recorded_absolute(
    tracker: FileTracker, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("a\n1\n")
    got = cell(tracker, lambda: pd.read_csv(outside))
    assert list(got) == [(str(outside), "read")]


def test_python_installation_and_site_packages_are_ignored(tracker: FileTracker) -> None:
    fresh = [m for m in ("colorsys", "wave", "idna", "six", "certifi") if m not in sys.modules]
    data_file = next(p for p in Path(np.__file__).parent.iterdir() if p.suffix == ".pyi")

    def body() -> None:
        for name in fresh:
            try:
                importlib.import_module(name)
            except ImportError:
                pass
        data_file.read_bytes()
        (Path(sys.base_prefix) / "lib").exists()

    assert cell(tracker, body) == {}


def test_nothing_is_recorded_between_cells(native: FileTracker) -> None:
    cell(native, lambda: None)
    Path("data/between.txt").write_text("x")
    frame().to_parquet("data/between.parquet")
    pq.read_table("data/between.parquet")
    assert cell(native, lambda: None) == {}


def test_hash_changes_when_the_content_changes(tracker: FileTracker) -> None:
    path = Path("data/v.txt")
    first = cell(tracker, lambda: path.write_text("one"))[(str(path), "write")].hash
    again = cell(tracker, lambda: path.read_text())[(str(path), "read")].hash
    second = cell(tracker, lambda: path.write_text("two"))[(str(path), "write")].hash
    assert first == again != second


def test_read_then_written_file_reports_what_was_read(tracker: FileTracker) -> None:
    path = Path("data/counter.txt")
    path.write_text("1")
    before = xxh3(path)

    def body() -> None:
        value = int(path.read_text())
        path.write_text(str(value + 1))

    got = cell(tracker, body)
    assert got[(str(path), "read")].hash == before
    assert got[(str(path), "write")].hash == xxh3(path) != before
    # "r+" reads and writes through one open: the read is still the content before.
    path.write_text("abc")
    before = xxh3(path)

    def update() -> None:
        with open(path, "r+") as f:
            f.read()
            f.write("def")

    got = cell(tracker, update)
    assert got[(str(path), "read")].hash == before != got[(str(path), "write")].hash


def test_written_then_read_file_reports_the_final_content(tracker: FileTracker) -> None:
    def body() -> None:
        Path("data/w.txt").write_text("new")
        Path("data/w.txt").read_text()

    got = cell(tracker, body)
    assert got[("data/w.txt", "read")].hash == got[("data/w.txt", "write")].hash


def test_deleted_file_is_a_write_without_hash_and_temporaries_vanish(
    tracker: FileTracker, tmp_path: Path
) -> None:
    Path("data/old.txt").write_text("old")

    def body() -> None:
        os.remove("data/old.txt")
        Path("data/tmp.txt").write_text("scratch")
        os.unlink("data/tmp.txt")
        for folder in ("data", tmp_path):  # outside the project only the audit hook sees them
            fd, name = tempfile.mkstemp(dir=folder)  # O_RDWR | O_CREAT | O_EXCL
            os.close(fd)
            os.unlink(name)
            with tempfile.NamedTemporaryFile(dir=folder) as f:
                f.write(b"x")

    assert cell(tracker, body) == {
        ("data/old.txt", "write"): FileAccess("data/old.txt", "write", None, None, None)
    }


def test_read_then_deleted_file_reports_what_was_read(tracker: FileTracker) -> None:
    path = Path("data/once.txt")
    path.write_text("consumed")
    before = xxh3(path)

    def body() -> None:
        path.read_text()
        path.unlink()

    assert cell(tracker, body) == {
        (str(path), "read"): FileAccess(str(path), "read", before, 8, ANY),
        (str(path), "write"): FileAccess(str(path), "write", None, None, None),
    }


def test_atomic_save_by_replace_records_the_target_only(tracker: FileTracker) -> None:
    def body() -> None:
        Path("data/cfg.json.tmp").write_text("{}")
        os.replace("data/cfg.json.tmp", "data/cfg.json")

    assert list(cell(tracker, body)) == [("data/cfg.json", "write")]


def test_os_open_flags_decide_the_mode(tracker: FileTracker) -> None:
    Path("data/r.bin").write_bytes(b"r")

    def body() -> None:
        os.close(os.open("data/r.bin", os.O_RDONLY))
        fd = os.open("data/w.bin", os.O_WRONLY | os.O_CREAT)
        os.write(fd, b"w")
        os.close(fd)

    assert set(cell(tracker, body)) == {("data/r.bin", "read"), ("data/w.bin", "write")}


def test_failed_opens_folders_and_code_files_are_not_recorded(tracker: FileTracker) -> None:
    Path("helper.py").write_text("X = 1\n")

    def body() -> None:
        with pytest.raises(FileNotFoundError):
            open("missing.csv")
        os.close(os.open("data", os.O_RDONLY))
        Path("helper.py").read_text()

    assert cell(tracker, body) == {}


def test_ignored_folders_and_the_ignore_argument(project: Path) -> None:
    store = project / "store-dir"
    store.mkdir()
    # A folder, a file (matched with its sidecars) and the project root itself (dropped).
    tracker = FileTracker(project, ignore=[str(store), project / "lineage.db", project])
    try:
        for name in (".git", ".ipynb_checkpoints", "__pycache__", ".repro"):
            (project / name).mkdir()

        def body() -> None:
            for name in (".git", ".ipynb_checkpoints", "__pycache__", ".repro", "store-dir"):
                Path(name, "f.txt").write_text("x")
            Path("lineage.db").write_text("x")
            Path("lineage.db-wal").write_text("x")

        assert cell(tracker, body) == {}
    finally:
        tracker.close()


def test_another_process_writing_is_changed_on_disk_and_notebooks_are_ignored(
    native: FileTracker,
) -> None:
    script = (
        "open('nb.ipynb', 'w').write('{}'); open('.~nb.ipynb', 'w').write('{}');"
        "open('.jupyter_ystore.db', 'w').write('y'); open('data/other.csv', 'w').write('a')"
    )
    got = cell(native, lambda: subprocess.run([sys.executable, "-c", script], check=True))
    # Another process wrote it: noted as changed on disk (size, mtime), never the cell's write.
    st = Path("data/other.csv").stat()
    assert got == {
        ("data/other.csv", CHANGED_ON_DISK): FileAccess(
            "data/other.csv", CHANGED_ON_DISK, None, 1, st.st_mtime_ns
        )
    }


def test_the_recorders_own_threads_are_not_the_cell(tracker: FileTracker) -> None:
    import threading

    Path("data/snap.txt").write_text("s")

    def recorder_work() -> None:  # as the data snapshots' copier or the store's writer
        Path("data/snap.txt").read_text()
        pq.write_table(pa.table({"a": [1]}), "data/by_recorder.parquet")

    def body() -> None:
        worker = threading.Thread(target=recorder_work, name="jupyter-repro-data-snapshots")
        worker.start()
        worker.join()
        user = threading.Thread(target=lambda: Path("data/user.txt").write_text("u"))
        user.start()  # a thread of the user's code: its writes are the cell's
        user.join()

    watcher, tracker.watcher = tracker.watcher, None  # the hooks only
    try:
        assert list(cell(tracker, body)) == [("data/user.txt", "write")]
    finally:
        tracker.watcher = watcher


def test_the_audit_hook_never_raises_into_user_code(tracker: FileTracker) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("bug in the tracker")

    setattr(tracker._opens, "_add", broken)  # noqa: B010 (an instance attribute shadowing it)
    watcher, tracker.watcher = tracker.watcher, None  # only the audit hook is under test
    try:
        assert cell(tracker, lambda: Path("data/ok.txt").write_text("fine")) == {}
        assert Path("data/ok.txt").read_text() == "fine"
        delattr(tracker._opens, "_add")
        tracker.start_cell()
        file_audit._audit("open", (object(), "r", 0))  # garbage arguments
        file_audit._audit("open", ())
        file_audit._audit("os.rename", (None,))
        assert tracker.end_cell() == ()
    finally:
        tracker.watcher = watcher


def test_file_descriptors_and_bytes_paths(tracker: FileTracker) -> None:
    Path("data/b.txt").write_text("b")

    def body() -> None:
        open(b"data/b.txt").read()
        fd = os.open("data/b.txt", os.O_RDONLY)
        with open(fd) as f:  # the "open" event carries the int: nothing to add
            f.read()

    assert list(cell(tracker, body)) == [("data/b.txt", "read")]


def test_only_the_active_tracker_records(project: Path) -> None:
    first, second = FileTracker(project), FileTracker(project)
    try:
        first.start_cell()
        first.end_cell()
        second.start_cell()
        Path("data/x.txt").write_text("x")
        assert first.end_cell() == ()
        assert [a.path for a in second.end_cell()] == ["data/x.txt"]
    finally:
        first.close()
        second.close()


def test_thousands_of_python_opens_do_not_hide_a_native_read(native: FileTracker) -> None:
    # 30,000 opens queue 60,000 inotify events: more than the kernel queue holds (16,384).
    Path("data/small.txt").write_text("s")
    frame().to_parquet("data/t.parquet")

    def body() -> None:
        for _ in range(30_000):
            with open("data/small.txt") as f:
                f.read()
        pq.read_table("data/t.parquet")

    got = cell(native, body)
    assert set(got) == {("data/small.txt", "read"), ("data/t.parquet", "read")}
    assert native.watcher is not None and not native.watcher.overflowed


def test_end_cell_overhead_for_a_cell_without_io(tracker: FileTracker) -> None:
    n = 500
    started = time.perf_counter()
    for _ in range(n):
        tracker.start_cell()
        tracker.end_cell()
    per_cell = (time.perf_counter() - started) / n
    assert per_cell < 0.002, f"{per_cell * 1e6:.0f} us per empty cell"


# -- The kernel's own native I/O (native_io hooks), and nothing of other processes' ------------


def aged(path: str) -> str:
    """Move the file's mtime a second back: any later write then changes its stat key, even
    within one tick of the kernel's coarse clock; returns its xxh3."""
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - 1_000_000_000))
    return xxh3(Path(path))


def test_pyarrow_and_pandas_native_writes_and_reads_are_recorded(tracker: FileTracker) -> None:
    import pyarrow.csv as pacsv
    import pyarrow.feather as feather

    table = pa.table({"a": [1, 2]})
    paths = ["data/p.parquet", "data/f.parquet", "data/t.feather", "data/t.csv", "data/s.bin"]

    def write() -> None:
        pq.write_table(table, paths[0])
        frame().to_parquet(paths[1])  # pandas opens it as a pyarrow.OSFile, natively
        feather.write_feather(table, paths[2])
        pacsv.write_csv(table, paths[3])
        with pa.output_stream(paths[4]) as stream:
            stream.write(b"x")

    got = cell(tracker, write)
    assert set(got) == {(p, "write") for p in paths}
    assert all(got[(p, "write")].hash == xxh3(Path(p)) for p in paths)

    def read() -> None:
        pq.read_table(paths[0])
        pd.read_parquet(paths[1])
        feather.read_table(paths[2])
        pacsv.read_csv(paths[3])
        pa.memory_map(paths[4]).read()

    assert set(cell(tracker, read)) == {(p, "read") for p in paths}
    assert set(cell(tracker, lambda: pq.ParquetFile(paths[0]).metadata)) == {(paths[0], "read")}


def test_partitioned_parquet_dataset_records_each_file(tracker: FileTracker) -> None:
    df = pd.DataFrame({"k": ["x", "y", "y"], "v": [1, 2, 3]})
    got = cell(tracker, lambda: df.to_parquet("data/ds", partition_cols=["k"]))
    files = sorted(str(p) for p in Path("data/ds").rglob("*.parquet"))
    assert len(files) == 2 and set(got) == {(f, "write") for f in files}
    assert set(cell(tracker, lambda: pd.read_parquet("data/ds"))) == {(f, "read") for f in files}


def test_numpy_memory_maps_are_writes_only_when_written(tracker: FileTracker) -> None:
    np.save("data/m.npy", np.zeros(4))
    before = aged("data/m.npy")
    read = {("data/m.npy", "read")}
    assert set(cell(tracker, lambda: np.load("data/m.npy", mmap_mode="r").sum())) == read
    # Opened read-write but left unchanged: a read only, so never a pipeline output.
    assert set(cell(tracker, lambda: np.load("data/m.npy", mmap_mode="r+").sum())) == read

    def write() -> None:
        m = np.load("data/m.npy", mmap_mode="r+")
        m[0] = 1
        m.flush()

    got = cell(tracker, write)
    assert set(got) == read | {("data/m.npy", "write")}
    assert got[("data/m.npy", "read")].hash == before != got[("data/m.npy", "write")].hash
    assert set(cell(tracker, lambda: np.memmap("data/new.dat", "u1", "w+", shape=(4,)))) == {
        ("data/new.dat", "write")
    }


def test_sqlite_database_is_a_write_only_when_it_changes(tracker: FileTracker) -> None:
    import sqlite3

    with sqlite3.connect("data/db.sqlite") as con:
        con.execute("CREATE TABLE t (a)")
    con.close()
    before = aged("data/db.sqlite")

    def query() -> None:
        con = sqlite3.connect("data/db.sqlite")
        con.execute("SELECT * FROM t").fetchall()
        con.close()
        sqlite3.connect(":memory:").close()

    assert set(cell(tracker, query)) == {("data/db.sqlite", "read")}

    def insert() -> None:
        con = sqlite3.connect(Path("data/db.sqlite"))
        with con:
            con.execute("INSERT INTO t VALUES (1)")
        con.close()

    got = cell(tracker, insert)  # and never its -journal
    assert set(got) == {("data/db.sqlite", "read"), ("data/db.sqlite", "write")}
    assert got[("data/db.sqlite", "read")].hash == before
    assert got[("data/db.sqlite", "write")].hash == xxh3(Path("data/db.sqlite")) != before


def test_pil_images(tracker: FileTracker) -> None:
    image = pytest.importorskip("PIL.Image", reason="Pillow is not installed")
    got = cell(tracker, lambda: image.new("RGB", (2, 2)).save("data/i.png"))
    assert list(got) == [("data/i.png", "write")]
    assert list(cell(tracker, lambda: image.open("data/i.png").load())) == [("data/i.png", "read")]


def test_h5py_files_by_mode(tracker: FileTracker) -> None:
    h5py = pytest.importorskip("h5py", reason="h5py is not installed")

    def write() -> None:
        with h5py.File("data/h.h5", "w") as f:
            f["x"] = np.arange(3)

    assert list(cell(tracker, write)) == [("data/h.h5", "write")]
    aged("data/h.h5")

    def read() -> None:
        with h5py.File("data/h.h5") as f:
            f["x"][:]
        with h5py.File("data/h.h5", "a") as f:  # opened for update, left unchanged
            f["x"][:]

    assert list(cell(tracker, read)) == [("data/h.h5", "read")]

    def append() -> None:
        with h5py.File("data/h.h5", "a") as f:
            f["y"] = 1

    assert set(cell(tracker, append)) == {("data/h.h5", "read"), ("data/h.h5", "write")}


def test_pandas_hdf_through_pytables(tracker: FileTracker) -> None:
    pytest.importorskip("tables", reason="PyTables is not installed")
    got = cell(tracker, lambda: frame().to_hdf("data/s.h5", key="df", mode="w"))
    assert list(got) == [("data/s.h5", "write")]
    aged("data/s.h5")
    assert list(cell(tracker, lambda: pd.read_hdf("data/s.h5", "df"))) == [("data/s.h5", "read")]


def test_torch_save_and_load(tracker: FileTracker) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    got = cell(tracker, lambda: torch.save({"w": torch.zeros(2)}, "data/m.pt"))
    assert list(got) == [("data/m.pt", "write")]
    assert list(cell(tracker, lambda: torch.load("data/m.pt"))) == [("data/m.pt", "read")]


def test_hooked_calls_behave_exactly_as_before(tracker: FileTracker) -> None:
    assert getattr(pq.write_table, "__wrapped__", None) is not None  # hooked, and yet:
    assert pickle.loads(pickle.dumps(pq.write_table)) is pq.write_table
    assert pq.write_table.__name__ == "write_table" and "where" in pq.write_table.__doc__

    def failing() -> None:
        with pytest.raises(FileNotFoundError):
            pq.read_table("data/missing.parquet")
        with pytest.raises(AttributeError):
            pq.write_table("not a table", "data/never.parquet")

    assert cell(tracker, failing) == {}


def test_libraries_are_never_imported_and_are_hooked_when_the_cell_imports_them(
    tmp_path: Path,
) -> None:
    code = (
        "import sys, pickle\n"
        "from jupyter_repro.recorder.file_tracker import FileTracker\n"
        "t = FileTracker('.')\n"
        "heavy = [m for m in ('numpy', 'pandas', 'pyarrow', 'h5py', 'torch') if m in sys.modules]\n"
        "t.start_cell()\n"
        "import pyarrow as pa, pyarrow.parquet as pq\n"  # the cell imports it, then uses it
        "pq.write_table(pa.table({'a': [1]}), 'x.parquet')\n"
        "print(heavy, [(a.path, a.mode) for a in t.end_cell()])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[] [('x.parquet', 'write')]"


def test_a_file_held_open_across_cells_is_written_by_the_cell_that_writes_it(
    native: FileTracker,
) -> None:
    handle = open("data/log.txt", "w")  # opened before the cell: only inotify sees the write
    try:
        got = cell(native, lambda: (handle.write("x"), handle.flush()))
        # This process holds it open (/proc/self/fd): the cell's write, not another process's.
        assert list(got) == [("data/log.txt", "write")]
    finally:
        handle.close()


def test_a_file_the_cell_read_and_another_process_changed_or_deleted(native: FileTracker) -> None:
    Path("data/in.csv").write_text("a")
    Path("data/gone.csv").write_text("a")
    other = "open('data/in.csv', 'w').write('bb'); import os; os.remove('data/gone.csv')"

    def body() -> None:
        Path("data/in.csv").read_text()
        subprocess.run([sys.executable, "-c", other], check=True)

    got = cell(native, body)
    assert set(got) == {("data/in.csv", "read"), ("data/in.csv", CHANGED_ON_DISK),
                        ("data/gone.csv", CHANGED_ON_DISK)}  # fmt: skip
    assert got[("data/gone.csv", CHANGED_ON_DISK)].size is None
    assert got[("data/in.csv", CHANGED_ON_DISK)].size == 2
