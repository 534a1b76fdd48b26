"""The file tracker's audit hook, filtered in C when the package was built with a compiler.

Each check runs in a fresh interpreter: an audit hook can never be removed from a process.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

BUILT = importlib.util.find_spec("jupyter_repro.recorder._audit_filter") is not None
needs_filter = pytest.mark.skipif(
    not BUILT, reason="the C audit filter was not built here (no working C compiler at install)"
)

SETUP = r"""
import json, os, sqlite3, sys, tempfile
folder = tempfile.mkdtemp()
"""

EVENTS = r"""
path = os.path.join(folder, "a.txt")
with open(path, "w") as f:
    f.write("x")
id(path)
getattr(json.dumps, "__code__")
exec("1")
os.rename(path, path + ".b")
os.remove(path + ".b")
sqlite3.connect(os.path.join(folder, "db.sqlite")).close()
"""

FILTER = (
    SETUP
    + r"""
from jupyter_repro.recorder import _audit_filter
seen = []
def callback(event, args):
    seen.append(event)
    raise RuntimeError("a broken callback never fails the user's operation")
first = _audit_filter.install(callback)
again = _audit_filter.install(callback)
"""
    + EVENTS
    + r"""
print(json.dumps([first, again, sorted(set(seen))]))
"""
)

TRACKED = (
    SETUP
    + r"""
if sys.argv[1] == "python":
    sys.modules["jupyter_repro.recorder._audit_filter"] = None  # as if it was never built
from jupyter_repro.recorder import file_audit
from jupyter_repro.recorder.file_audit import KernelOpens
from jupyter_repro.recorder.file_hash_cache import FileHashCache
opens = KernelOpens(FileHashCache())
opens.start()
"""
    + EVENTS
    + r"""
window = opens.stop()
events = sorted((os.path.basename(p), bits) for p, bits in window.events.items())
print(json.dumps([file_audit.hook_kind(), events]))
"""
)


def run(code: str, *args: str) -> list[object]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    found: list[object] = json.loads(done.stdout.splitlines()[-1])
    return found


@needs_filter
def test_only_the_recorded_events_reach_python_and_a_failing_callback_fails_nothing() -> None:
    first, again, seen = run(FILTER)
    assert (first, again) == (True, False)  # registered once; a second call swaps the callback
    assert seen == ["open", "os.remove", "os.rename", "sqlite3.connect"]


@needs_filter
def test_the_tracker_installs_the_compiled_filter_when_it_was_built() -> None:
    kind, events = run(TRACKED, "compiled")
    assert kind == "compiled"
    assert events == run(TRACKED, "python")[1]  # the same records as the Python hook's
    assert [name for name, _ in events] == ["a.txt", "a.txt.b", "db.sqlite"]


def test_without_the_compiled_filter_a_python_hook_records_the_same_files() -> None:
    kind, events = run(TRACKED, "python")
    assert kind == "python"
    assert [name for name, _ in events] == ["a.txt", "a.txt.b", "db.sqlite"]
