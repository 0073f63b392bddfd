"""Sphinx extension: the reader's comfort, on a phone as on a desktop.

- ``book-reader.css``: outputs and tracebacks wrap instead of scrolling
  sideways, long inline code breaks, error outputs keep their red edge,
  colours in outputs (jaxpr colouring) and links in exercise boxes reach
  WCAG AA contrast, "Back to top" stays clear of the text on a phone.
- ``book-reader.js``: names each solution's toggle button after its
  exercise (not "Toggle hidden content"), gives the search buttons an
  accessible name that includes their visible text, keeps the space
  before "Exercise N" out of the link, and picks black or white text for
  coloured cells of outputs (rich's sharding diagrams) by contrast.
- The theme's ``fontawesome.js`` (1.5 MB, it turns ``<i class="fa-...">``
  into SVG) is not loaded: the theme's stylesheet already draws the same
  icons from Font Awesome's web font.
- The landing page's ``<title>`` does not repeat the book's title.
- ``index.html``, the book's front door, is a small page of its own (the
  book's title and icon, a link for browsers that do not follow the
  redirect) instead of sphinx-external-toc's bare ``<meta>`` redirect.

tests/test_browser.py checks the result in Chromium (axe-core, page
width at 390 px, page weight).
"""

from __future__ import annotations

import html
import pathlib
import re

from sphinx.application import Sphinx

STATIC = pathlib.Path(__file__).parent / "_static"
CSS = "book-reader.css"
JS = "book-reader.js"
FONTAWESOME_JS = re.compile(
    r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*">'
    r'</script>')


def _add_static(app: Sphinx, config) -> None:
    if str(STATIC) not in map(str, config.html_static_path):
        config.html_static_path.append(str(STATIC))


def _page(app: Sphinx, pagename, templatename, context, doctree):
    # "JAX for Engineers - JAX for Engineers" on the page whose title is
    # the book's: say it once.
    if context.get("title") and context.get("docstitle") and \
            _text(context["title"]) == _text(context["docstitle"]):
        # The <title> is "title - docstitle" unless docstitle is empty; the
        # sidebar's logo text falls back on docstitle, so it gets it first.
        logo = dict(context.get("theme_logo") or {})
        logo.setdefault("text", context["docstitle"])
        context["theme_logo"] = logo
        context["docstitle"] = ""


def _text(markup: str) -> str:
    return re.sub(r"<[^>]+>", "", markup).strip()


REDIRECT = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Refresh" content="0; url={target}">
<title>{title}</title>
{icon}</head>
<body><p><a href="{target}">{title}</a></p></body>
</html>
"""


def _front_door(app: Sphinx, exception) -> None:
    """Write index.html (before sphinx-external-toc, which then keeps it)."""
    if exception is not None or app.builder.name != "html" or \
            app.config.root_doc == "index":
        return
    target = html.escape(app.builder.get_target_uri(app.config.root_doc))
    favicon = app.config.html_favicon
    icon = ""
    if favicon:
        icon = (f'<link rel="icon" href="_static/'
                f'{html.escape(pathlib.PurePath(favicon).name)}">\n')
    (pathlib.Path(app.outdir) / "index.html").write_text(REDIRECT.format(
        lang=html.escape(app.config.language or "en"), target=target,
        title=html.escape(app.config.html_title or app.config.project),
        icon=icon), encoding="utf-8")


def _drop_fontawesome_js(app: Sphinx, pagename, templatename, context,
                         doctree):
    """The theme writes the script's tag from a template macro: wrap the
    page's renderer to take the tag out of the finished page."""
    render = app.builder.templates.render
    if getattr(render, "_book_reader", False):
        return

    def render_without(template, ctx):
        return FONTAWESOME_JS.sub("", render(template, ctx))

    render_without._book_reader = True
    app.builder.templates.render = render_without


def _remove_fontawesome_js(app: Sphinx, exception) -> None:
    """No page loads it (see _drop_fontawesome_js): 3 MB with its map."""
    if exception is None and app.builder.format == "html":
        scripts = pathlib.Path(app.outdir) / "_static" / "scripts"
        for path in scripts.glob("fontawesome.js*"):
            path.unlink()


def setup(app: Sphinx):
    app.connect("html-page-context", _drop_fontawesome_js)
    app.connect("build-finished", _front_door, priority=100)
    app.connect("build-finished", _remove_fontawesome_js)
    app.connect("config-inited", _add_static, priority=900)
    app.add_css_file(CSS)
    app.add_js_file(JS, loading_method="defer")
    app.connect("html-page-context", _page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
