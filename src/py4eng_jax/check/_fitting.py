"""Checkers for the exercises of the fitting chapter.

Both run the student's function in float64 (``jax.enable_x64``), whatever
the notebook's setting, and in a thread with a deadline, so that a
function that never returns gets a hint instead of a hung kernel.
"""

from __future__ import annotations

import threading

import jax
import jax.numpy as jnp
import numpy as np

from .._checking import CheckFailed, call, checker, fail, require_array
from .._dynamics import msd_analytic, rk4_solve

__all__ = ["cubic_residuals", "dxT_dk"]

DEADLINE_S = 8.0
"""Seconds a checker waits for one call of the student's function."""


def _run(fn, *args, what: str = "Your function"):
    """``call(fn, *args)`` in float64, in a thread, within DEADLINE_S."""
    box = {}

    def target():
        try:
            with jax.enable_x64(True):
                box["out"] = jax.block_until_ready(call(fn, *args))
        except CheckFailed as stop:
            box["stop"] = stop
        except Exception as err:  # e.g. block_until_ready on a non-array
            box["stop"] = fail(f"{what} raised {type(err).__name__}: {err}")

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(DEADLINE_S)
    if thread.is_alive():
        raise fail(
            f"{what} did not return within {DEADLINE_S:.0f} s. Is there a "
            f"loop that never ends? An integration of a few thousand RK4 "
            f"steps with lax.scan takes milliseconds. (The stuck call keeps "
            f"running in the background: restart the kernel if the "
            f"notebook gets slow.)")
    if "stop" in box:
        raise box["stop"]
    return box["out"]


# --- exercise 1: residuals of the cubic-spring model ---------------------

def _cubic_rhs(t, y, k, c, k3):
    x, v = y[0], y[1]
    return jnp.stack([v, -(c * v + k * x + k3 * x**3)])


def _cubic_residuals(theta, t, x_meas):
    k, c, k3, x0 = theta
    y0 = jnp.stack([x0, jnp.zeros_like(x0)])
    dt = (t[1] - t[0]) / 10
    ys = rk4_solve(_cubic_rhs, y0, 0.0, dt, 10 * (len(t) - 1), (k, c, k3),
                   every=10)
    return ys[:, 0] - x_meas


def _cubic_cases():
    """(shown, theta, t, x_meas): the shown case, then random ones."""
    rng = np.random.default_rng(13)
    with jax.enable_x64(True):
        t = jnp.linspace(0.0, 10.0, 101)
        cases = [("theta = (4.0, 0.4, 2.0, 1.0), t = linspace(0, 10, 101), "
                  "x_meas = 0.5 cos(2 t)", jnp.array([4.0, 0.4, 2.0, 1.0]),
                  t, 0.5 * jnp.cos(2.0 * t))]
        for i, (n, t_end) in enumerate([(41, 6.0), (61, 3.0)]):
            theta = rng.uniform([2.0, 0.1, 0.5, 0.5], [6.0, 0.8, 4.0, 1.5])
            cases.append((
                f"random case {i + 1} (theta = "
                f"{np.array2string(theta, precision=3)}, {n} times from 0 "
                f"to {t_end})", jnp.asarray(theta),
                jnp.linspace(0.0, t_end, n),
                jnp.asarray(0.3 * rng.standard_normal(n))))
    return cases


def _cubic_hint(got, want, shown, theta, t, x_meas):
    """The most likely mistake behind wrong residuals."""
    def close(a, b):
        return a.shape == b.shape and np.allclose(a, b, rtol=1e-6, atol=1e-8)

    sim = want + np.asarray(x_meas)
    if close(got, -want):
        return ("Your residuals have the wrong sign: return the simulated "
                "positions minus x_meas.")
    if close(got, sim):
        return "You returned the simulated positions: subtract x_meas."
    k, c, k3, x0 = theta
    with jax.enable_x64(True):
        quad = _cubic_residuals_variant(
            theta, t, x_meas, lambda x: k3 * x**2)
        linear = _cubic_residuals_variant(theta, t, x_meas, lambda x: 0 * x)
    if close(got, quad):
        return "Your spring force uses k3 x², not the cubic term k3 x³."
    if close(got, linear):
        return ("Your model ignores the cubic term: add k3 * x**3 to the "
                "spring force.")
    return ("Check the model (x'' = -(c v + k x + k3 x³) with m = 1), the "
            "initial state (x0, 0), and the step: 10 RK4 steps per "
            "interval between measurements, one residual per time in t.")


def _cubic_residuals_variant(theta, t, x_meas, extra):
    k, c, k3, x0 = theta

    def rhs(t_, y):
        x, v = y[0], y[1]
        return jnp.stack([v, -(c * v + k * x + extra(x))])

    y0 = jnp.stack([x0, jnp.zeros_like(x0)])
    dt = float(t[1] - t[0]) / 10
    ys = rk4_solve(rhs, y0, 0.0, dt, 10 * (len(t) - 1), every=10)
    return np.asarray(ys[:, 0] - x_meas)


@checker("cubic_residuals")
def cubic_residuals(fn) -> str:
    """Check ``cubic_residuals(theta, t, x_meas)`` (cubic-spring model)."""
    with jax.enable_x64(True):   # the references and hints in float64 too
        return _check_cubic(fn)


def _check_cubic(fn) -> str:
    for shown, theta, t, x_meas in _cubic_cases():
        got = require_array(_run(fn, theta, t, x_meas),
                            "the residuals")
        with jax.enable_x64(True):
            want = np.asarray(_cubic_residuals(theta, t, x_meas))
        if got.shape != want.shape:
            extra = ""
            if got.shape == (len(t), 2):
                extra = (" You returned both position and velocity: keep "
                         "the positions, ys[:, 0].")
            elif got.shape == ():
                extra = (" You returned one number: return the vector of "
                         "residuals, not their sum of squares.")
            elif len(got.shape) == 1 and got.shape[0] > len(t):
                extra = (" Did you keep every RK4 step? Keep one state per "
                         "measurement (every=10).")
            raise fail(f"Wrong shape for the residuals: expected "
                       f"{want.shape}, got {got.shape}, for {shown}.{extra}")
        if not np.allclose(got, want, rtol=1e-6, atol=1e-8):
            raise fail(f"Wrong residuals for {shown}: expected "
                       f"{np.array2string(want[:4], precision=5)} and so "
                       f"on, got {np.array2string(got[:4], precision=5)}. "
                       + _cubic_hint(got, want, shown, theta, t, x_meas))

    shown, theta, t, x_meas = _cubic_cases()[1]
    with jax.enable_x64(True):
        want = np.asarray(_cubic_residuals(theta, t, x_meas))
    try:
        got = _run(jax.jit(fn), theta, t, x_meas,
                   what="jax.jit of your function")
    except CheckFailed as stop:
        raise fail(f"Your residuals are right, but not under jax.jit, as "
                   f"levenberg_marquardt runs them (theta, t and x_meas "
                   f"are all traced there): {stop.feedback.message} Compute "
                   f"the step with jnp, e.g. (t[1] - t[0]) / 10, not "
                   f"float(); the number of steps may use len(t).")
    if not np.allclose(require_array(got, "the residuals"), want,
                       rtol=1e-6, atol=1e-8):
        raise fail("Your residuals change under jax.jit: is part of the "
                   "computation done in NumPy or Python on the values?")
    with jax.enable_x64(True):
        want_J = np.asarray(jax.jacfwd(_cubic_residuals)(theta, t, x_meas))
    try:
        got_J = _run(lambda th: jax.jacfwd(fn)(th, t, x_meas), theta,
                     what="jax.jacfwd of your function")
    except CheckFailed as stop:
        raise fail(f"Your residuals are right, but jax.jacfwd cannot "
                   f"differentiate them: {stop.feedback.message} Use jnp "
                   f"and rk4_solve only on theta (no np.asarray, float() or "
                   f"Python loops over its values).")
    got_J = require_array(got_J, "the Jacobian")
    if got_J.shape != want_J.shape or not np.allclose(
            got_J, want_J, rtol=1e-5, atol=1e-8):
        raise fail("Your residuals are right, but their Jacobian from "
                   "jax.jacfwd is not: is part of the computation hidden "
                   "from JAX (NumPy, or a value converted to a Python "
                   "number)?")
    return ("Correct: your residuals match for three cases, and jax.jacfwd "
            "differentiates them, so levenberg_marquardt can fit them.")


# --- exercise 2: sensitivity of the final position to k ------------------

def _dxT_dk_exact(theta, T):
    k, c, x0 = theta
    return jax.grad(lambda k: msd_analytic(T, k, c, 1.0, x0))(k)


_DX_CASES = [
    ("theta = (4.0, 0.4, 1.0), T = 5.0", (4.0, 0.4, 1.0), 5.0),
    ("theta = (2.5, 0.3, 0.7), T = 3.0", (2.5, 0.3, 0.7), 3.0),
    ("theta = (6.0, 0.9, 1.4), T = 7.5", (6.0, 0.9, 1.4), 7.5),
]


def _dx_hint(got, theta, T):
    """The most likely mistake behind a wrong sensitivity."""
    k, c, x0 = theta

    def close(a, b):
        return np.isclose(a, float(b), rtol=1e-4, atol=1e-7)

    with jax.enable_x64(True):
        theta = jnp.array(theta)
        x_at = lambda th, t: msd_analytic(t, th[0], th[1], 1.0, th[2])
        d_all = jax.grad(x_at)(theta, T)
        v_k = jax.grad(lambda k: jax.grad(
            lambda t: msd_analytic(t, k, c, 1.0, x0))(T))(k)
        before = jax.grad(lambda k: msd_analytic(T - 0.01, k, c, 1.0, x0))(k)
    if close(got, d_all[1]):
        return "You differentiated with respect to c, not k (theta[0])."
    if close(got, d_all[2]):
        return "You differentiated with respect to x0, not k (theta[0])."
    if close(got, v_k):
        return ("You differentiated the velocity: the position is "
                "ys[-1, 0].")
    if close(got, before):
        return ("That is the sensitivity one step too early: integrate "
                "round(T / 0.01) steps and take the last state, ys[-1].")
    return ("Differentiate the final position ys[-1, 0] of rk4_solve "
            "(steps of 0.01 s up to T) with jax.grad, with respect to k.")


@checker("dxT_dk")
def dxT_dk(fn) -> str:
    """Check ``dxT_dk(theta, T)``: d x(T) / d k through the integrator."""
    with jax.enable_x64(True):   # the references and hints in float64 too
        return _check_dx(fn)


def _check_dx(fn) -> str:
    for shown, theta, T in _DX_CASES:
        with jax.enable_x64(True):
            theta_arr = jnp.array(theta)
            want = float(_dxT_dk_exact(theta_arr, T))
        got = require_array(_run(fn, theta_arr, T), "the sensitivity")
        if got.shape != ():
            extra = ""
            if got.shape == (3,):
                extra = (" You returned the whole gradient with respect to "
                         "theta: return only its k component.")
            raise fail(f"Wrong shape for the sensitivity: expected (), got "
                       f"{got.shape}, for {shown}.{extra}")
        got = float(got)
        if not np.isclose(got, want, rtol=1e-5, atol=1e-7):
            raise fail(f"Wrong sensitivity for {shown}: expected "
                       f"{want:.6f}, got {got:.6f}. "
                       + _dx_hint(got, theta, T))
    return ("Correct: your sensitivity matches the derivative of the exact "
            "solution for three parameter sets and times.")
