"""Shared fixtures for the unit tests."""

import pathlib
import sys

import jax
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
# The book's tools (tools/*.py) are scripts, not a package; let tests import
# them by name.
sys.path.insert(0, str(ROOT / "tools"))

import py4eng_jax  # noqa: E402


@pytest.fixture
def xor():
    """The XOR data and the book's initial parameters (key 9, as in ch. 1)."""
    X, Y = py4eng_jax.xor_data()
    subkey, _ = jax.random.split(jax.random.key(9))
    return X, Y, py4eng_jax.init_params(subkey)
