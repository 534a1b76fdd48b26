"""What both kernels of a comparison are started with, alike.

nbclient starts an IPython kernel it knows by name (``python3``) with its history in memory,
and any other kernel (``repro-python3``) with IPython's history file, which it commits to disk
after every cell from a thread that competes with the cell for the GIL: about half a
millisecond of each trivial cell, none of it the recorder's. Both kernels get the in-memory
history here (jupyter-repro's own headless client gives it to a recording kernel too), so the
difference measured is the recorder's.
"""

#: Pass as ``NotebookClient(..., extra_arguments=SAME_HISTORY)`` to both kernels.
SAME_HISTORY = ["--HistoryManager.hist_file=:memory:"]


def byte_compile_recorder() -> None:
    """Byte-compile the jupyter_repro package, as pip does when it installs the wheel.

    An editable install has no ``.pyc`` files until Python writes them on first import, which
    it never does where ``PYTHONDONTWRITEBYTECODE`` is set (this machine sets it). The recorder
    imports its hashers for a library the first time it meets that library's values, so every
    recording kernel would compile them from source inside a cell: 5 ms for the matplotlib
    hasher alone, a cost an installed product never pays twice. Call before measuring.
    """
    import compileall
    from pathlib import Path

    import jupyter_repro

    compileall.compile_dir(Path(jupyter_repro.__file__).parent, quiet=1)
