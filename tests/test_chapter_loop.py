"""`make chapter NB=book/NAME.md`: the tests of one chapter, and only those
(pytest --chapter, tests/conftest.py; which tests: tests/support.py)."""

import subprocess
import sys

import pytest

import support
from book_files import ROOT

CHAPTERS = sorted(path.stem for path in (ROOT / "book").glob("*.md"))


@pytest.mark.parametrize("name", CHAPTERS)
def test_each_chapter_has_its_notebook_and_helper_tests(name):
    """a chapter's files: its notebook and, for the helpers it calls,
    their tests"""
    files = support.chapter_files(name)
    assert ROOT / "book" / f"{name}.ipynb" in files
    assert any(p.parent.name == "tests" and p.name.startswith("test_")
               for p in files), sorted(files)


def test_a_chapter_id_is_told_from_a_longer_name():
    """-ex and .md ids select their chapter only"""
    assert support.names_chapter("jit-ex1/BAD_clip_if", "jit")
    assert support.names_chapter("jit.md", "jit")
    assert support.names_chapter("static-args-ex2", "static-args")
    assert not support.names_chapter("static-args.md", "args")
    assert not support.names_chapter("jit-extra.md", "jit")
    assert not support.names_chapter("autodiff-ex1/OK_x", "jit")


def test_an_unknown_chapter_is_named():
    """--chapter with a chapter that does not exist: a usage error"""
    with pytest.raises(ValueError, match="no chapter book/nope.md"):
        support.chapter_files("nope")


def test_pytest_chapter_collects_that_chapter_only():
    """--chapter book/static-args.md collects its notebook, its catalogue
    and its helpers' tests, and no other chapter's"""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:xdist", "--collect-only",
         "-q", "--chapter", "book/static-args.md", "tests",
         "src/py4eng_jax", "book"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    ids = [line for line in done.stdout.splitlines() if "::" in line]
    notebooks = {i.split("::")[0] for i in ids if i.endswith(".ipynb")
                 or ".ipynb::" in i}
    assert notebooks == {"book/static-args.ipynb"}, notebooks
    catalogue = [i for i in ids if "test_catalogue[" in i]
    assert catalogue and all("[static-args-ex" in i for i in catalogue)
    assert any(i.startswith("tests/test_sequences.py::") for i in ids)
    assert any(i.startswith("tests/test_notebooks.py::") for i in ids)
    assert all("static-args" in i for i in ids
               if i.startswith(("tests/test_notebooks.py",
                                "tests/test_exercises.py")))
