"""Sphinx extension: the HTML book reads fully offline.

Two things in a default Jupyter Book 1 page come from the network:

- MathJax, loaded from a CDN (jsdelivr). This extension serves MathJax 2.7
  from the book itself instead: the files come from the pinned PyPI package
  ``jupyter-server-mathjax`` (the MathJax that Jupyter's own server ships),
  copied into ``_static/mathjax/`` of every HTML build. MathJax 2 needs
  ``mathjax2_config`` rather than ``mathjax3_config``; the configuration
  below keeps what myst-parser sets for MathJax 3 (which elements hold math)
  and points MathJax at the only web font the package ships, STIX-Web.
- sphinx-thebe's script, which declares the URL of thebe on unpkg.com in
  every page (twice, which is also a console error). Thebe is switched off in
  ``_config.yml`` (no live-code button), so the script is dropped.

Nothing else is fetched: the theme's fonts and icons are in ``_static``.
The browser tests (tests/test_browser.py) fail on any request that leaves
the local server.
"""

from __future__ import annotations

import os
import pathlib

import jupyter_server_mathjax
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.ext.mathjax import MATHJAX_URL
from sphinx.util.fileutil import copy_asset

MATHJAX_SRC = pathlib.Path(jupyter_server_mathjax.__file__).parent / "static"
MATHJAX_DIR = "mathjax"  # under _static/
# The package ships the "-full" combined configuration, not the plain one.
MATHJAX_PATH = f"{MATHJAX_DIR}/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
# Which elements MathJax reads: Sphinx's math (class "math") and notebook
# outputs, as myst-parser configures MathJax 3; the rest is left alone, so
# that a "$" or "\(" in prose or code is never taken for math.
MATHJAX2_CONFIG = {
    "tex2jax": {
        "ignoreClass": "tex2jax_ignore|mathjax_ignore|document",
        "processClass": "tex2jax_process|mathjax_process|math|output_area",
    },
    "HTML-CSS": {
        "availableFonts": [], "preferredFont": None,
        "webFont": "STIX-Web", "imageFont": None,
        # MathJax declares a helper font at url('about:blank'), which
        # Chromium refuses with a console error; local() fetches nothing.
        "styles": {"@font-face": {"font-family": "MathJax_Blank",
                                  "src": "local('MathJax_Blank')"}},
    },
    # Only the HTML-CSS output is shipped (see MATHJAX_LEFT_OUT): the menu
    # offers no other renderer.
    "MathMenu": {"showRenderer": False},
    # No "Loading MathJax" box in the corner while the page typesets.
    "messageStyle": "none",
}
# Not copied: the SVG output (2.9 MB of the package's 12 MB) that the pages
# never use; they render with HTML-CSS and the STIX-Web font. (The package
# has no TeX fonts: \mathbb asks for one and gets a 404; write the Unicode
# letter instead, e.g. ℝ, which STIX-Web has.)
MATHJAX_LEFT_OUT = ("jax/output/SVG",)
THEBE_MARKERS = ("THEBE_JS_URL", "sphinx-thebe.js")
# The theme styles math for MathJax 3; this puts MathJax 2's on the line.
STATIC = pathlib.Path(__file__).parent / "_static"
CSS = "book-mathjax2.css"


def _configure(app: Sphinx, config: Config) -> None:
    """Point Sphinx at the local MathJax 2 unless the book chose another."""
    if config.mathjax_path == MATHJAX_URL:
        config.mathjax_path = MATHJAX_PATH
    if config.mathjax_path == MATHJAX_PATH:
        config.mathjax2_config = config.mathjax2_config or MATHJAX2_CONFIG
        config.mathjax3_config = None
        # myst-parser would write a MathJax 3 configuration; ours above
        # carries the same classes for MathJax 2.
        config.myst_update_mathjax = False
        config.html_static_path.append(str(STATIC))
        app.add_css_file(CSS)


def _drop_thebe(app: Sphinx, pagename, templatename, context, doctree):
    """Remove sphinx-thebe's scripts: thebe is off, its URL is a CDN's."""
    if "script_files" not in context:
        return
    context["script_files"] = [
        js for js in context["script_files"]
        if not any(marker in os.fspath(js.filename or "")
                   or marker in js.attributes.get("body", "")
                   for marker in THEBE_MARKERS)]


def _copy_mathjax(app: Sphinx, exception) -> None:
    if exception is None and app.builder.format == "html" \
            and app.config.mathjax_path == MATHJAX_PATH:
        copy_asset(str(MATHJAX_SRC),
                   str(pathlib.Path(app.outdir) / "_static" / MATHJAX_DIR),
                   excluded=_left_out)


def _left_out(path: str) -> bool:
    """Is ``path`` (relative to MathJax's folder) left out of the book?"""
    path = pathlib.PurePath(path).as_posix()
    return any(path == part or path.startswith(part + "/")
               for part in MATHJAX_LEFT_OUT)


def setup(app: Sphinx):
    # After the other extensions' defaults (myst-parser reads its option at
    # builder-inited, which comes later).
    app.connect("config-inited", _configure, priority=900)
    app.connect("html-page-context", _drop_thebe, priority=900)
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
