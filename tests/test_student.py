"""The student edition: the book and the notebooks, without solutions.

`make book-student` (tools/build_student.py) and `make student-notebooks`
(tools/student_notebooks.py). What must not reach a student is the code
that only solutions have, nor anything else of a solution, in any file of
the folder a lecturer publishes; what must is everything else: the
exercises, their stubs and checkers, in plain notebooks that run top to
bottom, also in a fresh environment made of the student set alone.
"""

from __future__ import annotations

import doctest
import functools
import json
import os
import pathlib
import re
import subprocess
import symtable
import sys
import textwrap

import jupytext
import nbformat
import pytest
from bs4 import BeautifulSoup
from IPython.core.inputtransformer2 import TransformerManager

import build_student
import colab_cell
import student_notebooks
from book_files import ROOT, notebook_mds, toc_entries
from conftest import once_per_session
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
        if cell.cell_type != "code":
            continue
        # (A cell the hand-out keeps has its glue calls taken out.)
        source = student_notebooks.without_glue(cell.source)
        if source not in kept:
            lines += [line.strip() for line in source.splitlines()
                      if len(line.strip()) > 15
                      and not line.strip().startswith("#")
                      and line.strip() not in kept]
    return lines


@pytest.fixture(scope="session")
def student_book(tmp_path_factory):
    """The student edition, built strictly once a session (shared by the
    workers, as the full book is): (html, log, status)."""
    with once_per_session(tmp_path_factory, "student") as (folder, first):
        out = folder / "student"
        if first:
            proc = subprocess.run(
                [sys.executable, str(ROOT / "tools" / "build_student.py"),
                 "--output", str(out), "--strict"],
                capture_output=True, text=True, timeout=900, cwd=ROOT)
            (folder / "result.json").write_text(json.dumps(
                {"log": proc.stdout + proc.stderr,
                 "returncode": proc.returncode}))
        result = json.loads((folder / "result.json").read_text())
    return out / "html", result["log"], result["returncode"]


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
    headings = re.findall(r"^### Exercise (\d+)(?: \(.+\))?$", text, re.M)
    assert starts >= 1 and headings == [str(n + 1) for n in range(starts)]
    assert next(c for c in nb.cells if c.cell_type == "code").source \
        == colab_cell.source(glue=False)
    assert "jupytext" not in nb.metadata and "py4eng_jax" not in nb.metadata
    assert nb.metadata.kernelspec.name == "python3"


def visible_code(md) -> list[str]:
    """The chapter's code cells that its pages show, solutions left out."""
    text, _ = strip_solutions(md.read_text(encoding="utf-8"))
    return [c.source for c in jupytext.reads(text, fmt="md:myst").cells
            if c.cell_type == "code"
            and "remove-cell" not in c.metadata.get("tags", [])]


@pytest.mark.parametrize("md", CHAPTERS, ids=IDS)
def test_hand_out_has_no_book_machinery(handed_out, md):
    """no {glue, no hidden (remove-cell) cell, no myst_nb; every code cell
    the book shows is there, without its glue lines"""
    nb = nbformat.read(handed_out / md.with_suffix(".ipynb").name, 4)
    text = "\n".join(c.source for c in nb.cells)
    assert "{glue" not in text
    assert "myst_nb" not in text
    assert not re.search(r"^\s*glue\(", text, re.M)
    assert [c for c in nb.cells
            if "remove-cell" in c.metadata.get("tags", [])] == []
    hidden = [c.source for c in jupytext.read(md).cells
              if c.cell_type == "code"
              and "remove-cell" in c.metadata.get("tags", [])
              and not c.source.startswith(colab_cell.FIRST_LINE)]
    assert hidden, "the check bites: the chapter has hidden cells"
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert [h for h in hidden if h in code] == []
    shown = [student_notebooks.without_glue(c) for c in visible_code(md)]
    assert [c for c in shown if c and c not in code] == []


@pytest.mark.parametrize("md", CHAPTERS, ids=IDS)
def test_hand_out_markdown_is_plain(handed_out, md):
    """a hand-out's text reads in plain Jupyter and Colab: no MyST role
    ({glue:text}, {ref}, {doc}) outside code, no directive fence, no
    target label"""
    nb = nbformat.read(handed_out / md.with_suffix(".ipynb").name, 4)
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        prose = re.sub(r"(`+)[^`]*?\1", "", cell.source)
        assert not student_notebooks.ROLE.search(prose), cell.source[:300]
        assert not re.search(r"^(`{3,}|:{3,})\{", cell.source, re.M)
        assert not re.search(r"^\([^()\s]+\)=\s*$", cell.source, re.M)


def squeezed(text: str) -> str:
    """Whitespace collapsed, Sphinx's smart quotes and dashes made plain."""
    for fancy, plain in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'),
                         ("\u201d", '"'), ("\u2013", "--"),
                         ("\u2014", "---")):
        text = text.replace(fancy, plain)
    return " ".join(text.split())


def page_text(html: pathlib.Path) -> str:
    return squeezed(parsed_html(html).find("article").get_text())


@pytest.mark.build
@pytest.mark.parametrize("md", CHAPTERS, ids=IDS)
def test_hand_out_shows_the_books_glued_values(handed_out, built_book, md):
    """each glued value in a hand-out's prose is the one the book shows,
    formatted alike: the sentence around it reads the same in the page"""
    text, _ = strip_solutions(md.read_text(encoding="utf-8"))
    values = student_notebooks.glued_values(md.with_suffix(".ipynb"))
    names = re.findall(r"\{glue:text\}`([^`:]+)", text)
    page = page_text(built_book[0] / page_of(md))
    for name in names:
        shown = student_notebooks.glued_text(values, name)
        assert shown in page, (name, shown)
    # The hand-out holds the same sentences as the page: take each
    # paragraph with a glued value, as the hand-out has it.
    nb = nbformat.read(handed_out / md.with_suffix(".ipynb").name, 4)
    for cell in nb.cells:
        for para in cell.source.split("\n\n") if cell.cell_type == \
                "markdown" else []:
            plain = squeezed(para)
            if any(student_notebooks.glued_text(values, n) in plain
                   for n in names) and not re.search(
                       r"[`$*_#>|\[\\]|^(- |\d+\. )", plain):
                assert plain in page, plain


def test_glued_values_are_replaced_as_the_book_formats_them():
    """{glue:text}`name` and {glue:text}`name:fmt` become the stored value,
    quotes gone, format applied; an unknown name is an error"""
    values = {"s": {"text/plain": "'37%'"}, "x": {"text/plain": "0.123456"}}
    assert student_notebooks.plain_roles(
        "bends {glue:text}`s` more, {glue:text}`x:.2f` mm", values, {}) \
        == "bends 37% more, 0.12 mm"
    with pytest.raises(ValueError, match="no glued text value named 'y'"):
        student_notebooks.plain_roles("{glue:text}`y`", values, {})


def test_exercise_and_solution_directives_become_headings():
    """the fences become "Exercise N" / "Solution to exercise N" headings
    that any Jupyter renders; a note becomes a quotation; references
    become the title they point at"""
    exercises: list[str] = []
    titles = {"jit": "Compiling with jit"}
    first = student_notebooks.plain_markdown(
        "(ex)=\n```{exercise-start}\n:label: c-ex1\n```\n\nSee "
        "{ref}`jit`.", {}, titles, exercises)
    second = student_notebooks.plain_markdown(
        ":::{exercise-start}\n:label: c-ex2\n:::\nAgain.\n"
        ":::{exercise-end}\n:::", {}, titles, exercises)
    solution = student_notebooks.plain_markdown(
        "```{solution-start} c-ex1\n:class: dropdown\n```\nUse it.",
        {}, titles, exercises)
    note = student_notebooks.plain_markdown(
        "```{note}\nWhy wait?\n```", {}, titles, exercises)
    assert first == "### Exercise 1\n\nSee Compiling with jit."
    assert second == "### Exercise 2\nAgain."
    assert solution == "#### Solution to exercise 1\nUse it."
    assert note == "> **Note**\n>\n> Why wait?"
    with pytest.raises(ValueError, match="no such target"):
        student_notebooks.plain_roles("{ref}`nowhere`", {}, titles)
    with pytest.raises(ValueError, match="has no plain form"):
        student_notebooks.plain_markdown("```{mermaid}\na\n```", {},
                                         titles, [])


def test_glue_machinery_is_taken_out_of_code():
    """the import and every glue() call go, blocks stay valid, the rest
    of the cell is untouched"""
    source = textwrap.dedent("""\
        import jax
        from myst_nb import glue

        x = 1
        glue("x", f"{x}", display=False)
        for name in "ab":
            glue(name, 1)
        print(x)""")
    assert student_notebooks.without_glue(source) == textwrap.dedent("""\
        import jax

        x = 1
        for name in "ab":
            pass
        print(x)""")
    assert student_notebooks.without_glue("y = 2") == "y = 2"


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
    """no cell a student runs reads a name that only a solution, or a
    hidden cell the hand-out leaves out, defined"""
    student = nbformat.read(handed_out / md.with_suffix(".ipynb").name, 4)
    kept = {c.source for c in student.cells if c.cell_type == "code"}
    only_in_solutions, defined_by_student = set(), set()
    for cell in jupytext.read(md).cells:
        if cell.cell_type != "code":
            continue
        defined, _ = _names(cell.source)
        if (student_notebooks.without_glue(cell.source) in kept
                or cell.source.startswith(colab_cell.FIRST_LINE)):
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


# --- nothing that leaks: every file of the published folder ----------------

def solution_fingerprints(md: pathlib.Path) -> list[str]:
    """Text only the chapter's solutions hold: their code lines and their
    plain prose lines (whitespace collapsed)."""
    full = md.read_text(encoding="utf-8")
    student, _ = strip_solutions(full)
    student = " ".join(student.split())
    prose = []
    inside = False
    for line in full.splitlines():
        if "{solution-start}" in line:
            inside = True
        elif "{solution-end}" in line:
            inside = False
        elif (inside and len(line.strip()) > 30
              and not re.search(r"[`$*_{}\[\]<>|#:]", line)
              and " ".join(line.split()) not in student):
            prose.append(" ".join(line.split()))
    return [" ".join(line.split()) for line in solution_only_lines(md)] \
        + prose


@functools.cache
def all_fingerprints() -> tuple[str, ...]:
    """Every chapter's solution text that no chapter shows a student (a
    line solution-only in one chapter may be ordinary code in another)."""
    shown = " ".join(" ".join(c.source.split()) for md in CHAPTERS
                     for c in student_notebooks.student_notebook(md).cells)
    return tuple(sorted({f for md in CHAPTERS
                         for f in solution_fingerprints(md)
                         if f not in shown}))


def leaks(folder: pathlib.Path) -> dict[str, list[str]]:
    """Each file under ``folder`` that holds solution text, with what."""
    needles = all_fingerprints()
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        raw = path.read_bytes().decode("utf-8", errors="ignore")
        texts = [raw]
        if path.suffix == ".html":
            texts.append(BeautifulSoup(raw, "html.parser").get_text())
        elif path.suffix == ".ipynb":
            try:
                nb = json.loads(raw)
            except json.JSONDecodeError:
                nb = {}
            texts.append(json.dumps(nb, ensure_ascii=False))
            texts += ["".join(c.get("source", "")) + "\n".join(
                "".join(o.get("text", "")) for o in c.get("outputs", []))
                for c in nb.get("cells", [])]
        haystack = "\n".join(" ".join(t.split()) for t in texts)
        hits = [n for n in needles if n in haystack]
        if hits:
            found[path.relative_to(folder).as_posix()] = hits[:3]
    return found


def test_every_solution_has_fingerprints():
    """each chapter's solutions leave text to look for, prose and code"""
    for md in CHAPTERS:
        prints = solution_fingerprints(md)
        assert len(prints) >= 3, md.stem


def test_the_leak_scan_bites(tmp_path):
    """a folder holding a full notebook (as _build/student/jupyter_execute
    did) or a full page is caught, file by file"""
    md = next(md for md in CHAPTERS if md.stem == "monte-carlo")
    (tmp_path / "jupyter_execute").mkdir()
    (tmp_path / "jupyter_execute" / "x.ipynb").write_text(
        md.with_suffix(".ipynb").read_text(encoding="utf-8"))
    (tmp_path / "clean.ipynb").write_text(
        nbformat.writes(student_notebooks.student_notebook(md)))
    assert list(leaks(tmp_path)) == ["jupyter_execute/x.ipynb"]


@pytest.mark.build
def test_nothing_in_the_published_student_folder_holds_a_solution(
        student_book):
    """every file under the student build's folder (what a lecturer
    publishes, `_build/student/` for `make book-student`): no solution
    text, and no full notebooks beside the HTML"""
    html, _, status = student_book
    assert status == 0
    folder = html.parent
    assert [p.name for p in folder.iterdir()] == ["html"]
    assert leaks(folder) == {}


@pytest.mark.build
def test_the_full_book_holds_the_solutions(built_book):
    """the same scan finds solution text in every chapter of the full
    book (so the scan of the student folder can fail)"""
    found = leaks(built_book[0] / "book")
    for md in CHAPTERS:
        assert f"{md.stem}.html" in found, md.stem


def test_the_work_folder_is_beside_the_published_one():
    """the build's own files (full notebooks, doctrees) go to DIR-work"""
    out = ROOT / "_build" / "student"
    assert build_student.work_folder(out) == ROOT / "_build" / "student-work"


# --- every hand-out runs ----------------------------------------------------

RUNNER = textwrap.dedent('''\
    """Execute hand-outs as a student's Run All would; print a report."""
    import json
    import sys
    import time

    import nbformat
    from nbclient import NotebookClient

    report = {}
    for path in sys.argv[2:]:
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(
            "import sys; print('PREFIX', sys.prefix)"))
        start = time.perf_counter()
        error = None
        try:
            NotebookClient(nb, timeout=300, kernel_name="python3",
                           resources={"metadata": {"path": sys.argv[1]}}
                           ).execute()
        except Exception as err:  # the report says which cell failed
            error = f"{type(err).__name__}: {str(err)[-2000:]}"
        def shown(cell):
            return "".join(o.get("text", "") + o.get("data", {}).get(
                "text/plain", "") for o in cell.get("outputs", []))

        stubs = [shown(cell) for cell in nb.cells if cell.cell_type == "code"
                 and "# your code here" in cell.source]
        last = shown(nb.cells[-1])
        report[path] = {"error": error, "stubs": stubs, "last": last,
                        "seconds": round(time.perf_counter() - start, 1)}
    print("REPORT", json.dumps(report))
''')


def run_hand_outs(python: str, paths: list[pathlib.Path], workdir,
                  env=None) -> dict:
    """Run ``paths`` with ``python``'s nbclient and kernel; the report."""
    runner = workdir / "run_hand_outs.py"
    runner.write_text(RUNNER, encoding="utf-8")
    proc = subprocess.run(
        [python, str(runner), str(workdir), *map(str, paths)],
        capture_output=True, text=True, timeout=1800, env=env, cwd=workdir)
    lines = [line for line in proc.stdout.splitlines()
             if line.startswith("REPORT ")]
    assert lines, proc.stdout[-2000:] + proc.stderr[-3000:]
    return json.loads(lines[-1].removeprefix("REPORT "))


def check_report(report: dict) -> None:
    for path, result in report.items():
        name = pathlib.Path(path).stem
        assert result["error"] is None, (name, result["error"])
        assert result["stubs"], f"{name}: no exercise stub"
        not_attempted = [out for out in result["stubs"]
                         if "Not attempted" in out]
        assert not_attempted == result["stubs"], (name, result["stubs"])


@pytest.mark.parametrize("md", CHAPTERS, ids=IDS)
def test_hand_out_runs_top_to_bottom(handed_out, md, tmp_path):
    """in a fresh kernel, Run All: no error (the deliberate ones are
    tagged raises-exception, as in the book), and each exercise's stub
    gets the checker's "Not attempted" answer"""
    report = run_hand_outs(sys.executable,
                           [handed_out / md.with_suffix(".ipynb").name],
                           tmp_path)
    check_report(report)


# --- the student set, the wheel, a fresh environment ------------------------

WHEELS = ROOT / ".venv" / "student-wheels"
BUILD_TOOLS = ("sphinx", "jupyter-book", "pytest", "playwright", "ruff",
               "pre-commit", "nbval", "pip-tools", "myst-nb", "jupytext")


def pins(path: pathlib.Path) -> dict[str, str]:
    return {name.lower(): version for name, version in re.findall(
        r"^([\w.-]+)==(\S+)", path.read_text(encoding="utf-8"), re.M)}


def test_the_student_set_is_lean_and_the_books_versions():
    """requirements-student.txt: JAX, NumPy, SciPy, Matplotlib, JupyterLab
    and its MyST renderer, none of the build and test tools, every pin the
    book's own"""
    student = pins(ROOT / "requirements-student.txt")
    book = pins(ROOT / "requirements.txt")
    for name in ("jax", "jaxlib", "numpy", "scipy", "matplotlib", "optax",
                 "jupyterlab", "jupyterlab-myst", "ipykernel", "nbclient"):
        assert name in student, name
    assert [name for name in BUILD_TOOLS if name in student] == []
    assert {n: v for n, v in student.items() if book.get(n) != v} == {}
    assert len(student) < len(book)
    # Every package the .in file names is pinned (pip-compile was run).
    named = re.findall(r"^([A-Za-z0-9][\w.-]*)", (
        ROOT / "requirements-student.in").read_text(encoding="utf-8"), re.M)
    assert [n for n in named if n.lower() not in student] == []


def test_the_package_installs_on_newer_pythons():
    """pyproject.toml asks for Python 3.11 or later, not exactly 3.11"""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'requires-python = ">=3.11"' in text


def test_binder_installs_the_student_set():
    """binder/ (which repo2docker reads instead of the root) installs the
    student set with Python 3.11, then the package from the checkout"""
    binder = ROOT / "binder"
    requirements = [line for line in (binder / "requirements.txt").read_text(
        encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert requirements == ["-r ../requirements-student.txt"]
    assert (binder / "runtime.txt").read_text().strip() == "python-3.11"
    post = (binder / "postBuild").read_text(encoding="utf-8")
    assert "pip install --no-deps --no-cache-dir ." in post
    assert os.access(binder / "postBuild", os.X_OK)
    assert not (ROOT / "runtime.txt").exists()


@pytest.mark.build
def test_a_fresh_environment_of_the_student_set_runs_two_hand_outs(
        handed_out, tmp_path):
    """offline, from the downloaded wheels alone: a new venv gets the
    student set and the py4eng_jax wheel (as `make wheel` builds it), has
    none of the book's tools, and runs a core and an engineering hand-out
    top to bottom"""
    if not (WHEELS / ".downloaded").exists():
        pytest.fail(f"{WHEELS} is missing: `make test` downloads the "
                    f"student set's wheels first (make "
                    f"{WHEELS.relative_to(ROOT)}/.downloaded)")
    dist = tmp_path / "dist"
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir",
         str(dist), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    [wheel] = dist.glob("py4eng_jax-*-py3-none-any.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True,
                   timeout=300)
    python = str(venv / "bin" / "python")
    proc = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-index",
         "--find-links", str(WHEELS), "-r",
         str(ROOT / "requirements-student.txt"), str(wheel)],
        capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-3000:]
    installed = subprocess.run(
        [python, "-m", "pip", "list", "--format=json"], capture_output=True,
        text=True, check=True, timeout=300).stdout
    names = {p["name"].lower() for p in json.loads(installed)}
    assert "py4eng-jax" in names
    assert [name for name in BUILD_TOOLS if name in names] == []
    env = {key: value for key, value in os.environ.items()
           if key not in ("VIRTUAL_ENV", "PYTHONHOME")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    chapters = [handed_out / "numpy-differences.ipynb",
                handed_out / "monte-carlo.ipynb"]
    report = run_hand_outs(python, chapters, tmp_path, env=env)
    check_report(report)
    for result in report.values():
        assert f"PREFIX {venv}" in result["last"], result["last"]
