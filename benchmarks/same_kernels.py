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
