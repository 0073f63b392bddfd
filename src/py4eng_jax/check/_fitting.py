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

from .._dynamics import levenberg_marquardt, msd_analytic, msd_rhs, rk4_solve
from ._framework import (
    CheckFailed,
    call,
    checker,
    fail,
    require_scalar,
)

__all__ = ["profile_loss", "dxT_dk"]

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
             (0.4, 0.3, 0.6)),
            ("61 times over 6 s (k = 3.5, c = 0.3, x0 = 1.2, noise 0.03)",
             (3.5, 0.3, 1.2), 6.0, 61, 0.03, (0.5,))]:
        t = np.linspace(0.0, t_end, n)
        cases.append((shown, t, _ring_down(k, c, x0, t)
                      + sigma * rng.standard_normal(n), cs))
    return cases


@functools.cache
def _profile_cases():
    return _profile_data()


# The profile losses of the cases, computed once by profile_reference()
# (a test checks that they still agree): a Levenberg-Marquardt fit per c
# takes seconds to compile, which the checker need not spend.
_PROFILE_LOSSES = (
    (0.02079738530190662, 0.1203807766323447, 0.2418536501766353),
    (0.281200094728881,))


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
                "the fit has converged")
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
                if not index or stop.feedback.status != "fail" or (
                        "did not return" in stop.feedback.message):
                    raise
                raise fail(
                    f"{stop.feedback.message} Your function was right for "
                    f"the chapter's experiment, but not for {shown}: take "
                    f"the step and the number of steps from t, not from "
                    f"the chapter's data.", stop.error) from stop
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
            if not math.isclose(value, want, rel_tol=1e-6, abs_tol=1e-12):
                hint = _profile_hint(value, index, j, values + [value])
                if index and not hint.startswith(("That is", "Your loss is "
                                                  "the same")):
                    hint = ("Your function was right for the chapter's "
                            "experiment: did you write its step (0.01 s) "
                            "or its number of steps into the code? Take "
                            "them from t")
                raise fail(f"Wrong profile loss for {where}: expected "
                           f"{want:.6g}, got {value:.6g}. {hint}.")
            values.append(value)
    return ("Correct: your profile loss matches the smallest loss over k "
            "and x0 with c held fixed, for several c and two "
            "experiments.")


# --- exercise 2: sensitivity of the final position to k ------------------

_DX_CASES = [
    ("theta = (4.0, 0.4, 1.0), T = 5.0", (4.0, 0.4, 1.0), 5.0),
    ("theta = (2.5, 0.3, 0.7), T = 2.3", (2.5, 0.3, 0.7), 2.3),
    ("theta = (6.0, 0.9, 1.4), T = 7.5", (6.0, 0.9, 1.4), 7.5),
]


def _x_exact(theta, T):
    """The exact position at T, for theta = (k, c, x0); float64."""
    return msd_analytic(T, theta[0], theta[1], 1.0, theta[2])


_DX_KEYS = ("k", "c", "x0", "early", "velocity")


@functools.cache
def _dx_table() -> np.ndarray:
    """Per case, exact d x(T)/d (k, c, x0), d x(T - 0.01)/d k and
    d v(T)/d k, in float64: one compiled program for all cases."""
    def derivatives(theta, T):
        d_all = jax.grad(_x_exact)(theta, T)
        early = jax.grad(_x_exact)(theta, T - 0.01)[0]
        velocity = jax.grad(
            lambda th: jax.grad(_x_exact, argnums=1)(th, T))(theta)[0]
        return jnp.concatenate([d_all, jnp.stack([early, velocity])])

    with jax.enable_x64(True):
        thetas = jnp.array([theta for _, theta, _ in _DX_CASES])
        times = jnp.array([T for _, _, T in _DX_CASES])
        return np.asarray(jax.jit(jax.vmap(derivatives))(thetas, times))


def _dx_derivatives(index: int) -> dict:
    """The derivatives of case ``index`` by name (see _DX_KEYS)."""
    return dict(zip(_DX_KEYS, map(float, _dx_table()[index])))


def _x_rk4(k, c, x0, T, h):
    n = round(T / h)
    y0 = jnp.stack([x0, jnp.zeros_like(x0)])
    return rk4_solve(msd_rhs, y0, 0.0, T / n, n, (k, c))[-1, 0]


@functools.cache
def _dx_coarse(index: int) -> float:
    """d x(T)/d k through RK4 with steps of 0.1 s (ten times too long)."""
    _, (k, c, x0), T = _DX_CASES[index]
    with jax.enable_x64(True):
        return float(jax.grad(_x_rk4)(jnp.float64(k), c, x0, T, 0.1))


def _dx_hint(got: float, index: int) -> str:
    """The most likely mistake behind a wrong sensitivity."""
    d = _dx_derivatives(index)

    def close(other, rtol=1e-4):
        return np.isclose(got, other, rtol=rtol, atol=1e-9)

    if close(d["c"]):
        return "You differentiated with respect to c, not k (theta[0])"
    if close(d["x0"]):
        return "You differentiated with respect to x0, not k (theta[0])"
    if close(d["velocity"]):
        return ("You differentiated the velocity: the position is "
                "ys[-1, 0]")
    if close(d["early"]):
        T = _DX_CASES[index][2]
        why = (f" (int() rounds down: T / 0.01 is {T / 0.01!r} here)"
               if int(T / 0.01) != round(T / 0.01) else "")
        return (f"That is the sensitivity one step too early: integrate "
                f"round(T / 0.01) steps{why}, and take the last state, "
                f"ys[-1]")
    if close(_dx_coarse(index), rtol=1e-7):
        return ("Your steps are 0.1 s long: integrate with steps of "
                "0.01 s, round(T / 0.01) of them")
    if close(d["k"], rtol=1e-2):
        return ("Close, but not to the digits the checker expects: a "
                "finite difference? Differentiate through rk4_solve with "
                "jax.grad, which is exact up to rounding")
    return ("Differentiate the final position ys[-1, 0] of rk4_solve "
            "(steps of 0.01 s up to T) with jax.grad, with respect to k")


_TRACED_K = {
    kind: "Under jax.grad, k is traced, so your function cannot read "
          "its value (float(), int(), .item(), NumPy or an `if` on it). "
          "Keep k a JAX array all the way into rk4_solve"
    for kind in ("numpy", "concrete", "control_flow")}


@checker("dxT_dk")
def dxT_dk(fn) -> str:
    """Check ``dxT_dk(theta, T)``: d x(T) / d k through the integrator."""
    with jax.enable_x64(True):   # the worker thread computes in float64
        return _check_dx(fn)


def _check_dx(fn) -> str:
    for index, (shown, theta, T) in enumerate(_DX_CASES):
        got = call(fn, jnp.array(theta), T, overrides=_TRACED_K)
        shape = np.shape(got) if isinstance(
            got, (jax.Array, np.ndarray)) else None
        if shape == (3,):
            raise fail(f"The sensitivity should be one number, got shape "
                       f"(3,) for {shown}: the whole gradient with respect "
                       f"to theta. Return only its k component, [0]")
        if shape == (2,):
            raise fail(f"The sensitivity should be one number, got shape "
                       f"(2,) for {shown}: the derivative of the whole "
                       f"final state (x, v). Differentiate the position "
                       f"only, ys[-1, 0]")
        got = float(require_scalar(got, "the sensitivity", shown=shown))
        want = _dx_derivatives(index)["k"]
        if not np.isclose(got, want, rtol=1e-6, atol=1e-9):
            raise fail(f"Wrong sensitivity for {shown}: expected "
                       f"{want:.6f}, got {got:.6f}. "
                       + _dx_hint(got, index))
        exact_rk4 = _dx_through_rk4(index)
        gap = abs(got - exact_rk4) / abs(exact_rk4)
        if gap > 1e-11:
            raise fail(
                f"Your sensitivity for {shown} is close to the exact "
                f"derivative, but {gap:.0e} (relative) away from the "
                f"derivative of the RK4 solution itself, which automatic "
                f"differentiation gets to rounding (1e-11 or better). "
                f"That is the error of a finite difference: differentiate "
                f"through the integrator with JAX instead of nudging k")
    return ("Correct: your sensitivity matches the derivative of the exact "
            "solution for three parameter sets and times, and that of the "
            "RK4 solution to rounding: JAX differentiated through the "
            "integrator.")


@functools.cache
def _dx_through_rk4(index: int) -> float:
    """d x(T)/d k of the RK4 solution with round(T / 0.01) equal steps,
    by forward mode (the exact derivative of the discrete solution); the
    number of steps is traced, so one compilation serves every case."""
    _, (k, c, x0), T = _DX_CASES[index]
    n = round(T / 0.01)
    with jax.enable_x64(True):
        return float(_dx_rk4_jvp(jnp.float64(k), jnp.float64(c),
                                 jnp.float64(x0), jnp.float64(T / n), n))


@jax.jit
def _dx_rk4_jvp(k, c, x0, h, n):
    def x_final(k):
        def step(i, y):
            t = i * h
            k1 = msd_rhs(t, y, k, c)
            k2 = msd_rhs(t + h / 2, y + h / 2 * k1, k, c)
            k3 = msd_rhs(t + h / 2, y + h / 2 * k2, k, c)
            k4 = msd_rhs(t + h, y + h * k3, k, c)
            return y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        y0 = jnp.stack([x0, jnp.zeros_like(x0)])
        return jax.lax.fori_loop(0, n, step, y0)[0]
    return jax.jvp(x_final, (k,), (jnp.ones_like(k),))[1]
