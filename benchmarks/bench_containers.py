"""Recorder overhead on big plain-Python containers and figures, against a plain ipykernel.

Each scenario runs the same cells through nbclient in a plain `python3` kernel and in the
recording `repro-python3` kernel (same process tree, same run) and prints the median time the
recorder adds to the measured cells, with the issue's targets:

  trivial cells                                      added <= 1.0 ms (median of 200 cells)
  one element of a 1.5M-element list of lists        added <= 50 ms
  one record appended to a list of 200,000 dicts     added <= 50 ms
  a small cell beside 2 GiB of untouched arrays      added <= 2 ms
  a cell that makes a 64-subplot figure              added <= 50 ms
  hashing throughput of plain containers             >= 4 million elements/s (list of
      lists: its inner lists per second) and >= 1 million records/s (list of dicts)

Cells run back to back, as "Run All" runs them. The recorder hashes what fits its time budget
(``hash_time_budget_ms``, 50 ms) in the cell and the rest in a snapshot off the cell's path; the
"complete" column says how many of the measured cells' records ended with a complete hash of
the big variable once the kernel shut down (a snapshot busy with the previous cells' values
leaves one as incomplete, saying so, rather than stalling the cell).

The figure cells run with matplotlib's Agg backend and are not rendered: the recorder hashes
what a figure draws without rendering it, and rendering 64 subplots inline takes seconds, whose
noise would swamp the few milliseconds measured.

Usage: python benchmarks/bench_containers.py [--quick] [--only TEXT]
  --quick: 60 trivial cells, 3 measured cells per scenario (the sizes stay real).
  --only: run the scenarios whose label contains TEXT (and the throughput, if it matches).
  BENCH_UNTOUCHED_GB=0.25 shrinks the untouched arrays (CI time); the default run measures 2 GiB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_recorder import cell_times
from same_kernels import byte_compile_recorder

from jupyter_repro.store import LineageStore


@dataclass
class Scenario:
    label: str
    setup: str
    cell: str
    target_ms: float
    watched: str = ""  # the variable whose records' completeness is reported
    cells: int = 7
    env: dict[str, str] | None = None  # set in the kernels' environment for this scenario


FIGURE = """
k += 1  # another figure each time: an equal one would not be a change
fig, axes = plt.subplots(8, 8, figsize=(12, 12))
for i, ax in enumerate(axes.flat):
    ax.plot(x, np.sin(x / (i + k)))
    ax.set_title(f"s{i}", fontsize=6)
"""


def scenarios(quick: bool) -> list[Scenario]:
    gb = float(os.environ.get("BENCH_UNTOUCHED_GB", "2"))
    per = int(gb * 1024**3 / 8 / 8)
    measured = 3 if quick else 7
    return [
        Scenario("trivial cells", "x = 0", "x = x + 1", 1.0, cells=60 if quick else 200),
        Scenario(
            "1.5M list of lists: one element mutated",
            "big = [[i] for i in range(1_500_000)]",
            "big[0].append(1)",
            50.0,
            "big",
            measured,
        ),
        Scenario(
            "200,000 dict records: one appended",
            "recs = [{'id': i, 'name': f'n{i}', 'x': i * 0.5, 'ok': i % 2 == 0}"
            " for i in range(200_000)]",
            "recs.append({'id': -1, 'name': 'new', 'x': 0.0, 'ok': True})",
            50.0,
            "recs",
            measured,
        ),
        Scenario(
            f"small cell beside {gb:g} GiB untouched arrays",
            f"import numpy as np\nbig = [np.ones({per}) * i for i in range(8)]\nsmall = [1]",
            "small.append(1)",
            2.0,
            cells=measured,
        ),
        Scenario(
            "64-subplot figure made",
            "import matplotlib.pyplot as plt\nimport numpy as np\nx = np.arange(50.0)\nk = 0",
            FIGURE,
            50.0,
            "fig",
            3 if quick else 9,
            {"MPLBACKEND": "agg"},
        ),
    ]


def completeness(db: Path, name: str, measured: int) -> str:
    """How many of the last ``measured`` executions recorded ``name`` with a complete hash."""
    with LineageStore.open(db, create=False) as store:
        executions = store.executions()[-measured:]
    states = [v for e in executions for v in e.changed if v.name == name]
    return f"{sum(v.complete for v in states)}/{len(states)}"


def run(scenario: Scenario, workdir: Path) -> tuple[float, float, str]:
    cells = [scenario.setup] + [scenario.cell] * scenario.cells
    saved = dict(os.environ)
    os.environ.update(scenario.env or {})  # the kernels inherit it
    try:
        plain = cell_times("python3", cells, workdir)[1:]
        repro = cell_times("repro-python3", cells, workdir)[1:]
    finally:
        os.environ.clear()
        os.environ.update(saved)
    added = (statistics.median(repro) - statistics.median(plain)) * 1000
    complete = "-"
    if scenario.watched:
        complete = completeness(workdir / "repro-python3.db", scenario.watched, scenario.cells)
    return statistics.median(plain) * 1000, added, complete


def throughput() -> list[tuple[str, float, float]]:
    """Elements per second hash_value reaches on the shapes above, best of three."""
    from jupyter_repro.recorder.state_hash import hash_value

    shapes = [
        ("list of lists: inner lists/s", [[i] for i in range(1_500_000)], 4e6),
        (
            "list of dicts: records/s",
            [{"id": i, "name": f"n{i}", "x": i * 0.5, "ok": i % 2 == 0} for i in range(200_000)],
            1e6,
        ),
        ("dict of lists: items/s", {f"w{i}": [i, i + 1] for i in range(300_000)}, 1e6),
    ]
    rows = []
    for label, value, target in shapes:
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            digest = hash_value(value)
            best = min(best, time.perf_counter() - start)
        assert digest.complete
        rows.append((label, len(value) / best, target))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer measured cells")
    parser.add_argument("--only", default="", help="scenarios whose label contains this")
    args = parser.parse_args()
    byte_compile_recorder()
    print(f"{'scenario':<48} {'plain ms':>9} {'added ms':>9} {'target':>7} {'complete':>9}")
    ok = True
    for scenario in scenarios(args.quick):
        if args.only not in scenario.label:
            continue
        with tempfile.TemporaryDirectory(prefix="repro-bench-") as tmp:
            plain, added, complete = run(scenario, Path(tmp))
        passed = added <= scenario.target_ms
        ok &= passed
        print(
            f"{scenario.label:<48} {plain:>9.2f} {added:>9.2f} {scenario.target_ms:>7.1f} "
            f"{complete:>9}  {'PASS' if passed else 'FAIL'}"
        )
    for label, rate, target in throughput() if args.only in "throughput" else []:
        passed = rate >= target
        ok &= passed
        print(
            f"{label:<48} {rate / 1e6:>8.2f}M/s  target >= {target / 1e6:g}M/s  "
            f"{'PASS' if passed else 'FAIL'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
