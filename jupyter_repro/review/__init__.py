"""Review notebook changes like code: jupytext pairing, clean git diffs and merges, diff reports.

Nothing is imported here, so that git's textconv (``python -m jupyter_repro.review.clean_text``)
and clean filter (``python -m jupyter_repro.review.clean_filter``) start fast; import the module
you need::

    from jupyter_repro.review.pairing import pair, unpair          # jupytext twins
    from jupyter_repro.review.git_setup import enable, disable     # `git-setup`
    from jupyter_repro.review.notebook_merge import merge          # git's merge driver's work
    from jupyter_repro.review.clean_filter import clean_bytes      # what `git add` stores
    from jupyter_repro.review.compare import diff_specs, diff_sides  # `diff`
    from jupyter_repro.review.notebook_diff import diff_notebooks  # two notebook dicts
    from jupyter_repro.review.diff_report import render            # text, markdown, json
    from jupyter_repro.review.report_json import to_json           # the documented JSON

This package reads the lineage store. May import ``common``, the store, nbformat, jupytext and
nbdime; never the recorder, the exporters, the server or the CLI.
"""
