"""How long `make grade` takes for a class: a benchmark, not a test.

    python tools/bench_grading.py [--students 40] [--chapter numpy-differences]

builds the course's assignments in a temporary folder, writes a synthetic
class of STUDENTS submissions of one chapter (answers right, partly right,
wrong, not attempted, in turn) and grades it with tools/course.py, timing
the grading. :func:`grading_seconds` is what `make bench` calls.

:func:`write_submission` is shared with tests/test_course.py: it fills a
released notebook's answer cells and writes it where nbgrader expects it.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile
import time

import nbformat

import course

# Answers to the numpy-differences exercises, by kind.
ANSWERS = {
    "numpy-differences-ex1": {
        "correct": (
            "def bin_counts(idx, length):\n"
            "    safe = jnp.where(idx < 0, length, idx)\n"
            "    return jnp.zeros(length, jnp.int32).at[safe].add(\n"
            "        1, mode='drop')\n"),
        "partial": (  # right values, but a boolean mask: fails under jit
            "def bin_counts(idx, length):\n"
            "    kept = idx[(idx >= 0) & (idx < length)]\n"
            "    return jnp.zeros(length, jnp.int32).at[kept].add(1)\n"),
        "wrong": (  # .set: a repeated value counts once
            "def bin_counts(idx, length):\n"
            "    safe = jnp.where(idx < 0, length, idx)\n"
            "    return jnp.zeros(length, jnp.int32).at[safe].set(\n"
            "        1, mode='drop')\n"),
    },
    "numpy-differences-ex2": {
        "correct": (
            "def huber(x):\n"
            "    a = jnp.abs(x)\n"
            "    return jnp.where(a <= 1, x * x / 2, a - 0.5)\n"),
        "partial": (  # right on numbers, a Python if: fails under jit
            "def huber(x):\n"
            "    if abs(x) <= 1:\n"
            "        return 0.5 * x**2\n"
            "    return abs(x) - 0.5\n"),
        "wrong": "def huber(x):\n    return jnp.abs(x) - 0.5\n",
    },
    "numpy-differences-ex3": {
        "correct": (
            "def random_walk(key, steps):\n"
            "    def step(pos, i):\n"
            "        move = jax.random.normal(jax.random.fold_in(key, i))\n"
            "        return pos + move, pos + move\n"
            "    return lax.scan(step, 0.0, jnp.arange(steps))[1]\n"),
        "partial": (  # right values, but a Python loop: unrolled
            "def random_walk(key, steps):\n"
            "    moves = jnp.stack([jax.random.normal(\n"
            "        jax.random.fold_in(key, i)) for i in range(steps)])\n"
            "    return jnp.cumsum(moves)\n"),
        "wrong": (
            "def random_walk(key, steps):\n"
            "    return jnp.cumsum(jnp.full(steps,\n"
            "                               jax.random.normal(key)))\n"),
    },
}


def release_notebook(course_dir: pathlib.Path,
                     assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(course_dir / "release" / assignment /
                         f"{assignment}.ipynb", as_version=4)


def write_submission(release: nbformat.NotebookNode,
                     path: pathlib.Path, answers: dict[str, str],
                     extra: dict[str, str] | None = None) -> None:
    """Write a student's notebook: ``answers`` replace the answer cells
    (by label); ``extra`` replaces any cell's source by grade_id."""
    nb = nbformat.from_dict(release)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
        if extra and grade_id in extra:
            cell.source = extra[grade_id]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def write_class(course_dir: pathlib.Path, folder: pathlib.Path,
                students: int, assignment: str = "numpy-differences"):
    """A class of ``students``: each exercise answered correct, partly
    right, wrong or not at all, in turn."""
    release = release_notebook(course_dir, assignment)
    kinds = ("correct", "partial", "wrong", "stub")
    for n in range(students):
        answers = {}
        for k, (label, variants) in enumerate(ANSWERS.items()):
            kind = kinds[(n + k) % len(kinds)]
            if kind != "stub":
                answers[label] = variants[kind]
        write_submission(release, folder / f"s{n:03d}" / assignment /
                         f"{assignment}.ipynb", answers)


def grading_seconds(students: int = 40,
                    assignment: str = "numpy-differences") -> dict:
    """Seconds `make grade` takes for a synthetic class of ``students``
    (one chapter); also the course folder's grades."""
    points = course.load_points()
    points["sources"] = [s for s in points["sources"]
                         if s.stem == assignment]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        course.write_assignments(points, tmp / "course")
        write_class(tmp / "course", tmp / "class", students, assignment)
        start = time.perf_counter()
        rows = course.grade_class(tmp / "class", points, tmp / "course")
        seconds = time.perf_counter() - start
    return {"students": students, "assignment": assignment,
            "seconds": seconds, "rows": len(rows)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--chapter", default="numpy-differences")
    args = parser.parse_args(argv)
    result = grading_seconds(args.students, args.chapter)
    print(f"{result['students']} students, {result['assignment']}: "
          f"graded in {result['seconds']:.0f} s "
          f"({result['rows']} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
