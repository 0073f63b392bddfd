"""The book's exercises against their checkers and catalogues.

- The book's own solutions are tested where they are, in the chapters:
  the stored output of the checker call after each exercise's stub shows
  📝 (not attempted yet), and after its solution ✅ (nbval re-runs both
  and compares, so these outputs are today's).
- Every catalogue (a dict named CATALOGUE... in a tests/test_check_*.py
  module, see tests/support.py) is keyed by an exercise label of the book
  whose cells call the checker it names, and every exercise of the book
  has a catalogue.

Reads the stored notebooks only; no notebook or checker runs.
"""

from __future__ import annotations

import functools
import importlib
import json
import re

import pytest

from book_files import ROOT

CHAPTERS = sorted((ROOT / "book").glob("*.md"))
CHECK_CALL = re.compile(r"\bcheck\.(\w+)\(")
# {exercise-start} TITLE with its :label:, {solution-start} LABEL,
# {solution-end}
DIRECTIVE = re.compile(r"\{(exercise-start|solution-start|solution-end)\}"
                       r"(?:[ \t]*(?P<title>[^\n]*)\n:label:\s*(\S+)"
                       r"|[ \t]*(\S*))")


def _source(cell) -> str:
    text = cell["source"]
    return text if isinstance(text, str) else "".join(text)


def _shown(cell) -> str:
    """What a code cell's outputs show as text."""
    parts = []
    for output in cell.get("outputs", []):
        if "text" in output:
            text = output["text"]
        else:
            text = output.get("data", {}).get("text/plain", "")
        parts.append(text if isinstance(text, str) else "".join(text))
    return "".join(parts)


@functools.cache
def exercises(md) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """{label: {"stub": [(checker, shown)], "solution": [...]}} of one
    chapter, read from its stored notebook: the checker calls between an
    exercise's start and its solution (the stub), and inside its solution.
    """
    notebook = json.loads(md.with_suffix(".ipynb").read_text("utf-8"))
    found: dict = {}
    label, part = None, None
    for cell in notebook["cells"]:
        text = _source(cell)
        if cell["cell_type"] == "markdown":
            for match in DIRECTIVE.finditer(text):
                kind = match.group(1)
                name = match.group(3) or match.group(4)
                if kind == "exercise-start":
                    label, part = name, "stub"
                    found[label] = {"stub": [], "solution": []}
                elif kind == "solution-start":
                    label, part = name, "solution"
                elif kind == "solution-end":
                    label, part = None, None
            continue
        if label is not None and cell["cell_type"] == "code":
            for checker in CHECK_CALL.findall(text):
                found[label][part].append((checker, _shown(cell)))
    return found


def verdicts(shown: str) -> list[str]:
    """The marks of the checker verdicts a cell shows, in order."""
    return re.findall(r"^(✅|❌|📝)", shown, re.M)


def all_catalogues() -> dict[str, tuple[str, str]]:
    """{exercise: (checker, test module)} from every catalogue."""
    merged = {}
    for path in sorted((ROOT / "tests").glob("test_check_*.py")):
        module = importlib.import_module(path.stem)
        for name, value in vars(module).items():
            if name.startswith("CATALOGUE") and isinstance(value, dict):
                for exercise, (checker, _) in value.items():
                    assert exercise not in merged, (exercise, path.name)
                    merged[exercise] = (checker, path.name)
    return merged


def book_exercises() -> dict[str, set[str]]:
    """{label: the checkers its cells call} over the whole book."""
    return {label: {c for part in parts.values() for c, _ in part}
            for md in CHAPTERS for label, parts in exercises(md).items()}


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_stored_outputs_show_stub_and_solution_verdicts(md):
    """the stub shows 📝, the solution ✅, both from the same checker"""
    for label, parts in exercises(md).items():
        assert parts["stub"] and parts["solution"], (label, parts)
        # the last call before the solution is the stub's (an exercise may
        # show the verdict on a broken version first)
        checker, shown = parts["stub"][-1]
        assert verdicts(shown) == ["📝"], (label, checker, shown)
        for checker, shown in parts["stub"][:-1]:
            assert len(verdicts(shown)) == 1, (label, checker, shown)
        for checker, shown in parts["solution"]:
            assert verdicts(shown) == ["✅"], (label, checker, shown)
        called = {checker for part in parts.values() for checker, _ in part}
        assert len(called) == 1, (label, called)


def test_every_catalogue_is_an_exercise_of_the_book():
    """each catalogue key is an exercise label whose cells call the
    catalogue's checker (a mislabelled catalogue fails here)"""
    book = book_exercises()
    for exercise, (checker, module) in all_catalogues().items():
        assert exercise in book, (exercise, module, sorted(book))
        assert book[exercise] == {checker}, (exercise, checker, module)


def test_every_exercise_of_the_book_has_a_catalogue():
    """no exercise without its tested right and wrong answers"""
    missing = set(book_exercises()) - set(all_catalogues())
    assert not missing, sorted(missing)


LEVELS = ("Core", "Stretch")
TITLED = re.compile(r"^`{3,}\{exercise-start\}[ \t]*(?P<title>.*)$", re.M)


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda p: p.name)
def test_every_chapter_has_a_core_and_a_stretch_exercise(md):
    """at least two exercises, each titled "Core: …" or "Stretch: …" (the
    same mark in every chapter), at least one of each"""
    titles = [m["title"].strip()
              for m in TITLED.finditer(md.read_text(encoding="utf-8"))]
    assert len(titles) >= 2, (md.name, titles)
    levels = [t.partition(": ")[0] for t in titles]
    for title, level in zip(titles, levels):
        assert level in LEVELS and title.partition(": ")[2].strip(), (
            md.name, title)
    assert set(levels) == set(LEVELS), (md.name, titles)
