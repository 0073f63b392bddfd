"""Checkers for the exercises of the static-args chapter."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .. import _sequences
from .._checking import CheckFailed, call, checker, fail, require_array, \
    same_values
from .._tracing import count_traces

__all__ = ["moving_average", "padded_fibonacci"]

_TRACED_WORDS = ("Tracer", "concrete", "static")


def _is_about_tracing(feedback_message: str) -> bool:
    """Whether an error message says a traced value was used as static."""
    return any(word in feedback_message for word in _TRACED_WORDS)


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
        try:
            out = call(fn, x, window)
        except CheckFailed as stop:
            if _is_about_tracing(stop.feedback.message):
                raise fail(
                    "window is traced, but the length of the result "
                    "depends on it, so jit must know it when it traces. "
                    "Mark it static: @jax.jit(static_argnames=\"window\").")
            raise
        got = require_array(out, "the moving average")
        same_values(got, moving_average_expected(x, window),
                    what="the moving average", shown=shown)
    if not (hasattr(fn, "lower") and hasattr(fn, "trace")):
        raise fail("Your function gives the right values but is not "
                   "jitted: decorate it with "
                   "@jax.jit(static_argnames=\"window\").")
    return ("Correct: your moving average is jitted with a static window "
            "and gives the right values for three windows.")


# -- Exercise 2: a fixed shape instead of a static n ------------------------

def padded_fibonacci_expected(n: int, size: int) -> np.ndarray:
    terms = _sequences.fibonacci_exact(min(n, size))
    return np.array(terms + [0] * (size - len(terms)), dtype=np.float64)


_KEEP_N_TRACED_HINT = (
    "Your function needs the value of n while jit traces it ({error}). "
    "Keep n traced: let the shape depend only on size, run the loop with "
    "lax.fori_loop (its bounds may be traced), or compute all size terms "
    "and zero the rest with jnp.where(jnp.arange(size) < n, ...).")


@checker("padded_fibonacci")
def padded_fibonacci(fn) -> str:
    """Check ``padded_fibonacci(n, size)``: one compilation for every n."""
    size = 12
    for n in (5, 0, 1, 2, 12):
        shown = f"n = {n} and size = {size}"
        got = require_array(call(fn, n, size), "the terms")
        if got.shape != (size,):
            raise fail(
                f"Wrong shape for the terms: expected ({size},), got "
                f"{got.shape}, for {shown}. The shape must depend only on "
                f"size, so that one compiled program serves every n.")
        same_values(got, padded_fibonacci_expected(n, size),
                    what="the terms", shown=shown)
    counted = count_traces(fn)
    compiled = jax.jit(counted, static_argnames="size")
    for n in (5, 0, 1, 2, 12):
        shown = f"n = {n} and size = {size}, under jit with size static"
        try:
            out = compiled(n, size=size)
        except Exception as err:
            message = f"{type(err).__name__}: {str(err).splitlines()[0]}"
            if _is_about_tracing(message):
                raise fail(_KEEP_N_TRACED_HINT.format(error=message))
            raise fail(f"Your function does not work under jax.jit: "
                       f"{message}")
        same_values(require_array(out, "the terms"),
                    padded_fibonacci_expected(n, size),
                    what="the terms", shown=shown)
    return (f"Correct: one compiled program ({counted.traces} trace) gives "
            f"the padded terms for every n.")
