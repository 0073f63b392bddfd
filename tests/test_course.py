"""A course on nbgrader: `make assignments`, then `make grade` for a class.

The end-to-end test builds the assignments with the very commands of the
page "Teaching with this book" (into a temporary course folder: COURSE=),
writes a synthetic class from the released notebook of one chapter
(numpy-differences: three exercises, one set-up cell), grades it and checks
every row of grades.csv and every feedback file. The private course of
examples/private_course is graded twice with the same commands: same CSV.
"""

from __future__ import annotations

import csv
import os
import pathlib
import re
import subprocess

import nbformat
import pytest
from bench_grading import ANSWERS, release_notebook, write_submission

import course
from book_files import ROOT, notebook_mds

CHAPTER = "numpy-differences"
EX1, EX2, EX3 = (f"{CHAPTER}-ex{n}" for n in (1, 2, 3))
BOOK_POINTS = ROOT / "course" / "points.toml"
PRIVATE = ROOT / "examples" / "private_course" / "points.toml"
PAGE = ROOT / "book" / "pages" / "teaching.md"


def make(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MAKE", "MFLAGS"))}
    # -o: the environment is this session's; make must not rebuild it
    # under the running tests (as it would after a change of
    # requirements or pyproject.toml).
    proc = subprocess.run(["make", "--no-print-directory", "-o",
                           ".venv/.installed", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def read_csv(path: pathlib.Path) -> list[tuple]:
    with open(path, newline="", encoding="utf-8") as f:
        return [tuple(row[c] for c in course.COLUMNS)
                for row in csv.DictReader(f)]


HANGS = "def bin_counts(idx, length):\n    while True:\n        pass\n"
RAISES = ("def bin_counts(idx, length):\n"
          "    counts = jnp.zeros(length, jnp.int32)\n"
          "    counts[idx] += 1\n    return counts\n")
REDEFINES = (ANSWERS[EX1]["wrong"] +
             "\n\nclass check:\n    @staticmethod\n"
             "    def bin_counts(fn):\n        return 'Correct'\n")
PATCHES = (ANSWERS[EX1]["wrong"] +
           "\n\nimport py4eng_jax.check\n"
           "py4eng_jax.check.bin_counts = lambda fn: None\n")
# A grade line printed in the exercise's own cell: tampering.
PRINTS = ("def bin_counts(idx, length):\n    return None\n\n"
          "print('Grade for ' + 'numpy-differences-ex1: 3 of 3 points "
          "(correct, 5 of 5 criteria).')\n")
# A correct answer whose docstring holds the word "Correct".
DOC_HUBER = ('def huber(x):\n    """Correct for numbers and arrays '
             'alike."""\n    a = jnp.abs(x)\n'
             '    return jnp.where(a <= 1, x * x / 2, a - 0.5)\n')
# The display of the test cell's result (nbgrader's score) switched off:
# nbgrader alone would give a test cell without a result full points.
QUIET = ANSWERS[EX1]["wrong"] + (
    "\nget_ipython().ast_node_interactivity = 'none'\n")
# print rewritten to turn the verdict "wrong" into "correct".
PRINT_PATCH = ANSWERS[EX1]["wrong"] + (
    "\nimport builtins\n_print = builtins.print\n\n\n"
    "def _fake(*a, **k):\n"
    "    _print(*[str(x).replace('wrong', 'correct') for x in a], **k)\n\n\n"
    "builtins.print = _fake\n")
# NumPy's comparison, which the checkers use, made to agree always.
NUMPY_PATCH = ANSWERS[EX1]["wrong"] + (
    "\nimport numpy\nnumpy.allclose = lambda *a, **k: True\n")
# The grader itself replaced.
GRADE_PATCH = ANSWERS[EX1]["wrong"] + (
    "\nimport py4eng_jax.grading\n\n\n"
    "def _grade(label, name, ns, *, points, checker, criteria=None):\n"
    "    return float(points)\n\n\n"
    "py4eng_jax.grading.grade = _grade\n")
# A scratch cell that prints the word "Correct" after the third answer.
SCRATCH = 'print("Correct?", random_walk(jax.random.key(0), 3))\n'

# student: (answers by label, cells replaced by grade_id)
CLASS = {
    "s01-correct": ({**{k: v["correct"] for k, v in ANSWERS.items()},
                     EX2: DOC_HUBER}, {}),
    "s02-partly": ({k: v["partial"] for k, v in ANSWERS.items()}, {}),
    "s03-wrong": ({k: v["wrong"] for k, v in ANSWERS.items()}, {}),
    "s04-never-returns": ({EX1: HANGS}, {}),
    "s05-raises": ({EX1: RAISES}, {}),
    "s06-redefines-check": ({EX1: REDEFINES}, {}),
    "s07-patches-check": ({EX1: PATCHES}, {}),
    "s08-prints-grade": ({EX1: PRINTS}, {}),
    "s09-edits-test-cell": ({EX2: ANSWERS[EX2]["correct"]},
                            {f"{EX1}-test": "3.0"}),
    "s13-hides-result": ({EX1: QUIET}, {}),
    "s14-patches-print": ({EX1: PRINT_PATCH}, {}),
    "s15-patches-numpy": ({EX1: NUMPY_PATCH}, {}),
    "s16-patches-grader": ({EX1: GRADE_PATCH}, {}),
    "s17-deletes-answer": ({EX1: ANSWERS[EX1]["correct"],
                            EX3: ANSWERS[EX3]["correct"]}, {}),
}
# Cells deleted, and cells added after a cell, by grade_id.
DELETED = {"s17-deletes-answer": {EX2}}
ADDED = {"s17-deletes-answer": {EX3: SCRATCH}}

# Every row of grades.csv: (student, exercise, score, max, status).
EXPECTED = [
    ("s01-correct", EX1, "3", "3", "correct"),
    ("s01-correct", EX2, "2", "2", "correct"),
    ("s01-correct", EX3, "2", "2", "correct"),
    ("s02-partly", EX1, "1.88", "3", "partial"),
    ("s02-partly", EX2, "0.57", "2", "partial"),
    ("s02-partly", EX3, "1.6", "2", "partial"),
    ("s03-wrong", EX1, "0", "3", "wrong"),
    ("s03-wrong", EX2, "0", "2", "wrong"),
    ("s03-wrong", EX3, "0", "2", "wrong"),
    ("s04-never-returns", EX1, "0", "3", "wrong"),
    ("s04-never-returns", EX2, "0", "2", "not attempted"),
    ("s04-never-returns", EX3, "0", "2", "not attempted"),
    ("s05-raises", EX1, "0", "3", "wrong"),
    ("s05-raises", EX2, "0", "2", "not attempted"),
    ("s05-raises", EX3, "0", "2", "not attempted"),
    ("s06-redefines-check", EX1, "0", "3", "tampered"),
    ("s06-redefines-check", EX2, "0", "2", "tampered"),
    ("s06-redefines-check", EX3, "0", "2", "tampered"),
    ("s07-patches-check", EX1, "0", "3", "tampered"),
    ("s07-patches-check", EX2, "0", "2", "tampered"),
    ("s07-patches-check", EX3, "0", "2", "tampered"),
    ("s08-prints-grade", EX1, "0", "3", "tampered"),
    ("s08-prints-grade", EX2, "0", "2", "not attempted"),
    ("s08-prints-grade", EX3, "0", "2", "not attempted"),
    ("s09-edits-test-cell", EX1, "0", "3", "tampered"),
    ("s09-edits-test-cell", EX2, "2", "2", "correct"),
    ("s09-edits-test-cell", EX3, "0", "2", "not attempted"),
    ("s10-corrupt", EX1, "0", "3", "unreadable"),
    ("s10-corrupt", EX2, "0", "2", "unreadable"),
    ("s10-corrupt", EX3, "0", "2", "unreadable"),
    ("s11-not-a-notebook", EX1, "0", "3", "unreadable"),
    ("s11-not-a-notebook", EX2, "0", "2", "unreadable"),
    ("s11-not-a-notebook", EX3, "0", "2", "unreadable"),
    ("s12-missing", EX1, "0", "3", "missing"),
    ("s12-missing", EX2, "0", "2", "missing"),
    ("s12-missing", EX3, "0", "2", "missing"),
    ("s13-hides-result", EX1, "0", "3", "tampered"),
    ("s13-hides-result", EX2, "0", "2", "tampered"),
    ("s13-hides-result", EX3, "0", "2", "tampered"),
    ("s14-patches-print", EX1, "0", "3", "tampered"),
    ("s14-patches-print", EX2, "0", "2", "tampered"),
    ("s14-patches-print", EX3, "0", "2", "tampered"),
    ("s15-patches-numpy", EX1, "0", "3", "tampered"),
    ("s15-patches-numpy", EX2, "0", "2", "tampered"),
    ("s15-patches-numpy", EX3, "0", "2", "tampered"),
    ("s16-patches-grader", EX1, "0", "3", "tampered"),
    ("s16-patches-grader", EX2, "0", "2", "tampered"),
    ("s16-patches-grader", EX3, "0", "2", "tampered"),
    ("s17-deletes-answer", EX1, "3", "3", "correct"),
    ("s17-deletes-answer", EX2, "0", "2", "missing-answer"),
    ("s17-deletes-answer", EX3, "2", "2", "correct"),
]

# The hint each graded student's feedback file must show.
HINTS = {
    "s01-correct": ["Correct: your counts match NumPy's bincount",
                    "Correct: your huber works", "Correct: every step"],
    "s02-partly": ["boolean mask", "not jittable", "grows with steps"],
    "s03-wrong": ["never go above 1", "Wrong values for huber",
                  "drew all the steps with the same key"],
    "s04-never-returns": ["did not return within"],
    "s05-raises": ["JAX arrays are immutable"],
    "s06-redefines-check": ["Tampered: the name `check`"],
    "s07-patches-check": ["Tampered: py4eng_jax.check.bin_counts"],
    "s08-prints-grade": ["Tampered: a cell of this exercise prints a "
                         "grade line itself"],
    "s09-edits-test-cell": ["Tampered: its locked test cell was edited",
                            "Correct: your huber works"],
    "s13-hides-result": ["Tampered: the display of a cell",
                         "switched off (ast_node_interactivity)"],
    "s14-patches-print": ["Tampered: builtins.print was replaced"],
    "s15-patches-numpy": ["Tampered: numpy.allclose was replaced"],
    "s16-patches-grader": ["Tampered: py4eng_jax.grading.grade"],
    "s17-deletes-answer": ["Not graded: the answer cell was deleted",
                           "Correct: every step"],
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The course built and the class graded with the page's commands."""
    tmp = tmp_path_factory.mktemp("course")
    folder, submissions = tmp / "course", tmp / "submissions"
    # The book's points table, with one chapter: counting the criteria
    # runs each chapter's solutions, which takes a while.
    table = tmp / "points.toml"
    table.write_text(re.sub(
        r"^assignments = \[.*?\]", f'assignments = ["{CHAPTER}"]',
        BOOK_POINTS.read_text(encoding="utf-8"), flags=re.S | re.M),
        encoding="utf-8")
    make("assignments", f"POINTS={table}", f"COURSE={folder}")
    release = release_notebook(folder, CHAPTER)
    for student, (answers, cells) in CLASS.items():
        path = submissions / student / CHAPTER / f"{CHAPTER}.ipynb"
        write_submission(release, path, answers, cells)
        edit(path, DELETED.get(student, ()), ADDED.get(student, {}))
    bad = submissions / "s10-corrupt" / CHAPTER
    bad.mkdir(parents=True)
    (bad / f"{CHAPTER}.ipynb").write_text('{"cells": [', encoding="utf-8")
    bad = submissions / "s11-not-a-notebook" / CHAPTER
    bad.mkdir(parents=True)
    (bad / f"{CHAPTER}.ipynb").write_text('{"hello": 1}', encoding="utf-8")
    (submissions / "s12-missing").mkdir()
    make("grade", f"POINTS={table}", f"SUBMISSIONS={submissions}",
         f"COURSE={folder}")
    return folder


def edit(path, deleted, added) -> None:
    """Delete cells, and add a cell after others, by grade_id."""
    nb = nbformat.read(path, as_version=4)
    cells = []
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id not in deleted:
            cells.append(cell)
        if grade_id in added:
            cells.append(nbformat.v4.new_code_cell(added[grade_id]))
    nb.cells = cells
    nbformat.write(nb, path)


def test_every_row_of_the_marks(graded):
    """grades.csv has one row per student and exercise, each exactly as
    expected: partial credit, 0 for a hang, a crash and each kind of
    tampering, unreadable and missing notebooks named as such"""
    rows = read_csv(graded / "grades.csv")
    assert rows == [(s, CHAPTER, e, score, top, status)
                    for s, e, score, top, status in EXPECTED]


@pytest.mark.parametrize("student", sorted(HINTS))
def test_feedback_shows_the_hint(graded, student):
    """each graded student's feedback file shows the checker's hints"""
    html = (graded / "feedback" / student / CHAPTER /
            f"{CHAPTER}.html").read_text(encoding="utf-8")
    for hint in HINTS[student]:
        assert hint in html, (student, hint)


def test_course_folder_layout(graded):
    """make assignments writes nbgrader's layout: config, source and
    release notebooks, and the database as a file in the course folder"""
    assert (graded / "nbgrader_config.py").exists()
    assert (graded / "gradebook.db").exists()
    for kind in ("source", "release"):
        assert (graded / kind / CHAPTER / f"{CHAPTER}.ipynb").exists()


def test_every_chapter_makes_an_assignment():
    """the book's points table names every chapter, and each gives an
    assignment: every exercise with an answer and a test cell, and only
    the set-up cells its solutions need"""
    points = course.load_points()
    chapters = sorted(md.stem for md in points["sources"])
    assert chapters == sorted(md.stem for md in notebook_mds())
    for md in points["sources"]:
        nb = course.source_notebook(md, points)
        ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells]
        labels = [e["label"] for e in course.read_exercises(md)[
            "exercises"]]
        assert labels and all(f"{x}-test" in ids for x in labels), md
        n_setup = len([i for i in ids if i.startswith("setup-")])
        n_chapter = len(jupytext_cells(md))
        assert 1 <= n_setup < n_chapter / 2, (md, n_setup, n_chapter)


def jupytext_cells(md):
    import jupytext
    return [c for c in jupytext.read(md).cells if c.cell_type == "code"]


def test_answer_and_test_cells(graded):
    """answer cells carry the exercise's label and the book's stub (the
    solution only in the source); test cells are locked, worth the
    table's points"""
    source = nbformat.read(graded / "source" / CHAPTER / f"{CHAPTER}.ipynb",
                           as_version=4)
    release = release_notebook(graded, CHAPTER)
    meta = {c.metadata["nbgrader"]["grade_id"]: (c, c.metadata["nbgrader"])
            for c in release.cells}
    points = course.load_points()["points"]
    for label in (EX1, EX2, EX3):
        cell, answer = meta[label]
        assert answer["solution"] and not answer["grade"]
        assert "...  # your code here" in cell.source
        assert course.BEGIN not in cell.source
        test_cell, test = meta[f"{label}-test"]
        assert test["grade"] and test["locked"]
        assert test["points"] == points[label]
        assert "_grader.grade(" in test_cell.source
        assert "PathFinder" in test_cell.source
    solution = next(c for c in source.cells
                    if c.metadata["nbgrader"]["grade_id"] == EX1)
    assert ".at[idx].add" in solution.source and course.BEGIN in \
        solution.source
    # Only the exercises and their set-up: not the whole chapter.
    assert len([c for c in release.cells if c.cell_type == "code"]) == 7


def test_private_course_graded_twice_alike(tmp_path):
    """a lecturer's private exercise, with its own checker outside the
    package, is graded by the same commands; grading twice gives the same
    CSV; the checker's file is not handed out"""
    folder, submissions = tmp_path / "course", tmp_path / "submissions"
    make("assignments", f"POINTS={PRIVATE}", f"COURSE={folder}")
    release = release_notebook(folder, "springs")
    assert not list((folder / "release").rglob("*.py"))
    write_submission(release, submissions / "ann" / "springs" /
                     "springs.ipynb",
                     {"springs-ex1": "def spring_energy(k, x):\n"
                                     "    return k * x * x / 2\n"})
    write_submission(release, submissions / "bob" / "springs" /
                     "springs.ipynb",
                     {"springs-ex1": "def spring_energy(k, x):\n"
                                     "    return k * x * x\n"})
    runs = []
    for _ in range(2):
        make("grade", f"POINTS={PRIVATE}", f"SUBMISSIONS={submissions}",
             f"COURSE={folder}")
        runs.append(read_csv(folder / "grades.csv"))
    assert runs[0] == runs[1] == [
        ("ann", "springs", "springs-ex1", "4", "4", "correct"),
        ("bob", "springs", "springs-ex1", "0", "4", "wrong")]
    html = (folder / "feedback" / "bob" / "springs" /
            "springs.html").read_text(encoding="utf-8")
    assert "Wrong values for the energy" in html


def test_grade_without_assignments_says_so(tmp_path):
    """make grade before make assignments: a clear error"""
    code = course.main(["grade", str(tmp_path), "--course",
                        str(tmp_path / "none")])
    assert code == 1


def test_page_commands_are_tested():
    """every command on the page "Teaching with this book" is one this
    file (or the student edition's tests) runs"""
    text = PAGE.read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", text, re.S)
    commands = {line.split("#")[0].strip() for block in blocks
                for line in block.splitlines() if line.strip()}
    here = pathlib.Path(__file__).read_text(encoding="utf-8")
    tested_elsewhere = {"make book-student", "make student-notebooks"}
    for command in commands - tested_elsewhere:
        target, *args = command.split()[1:]
        assert f'"{target}"' in here, command
        for arg in args:
            name = arg.split("=")[0]
            assert f'f"{name}=' in here, command


# --- The grader's parts, in this process ----------------------------------


def test_feedback_counts_default_to_none():
    """a Feedback made as before carries no criteria counts"""
    from py4eng_jax.check import Feedback
    feedback = Feedback("fail", "wrong")
    assert feedback.criteria_passed is None
    assert feedback.criteria_total is None


def test_checker_counts_criteria_until_the_first_failure():
    """a checker counts the verdicts that passed before it stopped; a pass
    counts them all, plus one for the tests that count nothing"""
    import jax.numpy as jnp

    from py4eng_jax.check._framework import call, checker, same_values

    @checker("double")
    def double(fn):
        for x in (1.0, 2.0, 3.0):
            same_values(call(fn, jnp.float32(x)), 2 * x, what="2x",
                        shown=f"x = {x}")
        return "Correct."

    right = double(lambda x: 2 * x)
    assert (right.criteria_passed, right.criteria_total) == (4, 4)
    wrong = double(lambda x: jnp.where(x > 2.5, x, 2 * x))
    assert (wrong.criteria_passed, wrong.criteria_total) == (2, None)


def _grade(namespace, capsys, **kw):
    from py4eng_jax import grading
    score = grading.grade("numpy-differences-ex2", "huber", namespace,
                          points=2, criteria=7,
                          checker="py4eng_jax.check:huber", **kw)
    return score, capsys.readouterr().out


def huber_if(x):
    if abs(x) <= 1:
        return 0.5 * x**2
    return abs(x) - 0.5


def test_grade_gives_partial_credit(capsys):
    """the test cell's score is the share of criteria passed"""
    from py4eng_jax import check
    score, out = _grade({"huber": huber_if, "check": check}, capsys)
    assert score == 0.57
    assert "(partial, 2 of 7 criteria)" in out
    assert "not jittable" in out


def test_grade_ignores_a_redefined_check(capsys):
    """a student's own `check` does not take part: reported as tampered"""
    class FakeCheck:
        huber = staticmethod(lambda fn: "Correct")
    score, out = _grade({"huber": huber_if, "check": FakeCheck}, capsys)
    assert score == 0.0
    assert "Tampered: the name `check`" in out and "(tampered)" in out


def test_grade_ignores_a_patched_checker(capsys, monkeypatch):
    """a patched py4eng_jax.check.NAME or machinery does not take part:
    reported as tampered"""
    import py4eng_jax.check
    from py4eng_jax.check import _explain
    monkeypatch.setattr(_explain, "same_values", lambda *a, **k: None)
    score, out = _grade({"huber": huber_if}, capsys)
    assert score == 0.0
    assert "py4eng_jax.check._explain.same_values" in out
    monkeypatch.undo()
    monkeypatch.setattr(py4eng_jax.check, "huber", lambda fn: None)
    score, out = _grade({"huber": huber_if, "check": py4eng_jax.check},
                        capsys)
    assert score == 0.0 and "(tampered)" in out


def test_grade_leaves_the_kernel_as_it_was(capsys):
    """loading the fresh checkers does not replace the student's
    modules"""
    import sys

    import py4eng_jax.check
    before = sys.modules["py4eng_jax.check"]
    _grade({"huber": huber_if}, capsys)
    assert sys.modules["py4eng_jax.check"] is before is py4eng_jax.check


def test_grade_finds_replaced_callables(capsys, monkeypatch):
    """a builtin, a NumPy function or the grader replaced by code defined
    outside the installed packages is tampering"""
    import builtins

    import numpy

    from py4eng_jax import check
    monkeypatch.setattr(numpy, "allclose", lambda *a, **k: True)
    score, out = _grade({"huber": huber_if, "check": check}, capsys)
    assert score == 0.0 and "numpy.allclose was replaced" in out
    monkeypatch.undo()
    monkeypatch.setattr(builtins, "print", lambda *a, **k: None)
    score, out = _grade({"huber": huber_if, "check": check}, capsys)
    assert score == 0.0 and "builtins.print was replaced" in out
    monkeypatch.undo()
    score, out = _grade({"huber": huber_if, "check": check}, capsys)
    assert score == 0.57 and "Tampered" not in out


def test_after_grading_needs_the_result_to_match(tmp_path):
    """a test cell's score counts only when its result exists and equals
    the grader's grade line; a grade line printed in the exercise's cells
    is tampering; a scratch cell elsewhere is not"""
    def notebook(result, printed):
        line = "Grade for ex1: 1 of 2 points (partial, 1 of 2 criteria).\n"
        test = nbformat.v4.new_code_cell("", metadata={"nbgrader": {
            "grade_id": "ex1-test"}})
        test.outputs = [nbformat.v4.new_output("stream", text=line)]
        if result is not None:
            test.outputs.append(nbformat.v4.new_output(
                "execute_result", data={"text/plain": result},
                execution_count=1))
        answer = nbformat.v4.new_code_cell("")
        answer.outputs = [nbformat.v4.new_output("stream", text=printed)]
        nb = nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_markdown_cell("", metadata={"nbgrader": {
                "grade_id": "ex1-statement"}}), answer, test])
        path = tmp_path / "nb.ipynb"
        nbformat.write(nb, path)
        return course.after_grading(path, ["ex1"])["ex1"]

    assert notebook("1.0", "Correct?") == ("partial", None, 1.0)
    assert notebook(None, "")[0] == "tampered"
    assert notebook("2.0", "")[0] == "tampered"
    forged = notebook("1.0", "Grade for ex1: 2 of 2 points")
    assert forged[0] == "tampered" and "grade line" in forged[1]


def test_setup_cells_leave_out_glue():
    """the released set-up cells do not need myst_nb"""
    code = "import jax\nfrom myst_nb import glue\nx = 1\nglue('x', x)\n"
    assert course._without_glue(code) == "import jax\nx = 1"


def test_exercise_statement_keeps_its_title():
    """an exercise's title (its level and name) opens its statement in the
    assignment; an untitled one is left as it was"""
    text = ("```{exercise-start} Core: A title\n:label: c-ex1\n```\n\n"
            "Do it.\n\n```{exercise-end}\n```\n\n"
            "```{exercise-start}\n:label: c-ex2\n```\nAgain.\n"
            "```{exercise-end}\n```\n")
    assert list(course._exercise_blocks(text)) == [
        ("c-ex1", "**Core: A title.** Do it."), ("c-ex2", "Again.")]
