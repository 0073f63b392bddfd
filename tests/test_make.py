"""Bad input to `make`: a clear message, and nothing built on top of it.

The checks run through make itself, as a user meets them: the Python
check in this repository (it changes nothing), the source checks in a
small copy of the book's layout in a temporary folder that shares this
repository's .venv (``-o .venv/.installed`` tells make not to rebuild it).
"""

from __future__ import annotations

import os
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
    for name in ("book_files.py", "check_sources.py", "student_notebooks.py",
                 "colab_cell.py"):
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


def test_make_book_student_runs_the_student_build():
    """`make book-student` checks the sources, then builds without solutions"""
    result = make("-n", "-o", ".venv/.installed", "book-student")
    assert result.returncode == 0, result.stderr
    assert "tools/check_sources.py" in result.stdout
    assert "tools/build_student.py" in result.stdout
