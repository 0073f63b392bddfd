"""count_traces: counting how often jit runs a function's Python body."""

import jax
import jax.numpy as jnp
import pytest

from py4eng_jax import count_traces


def test_counts_one_trace_per_shape():
    """jit traces once per input shape, and count_traces sees each"""
    counted = count_traces(jnp.sin)
    f = jax.jit(counted)
    f(jnp.ones(3))
    f(jnp.ones(3) * 2)
    assert counted.traces == 1
    f(jnp.ones(5))
    assert counted.traces == 2


def test_counts_every_call_without_jit():
    """without jit, every call runs the body"""
    counted = count_traces(lambda x: x + 1)
    for _ in range(3):
        counted(1)
    assert counted.traces == 3


def test_counts_a_trace_per_static_value():
    """each new static argument value is a new trace"""
    counted = count_traces(lambda x, n: x * n)
    f = jax.jit(counted, static_argnames="n")
    for n in (1, 2, 2, 3, 1):
        f(jnp.ones(2), n=n)
    assert counted.traces == 3


def test_reset_starts_again():
    """reset() sets the count back to zero"""
    counted = count_traces(lambda x: x)
    counted(0)
    counted.reset()
    assert counted.traces == 0


def test_keeps_name_and_result():
    """the wrapper returns the function's result and keeps its name"""
    def square(x):
        return x * x
    counted = count_traces(square)
    assert counted(3) == 9 and counted.__name__ == "square"


def test_rejects_a_non_callable():
    """count_traces needs a function"""
    with pytest.raises(TypeError, match="fn must be callable, got int"):
        count_traces(3)
