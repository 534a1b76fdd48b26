"""``_repro_show``: how an exported script shows a cell's outputs, written out as source text.

Under IPython (the script opened as a notebook through jupytext, or run by ``verify``'s
recording kernel; IPython puts ``get_ipython`` in the notebook's namespace) the helper hands
back the value it was given and does nothing else: IPython shows it as the cell's result and the
inline backend shows figures, exactly as when the session was recorded, so the outputs and their
fingerprints come out the same. Under plain ``python`` nothing shows anything, so at the end of
each cell that showed outputs the helper:

- prints the text (``repr``) of what the cell showed: what ``display()`` got, then the cell's
  result (plain python has no ``display`` builtin: the helper defines one there, and only
  there, which keeps the values for the end of the cell);
- writes their rich forms (``_repr_html_``, ``_repr_svg_``, ``_repr_png_``... as IPython asks
  for them) and every open matplotlib figure (``savefig``, then closed, as the inline backend
  closes them) to ``NAME_outputs/<cell>-<n>.<ext>``: ``cell`` is the number ``cell_outputs``
  gives the cell in the script, ``n`` the position of the output among what it showed
  (displays, the result, then figures). Names are stable from run to run; files of an earlier
  run are overwritten, never deleted. The folder is made when the first file is written.

matplotlib is looked up in ``sys.modules``, so it is imported only if the notebook's code did;
``MPLBACKEND`` defaults to Agg so that figures go to files instead of windows. The helper uses
``os``, ``sys``, ``Path`` and ``_repro_here``, which the support cell (``data_check``) imports
and defines above it.
"""

from __future__ import annotations

_HELPER = """\
_repro_plain = "get_ipython" not in globals()  # IPython and Jupyter show outputs themselves
if _repro_plain:
    os.environ.setdefault("MPLBACKEND", "Agg")  # figures go to files, not windows
_repro_shown = []  # what display() showed in the running cell, under plain python


def _repro_show(value=None, cell=0):
    \"\"\"The cell's result, for IPython to show. Under plain python: print the text of what the
    cell showed, write its rich forms and open figures to {folder}/CELL-N.EXT.\"\"\"
    if not _repro_plain:
        return value
    pyplot = sys.modules.get("matplotlib.pyplot")  # only if the notebook's code imported it
    figures = [pyplot.figure(n) for n in pyplot.get_fignums()] if pyplot else []
    items = _repro_shown + ([] if value is None else [value])
    items += [figure for figure in figures if all(figure is not item for item in items)]
    for n, item in enumerate(items, 1):
        path = _repro_here / {folder!r} / f"{{cell}}-{{n}}"
        if hasattr(item, "savefig"):
            path.parent.mkdir(exist_ok=True)
            item.savefig(f"{{path}}.png", bbox_inches="tight")
            continue
        print(repr(item))
        for form in "html", "svg", "png", "jpeg", "markdown", "latex":
            data = getattr(item, f"_repr_{{form}}_", lambda: None)()
            data = data[0] if isinstance(data, tuple) else data  # (data, metadata)
            if data is not None:
                path.parent.mkdir(exist_ok=True)
                ext = {{"markdown": "md", "latex": "tex"}}.get(form, form)
                raw = data if isinstance(data, bytes) else str(data).encode()
                Path(f"{{path}}.{{ext}}").write_bytes(raw)
    _repro_shown.clear()
    if figures:
        pyplot.close("all")


if _repro_plain:

    def display(*values):  # IPython's builtin; shown at the end of the cell here
        _repro_shown.extend(values)
"""


def helper_source(folder: str) -> str:
    """The helper's source; ``folder`` is where outputs go, relative to the script's folder."""
    return _HELPER.format(folder=folder)
