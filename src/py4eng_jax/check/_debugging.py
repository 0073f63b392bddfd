"""Checkers for the exercises of the debugging chapter."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .._tracing import count_traces
from ._framework import (
    call,
    checker,
    fail,
    fmt,
    jittable,
    require_scalar,
    same_values,
)

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
    rng = np.random.default_rng(5)
    cases = (jnp.array([3.0, 4.0]), jnp.array([0.0, -3.0, 4.0]),
             jnp.array([1.0, -2.0, 0.0, 2.0]),
             jnp.asarray(rng.standard_normal(5), jnp.float32))
    for x in cases:
        shown = f"x = {fmt(x)}"
        got = require_scalar(call(fn, x), "the norm", shown=shown,
                             many="sum the squares over all entries")
        if np.any(np.asarray(x) == 0) and not np.isclose(
                float(got), float(jnp.linalg.norm(x)), rtol=1e-5):
            raise fail(
                f"Wrong value for {shown}, where only some entries are 0: "
                f"expected {float(jnp.linalg.norm(x)):.4g}, got "
                f"{float(got):.4g}. Replace x by a safe input only when "
                f"ALL of x is 0 (test jnp.all(x == 0)), not entry by entry")
        same_values(got, jnp.linalg.norm(x), what="the norm", shown=shown)
    at_zero = float(require_scalar(call(fn, zero), "the norm",
                                   shown="x = [0.0, 0.0, 0.0]"))
    if at_zero != 0:
        raise fail(
            f"At x = 0 your function returns {at_zero:.3g} instead of 0: an "
            f"eps inside the square root shifts the value. Pick the value "
            f"0 with jnp.where instead.")
    jittable(fn, zero)
    grad = jax.jit(jax.grad(fn))   # one compilation per shape, not per op
    for x in cases:
        same_values(call(grad, x, where="jax.grad of your function"),
                    x / jnp.linalg.norm(x), what="the gradient",
                    shown=f"x = {fmt(x)}")
    at_zero = np.asarray(call(grad, zero, where="jax.grad of your "
                                                "function"))
    if not np.all(np.isfinite(at_zero)):
        raise fail(f"The gradient at x = 0 is {at_zero.tolist()}. "
                   + _DOUBLE_WHERE)
    same_values(at_zero, np.zeros(3), what="the gradient", shown="x = 0")
    return ("Correct: the values are the norm, and the gradient is x/|x| "
            "away from 0 and 0, not nan, at x = 0.")


_KEEP_SHAPE = ("Keep the shape fixed: the mask jnp.arange(x.size) < n "
               "selects the first n entries, and jnp.mean takes it as "
               "where=")
_TRACED_N = {
    kind: "Under jax.jit n is traced, and your function needs its value "
          "(a slice x[:n], range(n), int(n) or an `if` on n). "
          + _KEEP_SHAPE
    for kind in ("shape", "index", "concrete", "control_flow")}
_TRACED_N["unhashable_static"] = (
    "Your function marks n static, so jit cannot trace it, and every new "
    "n would compile again. Keep n an ordinary (traced) argument. "
    + _KEEP_SHAPE)


@checker("mean_of_first")
def mean_of_first(fn) -> str:
    """Check ``mean_of_first(x, n)``: one trace serves every ``n``."""
    shown_x = "x = jnp.arange(1.0, 9.0)"
    rand = jnp.asarray(np.random.default_rng(2).standard_normal(8),
                       jnp.float32)
    cases = [(shown_x, jnp.arange(1.0, 9.0)),
             (f"x = {fmt(rand)}", rand)]
    for shown, x in cases:
        for n in (1, 3, 8):
            got = require_scalar(call(fn, x, n), "the mean",
                                 shown=f"{shown} and n = {n}")
            same_values(got, np.mean(np.asarray(x)[:n]), what="the mean",
                        shown=f"{shown} and n = {n}")
    counted = count_traces(fn)
    jitted = jax.jit(counted)
    for shown, x in cases:
        for n in range(1, 9):
            got = call(jitted, x, n, where="Under jax.jit, with n traced, "
                       "your function", overrides=_TRACED_N)
            same_values(got, np.mean(np.asarray(x)[:n]), what="the mean",
                        shown=f"{shown} and n = {n} under jax.jit")
    return (f"Correct: jax.jit traced your function {counted.traces} "
            f"time, so one compilation serves every n from 1 to 8.")
