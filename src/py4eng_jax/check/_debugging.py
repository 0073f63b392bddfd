"""Checkers for the exercises of the debugging chapter."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .._checking import (call, checker, fail, jittable, require_array,
                         same_values)
from .._tracing import count_traces

__all__ = ["safe_norm", "mean_of_first"]

_DOUBLE_WHERE = (
    "jnp.where differentiates both of its branches and multiplies the "
    "gradient of the one not taken by 0, but 0 × nan is still nan. Also "
    "give the norm a safe input where x is 0, e.g. "
    "jnp.where(is_zero, 1.0, x) (the \"double where\" trick).")


@checker("safe_norm")
def safe_norm(fn) -> str:
    """Check ``safe_norm(x)``: the norm, with gradient 0 (not nan) at 0."""
    zero = jnp.zeros(3)
    cases = (jnp.array([3.0, 4.0]), jnp.array([1.0, -2.0, 2.0]))
    for x in cases:
        shown = f"x = {np.asarray(x).tolist()}"
        got = require_array(call(fn, x), "the norm")
        if got.ndim != 0:
            raise fail(f"The norm should be one number (a 0-d array), got "
                       f"shape {got.shape} for {shown}: did you forget to "
                       f"sum?")
        same_values(got, jnp.linalg.norm(x), what="the norm", shown=shown)
    at_zero = float(require_array(call(fn, zero), "the norm"))
    if at_zero != 0:
        raise fail(
            f"At x = 0 your function returns {at_zero:.3g} instead of 0: an "
            f"eps inside the square root shifts the value. Pick the value "
            f"0 with jnp.where instead.")
    jittable(fn, zero)
    grad = jax.jit(jax.grad(fn))   # one compilation per shape, not per op
    for x in cases:
        same_values(call(grad, x), x / jnp.linalg.norm(x),
                    what="the gradient",
                    shown=f"x = {np.asarray(x).tolist()}")
    at_zero = np.asarray(call(grad, zero))
    if not np.all(np.isfinite(at_zero)):
        raise fail(f"The gradient at x = 0 is {at_zero.tolist()}. "
                   + _DOUBLE_WHERE)
    same_values(at_zero, np.zeros(3), what="the gradient", shown="x = 0")
    return ("Correct: the values are the norm, and the gradient is x/|x| "
            "away from 0 and 0, not nan, at x = 0.")


@checker("mean_of_first")
def mean_of_first(fn) -> str:
    """Check ``mean_of_first(x, n)``: one trace serves every ``n``."""
    x = jnp.arange(1.0, 9.0)   # the mean of the first n is (n + 1) / 2
    for n in (1, 3, 8):
        got = require_array(call(fn, x, n), "the mean")
        same_values(got, (n + 1) / 2, what="the mean",
                    shown=f"x = jnp.arange(1.0, 9.0) and n = {n}")
    counted = count_traces(fn)
    jitted = jax.jit(counted)
    for n in range(1, 9):
        try:
            got = jitted(x, n)
        except (IndexError, TypeError, jax.errors.ConcretizationTypeError) \
                as err:
            raise fail(
                f"Under jax.jit, n is traced and your function raised "
                f"{type(err).__name__}. A slice x[:n] has a shape that "
                f"depends on n, and shapes must be known when tracing. Keep "
                f"the shape fixed: the mask jnp.arange(x.size) < n selects "
                f"the first n entries.")
        except Exception as err:  # any other crash becomes a hint
            raise fail(f"Under jax.jit your function raised "
                       f"{type(err).__name__}: {err}")
        same_values(got, (n + 1) / 2, what="the mean",
                    shown=f"x = jnp.arange(1.0, 9.0) and n = {n} under "
                          f"jax.jit")
    return (f"Correct: jax.jit traced your function {counted.traces} "
            f"time, so one compilation serves every n from 1 to 8.")
