"""The strict build: warnings are errors, references are checked.

The book is built once per test session into a temporary folder, with
``-W -n --keep-going`` (warnings as errors, nitpicky references, and every
warning reported, not only the first): the ``built_book`` fixture in
conftest.py. Other tests (test_html, test_browser) read the HTML it made.
"""

import re

import pytest

from book_files import toc_entries


@pytest.mark.build
def test_book_builds_with_zero_warnings(built_book):
    """jupyter-book build -W -n --keep-going succeeds with no warning"""
    _, log, returncode = built_book
    warnings = [line for line in log.splitlines() if "WARNING" in line]
    assert warnings == []
    assert returncode == 0, log[-3000:]


@pytest.mark.build
def test_every_toc_entry_has_a_page(built_book):
    """each file in _toc.yml becomes an HTML page"""
    html, _, _ = built_book
    missing = [e for e in toc_entries() if not (html / f"{e}.html").exists()]
    assert missing == []
    assert (html / "index.html").exists()


@pytest.mark.build
def test_md_twins_are_not_built_as_pages(built_book):
    """the chapters come from the .ipynb: no page was built from the .md"""
    html, log, _ = built_book
    page = (html / "book" / "autodiff.html").read_text(encoding="utf-8")
    # The stored outputs are in the page: the plots as images.
    assert page.count('<img alt="') >= 3
    assert "autodiff.md" not in log


@pytest.mark.build
def test_status_page_lists_each_notebook_run(built_book):
    """the status page shows run time and versions for every chapter"""
    html, _, _ = built_book
    page = (html / "book" / "pages" / "status.html").read_text(
        encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", page)
    assert "book/autodiff" in text and "✅" in text
    assert "Learning XOR with Automatic Differentiation" in text
    assert re.search(r"\b0\.10\.2\b", text)
