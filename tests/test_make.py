"""Bad input to `make`: a clear message, and nothing built on top of it.

The checks run through make itself, as a user meets them: the Python
check in this repository (it changes nothing), the source checks in a
small copy of the book's layout in a temporary folder that shares this
repository's .venv (``-o .venv/.installed`` tells make not to rebuild it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from book_files import ROOT

CHAPTER_MD = """---
jupytext:
  formats: ipynb,md:myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# One

```{exercise-start}
:label: one-ex1
```
Do it.
```{exercise-end}
```

```{code-cell} ipython3
answer = ...
```

```{solution-start} one-ex1
:class: dropdown
```
```{code-cell} ipython3
answer = 42
```
```{solution-end}
```
"""


def make(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MAKE", "MFLAGS"))}  # not our caller's make
    return subprocess.run(["make", "--no-print-directory", *args], cwd=cwd,
                          env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def fake_python(tmp_path):
    """A 'python' that reports version 3.9."""
    path = tmp_path / "python3.9"
    path.write_text("#!/bin/sh\necho 3.9\n")
    path.chmod(0o755)
    return path


def test_check_python_accepts_python_3_11():
    """the environment's own Python 3.11 passes, silently"""
    result = make("check-python", f"PYTHON={sys.executable}")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_check_python_names_a_wrong_version(fake_python):
    """a Python that is not 3.11 is named, with its version and the fix"""
    result = make("check-python", f"PYTHON={fake_python}")
    assert result.returncode != 0
    assert "Python 3.11 is required" in result.stderr
    assert f"{fake_python} is Python 3.9" in result.stderr
    assert "make PYTHON=/path/to/python3.11" in result.stderr


def test_check_python_names_a_program_that_is_not_python():
    """a PYTHON that runs but is no Python is reported as such"""
    result = make("check-python", "PYTHON=/bin/false")
    assert result.returncode != 0
    assert "/bin/false is Python unknown" in result.stderr


def test_check_python_reports_a_missing_python(tmp_path):
    """no python3.11 or python3 at all: said plainly, with the fix"""
    result = make("check-python", "PYTHON=")
    assert result.returncode != 0
    assert "no python3.11 or python3 was found on PATH" in result.stderr
    missing = make("check-python", f"PYTHON={tmp_path}/python3.11")
    assert missing.returncode != 0
    assert "Python 3.11 is required" in missing.stderr


@pytest.fixture
def small_book(tmp_path):
    """A copy of the book's layout with one chapter, sharing .venv."""
    for name in ("Makefile", "requirements.txt", "pyproject.toml"):
        shutil.copy2(ROOT / name, tmp_path / name)
    (tmp_path / "tools").mkdir()
    for name in ("book_files.py", "check_sources.py", "student_notebooks.py"):
        shutil.copy2(ROOT / "tools" / name, tmp_path / "tools" / name)
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    (tmp_path / "book" / "pages").mkdir(parents=True)
    (tmp_path / "book" / "pages" / "intro.md").write_text("# Intro\n")
    (tmp_path / "book" / "one.md").write_text(CHAPTER_MD)
    (tmp_path / "book" / "one.ipynb").write_text("{}")
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: book/pages/intro\n"
        "chapters:\n  - file: book/one\n")
    return tmp_path


def small_make(book, *args):
    return make("-o", ".venv/.installed", *args, cwd=book)


def test_the_small_book_passes_the_checks(small_book):
    """the copy is complete: check-sources passes (the tests below bite)"""
    result = small_make(small_book, "check-sources")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("target", ["book", "test", "book-student"])
def test_a_toc_chapter_without_file_stops_make(small_book, target):
    """a chapter listed in _toc.yml but missing is named; nothing runs"""
    with open(small_book / "_toc.yml", "a") as toc:
        toc.write("  - file: book/two\n")
    result = small_make(small_book, target)
    assert result.returncode != 0
    assert ("error: _toc.yml lists 'book/two', but neither book/two.ipynb "
            "nor book/two.md exists.") in result.stderr
    assert "jupyter-book" not in result.stdout
    assert "pytest" not in result.stdout


@pytest.mark.parametrize("target", ["book", "test", "student-notebooks"])
def test_an_unpaired_md_stops_make(small_book, target):
    """a MyST notebook without its .ipynb is named, with the command"""
    (small_book / "book" / "one.ipynb").unlink()
    result = small_make(small_book, target)
    assert result.returncode != 0
    assert ("error: book/one.md is a notebook but has no paired "
            "book/one.ipynb: run `make notebooks NB=book/one.md`."
            ) in result.stderr
    assert "jupyter-book" not in result.stdout
    assert "pytest" not in result.stdout


def test_make_student_notebooks_writes_the_hand_outs(small_book):
    """`make student-notebooks` writes each chapter without its solution"""
    result = small_make(small_book, "student-notebooks")
    assert result.returncode == 0, result.stderr
    assert "book/one.md" not in result.stderr
    handout = small_book / "_build" / "student-notebooks" / "one.ipynb"
    text = handout.read_text(encoding="utf-8")
    assert "answer = ..." in text and "answer = 42" not in text


def makefile_targets() -> set[str]:
    """The targets the Makefile declares .PHONY (every one it offers)."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY:((?:.*\\\n)*.*)$", text, re.M).group(1)
    return set(phony.replace("\\\n", " ").split())


def test_every_target_has_a_rule_and_a_line_of_help():
    """each .PHONY target has a rule, and `make help` names it"""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    help_text = make("help").stdout
    for target in makefile_targets():
        assert re.search(rf"^{re.escape(target)}:", text, re.M), target
        assert re.search(rf"make {re.escape(target)}\b", help_text), target


def test_every_make_target_in_the_readme_exists():
    """each `make NAME` the README names is a target, and the README's
    table of targets names all of them"""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"(?:`|^)make ([a-z][a-z-]*)", readme, re.M))
    assert named, "the README names no make target"
    assert named <= makefile_targets(), named - makefile_targets()
    assert makefile_targets() <= named, makefile_targets() - named


def test_the_readme_gives_the_bench_time_of_the_snapshot():
    """the README's "about N minutes" for make bench is the committed
    snapshot's total, to the nearest minute or so"""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines()
                if line.startswith("| `make bench` |"))
    minutes = int(re.search(r"about (\d+) minutes", line).group(1))
    snapshot = json.loads((ROOT / "book" / "pages" /
                           "bench-results.json").read_text("utf-8"))
    assert abs(snapshot["total_s"] / 60 - minutes) <= 1, snapshot["total_s"]


@pytest.mark.parametrize("nb, error", [
    ("", "name the chapter: make chapter NB=book/NAME.md"),
    ("jit", "name the chapter: make chapter NB=book/NAME.md"),
    ("book/no-such-chapter.md", "book/no-such-chapter.md does not exist"),
])
def test_make_chapter_names_a_missing_or_wrong_chapter(small_book, nb,
                                                       error):
    """`make chapter` without a chapter, or with one that is not there,
    says so and runs nothing"""
    result = small_make(small_book, "chapter", f"NB={nb}")
    assert result.returncode != 0
    assert error in result.stderr
    assert "pytest" not in result.stdout and "notebooks.py" not in \
        result.stdout
