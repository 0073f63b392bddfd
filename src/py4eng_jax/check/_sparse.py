"""Checkers for the exercises of the sparse chapter.

``steady_insulated(q, k, dx)``: steady conduction with the edge at the
last column insulated, compared with a dense solve of the assembled matrix.
``bar_conductivity(target)``: the least bar conductivity (a material
cheaper than copper) that keeps the mean temperature rise of the
chapter's plate (:func:`plate`) at a target above copper's, checked by
solving with the returned conductivity.

Both run in float64 (``jax.enable_x64``, entered in the worker thread),
whatever the notebook's setting.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.sparse.linalg import cg

from .._sparse import conduction_operator
from ._feedback import CheckFailed, Feedback
from ._framework import (
    beat,
    call,
    checker,
    difference,
    dtype_note,
    fail,
    require_array,
    require_scalar,
)

__all__ = ["steady_insulated", "bar_conductivity"]

# --- exercise 1: an insulated edge ----------------------------------------


def _matrix(k: np.ndarray, dx: float, *, faces: str = "mean",
            insulated: str | None = "right", mirror: bool = False,
            half: bool = False) -> np.ndarray:
    """The dense matrix of a conduction operator (float64), with one edge
    insulated: the face beyond it removed (or, ``mirror``, its neighbour
    replaced by a mirrored ghost point: a non-symmetric variant; or,
    ``half``, kept with the mean of k and a conductivity of 0 beyond it,
    k/2). ``faces`` is "mean", "sum" or "harmonic"."""
    n, m = k.shape
    a = np.zeros((n * m, n * m))
    index = np.arange(n * m).reshape(n, m)
    for i in range(n):
        for j in range(m):
            for di, dj, side in [(-1, 0, "top"), (1, 0, "bottom"),
                                 (0, -1, "left"), (0, 1, "right")]:
                ii, jj = i + di, j + dj
                inside = 0 <= ii < n and 0 <= jj < m
                k_nb = k[ii, jj] if inside else k[i, j]
                if faces == "harmonic":
                    kf = 2 * k[i, j] * k_nb / (k[i, j] + k_nb)
                else:
                    kf = (k[i, j] + k_nb) / (2 if faces == "mean" else 1)
                if not inside and side == insulated:
                    if mirror:     # ghost u[i, j + 1] = u[i, j - 1]
                        a[index[i, j], index[i, j]] += kf
                        a[index[i, j], index[i - di, j - dj]] -= kf
                    if half:       # k beyond the edge taken as 0
                        a[index[i, j], index[i, j]] += k[i, j] / 2
                    continue
                a[index[i, j], index[i, j]] += kf
                if inside:
                    a[index[i, j], index[ii, jj]] -= kf
    return a / dx ** 2


def _solve(a: np.ndarray, q: np.ndarray) -> np.ndarray:
    return np.linalg.solve(a, q.ravel()).reshape(q.shape)


def _cases() -> list[tuple[np.ndarray, np.ndarray, float, str]]:
    rng = np.random.default_rng(7)
    ones = np.ones((3, 3))
    q2 = rng.uniform(0.5, 2.0, (6, 5)) * 1e5
    k2 = rng.uniform(10.0, 50.0, (6, 5))
    q3 = np.full((4, 7), 3.0)
    k3 = np.where(np.arange(7) < 3, 1.0, 20.0) * np.ones((4, 7))
    return [(ones, ones, 1.0, "q = k = jnp.ones((3, 3)) and dx = 1.0"),
            (q2, k2, 0.01, "a random q and k of shape (6, 5), dx = 0.01"),
            (q3, k3, 0.5, "q = 3 everywhere, k jumping from 1 to 20 along "
                          "the columns, shape (4, 7), dx = 0.5")]


def _insulated_guesses(q, k, dx) -> list[tuple[np.ndarray, str]]:
    right = _solve(_matrix(k, dx), q)
    return [
        (_solve(_matrix(k, dx, insulated=None), q),
         "Your insulated edge, the last column, is held at zero like the "
         "other three: insulated means no face beyond the last column, so "
         "no heat flows out there"),
        (_solve(_matrix(k, dx, insulated="left"), q),
         "You insulated the first column: the insulated edge is the last "
         "column, u[:, -1]"),
        (_solve(_matrix(k, dx, insulated="bottom"), q),
         "You insulated the last row: the insulated edge is the last "
         "column, u[:, -1]"),
        (_solve(_matrix(k, dx, insulated="top"), q),
         "You insulated the first row: the insulated edge is the last "
         "column, u[:, -1]"),
        (_solve(_matrix(k, dx, mirror=True), q),
         "Your insulated edge mirrors a ghost point (u beyond the edge = u "
         "before it): that makes the operator non-symmetric, which CG does "
         "not allow, and it is another discretization. Drop the face "
         "beyond the last column instead"),
        (_solve(_matrix(k, dx, half=True), q),
         "You set the conductivity beyond the last column to 0, but kept "
         "the face: its conductivity, the mean of k and 0, is k/2, so "
         "that only halves the face and heat still leaves there (to a "
         "temperature of 0). Drop the face beyond the last column"),
        (_solve(_matrix(k, dx, faces="harmonic"), q),
         "Your faces have the harmonic mean of the two conductivities: "
         "the exercise keeps the chapter's operator, whose faces have "
         "the arithmetic mean (k_P + k_N)/2"),
        (_solve(_matrix(k, dx, faces="sum"), q),
         "Your faces have the sum of the two conductivities on either "
         "side: a face between two points has the mean of their two "
         "conductivities"),
        (_solve(_matrix(np.ones_like(k), dx), q),
         "Your answer ignores k (it is the answer for k = 1 everywhere): "
         "each face's flow is its conductivity times the temperature "
         "difference"),
        (_solve(_matrix(k, 1.0), q),
         "Your answer ignores dx: the heat through a face, per unit "
         "volume of the cell, is divided by dx**2"),
        (_solve(_matrix(k, dx), np.ones_like(q)),
         "Your answer ignores q (it is the answer for q = 1 everywhere)"),
        (-right, "Your temperatures have the wrong sign: the heat source "
                 "warms the plate, A u = q with A positive definite"),
        ((_matrix(k, dx) @ q.ravel()).reshape(q.shape),
         "You applied the operator to q: the temperature is the solution "
         "u of A u = q, not A q"),
        (q, "You returned q: solve A u = q for u"),
    ]


@checker("steady_insulated")
def steady_insulated(fn) -> str:
    """Check ``steady_insulated(q, k, dx)``: the last column insulated."""
    with jax.enable_x64(True):
        return _check_insulated(fn)


def _check_insulated(fn) -> str:
    cases = _cases()
    for index, (q, k, dx, shown) in enumerate(cases):
        try:
            got = call(fn, jnp.asarray(q), jnp.asarray(k), dx)
        except CheckFailed as stop:
            if index and "(3, 3)" in str(stop.error):
                why = stop.feedback.message.rstrip(".")
                raise fail(f"Your function works for the 3 x 3 plate of "
                           f"the statement, but fails for {shown}: "
                           f"{why[:1].lower()}{why[1:]}. A size "
                           f"is fixed to 3 x 3 in your code; take the "
                           f"sizes from q.shape") from None
            raise
        values = require_array(got, "Your result")
        expected = _solve(_matrix(k, dx), q)
        if values.shape != expected.shape:
            raise fail(f"Your result should have the shape of q, "
                       f"{expected.shape}, got {values.shape}, for {shown}")
        if not np.all(np.isfinite(values)):
            raise fail(f"Your result has non-finite values (nan or inf) for "
                       f"{shown}: did CG break down? The operator must be "
                       f"symmetric positive definite")
        scale = np.abs(expected).max()
        gap = np.abs(values - expected).max() / scale
        if gap <= 1e-8:
            continue
        note = dtype_note(values, expected, rtol=1e-8)
        if note and gap < 1e-3:
            raise fail(f"Close, but your result is off by {gap:.1e} of the "
                       f"peak (it must be within 1e-8), for {shown}. "
                       f"{note}")
        for guess, hint in _insulated_guesses(q, k, dx):
            if np.abs(values - guess).max() <= 1e-6 * np.abs(guess).max():
                raise fail(f"{hint}. Checked with {shown}.")
        if gap < 1e-3:
            raise fail(
                f"Close, but your result is off by {gap:.1e} of the peak "
                f"(it must be within 1e-8), for {shown}: the solve stopped "
                f"early. jax.scipy.sparse.linalg.cg stops at a relative "
                f"residual of 1e-5 unless you pass a smaller tol")
        raise fail(f"Wrong values for {shown}: "
                   f"{difference(values, expected, rtol=1e-8, atol=0.0)}")
    return (f"Correct: the edge at the last column is insulated and the "
            f"solve is converged, on all {len(cases)} plates tried.")


# --- exercise 2: the bar a design needs -----------------------------------

#: The chapter's plate: side (m), interior points, source (W/m^3).
PLATE_SIDE, PLATE_N, PLATE_SOURCE = 0.1, 63, 1e6
#: Steel's conductivity, W/(m K).
STEEL = 16.0
#: The chapter's copper bar, W/(m K).
COPPER = 400.0
#: The targets tried, K: all above the mean rise with copper (22.317 K),
#: so each asks for a cheaper, less conducting bar.
TARGETS = (22.32, 22.4, 22.55)


def plate(k_bar) -> tuple[jax.Array, jax.Array, float]:
    """The chapter's plate: ``(k, q, dx)``, a steel plate 0.1 m square,
    63 x 63 interior points, with a copper-like bar of conductivity
    ``k_bar`` (4 cm x 2 cm, in the middle), heated by 1 MW/m^3."""
    dx = PLATE_SIDE / (PLATE_N + 1)
    x = jnp.arange(1, PLATE_N + 1) * dx
    xx, yy = jnp.meshgrid(x, x, indexing="ij")
    bar = ((jnp.abs(xx - PLATE_SIDE / 2) < 0.02)
           & (jnp.abs(yy - PLATE_SIDE / 2) < 0.01))
    k = jnp.where(bar, k_bar, STEEL)
    return k, jnp.full((PLATE_N, PLATE_N), PLATE_SOURCE), dx


@functools.cache
def _mean_rise_fn():
    @jax.jit
    def mean_rise(k_bar):
        k, q, dx = plate(k_bar)
        return cg(lambda u: conduction_operator(u, k, dx), q,
                  tol=1e-13)[0].mean()
    return mean_rise


@functools.cache
def _slope_fn():
    return jax.jit(jax.value_and_grad(_mean_rise_fn()))


def mean_rise(k_bar: float) -> float:
    """The plate's mean temperature rise (K) with this bar, float64."""
    with jax.enable_x64(True):
        return float(_mean_rise_fn()(jnp.float64(k_bar)))


_SLOW_HINT = (
    " In this exercise it may also be a diverging iterate: Newton's step "
    "on k itself, from a high start such as copper's, overshoots to "
    "k <= 0 (the mean rise is convex and falling in k, so its tangent "
    "there crosses the target beyond 0); the operator is then no longer "
    "positive definite, CG runs to its iteration cap and the loop never "
    "converges. Iterate in log k, which keeps k positive, or bracket the "
    "root.")


def _with_slow_hint(check):
    """The framework's checker, with the chapter's sentence added to its
    never-returned hint."""
    def bar_conductivity(fn) -> Feedback:
        feedback = check(fn)
        if "did not return within" in feedback.message:
            return Feedback(feedback.status, feedback.message + _SLOW_HINT,
                            criteria_passed=feedback.criteria_passed,
                            criteria_total=feedback.criteria_total)
        return feedback
    bar_conductivity.__doc__ = check.__doc__
    bar_conductivity.__qualname__ = check.__qualname__
    bar_conductivity.body = check.body
    return bar_conductivity


@_with_slow_hint
@checker("bar_conductivity")
def bar_conductivity(fn) -> str:
    """Check ``bar_conductivity(target)``: the mean rise is the target."""
    with jax.enable_x64(True):
        return _check_bar(fn)


def _one_steps(target: float) -> list[float]:
    """One Newton step towards the target, from steel's or copper's
    conductivity, in k or in log k: what a single linearization gives."""
    with jax.enable_x64(True):
        parts = _slope_fn()
        steps = []
        for k0 in (STEEL, COPPER):
            rise, slope = parts(jnp.float64(k0))
            gap, slope = float(rise) - target, float(slope)
            steps.append(k0 - gap / slope)
            steps.append(k0 * np.exp(-gap / (k0 * slope)))
    return steps


def _check_bar(fn) -> str:
    answers = {}
    for target in TARGETS:
        beat()      # each target is a step: a cold first one may take long
        shown = f"target = {target}"
        got = call(fn, target)
        value = float(require_scalar(
            got, "your conductivity", shown=shown,
            many="return the bar's conductivity, not a field"))
        answers[target] = value
        if not np.isfinite(value) or value <= 0:
            raise fail(f"Your conductivity {value:.4g} for {shown} is not a "
                       f"positive number: did the iteration diverge? "
                       f"Newton's step on k itself from a high start (such "
                       f"as copper's) overshoots to k <= 0, since the mean "
                       f"rise is convex and falling in k. Keep the "
                       f"conductivity positive: iterate on its logarithm, "
                       f"or bracket the root. Or the target may be out "
                       f"of reach on your plate: check that it is the "
                       f"chapter's, "
                       f"{PLATE_N} x {PLATE_N} interior points with "
                       f"dx = L/(n+1), whose mean rise is "
                       f"{mean_rise(COPPER):.5g} K with copper "
                       f"(k = {COPPER:g})")
    if len({round(v, 9) for v in answers.values()}) == 1:
        raise fail(f"Your function returns {answers[TARGETS[0]]:.6g} for "
                   f"every target: it ignores its argument. The "
                   f"conductivity must depend on the target")
    for target, value in answers.items():
        beat()
        rise = mean_rise(value)
        miss = abs(rise - target)
        if miss <= 1e-6 * target:
            continue
        if abs(value - target) < 1e-3 * target:
            raise fail(f"Your function returned {value:.6g} for target = "
                       f"{target}, the target itself: return the "
                       f"conductivity of the bar (W/(m K)) that gives that "
                       f"mean rise, not the rise")
        if miss < 0.01 * (mean_rise(STEEL) - mean_rise(1e6)):
            raise fail(
                f"Close: your conductivity {value:.6g} for target = "
                f"{target} gives a mean rise of {rise:.7g} K, off by "
                f"{miss / target:.1e} (it must be within 1e-6). Iterate "
                f"until the mean rise itself matches, and solve to a tight "
                f"tolerance (cg's default stops at a residual of 1e-5)")
        if any(abs(value - step) < 1e-3 * value
               for step in _one_steps(target)):
            raise fail(
                f"Your conductivity {value:.6g} for target = {target} "
                f"gives a mean rise of {rise:.5g} K, not {target} K. Solve "
                f"g(k) = mean rise(k) - target = 0: the rise is not linear "
                f"in k, so one linearization is not enough; repeat the "
                f"Newton step until g is tiny")
        if value < 50 and abs(mean_rise(np.exp(value)) - target) \
                <= 1e-6 * target:
            raise fail(
                f"Your function returned {value:.6g} for target = "
                f"{target}, and exp({value:.6g}) = {np.exp(value):.6g} "
                f"meets the target: you returned log k. Return the "
                f"conductivity itself, exp of your iterate")
        raise fail(
            f"Your conductivity {value:.6g} for target = {target} gives a "
            f"mean rise of {rise:.5g} K on the chapter's plate, not "
            f"{target} K. For reference, with copper (k = {COPPER:g}) the "
            f"chapter's plate has a mean rise of {mean_rise(COPPER):.5g} K: "
            f"check your plate against that (its {PLATE_N} x {PLATE_N} "
            f"interior points, dx = L/(n+1), the source) and that the mean "
            f"is over the interior points only")
    return (f"Correct: the mean rise matches all {len(TARGETS)} targets "
            f"tried to 1e-6.")
