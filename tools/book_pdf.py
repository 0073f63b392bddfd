"""The book as one PDF, printed by Chromium from its HTML: no TeX needed.

    python tools/book_pdf.py [--html DIR --output FILE [--student]]

With no options (`make pdf`), prints both editions that `make book` and
`make book-student` built: _build/html into _build/pdf/py4eng-jax.pdf and
_build/student/html into _build/pdf/py4eng-jax-student.pdf.

How: the pages are taken in the book's order (the root page, then the
sidebar's chapters) and their articles are put one after the other into a
single print page, so that Chromium lays out one document: one run of
MathJax, page numbers that run on, and links between chapters that jump
inside the PDF. (Printing each page apart would need a PDF joiner, and the
book's environment has none.) That page keeps the book's stylesheets and
adds tools/pdf/print.css, which drops the site's navigation and buttons and
shows every solution of the full edition opened: no script of the site
runs, so nothing folds them. A local HTTP server serves the built HTML and
the print page (from memory: nothing is written into the build); Chromium
(Debian's, as the browser tests use; $PY4ENG_CHROMIUM picks another)
waits for MathJax to typeset every formula and for every image, then
prints A4 with page numbers.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import pathlib
import shutil
import sys
import threading
import urllib.parse

from bs4 import BeautifulSoup

from book_files import ROOT

PRINT_CSS = pathlib.Path(__file__).with_name("pdf") / "print.css"
PRINT_PAGE = "/__print__.html"
EDITIONS = {  # html folder -> PDF, as `make pdf` writes them
    "full": (ROOT / "_build" / "html", ROOT / "_build" / "pdf" /
             "py4eng-jax.pdf"),
    "student": (ROOT / "_build" / "student" / "html",
                ROOT / "_build" / "pdf" / "py4eng-jax-student.pdf"),
}
TIMEOUT_MS = 180_000


def find_chromium() -> str | None:
    """$PY4ENG_CHROMIUM, Debian's /usr/bin/chromium, or one on PATH."""
    for candidate in (os.environ.get("PY4ENG_CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def pages_in_order(html: pathlib.Path) -> list[tuple[str, str]]:
    """(page path relative to ``html``, title as the sidebar numbers it)."""
    index = BeautifulSoup((html / "index.html").read_text(encoding="utf-8"),
                          "html.parser")
    # index.html forwards to the root page.
    refresh = index.find("meta", attrs={"http-equiv": "Refresh"}) or \
        index.find("meta", attrs={"http-equiv": "refresh"})
    root = (refresh["content"].split("url=", 1)[1].strip() if refresh
            else "index.html")
    page = BeautifulSoup((html / root).read_text(encoding="utf-8"),
                         "html.parser")
    order = [(root, " ".join(page.find("h1").get_text().split()))]
    base = urllib.parse.urljoin("/", root)
    for link in page.select("nav.bd-docs-nav a.reference.internal"):
        path = urllib.parse.urljoin(base, link["href"]).lstrip("/")
        path = path.split("#", 1)[0]
        if path not in [p for p, _ in order]:
            order.append((path, " ".join(link.get_text().split())))
    return order


def _anchor(page: str, fragment: str = "") -> str:
    slug = page.removesuffix(".html").replace("/", "-")
    return f"{slug}--{fragment}" if fragment else slug


def print_page(html: pathlib.Path, edition: str) -> str:
    """One HTML page holding every chapter's article, for printing."""
    order = pages_in_order(html)
    pages = {path for path, _ in order}
    first = BeautifulSoup((html / order[0][0]).read_text(encoding="utf-8"),
                          "html.parser")
    base = "/" + order[0][0]
    head = [f'<meta charset="utf-8"><title>{first.title.get_text()}</title>']
    for link in first.head.find_all("link", rel="stylesheet"):
        head.append(f'<link rel="stylesheet" href="'
                    f'{urllib.parse.urljoin(base, link["href"])}">')
    head.append(f"<style>{PRINT_CSS.read_text(encoding='utf-8')}</style>")
    for script in first.head.find_all("script"):
        if script.get("type") == "text/x-mathjax-config":
            head.append(str(script))
        elif "mathjax" in script.get("src", "").lower():
            head.append(f'<script src="'
                        f'{urllib.parse.urljoin(base, script["src"])}">'
                        f"</script>")
    book = first.title.get_text()
    label = "Student edition" if edition == "student" else "Full edition"
    contents = "".join(f'<li><a href="#{_anchor(path)}">{title}</a></li>'
                       for path, title in order)
    body = [f'<section class="print-cover"><h1>{book}</h1>'
            f'<p class="print-edition">{label}</p>'
            f'<ul class="print-contents">{contents}</ul></section>']
    for path, title in order:
        page = BeautifulSoup((html / path).read_text(encoding="utf-8"),
                             "html.parser")
        article = page.find("article")
        url = "/" + path
        for node in article.find_all(id=True):
            node["id"] = _anchor(path, node["id"])
        for node in article.find_all(["img", "script", "source"], src=True):
            node["src"] = urllib.parse.urljoin(url, node["src"])
        for node in article.find_all(["a", "link"], href=True):
            target = urllib.parse.urljoin(url, node["href"])
            parts = urllib.parse.urlsplit(target)
            if not parts.scheme and parts.path.lstrip("/") in pages:
                node["href"] = "#" + _anchor(parts.path.lstrip("/"),
                                             parts.fragment)
            else:
                node["href"] = target
        h1 = article.find("h1")
        if h1 is not None and title != " ".join(h1.get_text().split()):
            h1.string = title  # the chapter's number, as in the sidebar
        body.append(f'<section class="print-chapter" id="{_anchor(path)}">'
                    f"{article.decode_contents()}</section>")
    return (f'<!DOCTYPE html><html lang="en" data-theme="light" '
            f'data-mode="light"><head>{"".join(head)}</head>'
            f'<body class="print-{edition}">{"".join(body)}</body></html>')


class _Handler(http.server.SimpleHTTPRequestHandler):
    page = b""

    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.path == PRINT_PAGE:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(self.page)))
            self.end_headers()
            self.wfile.write(self.page)
        else:
            super().do_GET()

    def log_message(self, *args):
        pass


def print_pdf(html: pathlib.Path, output: pathlib.Path, edition: str,
              chromium: str | None = None) -> int:
    """Print the edition built in ``html`` into ``output``; its page count."""
    from playwright.sync_api import sync_playwright

    chromium = chromium or find_chromium()
    if chromium is None:
        raise RuntimeError(
            "no Chromium found ($PY4ENG_CHROMIUM, /usr/bin/chromium, "
            "chromium or chromium-browser on PATH): install Debian's "
            "`chromium` package (apt-get install chromium)")
    handler = type("Handler", (_Handler,), {
        "page": print_page(html, edition).encode("utf-8")})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium,
                args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_port}{PRINT_PAGE}",
                      wait_until="load", timeout=TIMEOUT_MS)
            _wait_for_mathjax(page)
            page.wait_for_function(
                "Array.from(document.images).every(i => i.complete)",
                timeout=TIMEOUT_MS)
            broken = page.evaluate(
                "Array.from(document.images).filter(i => !i.naturalWidth)"
                ".map(i => i.src)")
            if broken:
                raise RuntimeError(f"images that did not load: {broken}")
            page.pdf(path=str(output), format="A4", print_background=True,
                     display_header_footer=True,
                     header_template="<span></span>",
                     footer_template=(
                         '<div style="font-size:8px;width:100%;'
                         'text-align:center;color:#555">'
                         '<span class="pageNumber"></span> / '
                         '<span class="totalPages"></span></div>'),
                     margin={"top": "16mm", "bottom": "16mm",
                             "left": "14mm", "right": "14mm"})
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return page_count(output)


def _wait_for_mathjax(page) -> None:
    """Until MathJax (version 2, served by the book) has typeset it all."""
    page.wait_for_function("window.MathJax && MathJax.isReady === true",
                           timeout=TIMEOUT_MS)
    # MathJax's queue runs in order: once this callback runs, every
    # formula queued before it is typeset.
    page.evaluate("() => new Promise(done => MathJax.Hub.Queue("
                  "['Typeset', MathJax.Hub], done))")


def page_count(pdf: pathlib.Path) -> int:
    """Pages of a PDF that Chromium wrote (its page tree's /Count)."""
    import re

    counts = re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)",
                        pdf.read_bytes())
    counts += re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b",
                         pdf.read_bytes())
    return max(int(c) for c in counts) if counts else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=pathlib.Path,
                        help="a built edition's html folder")
    parser.add_argument("--output", type=pathlib.Path, help="the PDF")
    parser.add_argument("--student", action="store_true",
                        help="the folder holds the student edition")
    args = parser.parse_args(argv)
    if (args.html is None) != (args.output is None):
        parser.error("--html and --output go together")
    if args.html:
        jobs = [("student" if args.student else "full", args.html,
                 args.output)]
    else:
        jobs = [(name, html, pdf) for name, (html, pdf) in EDITIONS.items()]
    for edition, html, pdf in jobs:
        if not (html / "index.html").exists():
            print(f"error: {html} holds no built book (make book, make "
                  f"book-student)", file=sys.stderr)
            return 1
        try:
            pages = print_pdf(html.resolve(), pdf.resolve(), edition)
        except RuntimeError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        size = pdf.stat().st_size / 1e6
        print(f"== {edition} edition: {pdf} ({pages} pages, {size:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
