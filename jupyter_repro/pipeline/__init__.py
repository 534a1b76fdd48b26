"""The pipeline export: a recorded session cut into DVC stages or make rules at file hand-offs.

``export.export_pipeline`` is the entry point; ``build`` drives one export: ``session_slice``
slices the session for the pipeline's targets, ``steps`` turns executions into plain code
(``params`` lifts parameters), ``stages`` groups them (headings, ``stage=`` tags, file
hand-offs), ``handoffs`` + ``formats`` decide what crosses a stage boundary in memory,
``state_replay`` the hidden state that must cross it, ``scripts`` writes each stage's Python,
``writers`` the ``dvc.yaml``/``Makefile`` and ``output`` the folder; ``notebook`` reads
headings and tags from the notebook file.

Hidden global state (``code_analysis.global_state``: random generators, working directory,
environment variables, ``sys.path``, matplotlib, pandas and numpy options, warning filters,
locale...) does not survive the process a stage runs in, so each stage re-establishes what its
executions use that an earlier stage set. The rule: for each use (a kind an execution reads, as
``common.hidden_state`` says and slicing follows), walk back over the executions that set that
kind, from the latest before the use, on while each only updated the state (every setter but a
seed). A random generator Python can save and restore (``random``, ``numpy.random``'s global
one, torch's CPU one) stops the walk at the first setter in an earlier stage: that stage writes
the generator's state to a hand-off file when it ends, and this one restores it just before its
first cell, so seeds and the draws of every earlier stage count, exactly, without re-running
them. Every other setter reached in an earlier stage is replayed: the top-level statements of
its cell that set a kind this stage uses (with the statements before them in that cell that
bind what they read), in the order the cells ran, before the stage's own cells; their other
needs come like any other (copied, from ``params.yaml``, handed off). TensorFlow's draws cannot
be replayed that way (only its seed is), and a warning says so. The export's warnings also
carry what slicing says: the executions hidden state kept, and those reading names dynamically.

May import ``script`` (a stage holds the same plain code), ``common``, ``code_analysis``, the
store, nbformat and PyYAML; never the recorder, ``verify``, review, the server or the CLI.
"""
