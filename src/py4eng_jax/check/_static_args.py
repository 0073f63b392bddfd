"""Checkers for the exercises of the static-args chapter."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .. import _sequences
from .._tracing import count_traces
from ._framework import (
    call,
    checker,
    fail,
    program_size,
    require_array,
    same_values,
)
from ._words import count_word

__all__ = ["moving_average", "padded_fibonacci"]

_WINDOW_TRACED = (
    "Your function is jitted with window traced, but the length of the "
    "result depends on window, so jit must know it when it traces. "
    "Mark it static: @jax.jit(static_argnames=\"window\")")
_WINDOW_OVERRIDES = {
    kind: _WINDOW_TRACED for kind in ("shape", "index", "concrete",
                                      "control_flow")}
_WINDOW_OVERRIDES["unhashable_static"] = (
    "You marked x static too: a static argument must be hashable, and an "
    "array is not. Mark only window static: "
    "@jax.jit(static_argnames=\"window\")")


# -- Exercise 1: a moving average with a static window ------------------------

def moving_average_expected(x, window: int) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return np.convolve(x, np.ones(window) / window, mode="valid")


@checker("moving_average")
def moving_average(fn) -> str:
    """Check a jitted ``moving_average(x, window)`` with ``window`` static."""
    cases = [
        ("x = jnp.arange(10.0) and window = 3", jnp.arange(10.0), 3),
        ("x = jnp.arange(10.0) and window = 1", jnp.arange(10.0), 1),
        ("x = jax.random.normal(jax.random.key(0), (20,)) and window = 5",
         jax.random.normal(jax.random.key(0), (20,)), 5),
    ]
    for shown, x, window in cases:
        out = call(fn, x, window, overrides=_WINDOW_OVERRIDES)
        got = require_array(out, "the moving average")
        want = len(x) - window + 1
        if got.ndim == 1 and got.shape != (want,):
            raise fail(
                f"Wrong length for the moving average: expected {want} "
                f"entries, got {got.shape[0]}, for {shown}. Only the "
                f"windows that fit entirely in x count, so the result "
                f"must have len(x) - window + 1 entries")
        same_values(got, moving_average_expected(x, window),
                    what="the moving average", shown=shown)
    if not (hasattr(fn, "lower") and hasattr(fn, "trace")):
        raise fail("Your function gives the right values but is not "
                   "jitted: decorate it with "
                   "@jax.jit(static_argnames=\"window\").")
    short, long = (program_size(lambda x: fn(x, 3), jnp.ones(n))
                   for n in (20, 40))
    if long != short:
        raise fail(
            f"Your values are right, but your function loops over the "
            f"positions of x in Python: the program JAX records grows "
            f"with len(x) ({short} operations for 20 entries, {long} for "
            f"40). Compute every window's mean at once")
    return (f"Correct: your moving average is jitted with a static window "
            f"and gives the right values for {count_word(len(cases))} "
            f"windows.")


# -- Exercise 2: a fixed shape instead of a static n ------------------------

def padded_fibonacci_expected(n: int, size: int) -> np.ndarray:
    terms = _sequences.fibonacci_exact(min(n, size))
    return np.array(terms + [0] * (size - len(terms)), dtype=np.float64)


_KEEP_N_TRACED_HINT = (
    "Under jax.jit with only size static, your function needs the value "
    "of n while jit traces it (range(n), a slice [:n] or [n:], an `if` "
    "on n). Keep n traced: let every shape depend only on size, and "
    "decide which terms to keep with array operations on n, not with "
    "Python")
_N_OVERRIDES = {kind: _KEEP_N_TRACED_HINT
                for kind in ("shape", "index", "concrete", "control_flow")}
_N_OVERRIDES["unhashable_static"] = (
    "Your function marks n static, so the checker cannot trace it and "
    "every new n would compile again. Keep n an ordinary argument; mark "
    "only size static")


# The values of n the checker calls padded_fibonacci with (the exercise
# text gives their count), the size it uses for all of them, and a second
# size, tried with one n.
PADDED_NS = (5, 0, 1, 2, 12)
PADDED_SIZE = 12
OTHER_SIZE = 7


@checker("padded_fibonacci")
def padded_fibonacci(fn) -> str:
    """Check ``padded_fibonacci(n, size)``: one compilation for every n."""
    size = PADDED_SIZE
    for n in PADDED_NS:
        shown = f"n = {n} and size = {size}"
        got = require_array(call(fn, n, size), "the terms")
        if got.shape != (size,):
            raise fail(
                f"Wrong shape for the terms: expected ({size},), got "
                f"{got.shape}, for {shown}. The shape must depend only on "
                f"size, so that one compiled program serves every n.")
        same_values(got, padded_fibonacci_expected(n, size),
                    what="the terms", shown=shown)
    shown = f"n = 4 and size = {OTHER_SIZE}"
    got = require_array(call(fn, 4, OTHER_SIZE), "the terms")
    same_values(got, padded_fibonacci_expected(4, OTHER_SIZE),
                what="the terms", shown=shown)
    counted = count_traces(fn)
    compiled = jax.jit(counted, static_argnames="size")
    for n in PADDED_NS:
        shown = f"n = {n} and size = {size}, under jit with size static"
        out = call(compiled, n, size=size,
                   where="Under jax.jit with size static, your function",
                   overrides=_N_OVERRIDES)
        same_values(require_array(out, "the terms"),
                    padded_fibonacci_expected(n, size),
                    what="the terms", shown=shown)
    if counted.traces != 1:
        raise fail(
            f"Under jax.jit with size static, your function was traced "
            f"{counted.traces} times for the {count_word(len(PADDED_NS))} "
            f"values of n: each new trace is a new compilation. Keep n "
            f"traced, and let nothing but size decide the program.")
    return (f"Correct: one compiled program (1 trace) gives the padded "
            f"terms for all {count_word(len(PADDED_NS))} values of n.")
