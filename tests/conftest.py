"""Shared fixtures: the helpers' test data and the strict build of the book.

The session runs offline: it and every Python process it starts (builds,
notebook kernels, tools) refuse connections to other machines, and the
session fails if anything tried (see tools/no_network/sitecustomize.py).
"""

import importlib.util
import os
import pathlib
import subprocess
import sys
import tempfile

import jax
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The book's tools (tools/*.py) are scripts, not a package; let tests import
# them by name.
sys.path.insert(0, str(ROOT / "tools"))

import py4eng_jax  # noqa: E402
from book_files import ROOT as BOOK_ROOT  # noqa: E402

NO_NETWORK = ROOT / "tools" / "no_network"
JB = pathlib.Path(sys.executable).with_name("jupyter-book")


def _load_guard():
    spec = importlib.util.spec_from_file_location(
        "py4eng_no_network", NO_NETWORK / "sitecustomize.py")
    guard = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(guard)
    return guard


_GUARD = _load_guard()
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


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """Build the book strictly, once a session; (html folder, log, status).

    ``-W -n --keep-going``: warnings are errors, references are checked,
    and every warning is reported, not only the first. The tests of the
    HTML (test_build, test_html, test_browser) read what it made.
    """
    out = tmp_path_factory.mktemp("book")
    proc = subprocess.run(
        [str(JB), "build", str(BOOK_ROOT), "--path-output", str(out),
         "-W", "-n", "--keep-going"],
        capture_output=True, text=True, timeout=600, cwd=BOOK_ROOT)
    log = proc.stdout + proc.stderr
    return out / "_build" / "html", log, proc.returncode


def run_with_four_devices(code: str) -> dict:
    """Run ``code`` in a fresh Python whose JAX may simulate 4 CPU devices.

    The test process itself keeps one device (the device count is fixed
    when JAX starts), so multi-device checks run in a subprocess. ``code``
    sets ``jax_num_cpu_devices`` itself and prints one JSON object as its
    last line, which is returned.
    """
    import json
    import os
    import subprocess

    env = dict(os.environ, JAX_PLATFORMS="cpu")
    env.pop("XLA_FLAGS", None)
    done = subprocess.run([sys.executable, "-c", code], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
