"""What the script export, the pipeline export, verify, the server and the CLI share.

- ``errors``: ``ExportError``, the one-line bad-input error of every export;
- ``sessions``: which recorded session an export, a pipeline or a status reads;
- ``paths``: paths written into scripts and locks, relative to the file that names them;
- ``notebook_file``: reading and validating a notebook file, with one-line errors;
- ``file_digest``: the content digests of data files (xxh3 for lineage, sha256 for locks);
- ``slicing``: the executions a set of targets depends on, walked by ``backward_slice`` over
  ``dependencies`` (what each execution reads and writes), with ``dynamic_names`` (what it reads
  through ``eval``, ``globals()``...) and ``hidden_state`` (the global state it reads and sets:
  RNGs, working directory, environment, options...).

May import the store, ``code_analysis`` and nbformat; never the recorder, the exporters built on
it (``script``, ``pipeline``, ``verify``), review, the server or the CLI.
"""
