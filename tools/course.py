"""Run a course with the book through nbgrader: assignments, grading, marks.

    python tools/course.py assignments [--points FILE] [--course DIR]
    python tools/course.py grade SUBMISSIONS [--points FILE] [--course DIR]

``assignments`` writes an nbgrader course folder (default
``_build/course``): ``nbgrader_config.py``, one source notebook per
assignment in ``source/NAME/NAME.ipynb`` and the student versions that
``nbgrader generate_assignment`` makes from them in
``release/NAME/NAME.ipynb``. An assignment is a chapter's exercises only:
the set-up cells they need (found by reading which names the solutions
use), then for each exercise its statement, an answer cell (nbgrader
``solution``, ``grade_id`` the book's label, holding the stub and, in the
source, the book's solution between nbgrader's markers) and a locked test
cell (``grade_id`` LABEL-test, its points from the points table) that runs
the book's checker through :func:`py4eng_jax.grading.grade`.

``grade`` grades a folder in nbgrader's layout,
``SUBMISSIONS/STUDENT/NAME/NAME.ipynb``: it screens each notebook
(missing, unreadable, a test cell edited, an answer cell deleted), runs
``nbgrader autograde``, reads each test cell's result and grade line
(see :func:`after_grading`), runs ``nbgrader generate_feedback``, and
writes
``grades.csv`` (student, assignment, exercise, score, max_score, status)
and ``feedback/STUDENT/NAME/NAME.html`` in the course folder.

The points table (default ``course/points.toml``) is the one file a
lecturer edits: which assignments, the points of each exercise, the cell
timeout, and where a lecturer's own checkers live.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import concurrent.futures
import csv
import os
import pathlib
import re
import shutil
import signal
import subprocess
import symtable
import sys
import tomllib

import jupytext
import nbformat

from book_files import BOOK, ROOT

POINTS = ROOT / "course" / "points.toml"
COURSE = ROOT / "_build" / "course"
# nbgrader processes grading at once, each a share of the class.
WORKERS = 2
COLUMNS = ("student", "assignment", "exercise", "score", "max_score",
           "status")
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
_DIRECTIVE = re.compile(r"^(`{3,}|:{3,})\{(?P<name>[\w-]+)\}(?P<arg>.*)$")
_CHECK_CALL = re.compile(r"^(?P<alias>\w+)\.(?P<checker>\w+)\((?P<fn>\w+)\)"
                         r"\s*$", re.M)
_GRADE_LINE = re.compile(r"Grade for (?P<label>\S+): (?P<score>[\d.]+) of "
                         r"(?P<points>[\d.]+) points \((?P<status>[^,)]+)")


class CourseError(Exception):
    """A problem the lecturer can fix; main() prints it."""


# --- The points table --------------------------------------------------


def load_points(path: pathlib.Path = POINTS) -> dict:
    """The points table: assignments (as .md paths), points per exercise,
    cell timeout and the folders holding private checkers."""
    path = pathlib.Path(path).resolve()
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise CourseError(
            f"cannot read the points table {path}: {err}") from None
    course = table.get("course", {})
    sources = []
    for entry in course.get("assignments", []):
        md = (path.parent / entry if entry.endswith(".md")
              else BOOK / f"{entry}.md").resolve()
        if not md.exists():
            raise CourseError(f"{path}: assignment {entry!r}: no file {md}")
        sources.append(md)
    if not sources:
        raise CourseError(f"{path}: [course] assignments lists nothing")
    return {
        "path": path,
        "sources": sources,
        "default": float(course.get("default_points", 1)),
        "points": {k: float(v) for k, v in table.get("points", {}).items()},
        "checkers": {k: str(v) for k, v in table.get("checkers", {}).items()},
        "cell_timeout": int(course.get("cell_timeout", 60)),
        "pythonpath": [str((path.parent / p).resolve())
                       for p in course.get("pythonpath", [])],
    }


# --- Reading a chapter's exercises --------------------------------------


def _free_names(code: str) -> tuple[set[str], set[str]]:
    """(global names a cell reads, names it defines), from its symbol
    table: a function's parameters and locals are neither."""
    try:
        table = symtable.symtable(_drop_magics(code), "<cell>", "exec")
    except SyntaxError:
        return set(), set()
    used, defined = set(), set()

    def walk(scope):
        for symbol in scope.get_symbols():
            name = symbol.get_name()
            if scope.get_type() == "module":
                if symbol.is_assigned() or symbol.is_imported():
                    defined.add(name)
                if symbol.is_referenced():
                    used.add(name)
            elif symbol.is_global() and symbol.is_referenced():
                used.add(name)
        for child in scope.get_children():
            walk(child)

    walk(table)
    return used - set(dir(builtins)), defined


def _drop_magics(code: str) -> str:
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in code.splitlines())


def _imports(code: str) -> dict[str, str]:
    """alias -> module for the imports in a cell (``from a import b``
    gives b -> a.b)."""
    found = {}
    try:
        tree = ast.parse(_drop_magics(code))
    except SyntaxError:
        return found
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                found[alias.asname or alias.name] = (
                    f"{node.module}.{alias.name}")
    return found


def read_exercises(md: pathlib.Path) -> dict:
    """A chapter's title, code cells and exercises, from its MyST source.

    Each exercise: label, statement (MyST), stub (the code, without its
    check line), solution code, the checker (``module:name``) and the
    name of the student's function.
    """
    nb = jupytext.reads(md.read_text(encoding="utf-8"), fmt="md:myst")
    title, cells, exercises = md.stem, [], []
    state, current = "out", None
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "markdown":
            heading = re.search(r"^# (.+)$", cell.source, re.M)
            if heading and title == md.stem:
                title = heading.group(1).strip()
            if "{solution-end}" in cell.source:
                state = "out"
            for block in _exercise_blocks(cell.source):
                current = {"label": block[0], "statement": block[1],
                           "stub": None, "solution": []}
                exercises.append(current)
                state = "exercise"
            if "{solution-start}" in cell.source:
                state = "solution"
            continue
        if state == "exercise":  # the stub: the last code cell before
            current["stub"] = cell.source  # the solution ("Your turn")
        elif state == "solution":
            current["solution"].append(cell.source)
        elif state == "out" and "raises-exception" not in tags:
            cells.append(cell)
    imports = {}
    for cell in cells:
        imports.update(_imports(cell.source))
    for ex in exercises:
        if not ex["stub"] or not ex["solution"]:
            raise CourseError(f"{md}: exercise {ex['label']} needs a stub "
                              f"cell and a solution")
        call = _CHECK_CALL.search(ex["stub"])
        defined = re.search(r"^(?:def|class) (\w+)", ex["stub"], re.M)
        ex["fn"] = call["fn"] if call else (defined and defined.group(1))
        ex["checker"] = (f"{imports.get(call['alias'], call['alias'])}:"
                         f"{call['checker']}" if call else None)
        ex["stub"] = _without_checks(ex["stub"]).rstrip() + "\n"
        ex["solution"] = "\n\n".join(
            _without_glue(_without_checks(code)).strip()
            for code in ex["solution"])
    return {"title": title, "cells": cells, "exercises": exercises}


def _exercise_blocks(text: str):
    """(label, statement) of each ``{exercise-start}`` in a markdown
    cell."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        match = _DIRECTIVE.match(line)
        if not match or match["name"] != "exercise-start":
            continue
        j, label, title = i + 1, None, match["arg"].strip()
        while j < len(lines) and lines[j].startswith(":"):
            if lines[j].startswith(":label:"):
                label = lines[j].split(":", 2)[2].strip()
            j += 1
        j += 1  # the closing fence
        body = []
        while j < len(lines):
            end = _DIRECTIVE.match(lines[j])
            if end and end["name"] == "exercise-end":
                break
            body.append(lines[j])
            j += 1
        statement = "\n".join(body).strip()
        yield label, (f"**{title}.** {statement}" if title else statement)


def _without_checks(code: str) -> str:
    return _CHECK_CALL.sub("", code)


def setup_cells(chapter: dict) -> list[str]:
    """The chapter's code cells the exercises need, in order: its imports
    cell and, for every global name a solution reads, the last cell that
    defines it (and, in turn, what that cell reads)."""
    cells = chapter["cells"]
    reads = [_free_names(c.source) for c in cells]
    keep = set()
    todo = []
    for ex in chapter["exercises"]:
        used, defined = _free_names(ex["solution"])
        todo += [(name, len(cells)) for name in used - defined]
    for i, cell in enumerate(cells):
        if re.search(r"^\s*(import|from)\s", cell.source, re.M) and \
                "remove-cell" not in cell.metadata.get("tags", []):
            keep.add(i)
            todo += [(name, i) for name in reads[i][0] - reads[i][1]]
            break
    while todo:
        name, before = todo.pop()
        for i in range(before - 1, -1, -1):
            if name in reads[i][1]:
                if i not in keep:
                    keep.add(i)
                    todo += [(n, i) for n in reads[i][0]]
                break
    return [_without_glue(_drop_magics(cells[i].source)).strip()
            for i in sorted(keep)]


def _without_glue(code: str) -> str:
    """The cell without myst-nb's ``glue`` (its import and its top-level
    calls): the book's build needs it, a student does not."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    lines = code.splitlines()
    for node in reversed(tree.body):
        imports_glue = isinstance(node, (ast.Import, ast.ImportFrom)) and (
            getattr(node, "module", None) == "myst_nb"
            or any(a.name == "myst_nb" for a in node.names))
        calls_glue = (isinstance(node, ast.Expr)
                      and isinstance(node.value, ast.Call)
                      and isinstance(node.value.func, ast.Name)
                      and node.value.func.id == "glue")
        if imports_glue or calls_glue:
            del lines[node.lineno - 1:node.end_lineno]
    return "\n".join(lines)


# --- Writing the assignments --------------------------------------------


def _meta(grade_id: str, *, solution=False, grade=False, locked=False,
          points=None) -> dict:
    meta = {"grade_id": grade_id, "solution": solution, "grade": grade,
            "locked": locked, "schema_version": 3}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def test_cell_source(label: str, fn: str, points: float,
                     checker: str, criteria: int | None = None) -> str:
    """The locked test cell of an exercise. It loads the grader afresh
    from the installed package's folder on ``sys.path`` (not through the
    notebook's ``py4eng_jax``, which the student's cells can patch)."""
    counted = f", criteria={criteria}" if criteria else ""
    return (
        "# Locked test cell: it loads the grader afresh from the package's\n"
        "# files (not through your notebook's names), checks your answer\n"
        "# with the book's checker and prints your grade.\n"
        "import importlib.machinery as _im, importlib.util as _iu, os as _os\n"
        "_spec = _iu.spec_from_file_location(\"_py4eng_jax_grader\", "
        "_os.path.join(\n"
        "    _im.PathFinder.find_spec(\"py4eng_jax\")"
        ".submodule_search_locations[0],\n"
        "    \"grading.py\"))\n"
        "_grader = _iu.module_from_spec(_spec)\n"
        "_spec.loader.exec_module(_grader)\n"
        f"_grader.grade({label!r}, {fn!r}, globals(), points={points:g}"
        f"{counted},\n"
        f"              checker={checker!r})")


def count_criteria(nb: nbformat.NotebookNode, folder: pathlib.Path,
                   points: dict) -> dict[str, int]:
    """Run the source notebook (the book's solutions) in a kernel; each
    exercise must pass its checker, whose criteria are counted. Returns
    the counts by label."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(
        points["pythonpath"] + ([saved] if saved else []))
    try:
        run = nbformat.from_dict(nb)
        NotebookClient(run, timeout=points["cell_timeout"],
                       kernel_name="python3",
                       resources={"metadata": {"path": str(folder)}}
                       ).execute()
    except CellExecutionError as err:
        raise CourseError(f"{folder.name}: the source notebook (the "
                          f"book's solutions) fails: {err}") from None
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved
    counts = {}
    for cell in run.cells:
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        if not grade_id.endswith("-test"):
            continue
        label = grade_id[:-len("-test")]
        text = "".join(o.get("text", "") for o in cell.outputs)
        found = re.search(r"\(correct, (\d+) of \d+ criteria\)", text)
        if not found:
            raise CourseError(f"{label}: the book's solution does not pass "
                              f"its checker:\n{text}")
        counts[label] = int(found.group(1))
    return counts


def source_notebook(md: pathlib.Path, points: dict) -> nbformat.NotebookNode:
    """The nbgrader source notebook of one chapter's exercises."""
    chapter = read_exercises(md)
    if not chapter["exercises"]:
        raise CourseError(f"{md}: no exercises")
    cells = [nbformat.v4.new_markdown_cell(
        f"# Assignment: {chapter['title']}\n\n"
        f"Write each answer in the cell below its exercise (replace "
        f"`...  # your code here`), then run the locked test cell after "
        f"it: it prints the checker's hint and your grade. Run the "
        f"set-up cells first. Do not edit the locked cells.",
        metadata=_meta("intro", locked=True))]
    for n, code in enumerate(setup_cells(chapter), 1):
        cells.append(nbformat.v4.new_code_cell(
            code, metadata=_meta(f"setup-{n}", locked=True)))
    for n, ex in enumerate(chapter["exercises"], 1):
        label = ex["label"]
        checker = points["checkers"].get(label, ex["checker"])
        if not checker or not ex["fn"]:
            raise CourseError(
                f"{md}: exercise {label}: its stub has no check.NAME(fn) "
                f"line; name its checker in [checkers] of "
                f"{points['path']}")
        value = points["points"].get(label, points["default"])
        cells.append(nbformat.v4.new_markdown_cell(
            f"## Exercise {n} ({value:g} points)\n\n{ex['statement']}",
            metadata=_meta(f"{label}-statement", locked=True)))
        cells.append(nbformat.v4.new_code_cell(
            f"{ex['stub']}{BEGIN}\n{ex['solution']}\n{END}",
            metadata=_meta(label, solution=True)))
        cells.append(nbformat.v4.new_code_cell(
            test_cell_source(label, ex["fn"], value, checker),
            metadata=_meta(f"{label}-test", grade=True, locked=True,
                           points=value)))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3",
                                 "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


CONFIG = '''\
# Written by `make assignments` (tools/course.py); edit course/points.toml.
c = get_config()  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = "py4eng-jax"
c.CourseDirectory.db_url = "sqlite:///" + {db!r}
# The released answer cell is the book's stub: the solution goes, nothing
# is put in its place.
c.ClearSolutions.code_stub = {{"python": ""}}
# One cell may run this long; a cell still busy is interrupted and the
# notebook goes on. tools/course.py also bounds each whole notebook.
c.Execute.timeout = {timeout}
c.Execute.interrupt_on_timeout = True
'''


# nbgrader's own API, run in one process for several assignments (one
# `nbgrader` command each would start Python and nbgrader every time).
_API = """
import sys
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config.loader import PyFileConfigLoader

config = PyFileConfigLoader("nbgrader_config.py", path=".").load_config()
api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
action, assignment, names = sys.argv[1], sys.argv[2], sys.argv[3:]
failed = False
for name in names:
    if action == "generate_assignment":
        result = api.generate_assignment(name)
    elif action == "autograde":
        result = api.autograde(assignment, name, force=True, create=True)
    else:
        result = api.generate_feedback(assignment, name, force=True)
    if not result["success"]:  # report it, and go on with the others
        print(name, result.get("log", ""), result.get("error", ""))
        failed = True
sys.exit(1 if failed else 0)
"""


def nbgrader(course: pathlib.Path, action: str, assignment: str,
             names: list[str], *, points: dict,
             timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run nbgrader's ``action`` (generate_assignment: of the assignments
    ``names``; autograde, generate_feedback: of ``assignment`` for the
    students ``names``) in the course folder, with the venv's tools
    (alembic) on PATH and the private checkers on PYTHONPATH. Past
    ``timeout`` seconds the process and its kernels are killed and
    :class:`subprocess.TimeoutExpired` raised."""
    env = dict(os.environ)
    bin_dir = str(pathlib.Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = os.pathsep.join(
        points["pythonpath"] + [p for p in [env.get("PYTHONPATH")] if p])
    proc = subprocess.Popen(
        [sys.executable, "-c", _API, action, assignment, *names],
        cwd=course, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # nbgrader and its kernels
        proc.communicate()
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def write_assignments(points: dict, course: pathlib.Path = COURSE) -> list:
    """Write the course folder and release every assignment."""
    course = course.resolve()
    for sub in ("source", "release", "gradebook.db", "release.db"):
        target = course / sub
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(CONFIG.format(
        root=str(course), db=str(course / "gradebook.db"),
        timeout=points["cell_timeout"]), encoding="utf-8")
    report = []
    for md in points["sources"]:
        name = md.stem
        folder = course / "source" / name
        folder.mkdir(parents=True)
        nb = source_notebook(md, points)
        counts = count_criteria(nb, folder, points)
        for cell in nb.cells:
            meta = cell.metadata["nbgrader"]
            label = meta["grade_id"][:-len("-test")]
            if meta.get("grade") and label in counts:
                cell.source = cell.source.replace(
                    f"points={meta['points']:g},",
                    f"points={meta['points']:g}, "
                    f"criteria={counts[label]},")
        nbformat.write(nb, folder / f"{name}.ipynb")
        report.append(f"   release/{name}/{name}.ipynb: " + ", ".join(
            f"{label} ({n} criteria)" for label, n in counts.items()))
    names = [md.stem for md in points["sources"]]
    done = nbgrader(course, "generate_assignment", "", names, points=points)
    if done.returncode:
        raise CourseError(f"nbgrader generate_assignment failed:\n"
                          f"{done.stdout}{done.stderr}")
    # The database just after release: `grade` starts from it each time,
    # so that grading twice gives the same marks.
    shutil.copy(course / "gradebook.db", course / "release.db")
    return report


# --- Grading --------------------------------------------------------------


def _exercises_of(release: nbformat.NotebookNode) -> list[tuple[str, float]]:
    return [(c.metadata["nbgrader"]["grade_id"][:-len("-test")],
             float(c.metadata["nbgrader"]["points"]))
            for c in release.cells
            if c.metadata.get("nbgrader", {}).get("grade")]


def _source_checksums(nb: nbformat.NotebookNode) -> dict[str, str]:
    from nbgrader.utils import compute_checksum
    return {c.metadata["nbgrader"]["grade_id"]: compute_checksum(c)
            for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("locked")}


def screen(path: pathlib.Path, release: nbformat.NotebookNode
           ) -> tuple[str | None, dict[str, tuple[str, str]],
                      nbformat.NotebookNode | None]:
    """Read a submission before grading: (problem of the whole notebook,
    or None; (status, why) of each exercise found wrong already; the
    notebook to grade, with a deleted answer cell put back as the
    hand-out had it, so that its feedback can say why it got 0)."""
    if not path.exists():
        return "missing", {}, None
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception:  # not JSON, not a notebook: nothing to grade
        return "unreadable", {}, None
    from nbgrader.utils import compute_checksum
    expected = _source_checksums(release)
    got = {}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in expected:
            got[grade_id] = compute_checksum(cell)
    found = {}
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    for label, _ in _exercises_of(release):
        test = f"{label}-test"
        if got.get(test) != expected[test]:
            found[label] = ("tampered",
                            "its locked test cell was edited or removed")
        elif label not in ids:
            found[label] = ("missing-answer", "the answer cell was deleted")
            stub = next(c for c in release.cells if c.metadata.get(
                "nbgrader", {}).get("grade_id") == label)
            cell = nbformat.from_dict(stub)
            cell.source = ("# The answer cell was deleted: the grader put "
                           "back the hand-out's.\n" + cell.source)
            nb.cells.insert(ids.index(test), cell)
            ids.insert(ids.index(test), label)
    return None, found, nb


# A line that mimics the grader's own (course.py reads it for the status).
_FORGED = re.compile(r"Grade for \S+: ")
_WHY = {"tampered": "Tampered: {why}, so this exercise gets no points.",
        "missing-answer": "Not graded: {why}, so this exercise gets no "
                          "points."}


def _text(output) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    return str(output.get("data", {}).get("text/plain", ""))


def after_grading(nb_path: pathlib.Path, labels: list[str]
                  ) -> dict[str, tuple[str, str | None, float | None]]:
    """Each exercise's (status, why tampered or None, score) read from its
    autograded notebook. The score counts only when the test cell's
    result (what nbgrader reads) exists and equals the grader's own
    "Grade for" line; a cell of the exercise (between its statement and
    its test cell, not a locked one) whose output prints a grade line
    itself is tampering. Statuses: as printed, ``error`` or
    ``tampered``."""
    if not nb_path.exists():
        return {label: ("error", None, 0.0) for label in labels}
    nb = nbformat.read(nb_path, as_version=4)
    found, current, forged = {}, None, False
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id") or ""
        if grade_id.endswith("-statement"):
            current, forged = grade_id[:-len("-statement")], False
            continue
        label = grade_id[:-len("-test")] if grade_id.endswith("-test") \
            else None
        if label is None:
            if current and cell.cell_type == "code" and not \
                    meta.get("locked") and any(
                        _FORGED.search(_text(o)) for o in cell.outputs):
                forged = True
            continue
        outputs = cell.get("outputs", [])
        lines = [m for o in outputs if o.get("output_type") == "stream"
                 for m in _GRADE_LINE.finditer(o.get("text", ""))]
        results = [_text(o) for o in outputs
                   if o.get("output_type") == "execute_result"]
        if label == current and forged:
            found[label] = ("tampered", "a cell of this exercise prints a "
                            "grade line itself", 0.0)
        elif any(o.get("output_type") == "error" for o in outputs) or \
                not lines:
            found[label] = ("error", None, 0.0)
        elif lines[-1]["status"] == "tampered":
            found[label] = ("tampered", None, 0.0)
        elif len(lines) != 1 or len(results) != 1 or \
                _number(results[0]) != float(lines[0]["score"]):
            found[label] = ("tampered", "the test cell's result was hidden "
                            "or does not match its grade line", 0.0)
        else:
            found[label] = (lines[0]["status"], None,
                            float(lines[0]["score"]))
        current = None
    return {label: found.get(label, ("error", None, 0.0))
            for label in labels}


def _number(text: str) -> float | None:
    try:
        return float(text.strip())
    except ValueError:
        return None


def grade_class(submissions: pathlib.Path, points: dict,
                course: pathlib.Path = COURSE) -> list[dict]:
    """Grade every submission; write grades.csv and the feedback files."""
    course, submissions = course.resolve(), submissions.resolve()
    if not (course / "release.db").exists():
        raise CourseError(f"no released assignments in {course}: run "
                          f"`make assignments` first")
    if not submissions.is_dir():
        raise CourseError(f"SUBMISSIONS={submissions} is not a folder")
    for sub in ("submitted", "autograded", "feedback"):
        shutil.rmtree(course / sub, ignore_errors=True)
    shutil.copy(course / "release.db", course / "gradebook.db")
    students = sorted(p.name for p in submissions.iterdir() if p.is_dir())
    released = sorted(p.name for p in (course / "release").iterdir())
    assignments = [a for a in released
                   if any((submissions / s / a).exists() for s in students)]
    rows = []
    for assignment in assignments:
        release = nbformat.read(
            course / "release" / assignment / f"{assignment}.ipynb",
            as_version=4)
        exercises = _exercises_of(release)
        outcome = {}
        for student in students:
            path = submissions / student / assignment / f"{assignment}.ipynb"
            problem, found, nb = screen(path, release)
            outcome[student] = (problem, found)
            if problem is None:
                target = course / "submitted" / student / assignment
                target.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, target / f"{assignment}.ipynb")
        graded = [s for s in students if outcome[s][0] is None]
        _autograde(course, assignment, graded, points, len(release.cells))
        labels = [label for label, _ in exercises]
        read = {}
        for student in graded:
            read[student] = after_grading(
                course / "autograded" / student / assignment /
                f"{assignment}.ipynb", labels)
            for label, (status, why, _) in read[student].items():
                if why and label not in outcome[student][1]:
                    outcome[student][1][label] = (status, why)
        scores = _scores(course, assignment, graded, exercises,
                         {s: outcome[s][1] for s in graded})
        for student in students:
            problem, found = outcome[student]
            for label, max_score in exercises:
                if problem:
                    status, score = problem, 0.0
                elif label in found:
                    status, score = found[label][0], 0.0
                else:
                    status, _, score = read[student][label]
                    # nbgrader's score, which must agree with the grader's.
                    if scores.get((student, label)) != score:
                        status, score = "error", 0.0
                rows.append({"student": student, "assignment": assignment,
                             "exercise": label, "score": f"{score:g}",
                             "max_score": f"{max_score:g}",
                             "status": status})
        autograded = [s for s in graded if (
            course / "autograded" / s / assignment /
            f"{assignment}.ipynb").exists()]
        if autograded:
            done = nbgrader(course, "generate_feedback", assignment,
                            autograded, points=points)
            if done.returncode:
                print(f"warning: nbgrader generate_feedback:\n"
                      f"{done.stdout}{done.stderr}", file=sys.stderr)
    with open(course / "grades.csv", "w", newline="",
              encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def _autograde(course, assignment, students, points, n_cells) -> None:
    """nbgrader autograde. Each of WORKERS processes grades a share of
    the class; each notebook is bounded as a whole (every cell may use
    the cell timeout, plus a minute to start). A share that runs past its
    bound is killed, and its students not yet graded are graded one by
    one, each with its own bound; one still past it gets no autograded
    notebook (status ``error``)."""
    bound = 60 + n_cells * points["cell_timeout"]

    def done(student):
        return (course / "autograded" / student / assignment /
                f"{assignment}.ipynb").exists()

    def share(names):
        try:
            nbgrader(course, "autograde", assignment, names, points=points,
                     timeout=bound * len(names))
        except subprocess.TimeoutExpired:
            for student in [s for s in names if not done(s)]:
                shutil.rmtree(course / "autograded" / student / assignment,
                              ignore_errors=True)
                try:
                    nbgrader(course, "autograde", assignment, [student],
                             points=points, timeout=bound)
                except subprocess.TimeoutExpired:
                    shutil.rmtree(course / "autograded" / student /
                                  assignment, ignore_errors=True)

    shares = [students[i::WORKERS] for i in range(WORKERS)]
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(share, [s for s in shares if s]))


def _scores(course, assignment, students, exercises, found) -> dict:
    """Each test cell's score from nbgrader's gradebook. An exercise found
    tampered or without its answer cell gets 0 there too, and a comment
    saying why, so that its feedback shows the same as grades.csv."""
    from nbgrader.api import Gradebook, MissingEntry
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in students:
            for label, _ in exercises:
                try:
                    grade = gb.find_grade(f"{label}-test", assignment,
                                          assignment, student)
                except MissingEntry:
                    continue
                mark = found[student].get(label)
                if mark:
                    grade.manual_score = 0.0
                scores[(student, label)] = float(grade.score or 0.0)
                try:
                    comment = gb.find_comment(label, assignment, assignment,
                                              student)
                    if mark:
                        comment.manual_comment = _WHY[mark[0]].format(
                            why=mark[1])
                except MissingEntry:
                    pass
        gb.db.commit()
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("assignments", "grade"))
    parser.add_argument("submissions", nargs="?", type=pathlib.Path)
    parser.add_argument("--points", type=pathlib.Path, default=POINTS)
    parser.add_argument("--course", type=pathlib.Path, default=COURSE)
    args = parser.parse_args(argv)
    try:
        points = load_points(args.points)
        if args.command == "assignments":
            print("\n".join(write_assignments(points, args.course)))
            print(f"== Assignments: {args.course}/release/")
            return 0
        if args.submissions is None:
            raise CourseError("make grade needs SUBMISSIONS=DIR (a folder "
                              "DIR/STUDENT/NAME/NAME.ipynb)")
        rows = grade_class(args.submissions, points, args.course)
    except CourseError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    counts = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    print("   " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    print(f"== Marks: {args.course}/grades.csv; feedback: "
          f"{args.course}/feedback/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
