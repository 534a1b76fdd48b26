"""Output fingerprints recorded by a real `repro-python3` kernel, for what the user was shown.

Expected fingerprints are computed from what the client received, so each test checks both that
the recorder saw every output and that it saw it exactly as it was sent.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from jupyter_repro.recorder.output_fingerprints import (
    StreamDigest,
    bundle_fingerprints,
    error_fingerprint,
)
from jupyter_repro.store import Execution, LineageStore, OutputFingerprint

from .kernels import Reply, execute, kernel

HAS_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None

CELLS = {
    "print": "print('hello')",
    "html": "from IPython.display import HTML, display\n"
    "display(HTML('<table><tr><td>1</td></tr></table>'))",
    "result": "40 + 2",
    "quiet": "y = 1",
    "error": "print('before')\n1/0",
    "mixed": "import sys\nprint('a')\ndisplay(HTML('<b>b</b>'))\n"
    "print('c', file=sys.stderr)\nprint('d')",
    "stderr-first": "print('e', file=sys.stderr)\nprint('f')",
    "cleared": "from IPython.display import clear_output\nprint('gone')\nclear_output()\n"
    "print('kept')",
    "unflushed": "print('no newline at the end', end='')",
    "slow": "import time\nfor i in range(3):\n    print(i)\n    time.sleep(0.3)",
    "thread": "import threading\n"
    "threading.Thread(target=lambda: (time.sleep(0.5), print('from a thread'))).start()",
    "after-thread": "time.sleep(1.0)",
    **(
        {"figure": "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 3, 2]);"}
        if HAS_MATPLOTLIB
        else {}
    ),
}


def stream(index: int, name: str, text: str) -> OutputFingerprint:
    digest = StreamDigest(name)
    digest.feed(text)
    return digest.fingerprint(index)


def recorded(db: Path) -> dict[str, Execution]:
    with LineageStore.open(db, create=False) as store:
        return {e.cell_id: e for e in store.executions() if e.cell_id}


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[dict[str, Reply], dict[str, Execution]]:
    """Every cell of CELLS run once, in order: what the user saw and what was recorded."""
    root = tmp_path_factory.mktemp("outputs")
    with kernel(root, root / "lineage.db") as (_, client):
        replies = {cell_id: execute(client, code, cell_id) for cell_id, code in CELLS.items()}
    return replies, recorded(root / "lineage.db")


def test_a_print_is_one_stdout_fingerprint(run):
    replies, executions = run
    assert replies["print"].stdout == "hello\n"
    assert executions["print"].outputs == (stream(0, "stdout", "hello\n"),)


def test_an_html_display_is_fingerprinted_per_mime_type(run):
    replies, executions = run
    [data] = replies["html"].results
    assert list(data) == ["text/plain", "text/html"]
    assert executions["html"].outputs == tuple(bundle_fingerprints(0, "display_data", data))


def test_an_execute_result_is_fingerprinted(run):
    replies, executions = run
    [data] = replies["result"].results
    assert executions["result"].outputs == tuple(bundle_fingerprints(0, "execute_result", data))
    assert executions["result"].outputs[0].size == 2


def test_a_cell_without_output_has_no_fingerprint(run):
    assert run[1]["quiet"].outputs == ()


def test_an_error_comes_last_fingerprinted_by_its_name(run):
    replies, executions = run
    assert replies["error"].error is not None and replies["error"].error[0] == "ZeroDivisionError"
    assert executions["error"].outputs == (
        stream(0, "stdout", "before\n"),
        error_fingerprint(1, "ZeroDivisionError"),
    )


def test_a_stream_is_merged_over_the_cell_at_its_first_position(run):
    replies, executions = run
    [data] = replies["mixed"].results
    assert executions["mixed"].outputs == (
        stream(0, "stdout", "a\nd\n"),
        *bundle_fingerprints(1, "display_data", data),
        stream(2, "stderr", "c\n"),
    )


def test_streams_first_shown_together_come_stdout_first(run):
    assert run[1]["stderr-first"].outputs == (
        stream(0, "stdout", "f\n"),
        stream(1, "stderr", "e\n"),
    )


def test_clear_output_forgets_what_was_shown_before(run):
    replies, executions = run
    assert executions["cleared"].outputs == (stream(0, "stdout", "kept\n"),)


def test_text_still_buffered_when_the_cell_ends_reaches_its_execution(run):
    replies, executions = run
    assert replies["unflushed"].stdout == "no newline at the end"
    assert executions["unflushed"].outputs == (stream(0, "stdout", "no newline at the end"),)


def test_text_flushed_while_the_cell_runs_is_all_there(run):
    replies, executions = run
    assert replies["slow"].stdout == "0\n1\n2\n"
    assert executions["slow"].outputs == (stream(0, "stdout", "0\n1\n2\n"),)


def test_a_thread_printing_after_its_cell_ended_goes_where_the_notebook_shows_it(run):
    replies, executions = run
    assert executions["thread"].outputs == ()
    # ipykernel sends it under the request running then; the recorder attributes it the same way.
    shown = replies["after-thread"].stdout
    expected = (stream(0, "stdout", shown),) if shown else ()
    assert executions["after-thread"].outputs == expected
    assert executions["after-thread"].status == "ok"


@pytest.mark.skipif(not HAS_MATPLOTLIB, reason="matplotlib is not installed")
def test_an_inline_matplotlib_figure_is_a_png_display(run):
    replies, executions = run
    [data] = replies["figure"].results
    assert "image/png" in data
    outputs = executions["figure"].outputs
    assert outputs == tuple(bundle_fingerprints(0, "display_data", data))
    png = next(o for o in outputs if o.mime == "image/png")
    assert png.size == len(data["image/png"])


def test_every_cell_has_its_own_outputs(run):
    replies, executions = run
    assert list(executions) == list(CELLS)
    for cell_id, execution in executions.items():
        text = replies[cell_id].stdout
        stdout = [o for o in execution.outputs if o.name == "stdout"]
        if text and cell_id != "cleared":
            assert [o.hash for o in stdout] == [stream(0, "stdout", text).hash], cell_id


SAME_IN_TWO_KERNELS = {
    "address": "print(object())\nclass A: pass\nA()",
    "function": "def f(): pass\nf",
    "error": "raise KeyError(object())",
    **(
        {
            "png": "%matplotlib inline\nimport matplotlib.pyplot as plt\n"
            "fig, ax = plt.subplots()\nax.plot([1, 3, 2], marker='o')\nplt.show()",
            "svg": "%config InlineBackend.figure_formats = ['svg']\n"
            "ax.imshow([[1, 2], [3, 4]])\nfig",
        }
        if HAS_MATPLOTLIB
        else {}
    ),
}


def test_the_same_cells_in_two_kernels_give_equal_fingerprints(tmp_path):
    seen = []
    for name in ("one", "two"):
        root = tmp_path / name
        root.mkdir()
        with kernel(root, root / "lineage.db") as (_, client):
            replies = {c: execute(client, code, c) for c, code in SAME_IN_TWO_KERNELS.items()}
        seen.append((replies, recorded(root / "lineage.db")))
    (first_replies, first), (second_replies, second) = seen
    assert first_replies["address"].stdout != second_replies["address"].stdout  # addresses
    for cell_id in SAME_IN_TWO_KERNELS:
        assert first[cell_id].outputs, cell_id
        assert first[cell_id].outputs == second[cell_id].outputs, cell_id
    if HAS_MATPLOTLIB:
        assert first_replies["svg"].results != second_replies["svg"].results  # salted ids, dates
        assert "image/svg+xml" in {o.mime for o in first["svg"].outputs}


def test_a_failing_hook_leaves_the_users_output_alone(tmp_path):
    db = tmp_path / "lineage.db"
    break_bundles = (
        "import jupyter_repro.recorder.output_fingerprints as of\n"
        "def broken(*args): raise RuntimeError('boom')\n"
        "of.bundle_fingerprints = broken"
    )
    break_streams = "of.StreamDigest.feed = broken"
    show = "print('still here')\ndisplay(HTML('<b>shown</b>'))\n7"
    with kernel(tmp_path, db) as (_, client):
        execute(client, "from IPython.display import HTML, display")
        before = execute(client, show, "before")
        execute(client, break_bundles)
        bundles_broken = execute(client, show, "bundles-broken")
        execute(client, break_streams)
        all_broken = execute(client, show, "all-broken")
        after = execute(client, "print('next')", "next")
    for reply in (bundles_broken, all_broken):
        assert (reply.status, reply.stdout, reply.stderr, reply.results, reply.error) == (
            before.status,
            before.stdout,
            before.stderr,
            before.results,
            before.error,
        )
    assert after.stdout == "next\n" and after.stderr == ""
    executions = recorded(db)
    assert executions["bundles-broken"].outputs == (stream(0, "stdout", "still here\n"),)
    assert executions["all-broken"].outputs == ()
    assert executions["all-broken"].status == "ok"
    assert executions["next"].outputs == ()  # the stream hook is still broken, still harmless


def test_outputs_can_be_turned_off(tmp_path):
    db = tmp_path / "lineage.db"
    with kernel(tmp_path, db, env={"JUPYTER_REPRO_TRACK_OUTPUTS": "0"}) as (_, client):
        assert execute(client, "print('x')\n1/0", "cell").stdout == "x\n"
    assert recorded(db)["cell"].outputs == ()
