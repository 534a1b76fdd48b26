"""The script export: a linear, runnable py:percent script and its lock, from a recorded session.

- ``export``: ``export_script`` slices the session (``common.slicing``), writes the script with
  jupytext and the lock beside it;
- ``ipython_syntax`` + ``magic_translations``: IPython syntax made plain Python, magic by magic;
- ``guarded_cells``: needed executions that failed, wrapped so the script goes on;
- ``header`` / ``data_check``: the script's provenance text and the data check it runs first;
- ``lockfile``: ``NAME.repro.lock``, what the script must reproduce.

May import ``common``, ``code_analysis``, the store, nbformat and jupytext; never the recorder,
``pipeline``, ``verify``, review, the server or the CLI. IPython only inside functions.
"""
