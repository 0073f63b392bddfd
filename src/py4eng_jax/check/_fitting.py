"""Checkers for the exercises of the fitting chapter.

Both run on the shared machinery of :mod:`py4eng_jax.check._framework` (a
deadline, capped while loops, JAX errors turned into hints). They run the
student's function in float64 (``jax.enable_x64``, entered in the worker
thread that runs the check), whatever the notebook's setting: the chapter
compares with references to many more digits than float32 holds.
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

from .._dynamics import levenberg_marquardt, msd_rhs, rk4_solve
from ._framework import (
    CheckFailed,
    call,
    checker,
    fail,
    require_scalar,
)

__all__ = ["profile_loss", "dc_dv0"]

# --- exercise 1: the profile of the loss in c ------------------------------


def _positions(k, c, x0, t):
    """Positions at the times t (equally spaced from 0), 10 RK4 steps per
    interval, released from rest at x0; float64."""
    y0 = jnp.stack([x0, jnp.zeros_like(x0)])
    return rk4_solve(msd_rhs, y0, 0.0, (t[1] - t[0]) / 10,
                     10 * (len(t) - 1), (k, c), every=10)[:, 0]


def _residuals_k_x0(p, c, t, x_meas):
    return _positions(p[0], c, p[1], t) - x_meas


def _residuals_all(theta, t, x_meas):
    return _positions(theta[0], theta[1], theta[2], t) - x_meas


def _ring_down(k, c, x0, t):
    """The exact motion from rest at x0 (m = 1, underdamped), NumPy."""
    w0, zeta = np.sqrt(k), c / (2 * np.sqrt(k))
    wd = w0 * np.sqrt(1 - zeta**2)
    return x0 * np.exp(-zeta * w0 * t) * (
        np.cos(wd * t) + zeta * w0 / wd * np.sin(wd * t))


def _profile_data():
    """(shown, t, x_meas, cs): the chapter's experiment, then a shorter
    one of another length and spacing, from other parameters (exact
    motion plus noise, in NumPy: nothing to compile)."""
    rng = np.random.default_rng(19)
    cases = []
    for shown, (k, c, x0), t_end, n, sigma, cs in [
            ("the chapter's experiment (k = 4, c = 0.4, x0 = 1, 101 times "
             "over 10 s, noise 0.02)", (4.0, 0.4, 1.0), 10.0, 101, 0.02,
             (0.4, 0.6)),
            ("61 times over 4.8 s (k = 3.5, c = 0.3, x0 = 1.2, noise 0.03)",
             (3.5, 0.3, 1.2), 4.8, 61, 0.03, (0.5,))]:
        t = np.linspace(0.0, t_end, n)
        cases.append((shown, t, _ring_down(k, c, x0, t)
                      + sigma * rng.standard_normal(n), cs))
    return cases


# Both exercises' checkers run the chapter's experiment first, then one
# with another spacing: an answer right only for the first has the
# chapter's step or number of steps written in.
_TYPED_IN = ("Your function was right for the chapter's experiment: did you "
             "write its step (0.01 s) or its number of steps into the code? "
             "Take them from t")


def _raise_for_the_other_experiment(stop: CheckFailed, index: int,
                                    shown: str) -> None:
    """Raise ``stop`` again, or, when only the second experiment (index
    1) failed, a failure that says the first one passed."""
    if not index or stop.feedback.status != "fail" or (
            "did not return" in stop.feedback.message):
        raise stop
    raise fail(
        f"{stop.feedback.message} Your function was right for the "
        f"chapter's experiment, but not for {shown}: take the step and the "
        f"number of steps from t, not from the chapter's data.",
        stop.error) from stop


@functools.cache
def _profile_cases():
    return _profile_data()


# The profile losses of the cases, computed once by profile_reference()
# (a test checks that they still agree): a Levenberg-Marquardt fit per c
# takes seconds to compile, which the checker need not spend. Three
# calls in all (two c for the chapter's experiment: enough to see an
# ignored c), two compilations of the student's fit (two lengths).
_PROFILE_LOSSES = (
    (0.02079738530190662, 0.2418536501766353),
    (0.2387695299358281,))


def profile_reference(index: int) -> tuple[float, ...]:
    """The profile losses at case ``index``'s c values, by
    Levenberg-Marquardt in float64 (slow: for the tests)."""
    _, t, x_meas, cs = _profile_cases()[index]
    with jax.enable_x64(True):
        return tuple(float(levenberg_marquardt(
            _residuals_k_x0, jnp.array([3.0, 0.8]),
            (jnp.float64(c), jnp.asarray(t), jnp.asarray(x_meas))).cost)
            for c in cs)


def _profile_reference(index: int) -> tuple[float, ...]:
    return _PROFILE_LOSSES[index]


@functools.cache
def _profile_slips(index: int) -> dict:
    """For the hints only: the loss with c free too, and the loss at the
    starting guess for each c (float64)."""
    _, t, x_meas, cs = _profile_cases()[index]
    with jax.enable_x64(True):
        t_j, x_j = jnp.asarray(t), jnp.asarray(x_meas)
        free = levenberg_marquardt(_residuals_all,
                                   jnp.array([3.0, 0.5, 0.8]), (t_j, x_j))
        guess = [float(0.5 * np.sum(np.asarray(_residuals_k_x0(
            jnp.array([3.0, 0.8]), jnp.float64(c), t_j, x_j)) ** 2))
            for c in cs]
    return {"free": float(free.cost), "guess": guess}


def _profile_hint(value: float, index: int, j: int, values) -> str:
    """The mistake behind a wrong profile loss, named."""
    ref = _profile_slips(index)
    want = _profile_reference(index)[j]

    def close(other, rtol=1e-5):
        return math.isclose(value, other, rel_tol=rtol, abs_tol=1e-12)

    if close(2 * want):
        return ("That is the sum of squares: the loss is half of it, "
                "r @ r / 2, the cost levenberg_marquardt reports")
    n = len(_profile_cases()[index][1])
    if close(want / n) or close(2 * want / n):
        return ("That is a mean, not a sum: the loss is half the sum of "
                "the squared residuals, r @ r / 2, not their mean")
    if close(ref["free"]):
        return ("That is the smallest loss with c free too: it is the same "
                "for every c. Hold c at the value you are given and fit "
                "only k and x0")
    if close(ref["guess"][j]):
        return ("That is the loss at the starting guess: fit k and x0 "
                "first, then return the loss at the fit")
    if len(values) > 1 and close(values[0], 1e-9):
        return ("Your loss is the same for two values of c: your function "
                "ignores its argument c. Hold the damping at the c you "
                "are given")
    if value > want:
        return ("Your loss is larger than the smallest one with c held "
                "fixed: fit both k and x0, from a reasonable start, until "
                "the fit has converged; and check that the model is the "
                "chapter's (10 RK4 steps per interval of t) and the loss "
                "half the plain sum of squared residuals")
    return ("Your loss is smaller than the smallest one possible with c "
            "held fixed: is c really held at the value given, and is the "
            "model the chapter's, released from rest?")


_TRACED_PROFILE = (
    "levenberg_marquardt runs your residuals under jax.jit and "
    "jax.jacfwd, where their arguments are traced. Compute the step with "
    "jnp, (t[1] - t[0]) / 10, not float(); the number of steps may use "
    "len(t), which is known while tracing")


@checker("profile_loss")
def profile_loss(fn) -> str:
    """Check ``profile_loss(c, t, x_meas)``: the loss minimized over k
    and x0 with the damping held at c."""
    with jax.enable_x64(True):   # the worker thread computes in float64
        return _check_profile(fn)


def _check_profile(fn) -> str:
    for index, (shown, t, x_meas, cs) in enumerate(_profile_cases()):
        values = []
        for j, c in enumerate(cs):
            where = f"c = {c} and {shown}"
            try:
                got = call(fn, jnp.float64(c), jnp.asarray(t),
                           jnp.asarray(x_meas),
                           overrides={"concrete": _TRACED_PROFILE})
            except CheckFailed as stop:
                every_step = f"({10 * (len(t) - 1) + 1},)"
                if stop.feedback.status == "fail" and every_step in str(
                        stop.error) and f"({len(t)},)" in str(stop.error):
                    raise fail(
                        f"Your model gives {10 * (len(t) - 1) + 1} "
                        f"positions, one per RK4 step, for {where}, and "
                        f"x_meas has {len(t)}: the residuals need the "
                        f"positions at the measurement times, one every "
                        f"10 steps (rk4_solve's every=10).",
                        stop.error) from stop
                _raise_for_the_other_experiment(stop, index, shown)
            shape = np.shape(got) if isinstance(
                got, (jax.Array, np.ndarray)) else None
            if shape == (2,) or shape == (3,):
                raise fail(f"The profile loss should be one number, got "
                           f"shape {shape} for {where}: the fitted "
                           f"parameters? Return the loss at the fit")
            if shape == (len(t),):
                raise fail(f"The profile loss should be one number, got "
                           f"shape {shape} for {where}: the residuals? "
                           f"The loss is half their sum of squares")
            value = float(require_scalar(got, "the profile loss",
                                         shown=where))
            want = _profile_reference(index)[j]
            in_float32 = getattr(got, "dtype", None) == np.float32
            if in_float32 and not math.isclose(value, want, rel_tol=1e-6,
                                               abs_tol=1e-12):
                raise fail(f"Wrong profile loss for {where}: expected "
                           f"{want:.9g}, got {value:.9g}, in float32. The "
                           f"checker passes float64 arrays, as the "
                           f"chapter computes: keep the dtype of t and "
                           f"x_meas (no float32 casts, of the data or of "
                           f"the starting guess).")
            if not math.isclose(value, want, rel_tol=1e-6, abs_tol=1e-12):
                hint = _profile_hint(value, index, j, values + [value])
                if index and not hint.startswith(("That is", "Your loss is "
                                                  "the same")):
                    hint = _TYPED_IN
                end = "" if hint.endswith("?") else "."
                raise fail(f"Wrong profile loss for {where}: expected "
                           f"{want:.6g}, got {value:.6g}. {hint}{end}")
            values.append(value)
    return ("Correct: your profile loss matches the smallest loss over k "
            "and x0 with c held fixed, for several c and two "
            "experiments.")


# --- exercise 2: how a release velocity moves the fitted damping -------


def _positions_v0(theta, v0, t):
    """Positions at the times t, released at theta[2] with velocity v0."""
    k, c, x0 = theta[0], theta[1], theta[2]
    y0 = jnp.stack([x0, v0 + jnp.zeros_like(x0)])
    return rk4_solve(msd_rhs, y0, 0.0, (t[1] - t[0]) / 10,
                     10 * (len(t) - 1), (k, c), every=10)[:, 0]


def _residuals_v0(theta, v0, t, x_meas):
    return _positions_v0(theta, v0, t) - x_meas


_THETA_START = (3.0, 1.0, 0.8)    # the chapter's theta_guess

_DC_KEYS = ("c", "k", "x0", "loss", "guess", "gauss_newton")


def dc_dv0_reference(index: int) -> tuple[float, ...]:
    """For case ``index`` of the profile exercise's experiments, in
    float64 (slow: for the tests, which compare with _DC_TABLE):
    d(c, k, x0)/d v0 at v0 = 0 by the implicit function theorem with the
    full Hessian; d(loss at the fit)/d v0; the same implicit formula at
    the chapter's starting guess instead of the fit; and Gauss-Newton's
    d c / d v0, -(J^T J)^-1 J^T dr/dv0."""
    _, t, x_meas, _ = _profile_cases()[index]
    with jax.enable_x64(True):
        t, x = jnp.asarray(t), jnp.asarray(x_meas)
        zero = jnp.float64(0.0)
        fit = levenberg_marquardt(_residuals_v0, jnp.array(_THETA_START),
                                  (zero, t, x))

        def loss(theta, v0):
            r = _residuals_v0(theta, v0, t, x)
            return r @ r / 2

        def implicit(theta):
            H = jax.hessian(loss)(theta, zero)
            mixed = jax.jacfwd(jax.grad(loss), argnums=1)(theta, zero)
            return -jnp.linalg.solve(H, mixed)

        d = implicit(fit.params)
        d_loss = jax.grad(loss, argnums=1)(fit.params, zero)
        d_guess = implicit(jnp.array(_THETA_START))
        J = fit.jac
        dr = jax.jacfwd(_residuals_v0, argnums=1)(fit.params, zero, t, x)
        gn = -jnp.linalg.solve(J.T @ J, J.T @ dr)
        return tuple(float(v) for v in (d[1], d[0], d[2], d_loss,
                                        d_guess[1], gn[1]))


# Computed once by dc_dv0_reference() (a test checks that they still
# agree): a fit and a Hessian per case, which the checker need not spend.
_DC_TABLE = (
    (-0.0756138299065747, 0.44831408837297365, -0.16782271148488226,
     -0.006715117318958939, 0.49969224266379786, -0.073800682141999),
    (-0.1123623439012032, 0.5069334806412218, -0.20247444483578853,
     0.026417270603644388, 0.2900150655492975, -0.11311096018707559),
)

# Gauss-Newton leaves out the residuals' second derivatives (2.4 % and
# 0.6 % here); both it and the exact implicit derivative pass, and every
# named mistake lies far outside.
_DC_RTOL = 0.05


def _dc(index: int) -> dict:
    return dict(zip(_DC_KEYS, _DC_TABLE[index]))


def _dc_hint(got: float, index: int) -> str:
    """The mistake behind a wrong dc/dv0, named."""
    d = _dc(index)

    def close(other):
        return math.isclose(got, other, rel_tol=_DC_RTOL, abs_tol=1e-9)

    if close(-d["c"]):
        return ("Your derivative has the wrong sign: the fit keeps the "
                "gradient of the loss at zero, so H dtheta + (d grad / "
                "d v0) dv0 = 0, and dtheta/dv0 = -H^-1 (d grad / d v0)")
    if close(d["k"]):
        return ("That is the sensitivity of the fitted stiffness k "
                "(theta[0]): the damping is theta[1]")
    if close(d["x0"]):
        return ("That is the sensitivity of the fitted x0 (theta[2]): the "
                "damping is theta[1]")
    if abs(got) <= 1e-9:
        return ("Your derivative is zero: does v0 enter your model? The "
                "initial state is (x0, v0), and the derivative is taken at "
                "v0 = 0, not with v0 left out")
    if close(d["loss"]):
        return ("That is the derivative of the loss at the fit with "
                "respect to v0, not of the fitted damping: differentiate "
                "the condition that holds at the fit, grad of the loss = 0, "
                "by the implicit function theorem")
    if close(d["guess"]):
        return ("That is the implicit derivative at the starting guess: "
                "the condition grad of the loss = 0 holds at the fit. Fit "
                "first, then differentiate there")
    if index:
        return _TYPED_IN
    return ("Fit (k, c, x0) with v0 = 0 as an argument of the residuals, "
            "then differentiate the condition that holds at the fit, "
            "grad of the loss = 0, with respect to v0")


_TRACED_V0 = {
    "concrete": "Your function needs the value of a traced array: under "
                "jax.jit or jax.jacfwd, v0 and the fitted parameters are "
                "traced. Keep them arrays (no float(), no if on them); "
                "the number of steps may use len(t)",
    "reverse_loop": "Reverse mode (jax.grad, jax.jacrev) cannot go "
                    "through levenberg_marquardt's lax.while_loop, as the "
                    "chapter showed. Differentiate the condition that "
                    "holds at the fit instead (the implicit function "
                    "theorem of the chapter on derivatives), or go through "
                    "the loop in forward mode",
}


@checker("dc_dv0")
def dc_dv0(fn) -> str:
    """Check ``dc_dv0(t, x_meas)``: d(fitted c)/d v0 at v0 = 0."""
    with jax.enable_x64(True):   # the worker thread computes in float64
        return _check_dc(fn)


def _check_dc(fn) -> str:
    for index, (shown, t, x_meas, _) in enumerate(_profile_cases()):
        shown = shown.replace(" (k", ", data from k").replace(
            "noise 0.02)", "noise 0.02").replace("noise 0.03)",
                                                 "noise 0.03")
        try:
            got = call(fn, jnp.asarray(t), jnp.asarray(x_meas),
                       overrides={"concrete": _TRACED_V0["concrete"]})
        except CheckFailed as stop:
            if stop.feedback.status == "fail" and "Reverse-mode" in str(
                    stop.error):
                raise fail(f"{_TRACED_V0['reverse_loop']}.",
                           stop.error) from stop
            _raise_for_the_other_experiment(stop, index, shown)
        shape = np.shape(got) if isinstance(
            got, (jax.Array, np.ndarray)) else None
        if shape == (3,):
            raise fail(f"dc_dv0 should be one number, got shape (3,) for "
                       f"{shown}: the sensitivities of all three fitted "
                       f"parameters? The damping is the second, [1]")
        value = float(require_scalar(got, "d c / d v0", shown=shown))
        want = _dc(index)["c"]
        if not math.isclose(value, want, rel_tol=_DC_RTOL):
            raise fail(f"Wrong d c / d v0 for {shown}: expected "
                       f"{want:.5g}, got {value:.5g}. "
                       f"{_dc_hint(value, index)}.")
    return ("Correct: your d c / d v0 matches the derivative of the fitted "
            "damping, by the implicit function theorem at the fit, for "
            "two experiments.")
