"""Verify: re-run an exported script in a fresh recording kernel, in a temporary copy of its
folder, and compare what it produced with its lock.

- ``verification``: ``verify_script`` / ``verify_notebook``, the runs and their copies;
- ``report``: the comparison (matched, mismatched, missing, unhashable; first divergence;
  environment causes) and its JSON;
- ``report_text``: the report as text for people;
- ``output_check``: the outputs each cell showed again, against the lock's fingerprints;
- ``fingerprints``: verify's last cell, run in the kernel: every variable's fingerprint by pickle
  (or a figure's rendering), owing nothing to the recorder's hasher;
- ``attribution``: whose doing a difference between two clean runs is (the code's, or
  jupyter-repro's unstable hash), from those fingerprints and the outputs the kernel sent;
- ``data_replay``: the version of each data file each cell of the copy reads, from the data cache;
- ``write_guard``: run inside the re-run's kernel: refuses every write outside the copy;
- ``self_check``: the export's self-check, ``export_checked``: replay the script once, keep an
  execution the slice left out that a kept one missed, export again.

May import ``script`` (lock, data check, the export of a notebook), ``common``, ``runner`` and the
store; never the recorder, ``pipeline``, review, the server or the CLI.
"""
