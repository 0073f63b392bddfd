"""Checkers for the exercises of the loops chapter."""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ._framework import (
    call,
    checker,
    fail,
    jittable,
    primitives,
    program_size,
    require_array,
    same_values,
)

__all__ = ["running_mean", "newton"]


def _expected_running_mean(x) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return np.cumsum(x) / np.arange(1, len(x) + 1)


@checker("running_mean")
def running_mean(fn) -> str:
    """Check ``running_mean(x)``: the mean of ``x[:i + 1]`` for every i."""
    cases = [
        ("x = [2., 4., 6., 8.]", jnp.array([2.0, 4.0, 6.0, 8.0])),
        ("x = jax.random.normal(jax.random.key(0), (7,))",
         jax.random.normal(jax.random.key(0), (7,))),
    ]
    for shown, x in cases:
        got = require_array(call(fn, x), "the running mean")
        if got.shape in ((), (1,)) and len(x) > 1:
            raise fail(
                f"Wrong shape for the running mean: expected {x.shape}, got "
                f"{got.shape}, for {shown}. Did you return the carry (the "
                f"last mean only)? lax.scan returns (carry, stacked "
                f"outputs): return the stacked outputs.")
        same_values(got, _expected_running_mean(x), what="the running mean",
                    shown=shown)
    shown, x = cases[1]
    got = jittable(
        fn, x, hint="Keep the loop inside JAX with lax.scan, and do not "
        "convert traced values with float() or .item().")
    same_values(got, _expected_running_mean(x),
                what="the running mean under jax.jit", shown=shown)

    short = program_size(fn, jnp.zeros(8))
    long = program_size(fn, jnp.zeros(32))
    if long > short:
        raise fail(
            f"Your values are right, but your function unrolls a Python "
            f"loop: under jit its program grows with the length of x "
            f"({short} operations for 8 values, {long} for 32). Write the "
            f"loop with lax.scan, whose body is traced once.")
    if "scan" not in primitives(jax.make_jaxpr(fn)(jnp.zeros(8)).jaxpr):
        return ("Correct, and jittable, though without lax.scan: a "
                "vectorized formula is a fine (often faster) answer. For "
                "practice, try the scan version too.")
    return ("Correct: your running mean matches for two inputs, works "
            "under jax.jit, and its lax.scan does not grow with the input.")


@functools.cache
def _expected_newton(index: int):
    """The reference (x, steps) of case ``index``, computed once."""
    _, f, x0, options = _NEWTON_CASES[index]
    x, steps = _reference_newton(f, x0, options.get("tol", 1e-6),
                                 options.get("max_iter", 50))
    return float(x), int(steps)


def _reference_newton(f, x0, tol, max_iter):
    df = jax.grad(f)

    def keep_going(state):
        x, steps = state
        return (jnp.abs(f(x)) >= tol) & (steps < max_iter)

    def step(state):
        x, steps = state
        return x - f(x) / df(x), steps + 1

    return lax.while_loop(keep_going, step, (jnp.float32(x0), 0))


# (description, f, x0, keyword arguments); each case converges well away
# from its tolerance, so float32 rounding cannot change the step count.
_NEWTON_CASES = [
    ("f(x) = x**2 - 2 from x0 = 1.0", lambda x: x**2 - 2, 1.0, {}),
    ("f(x) = cos(x) - x from x0 = 1.0", lambda x: jnp.cos(x) - x, 1.0, {}),
    ("f(x) = x**3 - 2*x - 5 from x0 = 2.0 with tol=1e-4",
     lambda x: x**3 - 2 * x - 5, 2.0, {"tol": 1e-4}),
    ("f(x) = x**2 - 4 from x0 = 2.0 (already a root)",
     lambda x: x**2 - 4, 2.0, {}),
    ("f(x) = x**2 - 2 from x0 = 1.0 with max_iter=2",
     lambda x: x**2 - 2, 1.0, {"max_iter": 2}),
    ("f(x) = x**2 + 1 (no real root) from x0 = 0.5 with max_iter=7",
     lambda x: x**2 + 1, 0.5, {"max_iter": 7}),
]
_NO_ROOT = _NEWTON_CASES[-1][0]


def _root_and_steps(out, shown):
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise fail(
            f"Your newton should return a pair (x, steps): the root and the "
            f"number of steps taken; for {shown} it returned "
            f"{type(out).__name__} {out!r:.60}.")
    x, steps = out
    x = require_array(x, "the root")
    steps = require_array(steps, "the number of steps")
    if x.shape != () or steps.shape != ():
        raise fail(
            f"The root and the number of steps should each be one number "
            f"(0-d), got shapes {x.shape} and {steps.shape}, for {shown}.")
    if not np.issubdtype(steps.dtype, np.integer):
        raise fail(
            f"The number of steps should be an integer, got dtype "
            f"{steps.dtype}, for {shown}. Start the count at 0 (an int) "
            f"and add 1 per step.")
    return x, int(steps)


@checker("newton", clear_caches=True)
def newton(fn) -> str:
    """Check ``newton(f, x0, tol=1e-6, max_iter=50) -> (x, steps)``."""
    for index, (shown, f, x0, options) in enumerate(_NEWTON_CASES):
        x, steps = _root_and_steps(call(fn, f, x0, **options), shown)
        want_x, want_steps = _expected_newton(index)
        if steps > options.get("max_iter", 50):
            raise fail(
                f"Wrong number of steps for {shown}: expected "
                f"{int(want_steps)}, got {steps}. Stop after max_iter steps "
                f"even if |f(x)| is still large: test the step count in the "
                f"condition too.")
        if shown != _NO_ROOT:   # (no root: x wanders, compare steps only)
            same_values(x, want_x, what="the root", shown=shown)
        if steps != int(want_steps):
            raise fail(
                f"Wrong number of steps for {shown}: expected "
                f"{int(want_steps)}, got {steps}. Count only the steps "
                f"taken: test |f(x)| < tol before each step, so a start at "
                f"a root takes 0 steps, and add 1 per update.")

    shown, f, x0, options = _NEWTON_CASES[0]
    out = jittable(
        lambda x0: fn(f, x0), jnp.float32(x0),
        hint="A Python while loop cannot test a traced value: write the "
        "loop with lax.while_loop(cond_fun, body_fun, init_val).")
    x, steps = _root_and_steps(out, shown + " under jax.jit")
    want_x, want_steps = _expected_newton(0)
    same_values(x, want_x, what="the root under jax.jit", shown=shown)
    if steps != int(want_steps):
        raise fail(f"Under jax.jit the number of steps for {shown} is "
                   f"{steps}, expected {int(want_steps)}.")
    jaxpr = jax.make_jaxpr(lambda x0: fn(f, x0))(jnp.float32(x0))
    if "while" not in primitives(jaxpr.jaxpr):
        raise fail(
            "Your values are right, but there is no lax.while_loop in your "
            "function: write the loop with lax.while_loop, which stops as "
            "soon as its condition turns false")
    return ("Correct: your newton finds the roots in the expected number "
            "of steps for six cases, stops at max_iter, and works under "
            "jax.jit.")
