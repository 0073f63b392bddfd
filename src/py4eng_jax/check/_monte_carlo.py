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
    CheckFailed,
    beat,
    call,
    checker,
    fail,
    jitted_or_plain,
    require_scalar,
    require_vectorized_sampler,
)

__all__ = ["divider_exceedance", "mean_second_order"]

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


@checker("divider_exceedance")
def divider_exceedance(fn) -> str:
    """Check ``divider_exceedance(key, n)``: (p, se) of V_out > 4.2 V."""
    p_exact, p_reused = divider_probability(), _reused_key_probability()
    require_vectorized_sampler(fn, (), one="V_out for one sample")
    # compiled from here on: one compilation for every key
    fn = jitted_or_plain(fn, static_argnums=1)
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
    if abs(se - p_exact) < 5 * se_exact and math.isclose(
            p, math.sqrt(se * (1 - se) / n), rel_tol=1e-3):
        raise fail(f"Your function returns the pair the wrong way round, "
                   f"for {shown}: the first number, {p:.4g}, is the "
                   f"standard error, and the second, {se:.4g}, the "
                   f"probability. Return (p, se)")
    if abs(p - p_exact) > 5 * se_exact:
        if abs(p - p_reused) < 5 * math.sqrt(p_reused / n):
            raise fail(
                f"p = {p:.4g} is far too small, for {shown}: that is what "
                f"you get when two or more inputs (here R1 and R2) share "
                f"a key "
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
    _check_other_n(fn, p_exact, p)
    return (f"Correct: your estimate agrees with the exact probability "
            f"{p_exact:.4f} within its standard error for three sample "
            f"sizes, the standard error is right for each, each key gives "
            f"its own reproducible answer, and the function is "
            f"vectorized.")


_OTHER_N = (20_000, 250_000)


def _check_other_n(run, p_exact: float, p_main: float) -> None:
    """The same key with other n: p near the exact answer within the
    standard error of that n, and se computed with that n (an n written
    into the code, or ignored, shows here)."""
    seen = {_MAIN_N: p_main}
    for n in _OTHER_N:
        shown = f"key = jax.random.key(1), n = {n:,}"
        p, se = _pair(call(run, jax.random.key(1), n), shown)
        seen[n] = p
        wanted = {m: math.sqrt(p * (1 - p) / m) for m in (n, _MAIN_N)}
        if math.isclose(se, wanted[n], rel_tol=1e-3):
            continue
        raise fail(
            f"For {shown} your standard error is sqrt(p (1 - p) / "
            f"{_MAIN_N:,}): the n of the first case is written into your "
            f"function. Use the n you are given"
            if math.isclose(se, wanted[_MAIN_N], rel_tol=1e-3) else
            f"The standard error should be sqrt(p (1 - p) / n) = "
            f"{wanted[n]:.4g} for your p = {p:.4g}, but your function "
            f"returned {se:.4g}, for {shown}")
    if len(set(seen.values())) == 1:
        raise fail(f"Your function gives p = {p_main:.4g} for n = "
                   f"{', '.join(f'{n:,}' for n in seen)}, with the same "
                   f"key: it draws the same samples whatever n is, so it "
                   f"ignores its n argument. Draw n samples")
    for n, p in seen.items():
        if abs(p - p_exact) > 5 * math.sqrt(p_exact * (1 - p_exact) / n):
            raise fail(f"Your p = {p:.4g} for n = {n:,} is too far from "
                       f"the exact {p_exact:.4f}, although it was right "
                       f"for n = {_MAIN_N:,}: draw as many samples as n "
                       f"asks for")


# -- Exercise 2: the second-order mean ----------------------------------------

BEAM_MEANS = np.array([100.0, 1000.0, 200_000.0, 50.0, 20.0])  # F, L, E, b, h
BEAM_LOOSE = BEAM_MEANS * np.array([0.2, 0.001, 0.1, 0.02, 0.1])
_BEAM_POWERS = np.array([1.0, 3.0, -1.0, -1.0, -3.0])


def _beam(x):
    F, L, E, b, h = x[0], x[1], x[2], x[3], x[4]
    return F * L**3 / (3 * E * (b * h**3 / 12))


def _quadratic(x):
    return x[0] ** 2 + 3 * x[0] * x[1] - 2 * x[2] ** 2


def _ratio(x):
    return jnp.exp(0.5 * x[0]) / x[1]


def beam_lognormal_mean(means=BEAM_MEANS, stds=BEAM_LOOSE) -> float:
    """The exact mean of the beam's deflection for lognormal inputs: a
    product of powers of lognormals is lognormal (float64 NumPy)."""
    sigma2 = np.log1p((stds / means) ** 2)
    mu = np.log(means) - sigma2 / 2
    log_mean = (np.log(4.0) + _BEAM_POWERS @ mu
                + (_BEAM_POWERS**2 @ sigma2) / 2)
    return float(np.exp(log_mean))


_MEAN_CASES = [
    ("the chapter's beam, f = deflection, with the loose tolerances",
     _beam, BEAM_MEANS, BEAM_LOOSE),
    ("f(x) = x0**2 + 3 x0 x1 - 2 x2**2, means [1, 2, -1], stds "
     "[0.3, 0.2, 0.1]", _quadratic, np.array([1.0, 2.0, -1.0]),
     np.array([0.3, 0.2, 0.1])),
    ("f(x) = exp(x0 / 2) / x1, means [0.4, 2], stds [0.2, 0.1]", _ratio,
     np.array([0.4, 2.0]), np.array([0.2, 0.1])),
]


def _beam_parts(x):
    a = _BEAM_POWERS
    f = 4 * x[0] * x[1] ** 3 / (x[2] * x[3] * x[4] ** 3)
    return f, a * f / x, f * (np.outer(a / x, a / x) - np.diag(a / x**2))


def _quadratic_parts(x):
    return (x[0] ** 2 + 3 * x[0] * x[1] - 2 * x[2] ** 2,
            np.array([2 * x[0] + 3 * x[1], 3 * x[0], -4 * x[2]]),
            np.array([[2.0, 3.0, 0.0], [3.0, 0.0, 0.0], [0.0, 0.0, -4.0]]))


def _ratio_parts(x):
    f = np.exp(0.5 * x[0]) / x[1]
    return (f, np.array([f / 2, -f / x[1]]),
            np.array([[f / 4, -f / (2 * x[1])],
                      [-f / (2 * x[1]), 2 * f / x[1] ** 2]]))


_PARTS = [_beam_parts, _quadratic_parts, _ratio_parts]


def _mean_parts(index: int) -> tuple[float, np.ndarray, np.ndarray,
                                     np.ndarray]:
    """f(mu), the gradient and the Hessian at the means (by hand, float64
    NumPy: nothing to compile), and the stds."""
    _, _, m, s = _MEAN_CASES[index]
    f, g, H = _PARTS[index](np.asarray(m, np.float64))
    return float(f), g, H, s


def _mean_expected(index: int) -> float:
    f0, _, H, s = _mean_parts(index)
    return f0 + 0.5 * float(np.diag(H) @ s**2)


def _mean_hint(value: float, index: int) -> str:
    """The mistake behind a wrong second-order mean, named."""
    f0, g, H, s = _mean_parts(index)
    shift = 0.5 * float(np.diag(H) @ s**2)
    guesses = [
        (f0, "That is f(means), the first-order mean of the delta method: "
             "add the term of the expansion that the curvature of f "
             "leaves in the mean"),
        (shift, "That is the correction alone: add it to f(means)"),
        (f0 + 2 * shift, "Your correction is twice too large: the Taylor "
                         "term carries a factor 1/2"),
        (f0 - shift, "Your correction has the wrong sign: where f curves "
                     "upwards, the mean lies above f(means)"),
        (f0 + 0.5 * float(s @ H @ s),
         "You added the mixed second derivatives too (s^T H s): for "
         "independent inputs the mixed terms average to zero, only the "
         "diagonal of the Hessian counts"),
        (f0 + 0.5 * float(np.diag(H) @ s),
         "You weighted the second derivatives by the standard deviations: "
         "the expectation of (x_i - mu_i)^2 is the variance, s_i**2"),
        (f0 + 0.5 * float(np.diag(H) @ s**4),
         "You weighted the second derivatives by s_i**4: square the "
         "standard deviations once, the variance is s_i**2"),
        (f0 + 0.5 * float(np.sum(H)) * float(np.mean(s**2)),
         "You summed the whole Hessian: only its diagonal counts, each "
         "entry weighted by its own input's variance"),
        (f0 + 0.5 * float(np.sum(H * s**2)),
         "You summed H * s**2 over the whole Hessian: broadcasting weights "
         "each column j by s_j**2, so the mixed terms H_ij s_j**2 come in "
         "too. Only the diagonal counts: jnp.diag(H) @ s**2"),
        (f0 + 0.5 * float(np.diag(H) @ (s / np.asarray(
            _MEAN_CASES[index][2], np.float64)) ** 2),
         "You weighted the second derivatives by the relative variances "
         "(s_i / mu_i)**2: the expectation of (x_i - mu_i)**2 is the "
         "variance itself, s_i**2, in the inputs' own units"),
        (float(np.sqrt(np.sum((g * s) ** 2))),
         "That is the delta method's standard deviation, not a mean"),
    ]
    if f0 > 0:   # the expansion done for log f, then exponentiated
        log_curvature = np.diag(H) / f0 - g**2 / f0**2
        guesses.append((
            f0 * math.exp(0.5 * float(log_curvature @ s**2)),
            "You expanded log f and exponentiated the result: the mean of "
            "exp(Y) is not exp of the mean of Y. Expand f itself around "
            "the means"))
    # the relative-variance and log-space guesses lie within 1e-4 of each
    # other for the beam: those two are told apart more tightly
    for guess, hint in guesses:
        rtol = 1e-5 if ("relative variances" in hint
                        or "expanded log f" in hint) else 1e-4
        if math.isclose(value, guess, rel_tol=rtol, abs_tol=1e-6):
            return hint
    if index:   # right for the beam, wrong here
        return ("Your function was right for the beam's five inputs: did "
                "you write the number of inputs into the code? f may take "
                "any number")
    return ("Expand f around the means to second order and take the "
            "expectation of each term, for independent inputs")


def _mean_answer(fn, f, means, stds):
    """fn(f, means, stds), under jax.jit when that works."""
    beat()
    try:
        out = jax.jit(lambda m, s: fn(f, m, s))(means, stds)
    except Exception:  # let the plain call explain it
        out = None
    return call(fn, f, means, stds) if out is None else out


@checker("mean_second_order")
def mean_second_order(fn) -> str:
    """Check ``mean_second_order(f, means, stds)``: f(mu) plus half the
    Hessian's diagonal weighted by the variances."""
    values = []
    for index, (shown, f, m, s) in enumerate(_MEAN_CASES):
        means = jnp.asarray(m, jnp.float32)
        stds = jnp.asarray(s, jnp.float32)
        try:
            got = _mean_answer(fn, f, means, stds)
        except CheckFailed as stop:
            if not index or stop.feedback.status != "fail" or (
                    "did not return" in stop.feedback.message):
                raise
            raise fail(f"{stop.feedback.message} Your function was right "
                       f"for the beam's five inputs, but not for {shown}: "
                       f"did you write the number of inputs into the "
                       f"code? f may take any number.", stop.error) from stop
        many = ""
        if isinstance(got, (list, tuple)) or np.ndim(got) == 1:
            many = ("that looks like one term per input: the mean of "
                    "f(X) is one number")
        value = float(require_scalar(got, "the mean", shown=shown,
                                     many=many))
        values.append(value)
        expected = _mean_expected(index)
        if math.isclose(value, expected, rel_tol=1e-4, abs_tol=1e-6):
            continue
        if index and math.isclose(value, values[0], rel_tol=1e-6):
            raise fail(f"Your function gives {value:.4g} for {shown}, as "
                       f"for the beam: it ignores its argument f. "
                       f"Differentiate the f you are given")
        raise fail(f"Wrong mean for {shown}: expected {expected:.5g}, got "
                   f"{value:.5g}. " + _mean_hint(value, index) + ".")
    exact = beam_lognormal_mean()
    return (f"Correct: your second-order mean is exact for a quadratic f, "
            f"and for the loose beam it gives {values[0]:.3f} mm, against "
            f"{_mean_parts(0)[0]:.3f} mm for f(means) and an exact "
            f"lognormal mean of {exact:.3f} mm.")
