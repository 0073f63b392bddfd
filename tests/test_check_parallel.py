"""Checkers of the parallel chapter: solutions pass, mistakes get hints.

Here JAX sees one device, and the checkers use a mesh of that one device;
the placement (the PartitionSpec) is still checked. A subprocess with four
simulated devices checks that the solutions pass there too, and the hint
that needs several devices.
"""

import pathlib

import jax
import pytest
from jax.sharding import NamedSharding
from jax.sharding import PartitionSpec as P

import checker_solutions as S
from py4eng_jax import check, gd_step, replicate
from support import assert_hint, run_with_four_devices
from test_check_catalogue import CATALOGUE

# The chapter's solution is in the attempts module, with the others.
data_parallel_step = S.BOOK_data_parallel_step

FOUR_DEVICES = f"""
TESTS = {str(pathlib.Path(__file__).parent)!r}
""" + """
import json
import jax
jax.config.update("jax_num_cpu_devices", 4)
from py4eng_jax import check, gd_step, shard_rows

def params_on_device_0(params, X, Y, mesh):
    params = jax.device_put(params, jax.devices()[0])
    return jax.jit(gd_step)(params, shard_rows(X, mesh),
                            shard_rows(Y, mesh), 1.0)

import sys
sys.path.insert(0, TESTS)
import checker_solutions as S
catalogue = {name: (lambda f: (f.status, f.message))(
                 check.data_parallel_step(getattr(S, name)))
             for name in dir(S) if "data_parallel" in name}

print(json.dumps({
    "step": check.data_parallel_step(S.BOOK_data_parallel_step).passed,
    "mixed": check.data_parallel_step(params_on_device_0).message,
    "catalogue": catalogue,
}))
"""


@pytest.fixture(scope="module")
def four():
    """Checker results in a subprocess whose JAX sees 4 CPU devices."""
    return run_with_four_devices(FOUR_DEVICES)


# data_parallel_step

def test_data_parallel_step_passes_the_solution():
    """the chapter's solution passes"""
    assert check.data_parallel_step(data_parallel_step).passed


def test_data_parallel_step_stub_is_not_attempted():
    """the empty exercise cell reports 'not attempted yet'"""
    def stub(params, X, Y, mesh):
        ...

    assert check.data_parallel_step(stub).status == "not attempted"


def test_data_parallel_step_hints_at_one_device():
    """a plain gd_step on unplaced inputs ran on one device only"""
    feedback = check.data_parallel_step(
        lambda params, X, Y, mesh: gd_step(params, X, Y, 1.0))
    assert feedback.status == "fail"
    assert "came back on a single device" in feedback.message


def test_data_parallel_step_hints_at_wrong_values():
    """returning the old parameters gets 'wrong values' for w1"""
    def no_step(params, X, Y, mesh):
        return replicate(params, mesh)

    feedback = check.data_parallel_step(no_step)
    assert "Wrong values for the new w1" in feedback.message
    assert "noisy_xor(jax.random.key(0), 8)" in feedback.message


def test_data_parallel_step_hints_at_split_parameters():
    """parameters split over the devices are not data parallelism"""
    def split(params, X, Y, mesh):
        new = data_parallel_step(params, X, Y, mesh)
        w1, *rest = new
        return (jax.device_put(w1, NamedSharding(mesh, P(None, "batch"))),
                *rest)

    feedback = check.data_parallel_step(split)
    assert "is split over the devices" in feedback.message
    assert "replicate them with P()" in feedback.message


def test_data_parallel_step_hints_at_the_return_type():
    """returning a dict instead of the tuple gets the structure hint"""
    def as_dict(params, X, Y, mesh):
        return dict(zip("abcd", data_parallel_step(params, X, Y, mesh)))

    assert "tuple (w1, b1, w2, b2)" in check.data_parallel_step(
        as_dict).message


# With four simulated devices.

def test_data_parallel_step_solution_passes_on_four_devices(four):
    """the solution passes with 4 devices"""
    assert four["step"]


def test_data_parallel_step_hints_at_mixed_devices(four):
    """parameters committed to device 0 get the 'replicate' hint"""
    assert "mixed arrays committed to one device" in four["mixed"]


def test_data_parallel_step_catalogue_on_four_devices(four):
    """with 4 devices each attempt gets its verdict and hint, too"""
    from py4eng_jax.check import Feedback
    attempts = CATALOGUE["parallel-ex2"][1]
    assert set(four["catalogue"]) == set(attempts)
    for name, (verdict, *fragments) in attempts.items():
        status, message = four["catalogue"][name]
        assert status == verdict, (name, message)
        assert_hint(Feedback(status, message), *fragments)
