"""Each chapter's .md and its executed .ipynb are one notebook, in sync."""

import json
import re

import jupytext
import pytest

import colab_cell
from book_files import BOOK, ROOT, is_notebook_md, notebook_mds, toc_entries

CHAPTERS = notebook_mds()


def cells(nb):
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


def test_the_book_has_chapters():
    """book/ holds MyST notebooks (else every test below passes vacuously)"""
    assert len(CHAPTERS) >= 1


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_md_and_ipynb_have_the_same_cells(md):
    """the .ipynb has exactly the .md's cells: run `make notebooks` if not"""
    nb = md.with_suffix(".ipynb")
    assert nb.exists(), f"{nb.name} is missing: run `make notebooks`"
    assert cells(jupytext.read(md)) == cells(jupytext.read(nb))


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_every_code_cell_was_executed(md):
    """no stored code cell lacks an execution count"""
    nb = jupytext.read(md.with_suffix(".ipynb"))
    unrun = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and c.get("execution_count") is None]
    assert unrun == [], f"cells {unrun} were never executed"


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_notebook_ran_to_the_end_without_errors(md):
    """errors appear only in cells tagged raises-exception"""
    nb = jupytext.read(md.with_suffix(".ipynb"))
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        tagged = "raises-exception" in cell.metadata.get("tags", [])
        assert bool(errors) == tagged, (
            f"cell {i}: " + ("an untagged error" if errors else
                             "tagged raises-exception but no error"))


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_pairing_metadata(md):
    """both files declare the ipynb,md:myst pairing"""
    nb = json.loads(md.with_suffix(".ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["jupytext"]["formats"] == "ipynb,md:myst"
    assert "ipynb,md:myst" in md.read_text(encoding="utf-8").split("---")[1]


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_ignored_outputs_say_why(md):
    """every nbval-ignore-output cell starts with a comment saying why"""
    for cell in jupytext.read(md).cells:
        if "nbval-ignore-output" in cell.metadata.get("tags", []):
            assert cell.source.lstrip().startswith("#"), cell.source[:80]


# A duration in a sub-second unit (as time_it, race, %time and %timeit
# print them). tests/sanitize.cfg blanks no duration: such an output is
# compared like any other unless its cell is tagged nbval-ignore-output.
SUB_SECOND = re.compile(r"\b\d+(\.\d+)?\s?(ns|µs|us|ms)\b")


def _output_texts(output):
    if "text" in output:
        yield output.text
    for kind, value in output.get("data", {}).items():
        if kind.startswith("text/") or kind.endswith("text/plain"):
            yield value


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_measured_times_appear_only_in_timing_cells(md):
    """a cell that prints or glues a duration is tagged nbval-ignore-output

    Durations change from run to run, so an untagged cell that shows one
    fails nbval by chance; this names it at once. (Whole seconds are left
    to nbval: they are often results, e.g. loops' cooling time.)
    """
    nb = jupytext.read(md.with_suffix(".ipynb"))
    found = []
    for i, cell in enumerate(nb.cells):
        if (cell.cell_type != "code"
                or "nbval-ignore-output" in cell.metadata.get("tags", [])):
            continue
        for output in cell.outputs:
            for text in _output_texts(output):
                match = SUB_SECOND.search(text)
                if match:
                    found.append(f"cell {i}: {match.group(0)!r}")
    assert found == [], (f"durations in untagged cells: {found}; tag them "
                         "nbval-ignore-output with a comment saying why")


def test_every_chapter_is_in_the_toc():
    """no notebook in book/ is left out of _toc.yml"""
    listed = set(toc_entries())
    missing = [md.name for md in CHAPTERS
               if md.relative_to(ROOT).with_suffix("").as_posix()
               not in listed]
    assert missing == []


def test_plain_pages_are_not_notebooks():
    """pages under book/pages/ are plain MyST (they are never executed)"""
    assert not any(is_notebook_md(p) for p in (BOOK / "pages").glob("*.md"))


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_first_code_cell_is_the_colab_cell(md):
    """each chapter starts with tools/colab_cell.py's cell, hidden in the book

    (Add it with `python tools/colab_cell.py book/NAME.md`.)
    """
    first = next(c for c in jupytext.read(md).cells if c.cell_type == "code")
    assert first.source == colab_cell.SOURCE
    assert first.metadata.get("tags") == colab_cell.TAGS
