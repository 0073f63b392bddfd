"""Sphinx extension: download each chapter as .ipynb and as MyST .md.

The chapters are built from book/NAME.ipynb, so the theme's download menu
offers that file only. This extension adds the MyST source, book/NAME.md,
to the menu of every page that has one, and copies it into ``_sources/``
beside the notebook. (Plain pages, built from their .md, already offer it.)

In the student edition (``hide_solutions = True``) both downloads are the
hand-out versions instead: solutions removed, outputs cleared (see
tools/student_notebooks.py), so that no solution leaks through them. For
the same reason that edition has no launch buttons: Binder and Colab open
the repository's notebooks, solutions included.
"""

from __future__ import annotations

import pathlib
import sys

import nbformat
from sphinx.application import Sphinx

# tools/ holds the book's scripts (not a package).
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
import student_notebooks  # noqa: E402

MENU = "download-buttons"  # the theme's label for its download menu


def md_twin(app: Sphinx, docname: str) -> pathlib.Path | None:
    """book/NAME.md when ``docname`` is built from book/NAME.ipynb."""
    source = pathlib.Path(app.env.doc2path(docname))
    md = source.with_suffix(".md")
    if source.suffix == ".ipynb" and md.exists():
        return md
    return None


def _add_md_button(app: Sphinx, pagename, templatename, context, doctree):
    if md_twin(app, pagename) is None:
        return
    for group in context.get("header_buttons", []):
        if group.get("label") != MENU:
            continue
        buttons = group["buttons"]
        for button in buttons:
            if button.get("label") == "download-source-button":
                button.update(tooltip="Download notebook file",
                              icon="fas fa-code")
        sources = f"{context['pathto']('_sources', 1)}"
        buttons.insert(1, {
            "type": "link",
            "url": f"{sources}/{pagename}.md",
            "text": ".md",
            "tooltip": "Download MyST Markdown source",
            "icon": "fas fa-file-lines",
            "label": "download-md-button",
        })


def _copy_sources(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    student = app.config.hide_solutions
    sources = pathlib.Path(app.outdir) / "_sources"
    for docname in sorted(app.env.found_docs):
        md = md_twin(app, docname)
        if md is None:
            continue
        target = sources / f"{docname}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        if student:
            target.write_text(student_notebooks.student_md(md),
                              encoding="utf-8")
            nbformat.write(student_notebooks.student_notebook(md),
                           target.with_suffix(".ipynb"))
        else:
            target.write_bytes(md.read_bytes())


def setup(app: Sphinx):
    # After the theme has made its download menu (priority 501).
    app.connect("html-page-context", _add_md_button, priority=900)
    app.connect("build-finished", _copy_sources)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
