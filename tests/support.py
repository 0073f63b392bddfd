"""What several test files share (imported by name: pyproject's pythonpath
puts tests/ and tools/ on the path)."""

from __future__ import annotations

import functools
import importlib.util
import inspect
import json
import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
NO_NETWORK = ROOT / "tools" / "no_network"
TESTS = ROOT / "tests"
SRC = ROOT / "src" / "py4eng_jax"

#: The checkers' deadline is set by this environment variable (read by
#: py4eng_jax.check._deadline at each checker call).
DEADLINE_ENV = "PY4ENG_CHECK_DEADLINE_S"
#: The deadline tests use for attempts that never return (set with
#: ``monkeypatch.setenv(DEADLINE_ENV, ...)``, never in ``os.environ``,
#: which notebook kernels would inherit); test_check_fitting.py keeps one
#: test at the real deadline.
SHORT_DEADLINE_S = 2.0
#: How late the checker may notice, on a quiet machine, that its deadline
#: has run out: its watcher wakes every 0.05 s, but it needs the GIL,
#: which a worker in a Python loop holds, and a CPU.
STOP_SLACK_S = 2.0


def assert_stopped_in_time(wait) -> None:
    """The checker stopped waiting once ``allowed_s`` had passed without
    progress, and not much later. Measured in the checker's own clock;
    the slack grows with the load as the deadline does (``allowed_s /
    deadline_s`` is the busy factor the checker read): on a machine k
    times busier the watcher also waits up to k times longer for the CPU
    (seen: 2.2 s late at a factor of 2.4, with two busy-loop processes
    beside the suite)."""
    assert wait is not None and wait.timed_out, wait
    factor = wait.allowed_s / wait.deadline_s
    assert wait.allowed_s <= wait.idle_s < (
        wait.allowed_s + STOP_SLACK_S * factor), wait


@functools.cache
def parsed_html(path: pathlib.Path):
    """The HTML file at ``path``, parsed once a session (a built page is
    read by many tests). Shared: read it, never change it."""
    import bs4
    return bs4.BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def load_network_guard():
    """The network guard (tools/no_network/sitecustomize.py) as a module.

    It is loaded from its file under another name: imported as
    ``sitecustomize`` it would be Python's own start-up hook.
    """
    spec = importlib.util.spec_from_file_location(
        "py4eng_no_network", NO_NETWORK / "sitecustomize.py")
    guard = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(guard)
    return guard


def _run_python(args: list[str], env_extra: dict | None = None) -> dict:
    env = dict(os.environ, JAX_PLATFORMS="cpu", **(env_extra or {}))
    env.pop("XLA_FLAGS", None)
    done = subprocess.run([sys.executable, *args], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_with_four_devices(code: str) -> dict:
    """Run ``code`` in a fresh Python whose JAX may simulate 4 CPU devices.

    The test process itself keeps one device (the device count is fixed
    when JAX starts), so multi-device checks run in a subprocess. ``code``
    sets ``jax_num_cpu_devices`` itself and prints one JSON object as its
    last line, which is returned. (Checker attempts do not go here: see
    catalogue_tests(..., devices=4).)
    """
    return _run_python(["-c", code])


# --- The checkers' catalogues of attempts -----------------------------------
#
# How to test the checkers of a chapter (one shape for all):
#
# 1. Write the attempts as plain functions in an importable module: the
#    chapter's test file tests/test_check_CHAPTER.py itself, or, for
#    attempts that need several devices, tests/attempts_CHAPTER.py (run in
#    a subprocess, it must import nothing from the test files). Name each
#    OK_... (a correct solution written differently from the book's) or
#    BAD_... (a typical wrong answer, the stub included). The book's own
#    solution is not copied here: tests/test_exercises.py checks that its
#    stored output shows ✅ (and the stub's 📝), and nbval re-proves it.
# 2. In tests/test_check_CHAPTER.py, a dict named CATALOGUE (or
#    CATALOGUE_SOMETHING) maps each exercise label of the book to
#    (checker name, {attempt: (verdict, *fragments of the hint)}):
#
#        CATALOGUE = {"sparse-ex1": ("solve_banded", {
#            "OK_by_hand": (PASS, "fragment of the success message"),
#            "BAD_forever": (FAIL, "did not return within"), ...})}
#
# 3. Bind its tests there:
#
#        (test_catalogue, test_catalogue_covers_every_exercise,
#         test_catalogue_lists_every_attempt) = catalogue_tests(
#            CATALOGUE, globals())        # or attempts_CHAPTER, devices=4
#
# Test ids read "sparse-ex1/BAD_forever", so -k sparse-ex1 and `make
# chapter NB=book/sparse.md` select them; tests/test_exercises.py checks
# that every key is an exercise of the book whose cells call that checker,
# and that every exercise of the book has a catalogue.

#: The least every catalogue holds, checked for each exercise (the house
#: rules ask more of a new exercise: 3 correct answers and 8 wrong ones).
MIN_CORRECT, MIN_WRONG = 2, 6


def assert_hint(feedback, *fragments: str) -> None:
    """Every fragment is in the feedback's message, which reads well (a
    message may start with a name from code, in backticks: "`p` = 0.2")."""
    message = feedback.message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert message[0].isupper() or message[0] == "`", message
    assert message.endswith((".", "?")), message
    assert not message.endswith(("..", "?.")), message
    assert "checker could not finish" not in message, message
    assert all(len(line) <= 72 for line in repr(feedback).splitlines()
               if " " in line), repr(feedback)


def is_attempt(name: str) -> bool:
    """Does a module-level name define a catalogue attempt?"""
    return name.startswith(("BOOK_", "OK_", "BAD_"))


def _never_returns(fragments) -> bool:
    """Is this the expected hint of an attempt that never returns?"""
    return any("did not return" in fragment for fragment in fragments)


@functools.cache
def _run_attempts(module: str, devices: int, rows: tuple) -> dict:
    """{attempt: (status, message)} of ``rows`` ((checker, attempt, never
    returns) triples) run in a fresh Python whose JAX simulates
    ``devices`` CPU devices: once per session."""
    return _run_python([str(TESTS / "run_attempts.py"), str(devices), module,
                        json.dumps(rows)])


def catalogue_tests(catalogue: dict, attempts, get=None, *,
                    devices: int = 1):
    """The tests of one catalogue, for a test module to bind to its names
    (see "How to test the checkers of a chapter" above).

    ``attempts`` maps names to the attempts' functions (a module's
    ``globals()``), or is an importable module of tests/; ``get(name)``
    turns a name into what the checker is given (default: the function
    itself). With ``devices`` > 1, ``attempts`` must be a module: all its
    attempts run in one subprocess whose JAX simulates that many devices.
    """
    import pytest

    from py4eng_jax import check

    names = vars(attempts) if inspect.ismodule(attempts) else attempts
    if devices > 1 and (get is not None or not inspect.ismodule(attempts)):
        raise TypeError("with devices > 1, attempts must be a module of "
                        "tests/ and get must be None")
    get = get or names.__getitem__
    rows = [(exercise, checker, name, expected)
            for exercise, (checker, cases) in catalogue.items()
            for name, expected in cases.items()]

    @pytest.mark.parametrize("checker,name,expected",
                             [row[1:] for row in rows],
                             ids=[f"{row[0]}/{row[2]}" for row in rows])
    def test_catalogue(checker, name, expected, monkeypatch):
        """each attempt gets its stated verdict and hint"""
        verdict, *fragments = expected
        if devices > 1:
            status, message = _run_attempts(
                attempts.__name__, devices,
                tuple((c, n, _never_returns(e[1:])) for _, c, n, e in rows)
            )[name]
            feedback = check.Feedback(status, message)
        else:
            if _never_returns(fragments):
                # never returns: the same path, a shorter wait
                monkeypatch.setenv(DEADLINE_ENV, str(SHORT_DEADLINE_S))
            feedback = getattr(check, checker)(get(name))
        assert feedback.status == verdict, feedback.message
        assert_hint(feedback, *fragments)

    @pytest.mark.parametrize("exercise", list(catalogue))
    def test_catalogue_covers_every_exercise(exercise):
        """enough correct solutions and wrong answers for each exercise"""
        cases = catalogue[exercise][1]
        ok = [n for n in cases if n.startswith("OK_")]
        bad = [n for n in cases if n.startswith("BAD_")]
        assert len(ok) >= MIN_CORRECT and len(bad) >= MIN_WRONG, (ok, bad)

    def test_catalogue_lists_every_attempt():
        """no attempt defined is left out of the catalogue"""
        listed = {row[2] for row in rows}
        defined = {name for name in names if is_attempt(name)}
        assert defined == listed, defined ^ listed

    return (test_catalogue, test_catalogue_covers_every_exercise,
            test_catalogue_lists_every_attempt)


# --- One chapter's tests: `make chapter NB=book/NAME.md` ---------------------
#
# pytest --chapter book/NAME.md (tests/conftest.py) runs only these:
# - book/NAME.ipynb under strict nbval;
# - in the shared files (SHARED_TEST_FILES), the tests whose id names the
#   chapter: "NAME.md" (pairing, stored outputs) or "NAME-exN/..." (a
#   catalogue run by catalogue_tests());
# - by naming rule, tests/test_check_NAME.py and the doctests of
#   src/py4eng_jax/check/_NAME.py (dashes become underscores);
# - the helpers the chapter calls: for each public name of py4eng_jax that
#   book/NAME.md uses, the module that defines it (its doctests) and its
#   tests, tests/test_MODULE.py, or those HELPER_TESTS lists.
# A new chapter needs no entry anywhere: only a helper module whose tests
# are not named after it needs a line in HELPER_TESTS.

SHARED_TEST_FILES = ("test_notebooks.py", "test_exercises.py")

#: Helper modules whose tests are not (only) tests/test_MODULE.py.
HELPER_TESTS = {
    "_gradcheck": ("test_gradient_check.py",),
    "_multihost": ("test_parallel.py",),
    "multihost_demo": ("test_parallel.py",),
    "_optim": ("test_optim.py", "test_optax_agreement.py"),
}


def chapter_name(path: str) -> str:
    """"jit" for book/jit.md, book/jit.ipynb or jit."""
    return pathlib.Path(path).stem


def helper_modules(name: str) -> set[str]:
    """The modules of py4eng_jax ("_training", ...) that define the public
    names chapter ``name`` uses (py4eng_jax.NAME or from py4eng_jax import
    NAME); the checkers aside."""
    import py4eng_jax

    text = (ROOT / "book" / f"{name}.md").read_text(encoding="utf-8")
    names = set(re.findall(r"py4eng_jax\.(\w+)", text))
    for group in re.findall(r"from py4eng_jax import \(?([\w\s,]+)", text):
        names |= {word for word in re.split(r"[\s,]+", group) if word}
    modules = set()
    for word in names:
        thing = getattr(py4eng_jax, word, None)
        if thing is None:
            if (SRC / f"{word}.py").is_file():
                modules.add(word)
            continue
        module = (thing.__name__ if inspect.ismodule(thing)
                  else getattr(thing, "__module__", "") or "")
        if module.startswith("py4eng_jax."):
            modules.add(module.split(".")[1])
    modules.discard("check")
    return modules


def chapter_files(name: str) -> set[pathlib.Path]:
    """The files every test of which belongs to chapter ``name``."""
    if not (ROOT / "book" / f"{name}.md").is_file():
        raise ValueError(f"no chapter book/{name}.md")
    snake = name.replace("-", "_")
    files = {ROOT / "book" / f"{name}.ipynb",
             TESTS / f"test_check_{snake}.py", SRC / "check" / f"_{snake}.py"}
    for module in helper_modules(name):
        files.add(SRC / f"{module}.py")
        tests = HELPER_TESTS.get(module, (f"test_{module.lstrip('_')}.py",))
        files |= {TESTS / test for test in tests}
    return {path for path in files if path.is_file()}


def names_chapter(test_id: str, name: str) -> bool:
    """Does a parametrized test's id name chapter ``name``? ("jit.md",
    "jit-ex1/BAD_clip_if", "jit-ex2"; not "static-args.md" for "args")."""
    return re.match(rf"{re.escape(name)}(\.md|-ex\d+)(\b|/|$)",
                    test_id) is not None
