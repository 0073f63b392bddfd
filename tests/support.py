"""What several test files share (imported by name: pyproject's pythonpath
puts tests/ and tools/ on the path)."""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
NO_NETWORK = ROOT / "tools" / "no_network"


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
