"""The built book in a real browser: every page, as a reader gets it.

Headless Chromium (Debian's ``chromium`` package, which .ci/run installs),
driven by Playwright, opens every page of the session's strict build (the
``built_book`` fixture) from a local HTTP server on 127.0.0.1: not from
file://, which would hide failed requests. Every request for another host
is blocked and reported, so these tests also prove that the book reads
offline. Each page is visited once, several at a time; the tests below
check what the visits recorded. A visit opens the page at desktop width
(1366 px), then narrows the same page to a phone's (390 px): what the
reader sees at both widths (the first screen of the page: NAME.jpg at
desktop width, NAME-phone.jpg and, in the dark theme, NAME-dark.png at
phone width) is saved in _build/screenshots/ for people to look at. In
the same page load axe-core (axe-playwright-python) checks accessibility,
the page's weight is summed, and the sidebar toggles are tried.

Without Chromium the tests are skipped, and say so; with
$PY4ENG_REQUIRE_BROWSER set (.ci/run sets it) they fail instead.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import html.parser
import http.server
import os
import pathlib
import re
import shutil
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from playwright.async_api import async_playwright

from book_files import ROOT, notebook_mds, toc_entries
from book_pdf import find_chromium

pytestmark = [pytest.mark.build, pytest.mark.browser]

SCREENSHOTS = ROOT / "_build" / "screenshots"
REPORT = SCREENSHOTS / "report.txt"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-quic", "--no-first-run",
                 "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1366, "height": 900}   # a common laptop
PHONE = {"width": 390, "height": 844}       # a common phone, in CSS px
PARALLEL = 2         # pages open at once (more gains nothing on 2 cores)
TIMEOUT_MS = 20_000  # for a page to load, typeset its math, react

CHAPTERS = [md.relative_to(ROOT).with_suffix("").as_posix()
            for md in notebook_mds()]
CONTENT_PAGES = [f"{entry}.html" for entry in toc_entries()]
PAGES = CONTENT_PAGES + ["search.html"]
CHAPTER_PAGES = [f"{c}.html" for c in CHAPTERS if c in toc_entries()]
# The sidebar toggles come from the theme's template, the same on every
# page: they are tried on one chapter.
NAV_PAGES = CHAPTER_PAGES[:1]
# axe-core's rules, and the experimental one the search buttons failed:
# the accessible name must contain the visible text.
# No "preload": axe would fetch the stylesheets again and resolve their
# @import against the page (a 404 for theme.css's "../basic.css").
AXE_OPTIONS = {"resultTypes": ["violations"], "preload": False,
               "rules": {"label-content-name-mismatch": {"enabled": True}}}
AXE_FAILS = ("serious", "critical")
# What one page brings over the network (the HTML and everything it
# loads, uncompressed), at most. Measured: 2.4 to 3.3 MB per page with
# the theme's fontawesome.js (1.5 MB), 1.0 to 1.8 MB without; the margin
# is for figures.
PAGE_WEIGHT_LIMIT = 2_500_000


# --- what one visit records -------------------------------------------------

@dataclasses.dataclass
class Visit:
    page: str
    error: str | None = None             # the visit itself failed
    console_errors: list = dataclasses.field(default_factory=list)
    failed_requests: list = dataclasses.field(default_factory=list)
    external_requests: list = dataclasses.field(default_factory=list)
    urls: list = dataclasses.field(default_factory=list)  # links, sources
    images: list = dataclasses.field(default_factory=list)
    math: dict = dataclasses.field(default_factory=dict)
    code_blocks: list = dataclasses.field(default_factory=list)
    solutions: list = dataclasses.field(default_factory=list)
    themes: dict = dataclasses.field(default_factory=dict)
    axe: list = dataclasses.field(default_factory=list)  # violations
    weight: dict = dataclasses.field(default_factory=dict)
    phone_width: list = dataclasses.field(default_factory=list)
    navigation: dict = dataclasses.field(default_factory=dict)


# The page's math: each Sphinx math element must hold MathJax's output; no
# TeX error; no raw $...$, \(...\) or \[...\] left in the text. And the
# inline formulas sit on the line of text: for each one-symbol formula
# ($x$, $\sigma$; no sub- or superscript to move it), the middle of the
# symbol against the middle of the character before it, in line heights;
# "baseline" is the median over the page's formulas.
MATH_JS = r"""() => {
  const median = xs => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const middle = r => (r.top + r.bottom) / 2;
  const offsets = [];
  for (const m of document.querySelectorAll('span.math.notranslate')) {
    const before = m.previousSibling;
    const symbols = Array.from(m.querySelectorAll(
      '.MathJax .mi, .MathJax .mn, .MathJax .mo'));
    if (!before || before.nodeType !== 3 || symbols.length !== 1) continue;
    const text = before.textContent.trimEnd();
    if (!text) continue;
    const range = document.createRange();
    range.setStart(before, text.length - 1);
    range.setEnd(before, text.length);
    const char = range.getBoundingClientRect();
    if (symbols[0].getBoundingClientRect().left < char.right - 1) continue;
    offsets.push(
      (middle(symbols[0].getBoundingClientRect()) - middle(char))
      / char.height);
  }
  const math = Array.from(document.querySelectorAll('.math.notranslate'));
  const rendered = '.MathJax, .MathJax_Display, .MathJax_SVG, mjx-container';
  const article = (document.querySelector('article') || document.body)
    .cloneNode(true);
  article.querySelectorAll('pre, code, script, style, .math')
    .forEach(e => e.remove());
  const raw = article.textContent.match(
    /\$\$[^$]+\$\$|\$[^$\s][^$\n]*\$|\\\(|\\\[/g) || [];
  return {
    count: math.length,
    unrendered: math.filter(m => !m.querySelector(rendered))
      .map(m => m.textContent.slice(0, 80)),
    errors: Array.from(document.querySelectorAll(
      '.noError, .merror, .MathJax_Error'), e => e.textContent.slice(0, 80)),
    raw: raw.slice(0, 10),
    baseline: offsets.length ? median(offsets) : 0,
  };
}"""
MATHJAX_DONE_JS = """() => !document.querySelector('.math.notranslate') ||
  (window.MathJax && MathJax.Hub && MathJax.Hub.Startup.signal.posted
     .includes('End') && MathJax.Hub.queue.pending === 0)"""
URLS_JS = """() => [
  ...Array.from(document.querySelectorAll('a[href]'), a => a.href),
  ...Array.from(document.querySelectorAll('[src]'), e => e.src),
  ...Array.from(document.querySelectorAll('link[href]'), e => e.href)]"""
IMAGES_JS = """() => Array.from(document.images, i => ({
  src: i.currentSrc || i.src, loaded: i.complete && i.naturalWidth > 0}))"""
# Each block of code (input or output) and whether it has a copy button.
CODE_JS = """() => Array.from(document.querySelectorAll('div.highlight'),
  d => ({text: d.textContent.slice(0, 60),
         input: !!d.closest('.cell_input'),
         button: !!d.querySelector('button.copybtn')}))"""
# Is any of an admonition's content (all but its title) on screen?
SHOWN_JS = """e => Array.from(e.children)
  .filter(c => !c.classList.contains('admonition-title'))
  .some(c => {
    const style = getComputedStyle(c);
    return style.display !== 'none' && style.visibility !== 'hidden'
      && Number(style.opacity) > 0 && c.getBoundingClientRect().height > 0;
  })"""
# The bytes a page brought: itself and every resource it loaded (all from
# the local server, so the sizes are known).
WEIGHT_JS = """() => {
  const entries = [...performance.getEntriesByType('navigation'),
                   ...performance.getEntriesByType('resource')];
  const sizes = entries.map(e => [e.name, e.decodedBodySize || 0]);
  sizes.sort((a, b) => b[1] - a[1]);
  return {total: sizes.reduce((t, s) => t + s[1], 0),
          largest: sizes.slice(0, 3)};
}"""
# Wider than the window means text cut off or a sideways scroll.
WIDTH_JS = "() => [document.documentElement.scrollWidth, innerWidth]"
# The elements that stick out on the right, for the failure message.
WIDE_JS = """() => {
  const clipped = e => {
    for (let a = e.parentElement; a; a = a.parentElement) {
      if (/auto|hidden|scroll/.test(getComputedStyle(a).overflowX))
        return true;
    }
    return false;
  };
  return Array.from(document.querySelectorAll('article *'))
    .filter(e => e.getBoundingClientRect().right > innerWidth + 1
            && !clipped(e))
    .slice(0, 5).map(e => `${e.tagName}.${e.className}: `
                      + e.textContent.slice(0, 60));
}"""
# Is the chapter list on screen: how many of its links can be seen?
SIDEBAR_JS = """() => {
  const seen = e => {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && r.right > 0 && r.left < innerWidth
      && s.visibility !== 'hidden' && s.display !== 'none';
  };
  return Array.from(document.querySelectorAll(
    '#pst-primary-sidebar a.reference, '
    + '#pst-primary-sidebar-modal a.reference')).filter(seen).length;
}"""
THEME_JS = """() => ({theme: document.documentElement.dataset.theme,
  background: getComputedStyle(document.body).backgroundColor})"""
# Wait until every CSS transition and animation running now has ended: a
# solution fades in, and axe-core measured its text's contrast half-way
# (#b66eac, 3.39:1, for the theme's #912583 code colour) and failed.
SETTLED_JS = """() => Promise.all(document.getAnimations().map(
  a => a.finished.catch(() => null))).then(() => true)"""


def luminance(css_color: str) -> float:
    """Relative luminance (0 black .. 1 white) of an rgb()/rgba() color."""
    r, g, b = (int(v) for v in re.findall(r"\d+", css_color)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def shot_name(page: str) -> str:
    return page.removesuffix(".html").replace("/", "-")


async def _visit(browser, base: str, page_name: str) -> Visit:
    visit = Visit(page_name)
    context = await browser.new_context(viewport=VIEWPORT,
                                        color_scheme="light")
    context.set_default_timeout(TIMEOUT_MS)

    async def only_local(route):
        url = route.request.url
        if url.startswith(base):
            await route.continue_()
        else:
            visit.external_requests.append(url)
            await route.abort("blockedbyclient")

    await context.route("**/*", only_local)
    page = await context.new_page()
    page.on("console", lambda m: m.type == "error" and
            visit.console_errors.append(f"{m.text} [{m.location['url']}]"))
    page.on("pageerror", lambda e: visit.console_errors.append(
        f"uncaught: {e}"))
    page.on("requestfailed", lambda r: r.url.startswith(base) and
            visit.failed_requests.append(f"{r.url}: {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and
            visit.failed_requests.append(f"{r.url}: HTTP {r.status}"))
    try:
        await page.goto(base + page_name, wait_until="load")
        try:
            await page.wait_for_function(MATHJAX_DONE_JS, polling=100)
            typeset = True
        except PlaywrightTimeoutError:
            typeset = False  # reported by test_math_is_rendered
        await page.evaluate("document.fonts.ready.then(() => true)")
        visit.math = dict(await page.evaluate(MATH_JS), typeset=typeset)
        visit.urls = await page.evaluate(URLS_JS)
        visit.code_blocks = await page.evaluate(CODE_JS)
        name = shot_name(page_name)
        visit.weight = await page.evaluate(WEIGHT_JS)
        # The first screen of the page, as a reader sees it on arrival (a
        # whole chapter, full page, costs seconds to render and encode).
        await page.screenshot(path=SCREENSHOTS / f"{name}.jpg", quality=85)
        visit.images = await page.evaluate(IMAGES_JS)
        visit.solutions = await _open_solutions(page)
        # Accessibility, with the solutions open: their content is checked
        # too.
        visit.axe = await _axe(page)
        if page_name in NAV_PAGES:
            visit.navigation["desktop"] = await _toggle_sidebar(page)
            await _toggle_sidebar(page)  # and back
        # The same page on a phone.
        await page.set_viewport_size(PHONE)
        await page.evaluate("window.scrollTo(0, 0)")
        try:  # the sidebar leaves the screen (a transition)
            await page.wait_for_function(f"({SIDEBAR_JS})() === 0",
                                         polling=100, timeout=3000)
        except PlaywrightTimeoutError:
            pass  # test_menu_opens_the_chapter_list_on_a_phone says so
        visit.phone_width = await page.evaluate(WIDTH_JS)
        if visit.phone_width[0] > visit.phone_width[1]:
            visit.phone_width.append(await page.evaluate(WIDE_JS))
        await page.screenshot(path=SCREENSHOTS / f"{name}-phone.jpg",
                              quality=85)
        if page_name in NAV_PAGES:
            visit.navigation["phone"] = await _toggle_sidebar(page)
            await page.screenshot(
                path=SCREENSHOTS / f"{name}-phone-menu.jpg", quality=85)
            await page.keyboard.press("Escape")
        visit.themes = await _switch_to_dark(page)
        await page.screenshot(path=SCREENSHOTS / f"{name}-dark.png")
    except Exception as err:  # noqa: BLE001 (reported by every test)
        visit.error = f"{type(err).__name__}: {err}"
    finally:
        await context.close()
    return visit


async def _open_solutions(page) -> list[dict]:
    """For each solution: shown before its button is clicked, and after."""
    found = []
    solutions = page.locator("div.solution")
    for i in range(await solutions.count()):
        solution = solutions.nth(i)
        before = await solution.evaluate(SHOWN_JS)
        await solution.locator("button.toggle-button").click()
        try:
            await page.wait_for_function(
                f"e => ({SHOWN_JS})(e)", arg=await solution.element_handle(),
                timeout=3000)
        except Exception:  # noqa: BLE001 (recorded as not shown)
            pass
        after = await solution.evaluate(SHOWN_JS)
        title = await solution.locator(".admonition-title").inner_text()
        found.append({"title": title.strip(), "shown_before": before,
                      "shown_after": after,
                      "code_cells": await solution.locator(
                          ".cell_input").count()})
    await page.evaluate(SETTLED_JS)   # the fade-in ends before axe looks
    return found


async def _axe(page) -> list[dict]:
    """axe-core's violations on the page as it is now."""
    results = await Axe().run(page, options=AXE_OPTIONS)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["html"][:120] for n in v["nodes"][:3]],
             "count": len(v["nodes"])}
            for v in results.response["violations"]]


async def _toggle_sidebar(page) -> dict:
    """Chapter links seen before and after clicking the menu button."""
    before = await page.evaluate(SIDEBAR_JS)
    await page.locator("button.primary-toggle:visible").first.click()
    try:
        await page.wait_for_function(f"({SIDEBAR_JS})() !== {before}",
                                     polling=100, timeout=3000)
    except PlaywrightTimeoutError:
        pass  # recorded as unchanged
    return {"before": before, "after": await page.evaluate(SIDEBAR_JS)}


async def _switch_to_dark(page) -> dict:
    """Click the theme button until the page is dark (at most 3 clicks)."""
    themes = {"light": await page.evaluate(THEME_JS)}
    button = page.locator(".theme-switch-button:visible").first
    for _ in range(3):
        if (await page.evaluate(THEME_JS))["theme"] == "dark":
            break
        await button.click()
    await page.evaluate(SETTLED_JS)
    themes["dark"] = await page.evaluate(THEME_JS)
    return themes


async def _search(browser, base: str, word: str) -> list[str]:
    """The pages the book's search page lists for ``word``."""
    context = await browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    await context.route("**/*", lambda route: (
        route.continue_() if route.request.url.startswith(base)
        else route.abort("blockedbyclient")))
    page = await context.new_page()
    try:
        await page.goto(f"{base}search.html?q={urllib.parse.quote(word)}")
        await page.wait_for_function(
            """() => /finished|did not match/i.test((document.querySelector(
                 '#search-results .search-summary') || {}).textContent)""",
            polling=100)
        links = await page.evaluate("""() => Array.from(
            document.querySelectorAll('#search-results a'), a => a.href)""")
    finally:
        await context.close()
    return [urllib.parse.urlsplit(link).path.lstrip("/") for link in links]


async def _visit_all(chromium: str, base: str,
                     words: dict[str, str]) -> tuple[dict, dict, str]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_ARGS)
        limit = asyncio.Semaphore(PARALLEL)

        async def one(coroutine):
            async with limit:
                return await coroutine

        visits = await asyncio.gather(
            *(one(_visit(browser, base, p)) for p in PAGES))
        found = await asyncio.gather(
            *(one(_search(browser, base, w)) for w in words.values()),
            return_exceptions=True)
        redirect = await _landing_page(browser, base)
        await browser.close()
    return ({v.page: v for v in visits}, dict(zip(words, found)), redirect)


async def _landing_page(browser, base: str) -> str:
    """Where index.html takes the reader."""
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(base + "index.html")
    await page.wait_for_url("**/intro.html", timeout=5000)
    url = page.url
    await context.close()
    return url


# --- words to search for ----------------------------------------------------

class _Prose(html.parser.HTMLParser):
    """The words of an article's paragraphs (not code, not outputs)."""

    def __init__(self):
        super().__init__()
        self.words: list[str] = []
        self._stack: list[bool] = []  # inside code or an output?

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input",
            "link", "meta", "source", "track", "wbr"}  # no end tag

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        classes = dict(attrs).get("class") or ""
        skip = tag in ("pre", "code", "script", "style") or \
            "output" in classes or "math" in classes
        self._stack.append(skip or bool(self._stack and self._stack[-1]))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if not (self._stack and self._stack[-1]):
            self.words += re.findall(r"[a-z]{7,}", data.lower())


def prose_words(path: pathlib.Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    start = text.find("<article")
    parser = _Prose()
    parser.feed(text[start:text.find("</article>", start)])
    return parser.words


def search_words(html_dir: pathlib.Path) -> dict[str, str]:
    """For each chapter, a word of its prose that the fewest pages share."""
    words = {p: prose_words(html_dir / p) for p in CONTENT_PAGES}
    pages_with = {}
    for page_words in words.values():
        for word in set(page_words):
            pages_with[word] = pages_with.get(word, 0) + 1
    return {page: min(sorted(set(words[page])),
                      key=lambda w: (pages_with[w], -words[page].count(w)))
            for page in CHAPTER_PAGES}


# --- fixtures ---------------------------------------------------------------

def require_chromium() -> str:
    """The browser; without one, skip (or fail where it is required: CI)."""
    path = find_chromium()
    if path is None:
        message = ("no Chromium found ($PY4ENG_CHROMIUM, /usr/bin/chromium, "
                   "chromium or chromium-browser on PATH): install Debian's "
                   "`chromium` package (`apt-get install chromium`, as "
                   ".ci/run does) to run the browser tests")
        if os.environ.get("PY4ENG_REQUIRE_BROWSER"):
            pytest.fail(message + " ($PY4ENG_REQUIRE_BROWSER is set)")
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def chromium():
    return require_chromium()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(built_book):
    """The built book on http://127.0.0.1:PORT/, served from a thread."""
    html_dir, _, _ = built_book
    handler = functools.partial(_QuietHandler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", html_dir
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browsed(chromium, site):
    """Every page visited once: (visits by page, search results, landing)."""
    base, html_dir = site
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    words = search_words(html_dir)
    visits, found, landing = asyncio.run(_visit_all(chromium, base, words))
    write_report(visits)
    return visits, {page: (words[page], found[page]) for page in words}, \
        landing


def write_report(visits) -> None:
    """Page weight and axe's findings (all levels), a report, not a check:
    written to REPORT, which tests/conftest.py shows in pytest's summary."""
    lines = []
    for page in PAGES:
        v = visits[page]
        if v.error is None:
            found = ", ".join(f"{a['id']} ({a['impact']}, {a['count']})"
                              for a in v.axe) or "none"
            lines.append(f"{page}: {v.weight['total'] / 1e6:.2f} MB; "
                         f"axe: {found}")
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def visit(browsed, request):
    result = browsed[0][request.param]
    assert result.error is None, f"the visit failed: {result.error}"
    return result


@functools.cache
def _fetch(url: str) -> tuple[int, frozenset]:
    """HTTP status of a local URL, and the element ids of an HTML page."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            body = response.read()
            status = response.status
            is_html = "html" in response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as err:
        return err.code, frozenset()
    ids = frozenset(re.findall(rb'\bid="([^"]+)"', body)) if is_html \
        else frozenset()
    return status, frozenset(i.decode() for i in ids)


def by_page(test):
    return pytest.mark.parametrize("visit", PAGES, indirect=True)(test)


# --- the tests --------------------------------------------------------------

@by_page
def test_no_console_errors(visit):
    """the page logs no error to the browser console"""
    assert visit.console_errors == []


@by_page
def test_no_failed_requests(visit):
    """every request the page makes succeeds"""
    assert visit.failed_requests == []


@by_page
def test_no_request_leaves_the_machine(visit):
    """the page asks nothing of another host: it reads offline"""
    assert visit.external_requests == []


@by_page
def test_internal_links_and_sources_resolve(visit, site):
    """every link, image, script and stylesheet here exists, anchors too"""
    base, _ = site
    broken = []
    for url in visit.urls:
        if not url.startswith(base):
            continue  # another site (Binder, Colab): not fetched offline
        address, _, anchor = url.partition("#")
        status, ids = _fetch(address)
        if status != 200:
            broken.append(f"{url}: HTTP {status}")
        elif anchor and urllib.parse.unquote(anchor) not in ids:
            broken.append(f"{url}: no element with that id")
    assert broken == []


@by_page
def test_images_are_displayed(visit):
    """every image has loaded and has a size"""
    assert [i["src"] for i in visit.images if not i["loaded"]] == []


@by_page
def test_math_is_rendered(visit):
    """MathJax typeset every formula; no TeX error, no raw $...$ left"""
    math = visit.math
    assert math["typeset"], "MathJax did not finish within the timeout"
    assert math["unrendered"] == []
    assert math["errors"] == []
    assert math["raw"] == []


@by_page
def test_inline_math_sits_on_the_line(visit):
    """inline formulas are not lifted above (or sunk below) their text"""
    # Measured: 0 to -0.1 with tools/sphinx/_static/book-mathjax2.css;
    # about -0.3 without it (the theme's layout is for MathJax 3).
    assert abs(visit.math["baseline"]) < 0.2


@by_page
def test_code_blocks_have_copy_buttons(visit):
    """each block of code, in cells and outputs, has a copy button"""
    assert [b["text"] for b in visit.code_blocks if not b["button"]] == []


@by_page
def test_solutions_hidden_until_clicked(visit):
    """an exercise's solution is hidden, then shown when clicked"""
    for solution in visit.solutions:
        assert not solution["shown_before"], solution["title"]
        assert solution["shown_after"], solution["title"]


@by_page
def test_dark_mode_switches(visit):
    """the theme button turns the page dark"""
    light, dark = visit.themes["light"], visit.themes["dark"]
    assert light["theme"] == "light" and luminance(light["background"]) > .8
    assert dark["theme"] == "dark" and luminance(dark["background"]) < .2


@by_page
def test_screenshots_saved(visit):
    """the page at both widths, light and dark, is in _build/screenshots"""
    name = shot_name(visit.page)
    for shot in (f"{name}.jpg", f"{name}-phone.jpg", f"{name}-dark.png"):
        assert (SCREENSHOTS / shot).stat().st_size > 1000


@by_page
def test_no_serious_accessibility_violation(visit):
    """axe-core finds nothing serious or critical (solutions open)"""
    serious = [v for v in visit.axe if v["impact"] in AXE_FAILS]
    assert serious == []


@by_page
def test_page_fits_a_phone(visit):
    """at 390 px nothing is wider than the screen: no sideways scroll"""
    width, window = visit.phone_width[:2]
    assert width <= window, f"{width} px wide: {visit.phone_width[2:]}"


@by_page
def test_page_weight(visit):
    """a page and all it loads stay under PAGE_WEIGHT_LIMIT bytes"""
    assert visit.weight["total"] <= PAGE_WEIGHT_LIMIT, visit.weight


@pytest.mark.parametrize("visit", NAV_PAGES, indirect=True)
def test_menu_opens_the_chapter_list_on_a_phone(visit):
    """at 390 px the menu button shows the chapters (not just a tooltip)"""
    phone = visit.navigation["phone"]
    assert phone["before"] == 0
    assert phone["after"] >= len(CHAPTER_PAGES), phone


@pytest.mark.parametrize("visit", NAV_PAGES, indirect=True)
def test_menu_hides_the_sidebar_on_a_desktop(visit):
    """at 1366 px the chapter list shows, and the menu button hides it"""
    desktop = visit.navigation["desktop"]
    assert desktop["before"] >= len(CHAPTER_PAGES)
    assert desktop["after"] == 0, desktop


def test_chapters_have_math_code_and_solutions(browsed):
    """the checks above had something to check: math, code, solutions"""
    visits = browsed[0]
    assert CHAPTER_PAGES
    for page in CHAPTER_PAGES:
        assert visits[page].error is None, visits[page].error
        assert any(b["input"] for b in visits[page].code_blocks), page
        assert visits[page].solutions, f"{page} shows no solution"
        assert all(s["code_cells"] for s in visits[page].solutions), page
    assert any(visits[p].math.get("count") for p in CHAPTER_PAGES)


@pytest.mark.parametrize("page", CHAPTER_PAGES)
def test_search_finds_each_chapter(browsed, page):
    """the search page lists a chapter for a word of its prose"""
    word, found = browsed[1][page]
    assert not isinstance(found, Exception), f"search for {word!r}: {found}"
    assert page in found, f"searching {word!r} found {found}"


def test_index_leads_to_the_introduction(browsed):
    """the book's front door, index.html, opens the introduction"""
    assert browsed[2].endswith("/book/pages/intro.html")


# --- finding the browser ----------------------------------------------------

def test_without_chromium_the_browser_tests_skip(monkeypatch):
    """no Chromium: a skip that says what is missing and how to get it"""
    monkeypatch.setattr(sys.modules[__name__], "find_chromium", lambda: None)
    monkeypatch.delenv("PY4ENG_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception,
                       match="no Chromium found.*apt-get install chromium"):
        require_chromium()


def test_without_chromium_ci_fails(monkeypatch):
    """where a browser is required (CI), its absence is a failure"""
    monkeypatch.setattr(sys.modules[__name__], "find_chromium", lambda: None)
    monkeypatch.setenv("PY4ENG_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="no Chromium found"):
        require_chromium()


def test_find_chromium_honours_the_variable(monkeypatch, tmp_path):
    """$PY4ENG_CHROMIUM names the browser to use"""
    browser = tmp_path / "my-chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    monkeypatch.setenv("PY4ENG_CHROMIUM", str(browser))
    assert find_chromium() == str(browser)
