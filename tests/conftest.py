"""Shared fixtures: the helpers' test data and the strict build of the book.

The session runs offline: it and every Python process it starts (builds,
notebook kernels, tools) refuse connections to other machines, and the
session fails if anything tried (see tools/no_network/sitecustomize.py).
"""

import contextlib
import fcntl
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import jax
import pytest

import py4eng_jax
from book_files import ROOT as BOOK_ROOT
from support import NO_NETWORK, load_network_guard

JB = pathlib.Path(sys.executable).with_name("jupyter-book")
_GUARD = load_network_guard()
_NETWORK_LOG = pytest.StashKey[pathlib.Path]()


def pytest_configure(config):
    """Switch the network off for this process and the ones it starts."""
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


def pytest_terminal_summary(terminalreporter, exitstatus, config):
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


def pytest_collection_modifyitems(config, items):
    """Order the work for pytest-xdist (see _FIRST); run with
    --no-loadscope-reorder, which keeps this order."""
    items.sort(key=_priority)
