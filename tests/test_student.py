"""The student edition: the book and the notebooks, without solutions.

`make book-student` (tools/build_student.py) and `make student-notebooks`
(tools/student_notebooks.py). What must not reach a student is the code
that only solutions have; what must is everything else: the exercises,
their stubs and checkers.
"""

from __future__ import annotations

import doctest
import pathlib
import re
import subprocess
import symtable
import sys

import jupytext
import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

import student_notebooks
from book_files import ROOT, notebook_mds, toc_entries
from student_notebooks import strip_solutions
from support import parsed_html

CHAPTERS = [md for md in notebook_mds()
            if md.relative_to(ROOT).with_suffix("").as_posix()
            in toc_entries()]
IDS = [md.stem for md in CHAPTERS]


def page_of(md: pathlib.Path) -> str:
    return md.relative_to(ROOT).with_suffix(".html").as_posix()


def text_of(html_dir: pathlib.Path, page: str) -> str:
    return parsed_html(html_dir / page).find("article").get_text()


def solution_only_lines(md: pathlib.Path) -> list[str]:
    """Lines of code that only the chapter's solutions show."""
    student = student_notebooks.student_notebook(md)
    kept = "\n".join(c.source for c in student.cells)
    lines = []
    for cell in jupytext.read(md).cells:
        hidden = {"remove-cell", "remove-input"} & set(
            cell.metadata.get("tags", []))
        if hidden:
            continue  # in neither edition's page (a hidden check)
        if cell.cell_type == "code" and cell.source not in kept:
            lines += [line.strip() for line in cell.source.splitlines()
                      if len(line.strip()) > 15
                      and not line.strip().startswith("#")
                      and line.strip() not in kept]
    return lines


@pytest.fixture(scope="module")
def student_book(tmp_path_factory):
    """The student edition, built strictly once: (html, log, status)."""
    out = tmp_path_factory.mktemp("student")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_student.py"),
         "--output", str(out), "--strict"],
        capture_output=True, text=True, timeout=600, cwd=ROOT)
    return out / "html", proc.stdout + proc.stderr, proc.returncode


# --- the student edition of the book ----------------------------------------

@pytest.mark.build
def test_student_edition_builds_with_zero_warnings(student_book):
    """`make book-student` builds strictly, without a warning"""
    _, log, status = student_book
    assert [line for line in log.splitlines() if "WARNING" in line] == []
    assert status == 0, log[-3000:]


@pytest.mark.build
@pytest.mark.parametrize("md", CHAPTERS, ids=IDS)
def test_student_pages_have_no_solution(student_book, built_book, md):
    """no solution, title, prose or code, is in a student's page"""
    lines = solution_only_lines(md)
    assert lines, "the chapter has no solution code to hide"
    full = text_of(built_book[0], page_of(md))
    student = text_of(student_book[0], page_of(md))
    # The check bites: the full book shows every one of these lines.
    assert [line for line in lines if line not in full] == []
    assert [line for line in lines if line in student] == []
    page = (student_book[0] / page_of(md)).read_text(encoding="utf-8")
    assert 'class="solution' not in page
    assert "Solution to" not in student


@pytest.mark.build
@pytest.mark.parametrize("md", CHAPTERS, ids=IDS)
def test_student_pages_keep_the_exercises(student_book, built_book, md):
    """the exercises and their stub cells are all in a student's page"""
    def exercises(html_dir):
        return [e.get_text(" ", strip=True)[:200] for e in
                parsed_html(html_dir / page_of(md)).select("div.exercise")]

    assert exercises(student_book[0]) == exercises(built_book[0]) != []


@pytest.mark.build
@pytest.mark.parametrize("md", CHAPTERS, ids=IDS)
def test_student_pages_have_no_launch_buttons(student_book, md):
    """no Binder or Colab button: they open notebooks with solutions"""
    page = (student_book[0] / page_of(md)).read_text(encoding="utf-8")
    assert "mybinder.org" not in page
    assert "colab.research.google.com" not in page


@pytest.mark.build
@pytest.mark.parametrize("md", CHAPTERS, ids=IDS)
def test_student_downloads_are_the_hand_outs(student_book, md):
    """the student edition's .ipynb and .md downloads hold no solution"""
    sources = student_book[0] / "_sources" / md.relative_to(ROOT).parent
    served_md = (sources / md.name).read_text(encoding="utf-8")
    assert served_md == student_notebooks.student_md(md)
    nb = nbformat.read(sources / md.with_suffix(".ipynb").name,
                       as_version=4)
    expected = student_notebooks.student_notebook(md)
    assert [c.source for c in nb.cells] == [c.source for c in expected.cells]
    assert all(not c.get("outputs") for c in nb.cells)


# --- the student notebooks --------------------------------------------------

@pytest.fixture(scope="module")
def handed_out(tmp_path_factory):
    """The student notebooks, written by the tool into a temporary folder."""
    out = tmp_path_factory.mktemp("student-notebooks")
    assert student_notebooks.main(["--output", str(out)]) == 0
    return out


@pytest.mark.parametrize("md", CHAPTERS, ids=IDS)
def test_student_notebook_has_no_solution(handed_out, md):
    """no solution directive or solution-only code line is left"""
    nb = nbformat.read(handed_out / md.with_suffix(".ipynb").name, 4)
    text = "\n".join(c.source for c in nb.cells)
    assert "{solution" not in text
    assert [line for line in solution_only_lines(md) if line in text] == []


@pytest.mark.parametrize("md", CHAPTERS, ids=IDS)
def test_student_notebook_has_no_outputs(handed_out, md):
    """every code cell is cleared: no outputs, no execution count"""
    nb = nbformat.read(handed_out / md.with_suffix(".ipynb").name, 4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    nbformat.validate(nb)


@pytest.mark.parametrize("md", CHAPTERS, ids=IDS)
def test_student_notebook_keeps_everything_else(handed_out, md):
    """exercises, stubs, the Colab cell and the kernel are all kept"""
    full = jupytext.read(md)
    nb = nbformat.read(handed_out / md.with_suffix(".ipynb").name, 4)
    text = "\n".join(c.source for c in nb.cells)
    starts = len(re.findall(r"\{exercise-start\}",
                            "\n".join(c.source for c in full.cells)))
    assert starts >= 1 and text.count("{exercise-start}") == starts
    first_code = next(c for c in full.cells if c.cell_type == "code")
    assert next(c for c in nb.cells if c.cell_type == "code").source \
        == first_code.source
    assert "jupytext" not in nb.metadata and "py4eng_jax" not in nb.metadata
    assert nb.metadata.kernelspec.name == "python3"


# A MyST role: {name}`text` ({glue:text}`x`, {ref}`label`, {doc}`page`).
ROLE = re.compile(r"\{[\w:.-]+\}`[^`]*`")


def exercise_statements(nb) -> dict[str, str]:
    """Each exercise's statement (its markdown, fences left out) by label."""
    statements, label = {}, None
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if "{exercise-start}" in line:
                label = ""
                continue
            if "{exercise-end}" in line:
                label = None
                continue
            if label is None:
                continue
            if not label and line.strip().startswith(":label:"):
                label = line.split(":label:", 1)[1].strip()
                statements[label] = ""
                continue
            if label:
                statements[label] += line + "\n"
    return statements


@pytest.mark.parametrize("md", CHAPTERS, ids=IDS)
def test_hand_out_statements_have_no_myst_roles(handed_out, md):
    """a hand-out's exercise statements read in plain Jupyter: no MyST role
    ({glue:text}, {ref}, {doc}), which would show as raw text"""
    nb = nbformat.read(handed_out / md.with_suffix(".ipynb").name, 4)
    statements = exercise_statements(nb)
    assert statements, f"{md.stem}: no exercise found"
    found = {label: ROLE.findall(text)
             for label, text in statements.items() if ROLE.search(text)}
    assert found == {}, f"{md.stem}: MyST roles in exercise statements"


def test_exercise_statements_are_found():
    """the statement reader takes the text between the fences, by label"""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("Intro {ref}`x`."),
        nbformat.v4.new_markdown_cell(
            "```{exercise-start}\n:label: ch-ex1\n```\n\nDo {glue:text}`n`."),
        nbformat.v4.new_code_cell("stub()"),
        nbformat.v4.new_markdown_cell("```{exercise-end}\n```\n\nAfter."),
    ])
    statements = exercise_statements(nb)
    assert list(statements) == ["ch-ex1"]
    assert ROLE.findall(statements["ch-ex1"]) == ["{glue:text}`n`"]


def _names(source: str) -> tuple[set, set]:
    """Global names a cell defines, and global names it reads.

    (Magics become the Python IPython runs; a function's parameters and
    locals are not globals.)
    """
    code = TransformerManager().transform_cell(source)
    top = symtable.symtable(code, "<cell>", "exec")
    defined = {s.get_name() for s in top.get_symbols()
               if s.is_assigned() or s.is_imported()}
    used = {s.get_name() for s in top.get_symbols() if s.is_referenced()}
    tables = list(top.get_children())
    while tables:
        table = tables.pop()
        used |= {s.get_name() for s in table.get_symbols()
                 if s.is_global() and s.is_referenced()}
        tables += table.get_children()
    return defined, used


@pytest.mark.parametrize("md", CHAPTERS, ids=IDS)
def test_student_notebook_needs_nothing_from_a_solution(handed_out, md):
    """no cell a student runs reads a name that only a solution defined"""
    student = nbformat.read(handed_out / md.with_suffix(".ipynb").name, 4)
    kept = {c.source for c in student.cells if c.cell_type == "code"}
    only_in_solutions, defined_by_student = set(), set()
    for cell in jupytext.read(md).cells:
        if cell.cell_type != "code":
            continue
        defined, _ = _names(cell.source)
        if cell.source in kept:
            defined_by_student |= defined
        else:
            only_in_solutions |= defined
    missing = {}
    for cell in student.cells:
        if cell.cell_type == "code":
            _, used = _names(cell.source)
            lost = used & (only_in_solutions - defined_by_student)
            if lost:
                missing[cell.source[:60]] = sorted(lost)
    assert missing == {}


# --- strip_solutions --------------------------------------------------------

GATED = """Exercise.
```{solution-start} ex1
:class: dropdown
```
Prose of the solution.
```{code-cell} ipython3
answer = 42
```
```{solution-end}
```
After.
"""


def test_strip_solutions_examples():
    """the docstring examples of tools/student_notebooks.py hold"""
    assert doctest.testmod(student_notebooks).failed == 0


def test_strip_solutions_removes_a_gated_solution():
    """prose and code from solution-start to solution-end go"""
    assert strip_solutions(GATED) == ("Exercise.\nAfter.\n", 1)


def test_strip_solutions_removes_colon_fenced_and_plain_solutions():
    """:::{solution-start} and a whole {solution} directive go too"""
    colon = GATED.replace("```{solution", ":::{solution").replace(
        ":class: dropdown\n```", ":class: dropdown\n:::").replace(
        "{solution-end}\n```", "{solution-end}\n:::")
    assert strip_solutions(colon) == ("Exercise.\nAfter.\n", 1)
    plain = "A.\n````{solution} ex1\n```python\nx = 1\n```\n````\nB.\n"
    assert strip_solutions(plain) == ("A.\nB.\n", 1)


def test_strip_solutions_leaves_other_text_alone():
    """text without solutions comes back unchanged"""
    text = ("```{exercise-start}\n:label: a\n```\nDo it.\n"
            "```{exercise-end}\n```\n")
    assert strip_solutions(text) == (text, 0)


def test_strip_solutions_names_an_unclosed_solution():
    """a solution-start without its solution-end is an error naming it"""
    with pytest.raises(ValueError, match="opened on line 2 never ends"):
        strip_solutions(GATED.replace("```{solution-end}\n```\n", ""))
