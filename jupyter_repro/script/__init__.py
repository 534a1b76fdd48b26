"""The script export: a linear, runnable py:percent script and its lock, from a recorded session.

- ``export``: ``export_script`` picks the executions (``targets``: default, ``--target``,
  ``--no-outputs``, ``--all``; sliced by ``common.slicing``), writes the script ``plan`` builds
  with jupytext and the lock beside it;
- ``ipython_syntax`` + ``magic_translations``: IPython syntax made plain Python, magic by magic;
- ``guarded_cells``: each execution's plain code; needed ones that failed, wrapped so the script
  goes on; ``secret_literals``: credentials the recorder redacted, read from the environment;
- ``cell_outputs``: which recorded outputs a cell shows again, and the ``_repro_show`` call;
- ``header`` / ``data_check`` + ``output_helper``: the script's provenance text and the support
  cell it runs first (data check, working folder, outputs under plain ``python``);
- ``input_files``: the data files the script reads, with their digests;
- ``lockfile``: ``NAME.repro.lock``, what the script must reproduce.

May import ``common``, ``code_analysis``, the store, nbformat and jupytext; never the recorder,
``pipeline``, ``verify``, review, the server or the CLI. IPython only inside functions.
"""
