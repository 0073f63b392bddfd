"""Checkers for the exercises of the monte-carlo chapter.

A Monte Carlo answer is random: a correct function that draws its samples
in another order than the book's gets other numbers. So the first checker
compares the estimate with an exact answer within a few of its standard
errors, and recognises typical mistakes by what they give (a key used for
every input, the probability of staying below, a wrong standard error).
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

from ._framework import (
    beat,
    call,
    checker,
    explain,
    fail,
    fmt,
    loops_over_batch,
    not_attempted,
    require_scalar,
)

__all__ = ["divider_exceedance", "delta_std"]

# -- Exercise 1: the exceedance probability of a voltage divider --------------

DIVIDER_MEANS = np.array([12.0, 10.0, 5.0])     # V_in (V), R1, R2 (kΩ)
DIVIDER_STDS = np.array([0.2, 0.3, 0.15])
V_LIMIT = 4.2


@functools.cache
def divider_probability(limit: float = V_LIMIT) -> float:
    """P(V_in R2 / (R1 + R2) > limit) for the exercise's normal inputs.

    Exact in V_in (a normal tail), Gauss-Hermite quadrature over R1, R2.
    """
    from scipy import special  # imported here: only the checker needs it
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    weights = weights / weights.sum()
    r1 = DIVIDER_MEANS[1] + DIVIDER_STDS[1] * nodes[:, None]
    r2 = DIVIDER_MEANS[2] + DIVIDER_STDS[2] * nodes[None, :]
    v_needed = limit * (r1 + r2) / r2         # V_out > limit iff V_in > this
    tail = special.ndtr(-(v_needed - DIVIDER_MEANS[0]) / DIVIDER_STDS[0])
    return float(weights @ tail @ weights)


def _reused_key_probability(limit: float = V_LIMIT) -> float:
    """The answer when one normal draw z serves all three inputs.

    Then R2 / (R1 + R2) = 1/3 exactly (both scale with the same z), and
    only V_in varies.
    """
    z = (3 * limit - DIVIDER_MEANS[0]) / DIVIDER_STDS[0]
    return 0.5 * math.erfc(z / math.sqrt(2))


_MAIN_N = 100_000


def _pair(got, shown: str):
    """(p, se) as two 0-d arrays, or a hint."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        if isinstance(got, (jax.Array, np.ndarray)) and got.shape == (2,):
            got = (got[0], got[1])
        else:
            if isinstance(got, (tuple, list)):
                kind = f"a {type(got).__name__} of {len(got)}"
            elif isinstance(got, (jax.Array, np.ndarray)):
                kind = f"an array of shape {got.shape}"
            else:
                kind = f"a {type(got).__name__}"
            raise fail(f"Your function should return a pair (p, se), but "
                       f"returned {kind}, for {shown}")
    many = ("return the fraction of samples above the limit (a mean of "
            "the flags), not one flag per sample")
    p = require_scalar(got[0], "p", shown=shown, many=many)
    se = require_scalar(got[1], "the standard error se", shown=shown,
                        many="the standard error of p is one number")
    return float(p), float(se)


def _compiled(fn):
    """fn(key, n) under jax.jit with a static n, or fn itself if that
    fails (the plain call then explains the failure)."""
    jitted = jax.jit(fn, static_argnums=1)

    def run(key, n):
        beat()
        try:
            return jitted(key, n)
        except Exception:  # let the plain call explain it
            return fn(key, n)
    return run


def _by_size(fn):
    """fn with n read from the length of a dummy array, for tracing."""
    return lambda key, template: fn(key, template.shape[0])


@checker("divider_exceedance")
def divider_exceedance(fn) -> str:
    """Check ``divider_exceedance(key, n)``: (p, se) of V_out > 4.2 V."""
    p_exact, p_reused = divider_probability(), _reused_key_probability()
    # vectorized: trace at two sizes (a Python loop grows the program)
    small = (jax.random.key(0), jnp.zeros(64))
    large = (jax.random.key(0), jnp.zeros(128))
    try:
        how = loops_over_batch(_by_size(fn), small, large)
    except NotImplementedError:
        raise not_attempted() from None
    except Exception as err:  # any tracing failure becomes a hint
        raise fail(explain(err, where="Traced by JAX (as jax.jit and "
                                      "jax.vmap do), your function") +
                   " Keep the whole computation in jnp and jax.random "
                   "functions, and return arrays.", err) from err
    if how is not None:
        raise fail(f"Your function is not vectorized: {how}. Write V_out "
                   f"for one sample and let jax.vmap evaluate all the "
                   f"samples at once")
    # compiled from here on: one compilation for every key
    fn = _compiled(fn)
    n = _MAIN_N
    p_keys = [_pair(call(fn, jax.random.key(seed), n),
                    f"key = jax.random.key({seed}), n = {n:,}")[0]
              for seed in (1, 2, 3)]
    shown = f"key = jax.random.key(1), n = {n:,}"
    p_same, se = _pair(call(fn, jax.random.key(1), n), shown)
    if len(set(p_keys)) == 1 and 0 < p_keys[0] < 1:
        raise fail("Your function gives the same p for jax.random.key(1), "
                   "key(2) and key(3): it ignores its key argument. "
                   "Draw the samples from the key you are given")
    if p_keys[0] != p_same:
        raise fail("Your function gives different answers for the same "
                   "key: draw every sample from the key you are given, "
                   "not from NumPy or a global state")
    # the value, against the exact probability
    p = p_same
    se_exact = math.sqrt(p_exact * (1 - p_exact) / n)
    if abs(p - p_exact) > 5 * se_exact:
        if abs(p - p_reused) < 5 * math.sqrt(p_reused / n):
            raise fail(
                f"p = {p:.4g} is far too small, for {shown}: that is what "
                f"you get when V_in, R1 and R2 are drawn with the same key "
                f"(R2 / (R1 + R2) is then always 1/3). Split the key "
                f"once, jax.random.split(key, 3), one key per input")
        if abs((1 - p) - p_exact) < 5 * se_exact:
            raise fail(
                f"p = {p:.4g}, for {shown}, is the probability that V_out "
                f"stays below the limit. Count the samples above v_limit")
        raise fail(
            f"p = {p:.4g} is too far from the exact {p_exact:.4f}, for "
            f"{shown} (more than 5 standard errors, {se_exact:.2g} each). "
            f"Check the formula, that each input has its own key, and "
            f"that you scale the normal draws by the standard deviations "
            f"and shift them by the means")
    expected_se = math.sqrt(p * (1 - p) / n)
    if not math.isclose(se, expected_se, rel_tol=1e-3):
        raise fail(
            f"The standard error should be sqrt(p (1 - p) / n) = "
            f"{expected_se:.4g} for your p = {p:.4g} and n = {n:,}, but "
            f"your function returned {se:.4g}, for {shown}")
    return (f"Correct: your estimate agrees with the exact probability "
            f"{p_exact:.4f} within its standard error, the standard "
            f"error is right, each key gives its own reproducible answer, "
            f"and the function is vectorized.")


# -- Exercise 2: the delta-method standard deviation --------------------------

def _divider(x):
    return x[0] * x[2] / (x[1] + x[2])


def _mixed(x):
    return x[0] ** 2 * jnp.exp(-x[1]) + 3 * x[2]


def _delta_cases():
    """(shown, f, means, stds, gradient at the means) with known answers."""
    a = np.array([2.0, -1.0, 0.5])
    yield ("f(x) = 2 x0 - x1 + 0.5 x2 (linear), means [1, 2, 3], stds "
           "[0.1, 0.2, 0.4]", lambda x: jnp.dot(jnp.asarray(a, x.dtype), x),
           np.array([1.0, 2.0, 3.0]), np.array([0.1, 0.2, 0.4]), a)
    m, s = DIVIDER_MEANS, DIVIDER_STDS
    total = m[1] + m[2]
    yield ("the divider of exercise 1, f(x) = x0 x2 / (x1 + x2)", _divider,
           m, s, np.array([m[2] / total, -m[0] * m[2] / total**2,
                           m[0] * m[1] / total**2]))
    m2 = np.array([1.5, 0.5, -2.0])
    yield ("f(x) = x0**2 exp(-x1) + 3 x2, means [1.5, 0.5, -2], stds "
           "[0.3, 0.1, 0.2]", _mixed, m2, np.array([0.3, 0.1, 0.2]),
           np.array([2 * m2[0] * np.exp(-m2[1]),
                     -m2[0] ** 2 * np.exp(-m2[1]), 3.0]))


def _delta_answer(fn, f, means, stds):
    """fn(f, means, stds), under jax.jit when that works."""
    beat()
    try:
        out = jax.jit(lambda m, s: fn(f, m, s))(means, stds)
    except Exception:  # let the plain call explain it
        out = None
    return call(fn, f, means, stds) if out is None else out


@checker("delta_std")
def delta_std(fn) -> str:
    """Check ``delta_std(f, means, stds)``: the first-order std of f(x)."""
    for shown, f, m, s, g in _delta_cases():
        means = jnp.asarray(m, jnp.float32)
        stds = jnp.asarray(s, jnp.float32)
        got = _delta_answer(fn, f, means, stds)
        many = ""
        if isinstance(got, (list, tuple)) or np.ndim(got) == 1:
            many = ("that looks like one term per input; add their "
                    "squares and take the square root of the sum")
        value = float(require_scalar(got, "the standard deviation",
                                     shown=shown, many=many))
        expected = float(np.sqrt(np.sum((g * s) ** 2)))
        if math.isclose(value, expected, rel_tol=1e-4):
            continue
        terms = np.abs(g * s)
        if math.isclose(value, expected**2, rel_tol=1e-4):
            raise fail(f"You returned the variance, {value:.4g}, for "
                       f"{shown}: take its square root")
        if math.isclose(value, float(terms.sum()), rel_tol=1e-4):
            raise fail(
                f"You added the terms |df/dx_i| s_i, for {shown}: that "
                f"assumes the errors always add up. For independent "
                f"inputs add their squares, then take the square root")
        if math.isclose(value, abs(float(np.sum(g * s))), rel_tol=1e-4):
            raise fail(
                f"You summed the signed terms df/dx_i s_i before squaring, "
                f"for {shown}: that treats the inputs as fully correlated. "
                f"Square each term first, then sum")
        if math.isclose(value, float(np.sqrt(np.sum((g * s**2) ** 2))),
                        rel_tol=1e-4):
            raise fail(f"You multiplied the gradient by the variances, for "
                       f"{shown}: multiply by the standard deviations")
        raise fail(
            f"Wrong value for {shown}: expected {expected:.4g}, got "
            f"{value:.4g}. The gradient at the means is {fmt(g)}; "
            f"evaluate jax.grad(f) at the means, not elsewhere")
    return ("Correct: your delta method is exact for a linear f and "
            "matches the first-order standard deviation for two nonlinear "
            "formulas.")
