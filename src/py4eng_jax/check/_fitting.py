"""Checkers for the exercises of the fitting chapter.

Both run on the shared machinery of :mod:`py4eng_jax.check._framework` (a
deadline, capped while loops, JAX errors turned into hints). They run the
student's function in float64 (``jax.enable_x64``, entered in the worker
thread that runs the check), whatever the notebook's setting: the chapter
compares with references to many more digits than float32 holds.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from .._dynamics import msd_analytic, msd_rhs, rk4_solve
from ._framework import (
    call,
    checker,
    fail,
    jittable,
    program_size,
    require_array,
    require_scalar,
)

__all__ = ["cubic_residuals", "dxT_dk"]

# --- exercise 1: residuals of the cubic-spring model ---------------------


def _rhs_cubic(t, y, k, c, k3):
    x, v = y[0], y[1]
    return jnp.stack([v, -(c * v + k * x + k3 * x**3)])


# Typical slips in the right-hand side, for the hints (module-level, so
# that rk4_solve compiles each once).
def _rhs_square(t, y, k, c, k3):
    x, v = y[0], y[1]
    return jnp.stack([v, -(c * v + k * x + k3 * x**2)])


def _rhs_linear(t, y, k, c, k3):
    x, v = y[0], y[1]
    return jnp.stack([v, -(c * v + k * x)])


def _rhs_cubic_sign(t, y, k, c, k3):
    x, v = y[0], y[1]
    return jnp.stack([v, -(c * v + k * x) + k3 * x**3])


def _positions(theta, t, rhs=_rhs_cubic, per_interval=10, dt=None):
    """Positions at the times t (equally spaced from 0), float64."""
    k, c, k3, x0 = theta
    y0 = jnp.stack([x0, jnp.zeros_like(x0)])
    dt = (t[1] - t[0]) / per_interval if dt is None else dt
    return rk4_solve(rhs, y0, 0.0, dt, per_interval * (len(t) - 1),
                     (k, c, k3), every=per_interval)[:, 0]


def _reference_residuals(theta, t, x_meas):
    return _positions(theta, t) - x_meas


def _cubic_cases():
    """(shown, theta, t, x_meas): the shown case, then two random ones of
    another size and spacing (so that a hard-coded step, length or
    measurement shows)."""
    rng = np.random.default_rng(13)
    t = np.linspace(0.0, 5.0, 26)
    cases = [("theta = (4.0, 0.4, 2.0, 1.0), t = jnp.linspace(0, 5, 26), "
              "x_meas = 0.5 cos(2 t)", np.array([4.0, 0.4, 2.0, 1.0]), t,
              0.5 * np.cos(2.0 * t))]
    for i, t_end in enumerate([6.0, 3.0]):
        theta = rng.uniform([2.0, 0.1, 0.5, 0.5], [6.0, 0.8, 4.0, 1.5])
        cases.append((
            f"random case {i + 1} (theta = {_fmt(theta)}, 41 times from 0 "
            f"to {t_end:g} s)", theta, np.linspace(0.0, t_end, 41),
            0.3 * rng.standard_normal(41)))
    return cases


def _fmt(values) -> str:
    return "(" + ", ".join(f"{v:.3g}" for v in np.ravel(values)) + ")"


_CASES = _cubic_cases()


def _as_jax(theta, t, x_meas):
    """A case's arrays as float64 JAX arrays (call inside enable_x64)."""
    return jnp.asarray(theta), jnp.asarray(t), jnp.asarray(x_meas)


@functools.cache
def _expected_residuals(index: int) -> np.ndarray:
    _, *case = _CASES[index]
    with jax.enable_x64(True):
        return np.asarray(jax.jit(_reference_residuals)(*_as_jax(*case)))


@functools.cache
def _expected_jacobian(index: int) -> np.ndarray:
    _, *case = _CASES[index]
    with jax.enable_x64(True):
        return np.asarray(jax.jit(jax.jacfwd(_reference_residuals))(
            *_as_jax(*case)))


def _cubic_value_hint(got, index: int) -> str:
    """The most likely mistake behind wrong residuals (float64)."""
    _, theta, t, x_meas = _CASES[index]
    want = _expected_residuals(index)

    def close(other):
        return np.allclose(got, other, rtol=1e-6, atol=1e-9)

    if close(-want):
        return ("Your residuals have the wrong sign: return the simulated "
                "positions minus x_meas")
    if close(want + x_meas):
        return "You returned the simulated positions: subtract x_meas"
    theta, t_j, x_j = _as_jax(theta, t, x_meas)
    variants = [
        (dict(rhs=_rhs_square),
         "Your spring force uses k3 x², not the cubic term k3 x³"),
        (dict(rhs=_rhs_linear),
         "Your model leaves out the cubic term: add k3 x³ to the spring "
         "force"),
        (dict(rhs=_rhs_cubic_sign),
         "Your cubic term has the wrong sign: it is part of the spring "
         "force, x'' = -(c v + k x + k3 x³)"),
        (dict(dt=0.01),
         "Your step is fixed at 0.01 s, but here the times are spaced "
         "differently: take the step from the times, (t[1] - t[0]) / 10"),
        (dict(per_interval=1),
         "You take one RK4 step per interval between measurements: take "
         "10, and keep every tenth state (every=10)"),
    ]
    for options, hint in variants:
        if close(np.asarray(_positions(theta, t_j, **options)) - x_meas):
            return hint
    return ("Check the model (x'' = -(c v + k x + k3 x³) with m = 1), the "
            "initial state (x0, 0) and the step: 10 RK4 steps per interval "
            "between measurements, one residual per time in t")


def _cubic_shape_hint(shape, n: int) -> str:
    if shape == (n, 2):
        return (" You returned both position and velocity: keep the "
                "positions, ys[:, 0]")
    if shape == ():
        return (" You returned one number: return the vector of residuals, "
                "not their sum of squares")
    if shape == (10 * (n - 1) + 1,):
        return (" Did you keep every RK4 step? Keep one state per "
                "measurement (every=10)")
    if shape == (n - 1,):
        return (" One residual is missing: the first row of rk4_solve's "
                "result is the initial state, at t[0]")
    if len(shape) == 1:
        return (" Take the number of steps from the times, "
                "10 * (len(t) - 1), not from the chapter's data")
    return ""


_RHS_NUMPY = (
    "Your right-hand side runs inside rk4_solve, which compiles it: there "
    "the state and the parameters are traced arrays, and NumPy "
    "(np.array, np.asarray, float()) cannot read them. Build the "
    "derivative with jnp, e.g. "
    "jnp.stack([v, -(c * v + k * x + k3 * x**3)])")
_TRACED_STEP = (
    "levenberg_marquardt runs your function under jax.jit and jax.jacfwd, "
    "where theta, t and x_meas are traced. Compute the step with jnp, "
    "(t[1] - t[0]) / 10, not float(); the number of steps may use len(t), "
    "which is known while tracing")


@checker("cubic_residuals")
def cubic_residuals(fn) -> str:
    """Check ``cubic_residuals(theta, t, x_meas)`` (cubic-spring model)."""
    with jax.enable_x64(True):   # the worker thread computes in float64
        return _check_cubic(fn)


def _check_cubic(fn) -> str:
    for index, (shown, *case) in enumerate(_CASES):
        n = len(case[1])
        got = require_array(
            call(fn, *_as_jax(*case), overrides={"numpy": _RHS_NUMPY}),
            "The residuals")
        want = _expected_residuals(index)
        if got.shape != want.shape:
            raise fail(f"Wrong shape for the residuals: expected "
                       f"{want.shape}, got {got.shape}, for {shown}."
                       + _cubic_shape_hint(got.shape, n))
        if not np.allclose(got, want, rtol=1e-6, atol=1e-9):
            raise fail(f"Wrong residuals for {shown}: expected "
                       f"{np.array2string(want[:3], precision=4)} and so "
                       f"on, got {np.array2string(got[:3], precision=4)}. "
                       + _cubic_value_hint(got, index))

    # A Python loop over the steps gives the right values, but unrolls:
    # its program grows with the record, and compiling it takes ages.
    short, long = (_as_jax(_CASES[0][1], np.linspace(0.0, 5.0 * m, n),
                           np.zeros(n)) for m, n in ((1, 6), (2, 11)))
    try:
        size_short, size_long = (program_size(fn, *short),
                                 program_size(fn, *long))
    except Exception:   # not traceable: jittable below explains why
        size_short = size_long = 0
    if size_long > size_short:
        raise fail(
            f"Your values are right, but your function loops over the "
            f"steps in Python: its program grows with the record "
            f"({size_short} operations for 6 times, {size_long} for 11), "
            f"so a long record compiles slowly. Integrate with rk4_solve, "
            f"whose lax.scan is traced once")

    # As levenberg_marquardt runs it: under jit, with jacfwd.
    theta, t, x_meas = _as_jax(*_CASES[0][1:])
    got, got_J = jittable(
        lambda *a: (fn(*a), jax.jacfwd(fn)(*a)), theta, t, x_meas,
        hint=_TRACED_STEP, overrides={"numpy": _RHS_NUMPY})
    got = require_array(got, "The residuals under jax.jit")
    if got.shape != (len(t),) or not np.allclose(
            got, _expected_residuals(0), rtol=1e-6, atol=1e-9):
        raise fail(f"Your residuals change under jax.jit, for "
                   f"{_CASES[0][0]}: is part of the computation done in "
                   f"NumPy or plain Python on the values?")
    got_J = require_array(got_J, "The Jacobian from jax.jacfwd")
    want_J = _expected_jacobian(0)
    if got_J.shape != want_J.shape or not np.allclose(
            got_J, want_J, rtol=1e-5, atol=1e-8):
        raise fail("Your residuals are right, but their Jacobian from "
                   "jax.jacfwd is not: is part of the computation hidden "
                   "from JAX (jax.lax.stop_gradient, NumPy, a value "
                   "converted to a Python number)?")
    return ("Correct: your residuals match for three cases, and jax.jit "
            "and jax.jacfwd work through them, so levenberg_marquardt can "
            "fit them.")


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
    return ("Correct: your sensitivity matches the derivative of the exact "
            "solution for three parameter sets and times.")
