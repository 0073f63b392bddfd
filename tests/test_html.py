"""The built HTML, read as files: accessible, offline, with its buttons.

These read the session's strict build (the ``built_book`` fixture); the
browser tests (test_browser.py) check the same pages as a reader gets them.
"""

from __future__ import annotations

import json
import re
import urllib.parse

import bs4
import pytest
import yaml

from book_files import ROOT, notebook_mds, toc_entries
from support import parsed_html

pytestmark = pytest.mark.build

PAGES = [f"{entry}.html" for entry in toc_entries()]
CHAPTERS = [md.relative_to(ROOT).with_suffix("").as_posix()
            for md in notebook_mds()
            if md.relative_to(ROOT).with_suffix("").as_posix()
            in toc_entries()]
PLAIN_PAGES = [e for e in toc_entries() if e not in CHAPTERS]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:)?//", re.I)


def soup(html_dir, page) -> bs4.BeautifulSoup:
    """The page, parsed once for all the tests here (not to be changed)."""
    return parsed_html(html_dir / page)


def article(html_dir, page) -> bs4.Tag:
    """The page's own content, without the theme's navigation."""
    page_soup = soup(html_dir, page)
    return page_soup.find("article") or page_soup.find("main")


@pytest.mark.parametrize("page", PAGES)
def test_every_figure_has_alt_text_and_a_caption(built_book, page):
    """each image in a page says what it shows (alt) and has a caption"""
    html_dir, _, _ = built_book
    problems = []
    for img in article(html_dir, page).find_all("img"):
        alt = (img.get("alt") or "").strip()
        src = img.get("src", "")
        # Without alt text, Sphinx writes the file's path as the alt.
        if not alt or alt == src or alt.endswith((".png", ".svg", ".jpg")):
            problems.append(f"{src}: no alt text")
        figure = img.find_parent("figure")
        caption = figure.find("figcaption") if figure else None
        if caption is None or not caption.get_text(strip=True):
            problems.append(f"{src}: no caption")
    assert problems == []


@pytest.mark.parametrize("page", PAGES + ["search.html"])
def test_headings_go_in_order(built_book, page):
    """one h1 first, and no heading skips a level (h2 then h4)"""
    html_dir, _, _ = built_book
    levels = [int(h.name[1]) for h in article(html_dir, page).find_all(
        re.compile(r"^h[1-6]$"))]
    assert levels[:1] == [1] and levels.count(1) == 1, levels
    skips = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
    assert skips == []


@pytest.mark.parametrize("page", PAGES + ["search.html"])
def test_no_resource_from_another_site(built_book, page):
    """scripts, styles, fonts, images all come from the book itself"""
    html_dir, _, _ = built_book
    page_soup = soup(html_dir, page)
    outside = [tag.get("src") for tag in page_soup.find_all(src=True)
               if EXTERNAL.match(tag["src"])]
    outside += [tag["href"] for tag in page_soup.find_all("link", href=True)
                if EXTERNAL.match(tag["href"])]
    inline = " ".join(s.get_text() for s in page_soup.find_all("script"))
    outside += re.findall(r"https?://[^\s\"']+\.(?:js|css)\b", inline)
    assert outside == []


def test_stylesheets_fetch_nothing_from_another_site(built_book):
    """no CSS file in the book imports a font or sheet from the network"""
    html_dir, _, _ = built_book
    found = []
    for css in (html_dir / "_static").rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        for url in re.findall(r"(?:url\(|@import\s+)['\"]?([^'\")\s]+)",
                              text):
            if EXTERNAL.match(url):
                found.append(f"{css.relative_to(html_dir)}: {url}")
    assert found == []


def test_mathjax_is_served_from_the_book(built_book):
    """pages with math load MathJax 2 from _static/mathjax, which is there"""
    html_dir, _, _ = built_book
    page = soup(html_dir, "book/autodiff.html")
    [src] = [s["src"] for s in page.find_all("script", src=True)
             if "MathJax.js" in s["src"]]
    path, _, query = src.partition("?")
    assert path == "../_static/mathjax/MathJax.js"
    config = urllib.parse.parse_qs(query)["config"][0]
    mathjax = html_dir / "_static" / "mathjax"
    assert (mathjax / "MathJax.js").exists()
    assert (mathjax / "config" / f"{config}.js").exists()
    assert list((mathjax / "fonts" / "HTML-CSS").iterdir())


def _launch_links(html_dir, chapter) -> list[str]:
    page = soup(html_dir, f"{chapter}.html")
    return [a["href"] for a in page.find_all("a", href=True)]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapters_have_binder_and_colab_buttons(built_book, chapter):
    """each chapter opens on Binder (JupyterLab) and on Colab"""
    html_dir, _, _ = built_book
    repo = CONFIG["repository"]
    owner_name = urllib.parse.urlsplit(repo["url"]).path.strip("/")
    links = _launch_links(html_dir, chapter)
    assert (f"https://mybinder.org/v2/gh/{owner_name}/{repo['branch']}"
            f"?urlpath=lab/tree/{chapter}.ipynb") in links
    assert (f"https://colab.research.google.com/github/{owner_name}/blob/"
            f"{repo['branch']}/{chapter}.ipynb") in links


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapters_download_as_ipynb_and_md(built_book, chapter):
    """the download menu offers the .ipynb and its MyST .md, both intact"""
    html_dir, _, _ = built_book
    links = _launch_links(html_dir, chapter)
    for suffix in (".ipynb", ".md"):
        href = f"../_sources/{chapter}{suffix}"
        assert href in links
        served = (html_dir / f"{chapter}.html").parent / href
        assert served.read_bytes() == (ROOT / f"{chapter}{suffix}") \
            .read_bytes()
    json.loads((html_dir / "_sources" / f"{chapter}.ipynb").read_text())


@pytest.mark.parametrize("entry", PLAIN_PAGES)
def test_plain_pages_download_as_md(built_book, entry):
    """a page built from MyST markdown offers that .md"""
    html_dir, _, _ = built_book
    depth = entry.count("/")
    href = "../" * depth + f"_sources/{entry}.md"
    assert href in _launch_links(html_dir, entry)
    assert (html_dir / "_sources" / f"{entry}.md").exists()


def test_no_empty_index_page(built_book):
    """no general index (the book has no index entries): none is linked"""
    html_dir, _, _ = built_book
    assert not (html_dir / "genindex.html").exists()
    for page in PAGES:
        assert "genindex.html" not in (html_dir / page).read_text(
            encoding="utf-8"), page


def test_front_door_has_the_book_icon(built_book):
    """index.html redirects to the first page and names the favicon"""
    html_dir, _, _ = built_book
    front = soup(html_dir, "index.html")
    assert front.find("meta", attrs={"http-equiv": "Refresh"})
    [icon] = front.find_all("link", rel="icon")
    assert (html_dir / icon["href"]).exists()
    assert front.title.get_text(strip=True) == CONFIG["title"]


def test_landing_title_says_the_book_once(built_book):
    """the first page's <title> is the book's title, not repeated twice"""
    html_dir, _, _ = built_book
    first = soup(html_dir, PAGES[0])
    if first.find("h1").get_text(strip=True).rstrip("#") == CONFIG["title"]:
        assert first.title.get_text(strip=True) == CONFIG["title"]


@pytest.mark.parametrize("page", PAGES)
def test_no_icon_script(built_book, page):
    """the 1.5 MB fontawesome.js is not loaded: the icons are a web font"""
    html_dir, _, _ = built_book
    sources = [s["src"] for s in soup(html_dir, page).find_all(
        "script", src=True)]
    assert not [s for s in sources if "fontawesome" in s]
