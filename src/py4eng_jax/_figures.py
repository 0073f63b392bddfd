"""The book's house style for figures: one look, readable on a phone.

Each chapter calls :func:`use_book_style` once, in its hidden first cell.
It sets matplotlib's rcParams so that every figure has the same size (the
width of the book's text column, about 757 px), fonts a reader can read
when a phone shrinks the figure to half its width, no top or right frame,
and a light grid. In IPython (a notebook, the book's build) it also makes
the inline backend emit SVG: sharp at any screen density and any zoom,
and deterministic (no date, fixed ids), so re-running a chapter changes
its stored figures only when they really change. That is what lets the
tests compare figures: nbval compares the SVG text of every figure whose
cell is not tagged nbval-ignore-output, like any printed output
(tests/sanitize.cfg blanks no figure; tests/test_figures.py checks that
two processes draw the same SVG).

>>> import matplotlib
>>> from py4eng_jax import use_book_style
>>> style = use_book_style()
>>> matplotlib.rcParams["figure.figsize"] == list(style["figure.figsize"])
True
>>> matplotlib.rcParams["axes.spines.top"]
False
"""

from __future__ import annotations

import importlib

import matplotlib

# Width x height in inches. SVG is drawn at 96 px per inch: 7.8 in is
# about 750 px, the 757 px text column (the inline backend's tight bounding
# box then trims the empty margins). Fonts in points: on a 390 px phone
# the figure shrinks to under half, and 13 pt tick labels still read at
# about 8 to 9 px, 14 pt axis labels at about 9 to 10 px.
BOOK_STYLE: dict[str, object] = {
    "figure.figsize": (7.8, 4.4),
    "figure.dpi": 100,
    "savefig.dpi": 200,            # PNGs (savefig), raster parts of SVGs
    "font.size": 13,
    "axes.labelsize": 14,
    "axes.titlesize": 14,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "legend.fontsize": 13,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "lines.markersize": 7,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.8,
    # Deterministic SVG: the same figure gives the same text.
    "svg.hashsalt": "py4eng-jax",
}
# What the inline backend passes to savefig for each figure: no date in
# the SVG's metadata (a new date would change every stored figure).
SVG_PRINT_KWARGS = {"metadata": {"Date": None}}


def _ipython():
    """The running IPython shell, or None outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover (IPython is pinned)
        return None
    return get_ipython()


def use_book_style(*, svg: bool = True) -> dict[str, object]:
    """Apply the book's figure style; return the rcParams it set.

    ``svg``: in IPython, have the inline backend emit SVG figures (the
    default); False leaves the backend's formats alone. Outside IPython
    only the rcParams change.

    >>> use_book_style(svg="yes")
    Traceback (most recent call last):
    ...
    TypeError: svg must be True or False, got str: 'yes'
    """
    if not isinstance(svg, bool):
        raise TypeError(f"svg must be True or False, got "
                        f"{type(svg).__name__}: {svg!r}")
    shell = _ipython()
    if shell is not None:
        # Importing pyplot in IPython activates the inline backend, which
        # may apply its own rc settings: style after that, so ours win.
        importlib.import_module("matplotlib.pyplot")
        if svg:
            inline = importlib.import_module(
                "matplotlib_inline.backend_inline")
            inline.set_matplotlib_formats("svg", **SVG_PRINT_KWARGS)
    matplotlib.rcParams.update(BOOK_STYLE)
    return dict(BOOK_STYLE)
