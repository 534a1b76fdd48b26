"""The pipeline export: a recorded session cut into DVC stages or make rules at file hand-offs.

``export.export_pipeline`` is the entry point; ``build`` drives one export: ``session_slice``
slices the session for the pipeline's targets, ``steps`` turns executions into plain code
(``params`` lifts parameters), ``stages`` groups them (headings, ``stage=`` tags, file
hand-offs), ``handoffs`` + ``formats`` decide what crosses a stage boundary in memory,
``scripts`` writes each stage's Python, ``writers`` the ``dvc.yaml``/``Makefile`` and
``output`` the folder; ``notebook`` reads headings and tags from the notebook file.

May import ``script`` (a stage holds the same plain code), ``common``, ``code_analysis``, the
store, nbformat and PyYAML; never the recorder, ``verify``, review, the server or the CLI.
"""
