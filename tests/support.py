"""What several test files share (imported by name: pyproject's pythonpath
puts tests/ and tools/ on the path)."""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
NO_NETWORK = ROOT / "tools" / "no_network"

#: The checkers' deadline is set by this environment variable (read by
#: py4eng_jax.check._deadline at each checker call).
DEADLINE_ENV = "PY4ENG_CHECK_DEADLINE_S"
#: The deadline tests use for attempts that never return (set with
#: ``monkeypatch.setenv(DEADLINE_ENV, ...)``, never in ``os.environ``,
#: which notebook kernels would inherit); test_check_fitting.py keeps one
#: test at the real deadline.
SHORT_DEADLINE_S = 2.0


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


def run_with_four_devices(code: str) -> dict:
    """Run ``code`` in a fresh Python whose JAX may simulate 4 CPU devices.

    The test process itself keeps one device (the device count is fixed
    when JAX starts), so multi-device checks run in a subprocess. ``code``
    sets ``jax_num_cpu_devices`` itself and prints one JSON object as its
    last line, which is returned.
    """
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    env.pop("XLA_FLAGS", None)
    done = subprocess.run([sys.executable, "-c", code], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- The checkers' catalogues of attempts -----------------------------------
#
# A catalogue maps each exercise to (checker name, {attempt: expected}),
# where an attempt is named BOOK_... (the book's solution), OK_... (another
# correct one) or BAD_... (a typical wrong answer), and expected is
# (verdict, *fragments of the hint). catalogue_tests() writes the three
# tests every catalogue gets.


def assert_hint(feedback, *fragments: str) -> None:
    """Every fragment is in the feedback's message, which reads well."""
    message = feedback.message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert message[0].isupper(), message
    assert message.endswith(".") and not message.endswith(".."), message
    assert "checker could not finish" not in message, message
    assert all(len(line) <= 72 for line in repr(feedback).splitlines()
               if " " in line), repr(feedback)


def catalogue_tests(catalogue: dict, attempts: dict, get=None):
    """The tests of one catalogue, for a test module to bind to its names:

        test_catalogue, test_catalogue_covers_every_exercise, \\
            test_catalogue_lists_every_attempt = catalogue_tests(...)

    ``attempts`` maps names to the attempts' functions (a module's
    ``vars()``); ``get(name)`` turns a name into what the checker is given
    (default: ``attempts[name]``).
    """
    import pytest

    from py4eng_jax import check

    get = get or attempts.__getitem__
    rows = [(checker, name, expected)
            for checker, cases in catalogue.values()
            for name, expected in cases.items()]

    @pytest.mark.parametrize("checker,name,expected", rows,
                             ids=[row[1] for row in rows])
    def test_catalogue(checker, name, expected, monkeypatch):
        """each attempt gets its stated verdict and hint"""
        if "forever" in name:   # a shorter wait: the same path, faster
            monkeypatch.setenv(DEADLINE_ENV, str(SHORT_DEADLINE_S))
        verdict, *fragments = expected
        feedback = getattr(check, checker)(get(name))
        assert feedback.status == verdict, feedback.message
        assert_hint(feedback, *fragments)

    def test_catalogue_covers_every_exercise():
        """two correct solutions besides the book's, six wrong answers each"""
        for exercise, (_, cases) in catalogue.items():
            ok = [n for n in cases if n.startswith("OK_")]
            bad = [n for n in cases if n.startswith("BAD_")]
            assert any(n.startswith("BOOK_") for n in cases), exercise
            assert len(ok) >= 2 and len(bad) >= 6, exercise

    def test_catalogue_lists_every_attempt():
        """no attempt defined is left out of the catalogue"""
        listed = {name for _, name, _ in rows}
        defined = {name for name in attempts
                   if name.startswith(("BOOK_", "OK_", "BAD_"))}
        assert defined == listed, defined ^ listed

    return (test_catalogue, test_catalogue_covers_every_exercise,
            test_catalogue_lists_every_attempt)
