"""What a cell's code does, read from its text: the names it reads and binds, the functions it
defines, the magics it uses and their effect. The recorder, slicing, cell status and the script
translator all ask here, so they cannot disagree.

- ``cell_names``: ``analyze(code)``, reads/binds/defs of a cell, and the names it mentions and
  whether it reaches the namespace dynamically (the recorder's view);
- ``reads``: ``eager_reads`` and ``closure``, what running a cell reads now and through calls;
- ``magics``: the one table of what each IPython magic does (``magic(name)``);
- ``magic_calls``: the ``get_ipython()`` calls IPython writes for magics (``magic_call(node)``)
  and the names their ``{expr}``/``$name`` expansion reads;
- ``dynamic_access``: the names and attributes that reach the namespace without naming a variable;
- ``dynamic_reads``: the names code reads through ``eval``/``exec`` of literals, ``globals()['x']``
  and the like, and why a non-literal may read any;
- ``global_state``: the one table of hidden global state (RNGs, working directory, environment,
  options...): what sets each kind and what reads it; ``state_effects`` matches a session's cells
  against it over ``state_refs`` (imports, dotted calls and targets, magics of a cell);
- ``credentials``: the one table of what a credential looks like (names, token formats, URL
  user-info, query parameters, connection-string keys), with ``redact_text``;
  ``credential_literals``: the string literals of a cell that hold one (``redact_code``), and the
  ``<redacted:NAME>`` markers left in their place;
- ``scope_names``, ``statement_order``: the walkers under ``cell_names``.

May import the standard library and IPython (lazily, inside functions) only: it sits below both
the recorder, which runs inside the user's kernel, and the exporters.
"""
