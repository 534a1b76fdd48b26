"""matplotlib figures, axes and artists, by what they draw (imported once matplotlib is loaded).

A figure's object graph is the wrong thing to hash: its transforms key their parents by
``id()``, callbacks hold weak references, tick objects and cached paths appear only once it is
drawn, and it reaches the font cache and pyplot's state. So each kind of artist is hashed by
what it draws, read through its public getters: data as given, geometry, text, colours, line
and marker styles, limits, scales and titles. Derived state is left out (transforms, tick
objects, labels a locator computes from the limits, positions a layout engine sets at draw
time), so a figure hashes the same drawn or not, in any process.

For speed, what an artist draws is first gathered as plain tuples (numeric arrays as their
dtype, shape and bytes) and the whole figure hashed as one ``_containers.plain`` pickle stream:
a 64-subplot figure takes a few milliseconds. Anything that is not plain (data given as
dates or pandas objects, units, paths of unusual kinds) is left in place as a numbered
placeholder and hashed after it by the ordinary walk.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import matplotlib.artist as martist
import matplotlib.axes as maxes
import matplotlib.axis as maxis
import matplotlib.cbook as cbook
import matplotlib.collections as mcoll
import matplotlib.colors as mcolors
import matplotlib.figure as mfigure
import matplotlib.image as mimage
import matplotlib.layout_engine as mlayout
import matplotlib.legend as mlegend
import matplotlib.lines as mlines
import matplotlib.patches as mpatches
import matplotlib.path as mpath
import matplotlib.text as mtext
import matplotlib.ticker as mticker
import matplotlib.transforms as mtransforms
import numpy as np

from ._containers import plain
from ._core import FRAME, LEAF, MUTABLE, Hasher, Spec
from ._identity import identity_key
from ._names import id_cached, ident, inherits, qualname
from ._objects import instance_dict
from ._session import shared

PlaceHolderLayoutEngine = mlayout.PlaceHolderLayoutEngine

Getter = Callable[[Any], Any]
_TITLES = ("left", "center", "right")
_SCALARS = (int, float, str, bool, type(None))
_SCALAR_IDS = frozenset(map(ident, _SCALARS))
_NUMBERS = frozenset(map(ident, (np.float64, np.float32, np.int64, np.int32, np.bool_)))
#: Attributes of other matplotlib objects that point back into the figure or hold machinery.
_MACHINERY = frozenset(
    {
        "axis",
        "axes",
        "_axes",
        "figure",
        "_figure",
        "_parent_figure",
        "_root_figure",
        "canvas",
        "callbacks",
        "_callbacks",
        "stale_callback",
        "_remove_method",
        "_transform",
        "clipbox",
        "_clippath",
        "_scale",
    }
)


def _rgba(color: Any) -> Any:
    """A colour spec as the RGBA it draws ('C0', 'red' and '#ff0000' alike), or as given."""
    try:
        return mcolors.to_rgba(color)
    except (TypeError, ValueError):
        return color


def _marker(marker: Any) -> Any:
    return marker if isinstance(marker, _SCALARS) else qualname(type(marker))


def _root_figure(artist: Any) -> Any:
    try:
        return artist.get_figure(root=True)
    except TypeError:  # matplotlib < 3.10: there is only one figure level
        return artist.figure


def _placement(ax: Any) -> Any:
    """Where the axes sit: their slot in the subplot grid, and their position unless a layout
    engine (constrained, tight) sets it when the figure is drawn."""
    spec = ax.get_subplotspec()
    slot = None
    if spec is not None:
        grid = spec.get_gridspec()
        slot = (*map(int, spec.get_geometry()), grid.get_width_ratios(), grid.get_height_ratios())
    engine = _root_figure(ax).get_layout_engine()
    if engine is not None and not inherits(type(engine), PlaceHolderLayoutEngine):
        return slot
    return (slot, tuple(ax.get_position(original=True).bounds))


def _limits(ax: Any, axis: str) -> Any:
    """An axis' view limits as they are decided: the numbers when they are set, else "auto",
    for matplotlib computes them from the data (hashed anyway), the margins and the sticky
    edges (hashed beside) when it draws. Asking for them would make it autoscale now: as
    long as hashing the whole figure, for a figure never drawn (the Agg backend, or until
    ``savefig``); and the numbers would differ before and after drawing."""
    if getattr(ax, f"get_autoscale{axis}_on")():
        return "auto"
    return getattr(ax, f"get_{axis}lim")()


#: What ``Collection.get_offsets`` makes, afresh at each call, for a collection with none.
_NO_OFFSETS = np.zeros((1, 2))
_NO_OFFSETS.flags.writeable = False


def _offsets(collection: Any) -> Any:
    """A collection's offsets; with none set, one array that is no one's (``_Gather.array``
    lists no component for it), equal to what the getter would have made."""
    if getattr(collection, "_offsets", True) is None:
        return _NO_OFFSETS
    return collection.get_offsets()


def _position(text: Any) -> Any:
    """A text's position, unless matplotlib places it itself (a suptitle with no y given)."""
    return None if getattr(text, "_autopos", False) else text.get_unitless_position()


#: Kinds of artist, the more specific first: each is read by its own getters (``artist``).
_ARTIST_KINDS: tuple[tuple[type, str], ...] = (
    (maxes.Axes, "axes"),
    (mfigure.FigureBase, "figure"),
    (mlines.Line2D, "line"),
    (mtext.Annotation, "annotation"),
    (mtext.Text, "text"),
    (mpatches.Rectangle, "rectangle"),
    (mpatches.Patch, "patch"),
    (mcoll.QuadMesh, "quadmesh"),
    (mcoll.Collection, "collection"),
    (mimage._ImageBase, "image"),
    (mlegend.Legend, "legend"),
)


@id_cached
def _artist_kind(cls: type) -> str:
    """Which getters read an artist of this class: decided once per class, for a figure has
    thousands of artists of a handful of classes."""
    for base, kind in _ARTIST_KINDS:
        if inherits(cls, base):
            return kind
    return "other"


@id_cached
def _value_kind(cls: type) -> str:
    """How ``_Gather.value`` writes a getter's result of this class, if not as a placeholder."""
    if inherits(cls, np.ma.MaskedArray):
        return "masked"
    if inherits(cls, np.generic) and not inherits(cls, np.object_):
        return "generic"
    if inherits(cls, mpath.Path):
        return "path"
    if inherits(cls, mcolors.Colormap):
        return "cmap"
    if inherits(cls, mtransforms.Affine2DBase):
        return "affine"
    return "other"


class _Late(Exception):
    """The deadline passed while gathering what a figure draws."""


class _Gather:
    """Turns what artists draw into plain tuples; other values become numbered placeholders."""

    def __init__(self, h: Hasher) -> None:
        self.h = h
        self.extras: list[Any] = []
        #: Components met while gathering axes to share (``axes``), innermost last.
        self._logs: list[list[int]] = []

    def component(self, key: int) -> None:
        self.h.component(key)
        for log in self._logs:
            log.append(key)

    # -- values -----------------------------------------------------------------------------
    def value(self, v: Any) -> Any:
        cls = type(v)
        if ident(cls) in _SCALAR_IDS:  # ids: a user metaclass's __hash__ never runs
            return v
        if cls is tuple or cls is list:
            if set(map(ident, map(type, v))) <= _SCALAR_IDS:
                return v  # data as given: the pickle stream takes it whole
            if cls is list:
                self.component(ident(v))
            return tuple(map(self.value, v))
        if cls is np.ndarray and not v.dtype.hasobject and v.dtype.names is None:
            return self.array(v)
        if ident(cls) in _NUMBERS:
            return ("scalar", v.dtype.str, v.item())  # numpy's float64 from a getter
        kind = _value_kind(cls)
        if kind == "masked":
            mask = np.ma.getmaskarray(v)  # made here when there is no mask
            return ("masked", self.array(np.ma.getdata(v)), self.array(mask, own=False))
        if kind == "generic":
            return ("scalar", self.array(np.asarray(v), own=False))
        if kind == "path":
            return ("path", self.value(v.vertices), self.value(v.codes))
        if kind == "cmap":
            return self.colormap(v)
        if kind == "affine":
            return ("affine", self.array(np.asarray(v.get_matrix(), dtype=float), own=False))
        self.extras.append(v)
        return ("extra", len(self.extras) - 1)

    def array(self, arr: np.ndarray[Any, Any], own: bool = True) -> tuple[Any, ...]:
        """An array's dtype, shape and bytes; ``own``: the artist holds it (listed among the
        value's components), rather than this read made it (a colormap's table, a matrix
        computed from the transforms), whose id dies with it."""
        if own and arr is not _NO_OFFSETS:
            base = arr.base
            self.component(ident(arr) if base is None else identity_key(arr))
        dtype = arr.dtype
        if dtype.byteorder == ">" or (dtype.byteorder == "=" and sys.byteorder == "big"):
            arr = arr.astype(dtype.newbyteorder("<"))
        data = np.ascontiguousarray(arr)
        return ("array", data.dtype.str, data.shape, data.tobytes())

    def colormap(self, cmap: Any) -> tuple[Any, ...]:
        lut = np.asarray(cmap(np.arange(cmap.N)), dtype=float)
        extremes = tuple(
            tuple(map(float, c)) for c in (cmap.get_bad(), cmap.get_under(), cmap.get_over())
        )
        return ("cmap", qualname(type(cmap)), str(cmap.name), self.array(lut, own=False), extremes)

    def fields(self, obj: Any, getters: tuple[Getter, ...]) -> tuple[Any, ...]:
        return tuple([self.value(getter(obj)) for getter in getters])

    # -- artists ----------------------------------------------------------------------------
    def artist(self, obj: Any) -> tuple[Any, ...]:
        """Any artist: its kind, its common properties, then what its kind draws."""
        if self.h.deadline is not None and self.h.late():
            raise _Late  # a figure of thousands of artists: the cell's time is up
        cls = type(obj)
        kind = _artist_kind(cls)
        if kind == "axes":
            return self.axes(obj)
        if kind == "figure":
            return self.figure(obj)
        common = self.fields(obj, _COMMON)
        if kind == "line":
            own = self.fields(obj, _LINE)
        elif kind == "text" or kind == "annotation":
            own = self.fields(obj, _TEXT)
            if kind == "annotation":
                own += (self.value(obj.xy),)
        elif kind == "rectangle":
            own = self.fields(obj, _PATCH) + self.fields(obj, _RECTANGLE)
        elif kind == "patch":
            own = self.fields(obj, _PATCH)
            own += (self.value(obj.get_path()), self.value(obj.get_patch_transform()))
        elif kind == "quadmesh":
            # pcolormesh: its grid (get_paths() would build a path per cell).
            own = (self.value(obj.get_coordinates()),) + self.mapped(obj)
        elif kind == "collection":
            own = self.fields(obj, _COLLECTION) + self.mapped(obj)
            if obj.get_array() is None:
                own += (self.value(obj.get_facecolor()), self.value(obj.get_edgecolor()))
        elif kind == "image":
            own = self.fields(obj, _IMAGE) + self.mapped(obj)
        elif kind == "legend":
            own = (
                tuple(t.get_text() for t in obj.get_texts()),
                obj.get_title().get_text(),
                self.value(getattr(obj, "_loc", None)),
            )
        else:
            children = [c for c in obj.get_children() if not inherits(type(c), maxis.Axis)]
            own = tuple(map(self.artist, children))
        return (qualname(cls), common, own)

    def mapped(self, obj: Any) -> tuple[Any, ...]:
        """Values mapped to colours: the values, the colormap and the limits, never the colours
        matplotlib derives from them when it draws."""
        values = obj.get_array()
        if values is None:
            return (None,)
        norm = obj.norm
        return (
            self.value(values),
            self.value(obj.get_cmap()),
            self.value(obj.get_clim()),
            qualname(type(norm)),
        )

    def axis(self, axis: Any) -> tuple[Any, ...]:
        """An x or y axis: scale, label, tick settings, units; ticks given by value when fixed."""
        return (
            qualname(type(axis)),
            axis.get_scale(),
            axis.label.get_text(),
            self.value(tuple(sorted(axis._major_tick_kw.items()))),  # tuples: made here,
            self.value(tuple(sorted(axis._minor_tick_kw.items()))),  # never listed
            self.ticker(axis.major),
            self.ticker(axis.minor),
            self.value(axis.get_units()),
        )

    def ticker(self, ticker: Any) -> tuple[Any, ...]:
        locator, formatter = ticker.locator, ticker.formatter
        return (
            qualname(type(locator)),
            self.value(getattr(locator, "locs", None))
            if isinstance(locator, mticker.FixedLocator)
            else None,
            qualname(type(formatter)),
            self.value(tuple(formatter.seq))
            if isinstance(formatter, mticker.FixedFormatter)
            else None,
        )

    def axes(self, ax: Any) -> tuple[Any, ...]:
        """What the axes draw; read once per ``shared_reads`` (a figure and the array of its
        axes in two variables), unless they hold a value left as a placeholder."""
        reads = shared()
        if reads is None:
            return self._axes(ax)
        found = reads.get(("axes", ident(ax)))
        if found is not None and found[0] is ax:
            for key in found[2]:
                self.component(key)
            return found[1]
        log: list[int] = []
        extras = len(self.extras)
        self._logs.append(log)
        try:
            drawn = self._axes(ax)
        finally:
            self._logs.pop()
        if len(self.extras) == extras:
            reads[("axes", ident(ax))] = (ax, drawn, tuple(log))
        return drawn

    def _axes(self, ax: Any) -> tuple[Any, ...]:
        get_zlim = getattr(ax, "get_zlim", None)  # 3-D axes
        return (
            qualname(type(ax)),
            self.fields(ax, _COMMON),
            self.fields(ax, _AXES),
            self.axis(ax.xaxis),
            self.axis(ax.yaxis),
            tuple((name, spine.get_visible()) for name, spine in ax.spines.items()),
            self.value(_limits(ax, "z")) if get_zlim is not None else None,
            self.artist(ax.legend_) if ax.legend_ is not None else None,
            tuple(map(self.artist, ax._children)),
            tuple(map(self.axes, ax.child_axes)),
        )

    def figure(self, fig: Any) -> tuple[Any, ...]:
        own: tuple[Any, ...] = ()
        if inherits(type(fig), mfigure.Figure):
            engine = fig.get_layout_engine()
            own = (
                self.value(tuple(fig.get_size_inches())),
                float(fig.get_dpi()),
                qualname(type(engine)) if engine is not None else "",
            )
        groups = (fig.texts, fig.lines, fig.patches, fig.images, fig.legends, fig.artists)
        return (
            qualname(type(fig)),
            own,
            self.value(fig.get_facecolor()),
            self.value(fig.get_edgecolor()),
            tuple(tuple(map(self.artist, group)) for group in groups),
            tuple(map(self.axes, fig.axes)),
            tuple(map(self.figure, fig.subfigs)),
        )


_COMMON: tuple[Getter, ...] = (
    martist.Artist.get_visible,
    martist.Artist.get_alpha,
    martist.Artist.get_zorder,
    martist.Artist.get_label,
)
_LINE: tuple[Getter, ...] = (
    lambda a: a.get_xdata(orig=True),
    lambda a: a.get_ydata(orig=True),
    lambda a: _rgba(a.get_color()),
    mlines.Line2D.get_linewidth,
    mlines.Line2D.get_linestyle,
    mlines.Line2D.get_drawstyle,
    lambda a: _marker(a.get_marker()),
    mlines.Line2D.get_markersize,
    lambda a: _rgba(a.get_markerfacecolor()),
    lambda a: _rgba(a.get_markeredgecolor()),
)
_TEXT: tuple[Getter, ...] = (
    mtext.Text.get_text,
    _position,
    lambda a: _rgba(a.get_color()),
    mtext.Text.get_fontsize,
    mtext.Text.get_rotation,
    mtext.Text.get_horizontalalignment,
    mtext.Text.get_verticalalignment,
    mtext.Text.get_fontweight,
    mtext.Text.get_fontstyle,
    mtext.Text.get_fontfamily,
)
_PATCH: tuple[Getter, ...] = (
    mpatches.Patch.get_facecolor,
    mpatches.Patch.get_edgecolor,
    mpatches.Patch.get_linewidth,
    mpatches.Patch.get_linestyle,
    mpatches.Patch.get_hatch,
    mpatches.Patch.get_fill,
)
_RECTANGLE: tuple[Getter, ...] = (
    mpatches.Rectangle.get_xy,
    mpatches.Rectangle.get_width,
    mpatches.Rectangle.get_height,
    mpatches.Rectangle.get_angle,
)
_COLLECTION: tuple[Getter, ...] = (
    _offsets,
    mcoll.Collection.get_paths,
    lambda a: a.get_sizes() if hasattr(a, "get_sizes") else None,
    lambda a: a.get_linewidths(),
    lambda a: a.get_linestyles(),
    mcoll.Collection.get_hatch,
)
_IMAGE: tuple[Getter, ...] = (
    lambda a: a.get_extent() if hasattr(a, "get_extent") else None,
    lambda a: a.get_interpolation(),
    lambda a: getattr(a, "origin", None),
)
_AXES: tuple[Getter, ...] = (
    _placement,
    lambda a: _limits(a, "x"),
    lambda a: _limits(a, "y"),
    lambda a: (a.margins(), a.use_sticky_edges, getattr(a, "_tight", None)),
    maxes.Axes.get_xscale,
    maxes.Axes.get_yscale,
    maxes.Axes.get_aspect,
    lambda a: a.axison,
    maxes.Axes.get_frame_on,
    maxes.Axes.get_facecolor,
    lambda a: tuple(a.get_title(loc) for loc in _TITLES),
    lambda a: (a.title.get_fontsize(), a.title.get_fontweight()),
)


def _drawn(h: Hasher, obj: Any, gather: Callable[[_Gather, Any], tuple[Any, ...]]) -> None:
    """Hash what obj draws: one plain stream, then whatever was left as a placeholder."""
    found = _Gather(h)
    try:
        structure = gather(found, obj)
    except _Late:
        return  # stopped, and the digest says "time_budget"
    # Lists in it are the getters' (fresh ones, often): the arrays the artists hold were listed
    # while gathering, and only those are the value's components.
    h.derived += 1
    try:
        streamed = plain(h, structure)
    finally:
        h.derived -= 1
    if not streamed:
        h.visit_made(structure)  # a value that looked plain was not (a subclass in a list...)
    if found.extras:
        h.visit_made(found.extras)


def _figure(h: Hasher, fig: Any) -> None:
    _drawn(h, fig, _Gather.figure)


def _axes(h: Hasher, ax: Any) -> None:
    _drawn(h, ax, _Gather.axes)


def _axis(h: Hasher, axis: Any) -> None:
    _drawn(h, axis, _Gather.axis)


def _artist(h: Hasher, obj: Any) -> None:
    _drawn(h, obj, _Gather.artist)


def _path(h: Hasher, path: mpath.Path) -> None:
    h.visit(path.vertices)
    h.visit(path.codes)


def _transform(h: Hasher, node: Any) -> None:
    """Boxes by their corners, affine maps by their matrix; other transforms are derived from
    the layout and the limits, and hash by kind only."""
    cls = type(node)
    h.name(qualname(cls))
    if inherits(cls, mtransforms.BboxBase):
        h.visit(np.asarray(node.get_points(), dtype=float))
    elif inherits(cls, mtransforms.Affine2DBase):
        h.visit(np.asarray(node.get_matrix(), dtype=float))


def _colormap(h: Hasher, cmap: Any) -> None:
    """A colormap by name and the colours it maps to (its lookup table, over, under, bad)."""
    _drawn(h, cmap, _Gather.colormap)


def _machinery(h: Hasher, obj: object) -> None:
    """Callback registries and other plumbing: not part of any value."""
    h.name(qualname(type(obj)))


def _other(h: Hasher, obj: object) -> None:
    """Any other matplotlib object (norms, locators, grid specs...): its attributes, minus the
    ones pointing back into the figure or holding callbacks and transforms."""
    h.name(qualname(type(obj)))
    attrs = instance_dict(obj) or {}
    kept = sorted((k, v) for k, v in attrs.items() if type(k) is str and k not in _MACHINERY)
    h.raw(len(kept).to_bytes(8, "little"))
    for key, value in kept:
        h.name(key)
        h.visit(value)


_TABLE: tuple[tuple[type, Spec], ...] = (
    (mfigure.FigureBase, Spec(b"\xd0", _figure, MUTABLE, subclasses=True)),
    (maxes.Axes, Spec(b"\xd1", _axes, MUTABLE, subclasses=True)),
    (maxis.Axis, Spec(b"\xd2", _axis, MUTABLE, subclasses=True)),
    (martist.Artist, Spec(b"\xd3", _artist, MUTABLE, subclasses=True)),
    (mpath.Path, Spec(b"\xd4", _path, FRAME, subclasses=True)),
    (mtransforms.TransformNode, Spec(b"\xd5", _transform, MUTABLE, subclasses=True)),
    (mcolors.Colormap, Spec(b"\xd6", _colormap, MUTABLE, subclasses=True)),
    (cbook.CallbackRegistry, Spec(b"\xd7", _machinery, LEAF, subclasses=True)),
)
_OTHER = Spec(b"\xd8", _other, MUTABLE, subclasses=True)


def spec_for_class(cls: type) -> Spec | None:
    """The spec for a matplotlib class, or None to let dispatch continue up the MRO."""
    for base, spec in _TABLE:
        if inherits(cls, base):
            return spec
    module = type.__dict__["__module__"].__get__(cls, type)
    if type(module) is str and module.startswith("matplotlib.") and _has_dict(cls):
        return _OTHER
    return None


def _has_dict(cls: type) -> bool:
    """True for classes whose instances keep their state in a __dict__."""
    return bool(type.__dict__["__dictoffset__"].__get__(cls, type))
