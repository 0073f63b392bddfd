"""Shared fixtures: the helpers' test data and the strict build of the book.

The session runs offline: it and every Python process it starts (builds,
notebook kernels, tools) refuse connections to other machines, and the
session fails if anything tried (see tools/no_network/sitecustomize.py).

``--chapter book/NAME.md`` (``make chapter``) keeps only that chapter's
tests (which ones: tests/support.py, "One chapter's tests").
"""

import contextlib
import fcntl
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import jax
import pytest

import py4eng_jax
import support
from book_files import ROOT as BOOK_ROOT
from support import NO_NETWORK, load_network_guard

JB = pathlib.Path(sys.executable).with_name("jupyter-book")
_GUARD = load_network_guard()
_NETWORK_LOG = pytest.StashKey[pathlib.Path]()


def pytest_addoption(parser):
    parser.addoption(
        "--chapter", metavar="book/NAME.md", default=None,
        help="run only the tests of this chapter: its notebook, pairing, "
             "exercises, checker catalogue and helpers (make chapter)")


def _chapter(config) -> str | None:
    path = config.getoption("chapter", None)
    return support.chapter_name(path) if path else None


def pytest_configure(config):
    """Find the nbval sanitize file from any folder; check --chapter;
    switch the network off for this process and the ones it starts."""
    sanitize = getattr(config.option, "nbval_sanitize_with", None)
    if sanitize and not os.path.isabs(sanitize):
        config.option.nbval_sanitize_with = str(config.rootpath / sanitize)
    name = _chapter(config)
    if name is not None:
        try:
            files = support.chapter_files(name)
        except ValueError as err:
            raise pytest.UsageError(f"--chapter: {err}") from None
        # A plugin, not this conftest's hook: a conftest's collection hooks
        # see only its own folder, and the chapter spans book/ and src/.
        config.pluginmanager.register(_ChapterFiles(files), "py4eng-chapter")
    if os.environ.get(_GUARD.LOG_VARIABLE):
        return  # already set up (e.g. a pytest run inside a test)
    fd, log = tempfile.mkstemp(prefix="py4eng-network-", suffix=".log")
    os.close(fd)
    os.environ[_GUARD.LOG_VARIABLE] = log
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(NO_NETWORK)] + [p for p in [os.environ.get("PYTHONPATH")] if p])
    _GUARD.install()
    config.stash[_NETWORK_LOG] = pathlib.Path(log)


def _network_attempts(config) -> str:
    log = config.stash.get(_NETWORK_LOG, None)
    return log.read_text(encoding="utf-8") if log and log.exists() else ""


def pytest_sessionfinish(session, exitstatus):
    """Fail the session if any process tried to reach the network."""
    if _network_attempts(session.config) and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_STARTED = pytest.StashKey[float]()


def pytest_sessionstart(session):
    session.config.stash[_STARTED] = time.time()


def _browser_report(terminalreporter, config) -> None:
    """The browser tests' report of page weight and accessibility findings
    (tests/test_browser.py writes it; a report, not a check), when this
    session wrote it (under pytest-xdist, a worker did)."""
    report = BOOK_ROOT / "_build" / "screenshots" / "report.txt"
    started = config.stash.get(_STARTED, None)
    if (started is None or not report.exists()
            or report.stat().st_mtime < started):
        return
    terminalreporter.section("page weight and accessibility (a report)")
    terminalreporter.write(report.read_text(encoding="utf-8"))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    _browser_report(terminalreporter, config)
    attempts = _network_attempts(config)
    if attempts:
        terminalreporter.section("network access attempted (refused)",
                                 red=True)
        terminalreporter.write(
            "Building and testing the book must work offline. These "
            "attempts were refused,\nand fail the session (see "
            "tools/no_network/sitecustomize.py):\n\n")
        terminalreporter.write(attempts[-5000:])
    log = config.stash.get(_NETWORK_LOG, None)
    if log:
        log.unlink(missing_ok=True)


@pytest.fixture
def xor():
    """The XOR data and the book's initial parameters (key 9, as in ch. 1)."""
    X, Y = py4eng_jax.xor_data()
    subkey, _ = jax.random.split(jax.random.key(9))
    return X, Y, py4eng_jax.init_params(subkey)


def shared_dir(tmp_path_factory) -> pathlib.Path:
    """A folder every pytest-xdist worker of this session sees."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def once_per_session(tmp_path_factory, name: str):
    """Do something once for all workers: yields (folder, first).

    The first worker to get here holds a lock while it works in
    ``folder``, with ``first`` True, then leaves a ``done`` mark; the others
    wait for the lock and find the mark (``first`` False) and the result.
    """
    folder = shared_dir(tmp_path_factory) / name
    folder.mkdir(exist_ok=True)
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = folder / "done"
        yield folder, not done.exists()
        done.touch()


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """Build the book strictly, once a session; (html folder, log, status).

    ``-W -n --keep-going``: warnings are errors, references are checked,
    and every warning is reported, not only the first. The tests of the
    HTML (test_build, test_html, test_browser, test_student) read what it
    made; with pytest-xdist, the first worker that needs it builds it and
    the others wait for it and share it.
    """
    with once_per_session(tmp_path_factory, "book") as (out, first):
        if first:
            proc = subprocess.run(
                [str(JB), "build", str(BOOK_ROOT), "--path-output", str(out),
                 "-W", "-n", "--keep-going"],
                capture_output=True, text=True, timeout=600, cwd=BOOK_ROOT)
            (out / "result.json").write_text(json.dumps(
                {"log": proc.stdout + proc.stderr,
                 "returncode": proc.returncode}))
        result = json.loads((out / "result.json").read_text())
    return out / "_build" / "html", result["log"], result["returncode"]


# The slowest work first, so that the workers finish together: the book's
# builds and the browser, then the notebooks (each one kernel, in one
# worker: --dist loadfile), then the unit tests. Lower runs earlier.
_FIRST = {"test_browser.py": 0, "test_student.py": 1}


def _priority(item) -> int:
    path = pathlib.Path(str(item.fspath))
    if path.name in _FIRST:
        return _FIRST[path.name]
    if path.suffix == ".ipynb":
        return 2
    return 3


class _ChapterFiles:
    """With --chapter: skip every file outside the chapter's (the shared
    files are filtered test by test, in pytest_collection_modifyitems)."""

    def __init__(self, files):
        self.files = files

    def pytest_ignore_collect(self, collection_path, config):
        if not collection_path.is_file():
            return None
        if (collection_path in self.files
                or collection_path.name in support.SHARED_TEST_FILES):
            return None
        return True


def _of_chapter(item, name: str) -> bool:
    path = pathlib.Path(str(item.fspath))
    if path.name not in support.SHARED_TEST_FILES:
        return True
    callspec = getattr(item, "callspec", None)
    return callspec is not None and support.names_chapter(callspec.id, name)


def pytest_collection_modifyitems(config, items):
    """Keep only the chapter's tests with --chapter; order the work for
    pytest-xdist (see _FIRST); run with --no-loadscope-reorder, which keeps
    this order."""
    name = _chapter(config)
    if name is not None:
        kept = [item for item in items if _of_chapter(item, name)]
        dropped = [item for item in items if not _of_chapter(item, name)]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    items.sort(key=_priority)
