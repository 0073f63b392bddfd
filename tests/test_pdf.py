"""`make pdf`: both editions printed by Chromium (tools/book_pdf.py).

Read back with pdftotext (Debian's poppler-utils, which .ci/run installs):
every chapter's title is there, the math is typeset (no TeX source left),
every figure's caption is there, the full edition shows its solutions and
the student edition none. Without Chromium or pdftotext these tests skip,
and say so; in CI (PY4ENG_REQUIRE_BROWSER=1) they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

import book_pdf
from support import parsed_html
from test_student import (
    CHAPTERS,
    all_fingerprints,
    page_of,
    solution_fingerprints,
    student_book,
)

__all__ = ["student_book"]  # the session's student edition (a fixture)

pytestmark = pytest.mark.build


def require(tool: str | None, what: str) -> str:
    if tool:
        return tool
    message = f"no {what}: `apt-get install chromium poppler-utils`"
    if os.environ.get("PY4ENG_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


def pdf_text(pdf) -> str:
    pdftotext = require(shutil.which("pdftotext"), "pdftotext")
    return subprocess.run([pdftotext, "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, text=True, check=True,
                          timeout=300).stdout


@pytest.fixture(scope="module")
def printed(built_book, student_book, tmp_path_factory):
    """Both editions printed: {edition: (pdf, its text, html folder)}."""
    require(book_pdf.find_chromium(), "Chromium")
    out = tmp_path_factory.mktemp("pdf")
    result = {}
    for edition, html in (("full", built_book[0]),
                          ("student", student_book[0])):
        pdf = out / f"{edition}.pdf"
        pages = book_pdf.print_pdf(html, pdf, edition)
        print(f"{edition}: {pages} pages, {pdf.stat().st_size / 1e6:.1f} MB")
        result[edition] = (pdf, pdf_text(pdf), html, pages)
    return result


def squeeze(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("edition", ["full", "student"])
def test_every_chapter_title_is_in_the_pdf(printed, edition):
    """each page of the book under its numbered title, in the contents and
    as its heading"""
    _, text, html, pages = printed[edition]
    order = book_pdf.pages_in_order(html)
    # ... and the plain pages (intro, status, teaching), one per file
    pages_md = list((book_pdf.ROOT / "book" / "pages").glob("*.md"))
    assert len(order) == len(CHAPTERS) + len(pages_md), order
    # (a heading may break after a hyphen, "the 10-" / "Bar Truss", which
    # pdftotext joins without it: compare with hyphens left out)
    text = squeeze(text).replace("-", "")
    assert [title for _, title in order
            if text.count(title.replace("-", "")) < 2] == []
    assert [title for _, title in order
            if title.split(". ", 1)[0].isdigit()] == [
        title for _, title in order][1:1 + len(CHAPTERS)]
    assert pages > 10 * len(CHAPTERS)


@pytest.mark.parametrize("edition", ["full", "student"])
def test_the_math_is_typeset(printed, edition):
    """no TeX source left: MathJax had typeset every formula before
    Chromium printed"""
    _, text, _, _ = printed[edition]
    for raw in ("$", "\\(", "\\[", "\\frac", "\\begin{"):
        assert raw not in text, raw


@pytest.mark.parametrize("edition", ["full", "student"])
def test_every_figure_is_in_the_pdf(printed, edition):
    """each figure of each chapter: its numbered caption is printed (and
    the print waits until every image has loaded, without error)"""
    _, text, html, _ = printed[edition]
    text = squeeze(text)
    captions = []
    for md in CHAPTERS:
        article = parsed_html(html / page_of(md)).find("article")
        for figure in article.find_all("figure"):
            caption = figure.find("figcaption")
            assert caption is not None and figure.find("img") is not None
            words = squeeze(caption.get_text())
            # The number and the caption's first words (past them the
            # caption may hold math, which prints as typeset glyphs).
            captions.append(" ".join(words.split()[:2]))
    assert len(captions) >= len(CHAPTERS)
    assert [c for c in captions if c not in text] == []


def test_the_full_pdf_shows_every_solution(printed):
    """the print stylesheet opens the folded solutions"""
    _, text, _, _ = printed["full"]
    text = squeeze(text)
    assert text.count("Solution to Exercise") >= 2 * len(CHAPTERS)
    for md in CHAPTERS:
        assert [f for f in solution_fingerprints(md) if f in text], md.stem


def test_the_student_pdf_has_no_solution(printed):
    """no solution title, prose or code in the student edition"""
    _, text, _, _ = printed["student"]
    text = squeeze(text)
    assert "Solution to" not in text
    assert [f for f in all_fingerprints() if f in text] == []


@pytest.mark.parametrize("edition", ["full", "student"])
def test_no_site_navigation_is_printed(printed, edition):
    """the sidebar, the header's buttons and the search box stay out"""
    _, text, _, _ = printed[edition]
    for screen_only in ("Search this book", "Skip to main content",
                        "Back to top", "Ctrl+K"):
        assert screen_only not in text, screen_only
