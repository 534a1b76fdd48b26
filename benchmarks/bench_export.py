"""Export and verify speed, against the time the code itself takes.

  (e) export of a 1,000-execution recorded session (target < 1 s)
  (f) verify of a compute-bound script against running the same script in a fresh plain
      `python3` kernel (the code itself, kernel start included): added time (target < 10%)

Usage: python benchmarks/bench_export.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from jupyter_repro.script.export import export_script  # noqa: E402
from jupyter_repro.store import LineageStore, default_db_path  # noqa: E402
from jupyter_repro.verify.verification import verify_script  # noqa: E402
from tests.recorder.kernels import collect, kernel, send  # noqa: E402


def session_cells(n: int) -> list[tuple[str, str]]:
    """A plausible messy session: definitions, re-runs, mutations, scratch work."""
    cells = [("setup", "import math\nvalues = []\ndef grow(k):\n    values.append(math.sqrt(k))")]
    for i in range(n - 1):
        kind = i % 5
        if kind == 0:
            cells.append((f"c{i % 40}", f"x{i % 25} = {i}"))
        elif kind == 1:
            cells.append(("grow", f"grow({i})"))
        elif kind == 2:
            cells.append((f"s{i % 30}", "scratch = [v * 2 for v in values[-5:]]"))
        elif kind == 3:
            cells.append(("sum", "total = sum(values)"))
        else:
            cells.append((f"d{i % 10}", f"d{i % 10} = {{'k': x{i % 25}, 'n': len(values)}}"))
    return cells


def record(folder: Path, cells: list[tuple[str, str]]) -> Path:
    notebook = folder / "session.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), notebook)
    with kernel(folder, None, env={"JPY_SESSION_NAME": str(notebook)}) as (_, client):
        pending = [send(client, code, cell_id) for cell_id, code in cells]
        for msg_id in pending:
            collect(client, msg_id)
    return notebook


def bench_export(n: int, folder: Path) -> tuple[str, float, float, bool]:
    notebook = record(folder, session_cells(n))
    times = []
    with LineageStore.open(default_db_path(notebook), create=False) as store:
        count = len(store.executions())
        for attempt in range(3):
            start = time.perf_counter()
            result = export_script(store, notebook, output=folder / f"out{attempt}.py")
            times.append(time.perf_counter() - start)
    label = f"(e) export {count} executions -> {len(result.executions)} kept (s)"
    best = statistics.median(times)
    return (label, best, 1.0, best < 1.0)


COMPUTE = [
    "import numpy as np\nrng = np.random.default_rng(0)",
    "a = rng.random((1200, 1200))",
    "b = a @ a.T",
    "c = np.linalg.eigvalsh(b[:600, :600])",
    "d = np.sort(a, axis=None)",
    "e = np.fft.fft2(a).real",
    "f = (b > b.mean()).sum()",
    "g = np.linalg.inv(b[:800, :800] + np.eye(800) * 1e3)",
]


def plain_run(script: Path) -> float:
    nb = jupytext.read(script)
    start = time.perf_counter()
    client = NotebookClient(
        nb, kernel_name="python3", resources={"metadata": {"path": str(script.parent)}}
    )
    client.execute(env={**os.environ, "JUPYTER_REPRO_SKIP_DATA_CHECK": "1"})
    return time.perf_counter() - start


def bench_verify(repeat: int, folder: Path) -> tuple[str, float, float, bool]:
    notebook = record(folder, [(f"c{i}", code) for i, code in enumerate(COMPUTE * repeat)])
    with LineageStore.open(default_db_path(notebook), create=False) as store:
        script = export_script(store, notebook, output=folder / "compute.py").script
    ratios, plains, verifies = [], [], []
    for _ in range(3):
        plain = plain_run(script)
        start = time.perf_counter()
        report = verify_script(script)
        verify = time.perf_counter() - start
        assert report.reproduced, report
        ratios.append(verify / plain - 1)
        plains.append(plain)
        verifies.append(verify)
    added = statistics.median(ratios)
    label = (
        f"(f) verify {statistics.median(verifies):.2f} s vs plain run "
        f"{statistics.median(plains):.2f} s: added fraction"
    )
    return (label, added, 0.10, added < 0.10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="repro-bench-") as tmp:
        (Path(tmp) / "e").mkdir()
        (Path(tmp) / "f").mkdir()
        os.environ.pop("JUPYTER_REPRO_DB", None)
        rows.append(bench_export(100 if args.quick else 1000, Path(tmp) / "e"))
        rows.append(bench_verify(1 if args.quick else 3, Path(tmp) / "f"))
    print(f"{'benchmark':<68} {'value':>8} {'target':>8}  result")
    for label, value, target, ok in rows:
        print(f"{label:<68} {value:>8.3f} {target:>8.2f}  {'PASS' if ok else 'FAIL'}")
    return 0 if all(ok for *_, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
