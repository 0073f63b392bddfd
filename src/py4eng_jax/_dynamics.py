"""Simulate and fit a dynamical model: RK4 with ``lax.scan``, and
Levenberg–Marquardt with a forward-mode Jacobian.

The model of the chapter "Fitting a dynamical model to measurements" is a
mass–spring–damper released from rest, ``m x'' + c x' + k x = 0``, with
state ``y = (x, v)``. :func:`msd_rhs` is its right-hand side in SciPy's
``fun(t, y, *args)`` convention, :func:`msd_analytic` the exact solution of
the underdamped case, :func:`rk4_solve` a fixed-step integrator and
:func:`levenberg_marquardt` a least-squares fitter, compiled whole.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp
from jax import lax
from jax.typing import ArrayLike

from . import _validate

__all__ = ["rk4_solve", "msd_rhs", "msd_analytic", "levenberg_marquardt",
           "LMResult"]


def _rk4_step(f, t, y, dt, args):
    k1 = f(t, y, *args)
    k2 = f(t + dt / 2, y + dt / 2 * k1, *args)
    k3 = f(t + dt / 2, y + dt / 2 * k2, *args)
    k4 = f(t + dt, y + dt * k3, *args)
    return y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def rk4_solve(f: Callable, y0: ArrayLike, t0, dt, n_steps: int,
              args: tuple = (), *, every: int = 1,
              checkpoint: bool = False) -> jax.Array:
    """Integrate ``y' = f(t, y, *args)`` with ``n_steps`` fixed RK4 steps.

    The classical fourth-order Runge–Kutta method, written with
    ``lax.scan``, so the compiled program does not grow with ``n_steps``
    and ``jax.grad``, ``jax.jacfwd`` and ``jax.vmap`` work through it.

    Args:
      f: the right-hand side, ``f(t, y, *args)`` returning an array of the
        shape and dtype of ``y`` (SciPy's ``solve_ivp`` convention).
      y0: the initial state, a 1-D floating-point array.
      t0: the initial time (a number or a 0-d array).
      dt: the step, a positive number (or a 0-d array, e.g. traced).
      n_steps: how many steps, a Python integer of at least 1.
      args: extra arguments passed to ``f`` (a tuple; arrays may be
        traced, so you can differentiate with respect to them).
      every: keep the state every ``every`` steps only (a positive integer
        that divides ``n_steps``): a scan over chunks of ``every`` steps.
      checkpoint: wrap each chunk of ``every`` steps in ``jax.checkpoint``,
        so that reverse mode (``jax.grad``) stores only the state at the
        start of each chunk and recomputes the chunk's steps on the way
        back: much less memory for about one more forward pass.

    Returns:
      The states at ``t0, t0 + every * dt, ..., t0 + n_steps * dt``: an
      array of shape ``(n_steps // every + 1, len(y0))``, the first row
      ``y0``.

    Examples:
      >>> growth = lambda t, y, r: r * y
      >>> ys = rk4_solve(growth, jnp.array([1.0]), 0.0, 0.1, 10, (1.0,))
      >>> ys.shape
      (11, 1)
      >>> round(float(ys[-1, 0]), 5)   # e = 2.71828...
      2.71828
      >>> rk4_solve(growth, jnp.array([1.0]), 0.0, 0.1, 10, (1.0,),
      ...           every=5).shape
      (3, 1)
    """
    if not callable(f):
        raise TypeError(f"f must be a function f(t, y, *args), got "
                        f"{type(f).__name__}")
    y0 = _validate.array(y0, "y0", ndim=1, kind="float")
    dt = _validate.positive_number(dt, "dt")
    n_steps = _validate.positive_int(n_steps, "n_steps")
    every = _validate.positive_int(every, "every")
    if n_steps % every:
        raise ValueError(f"every must divide n_steps, got every={every} "
                         f"and n_steps={n_steps}")
    if not isinstance(args, tuple):
        raise TypeError(f"args must be a tuple of extra arguments for f, "
                        f"got {type(args).__name__}")
    if not isinstance(checkpoint, bool):
        raise TypeError(f"checkpoint must be True or False, got "
                        f"{type(checkpoint).__name__}")
    t0 = jnp.asarray(t0, dtype=y0.dtype)
    if t0.ndim != 0:
        raise ValueError(f"t0 must be a number, got shape {t0.shape}")
    out = jax.eval_shape(f, t0, y0, *args)
    if getattr(out, "shape", None) != y0.shape:
        raise ValueError(
            f"f must return an array of the shape of y0, {y0.shape}; "
            f"f(t0, y0, *args) returned "
            f"{getattr(out, 'shape', type(out).__name__)}")

    return _rk4_scan(f, y0, t0, dt, args, n_steps, every, checkpoint)


@functools.partial(jax.jit, static_argnums=(0, 5, 6, 7))
def _rk4_scan(f, y0, t0, dt, args, n_steps, every, checkpoint):
    # Compiled as one program, also when rk4_solve is called eagerly: one
    # compilation per f, shapes and step counts, then cached.
    def step(carry, _):
        t, y = carry
        y = _rk4_step(f, t, y, dt, args).astype(y0.dtype)
        return (t + dt, y), None

    def chunk(carry, _):
        carry, _ = lax.scan(step, carry, length=every)
        return carry, carry[1]

    if checkpoint:
        chunk = jax.checkpoint(chunk)
    _, ys = lax.scan(chunk, (t0, y0), length=n_steps // every)
    return jnp.concatenate([y0[None], ys])


def msd_rhs(t, y: ArrayLike, k, c, m=1.0) -> jax.Array:
    """The mass–spring–damper ``m x'' + c x' + k x = 0`` as a first-order
    system: for ``y = (x, v)``, returns ``(v, -(c v + k x) / m)``.

    ``t`` is unused (the system is autonomous); it is there for the
    ``f(t, y, *args)`` convention of :func:`rk4_solve` and SciPy.

    Examples:
      >>> msd_rhs(0.0, jnp.array([1.0, 0.5]), 4.0, 0.2)
      Array([ 0.5, -4.1], dtype=float32)
    """
    y = _validate.array(y, "y", shape=(2,), kind="float")
    x, v = y[0], y[1]
    return jnp.stack([v, -(c * v + k * x) / m])


def msd_analytic(t: ArrayLike, k, c, m=1.0, x0=1.0, v0=0.0) -> jax.Array:
    """The exact position ``x(t)`` of an underdamped mass–spring–damper.

    With ``w0 = sqrt(k / m)``, damping ratio ``zeta = c / (2 sqrt(k m))``
    below 1 and ``wd = w0 sqrt(1 - zeta**2)``:
    ``x(t) = exp(-zeta w0 t) (x0 cos(wd t) + (v0 + zeta w0 x0) / wd
    sin(wd t))``.

    Args:
      t: times, any shape.
      k, c, m: stiffness, damping and mass (positive; ``c`` may be 0).
      x0, v0: position and velocity at ``t = 0``.

    Raises:
      ValueError: when the parameters are known and the system is not
        underdamped (``zeta >= 1``), or ``k`` or ``m`` is not positive.

    Examples:
      >>> float(msd_analytic(0.0, 4.0, 0.4))
      1.0
    """
    t = jnp.asarray(t)
    concrete = [not isinstance(p, jax.core.Tracer) for p in (k, c, m)]
    if all(concrete):
        k_, c_, m_ = (float(p) for p in (k, c, m))
        if not (k_ > 0 and m_ > 0):
            raise ValueError(f"k and m must be positive, got k={k_!r}, "
                             f"m={m_!r}")
        zeta_ = c_ / (2 * (k_ * m_) ** 0.5)
        if not 0 <= zeta_ < 1:
            raise ValueError(
                f"msd_analytic needs an underdamped system, 0 <= c / "
                f"(2 sqrt(k m)) < 1; got damping ratio {zeta_:.3g} for "
                f"k={k_!r}, c={c_!r}, m={m_!r}")
    return _msd_analytic(t, k, c, m, x0, v0)


@jax.jit
def _msd_analytic(t, k, c, m, x0, v0):
    # One compiled program instead of a dozen small eager operations.
    w0 = jnp.sqrt(k / m)
    zeta = c / (2 * jnp.sqrt(k * m))
    wd = w0 * jnp.sqrt(1 - zeta**2)
    return jnp.exp(-zeta * w0 * t) * (
        x0 * jnp.cos(wd * t) + (v0 + zeta * w0 * x0) / wd * jnp.sin(wd * t))


class LMResult(NamedTuple):
    """What :func:`levenberg_marquardt` returns; every field a JAX array."""

    params: jax.Array
    """The fitted parameters."""
    residual: jax.Array
    """The residual vector at ``params``."""
    jac: jax.Array
    """The Jacobian of the residuals at ``params``, ``(n, p)``."""
    cost: jax.Array
    """Half the sum of squared residuals at ``params`` (SciPy's cost)."""
    iterations: jax.Array
    """How many iterations ran (each one residual evaluation)."""
    jacobians: jax.Array
    """How many Jacobians were computed (one per accepted step, + 1)."""
    converged: jax.Array
    """Whether a tolerance stopped the loop (else ``max_iter`` did)."""


@functools.partial(jax.jit, static_argnames=("residual", "max_iter"))
def _lm(residual, theta0, args, max_iter, xtol, ftol, lam0):
    def linearize(theta):
        # The residuals come out of the forward-mode pass itself (has_aux),
        # not from a second evaluation.
        def value_twice(theta):
            r = residual(theta, *args)
            return r, r

        J, r = jax.jacfwd(value_twice, has_aux=True)(theta)
        return r, J

    r0, J0 = linearize(theta0)

    def keep_going(state):
        theta, r, J, lam, it, njev, done = state
        return ~done & (it < max_iter)

    def iterate(state):
        theta, r, J, lam, it, njev, done = state
        g = J.T @ r
        A = J.T @ J
        # Marquardt's scaling: damp each parameter by its own curvature.
        step = -jnp.linalg.solve(A + lam * jnp.diag(jnp.diag(A)), g)
        trial = theta + step
        r_trial = residual(trial, *args)
        cost, cost_trial = r @ r / 2, r_trial @ r_trial / 2
        better = cost_trial < cost
        small_step = (jnp.linalg.norm(step)
                      <= xtol * (xtol + jnp.linalg.norm(theta)))
        small_gain = better & (cost - cost_trial <= ftol * cost)
        # Only accepted steps need a new Jacobian: lax.cond computes it
        # only then.
        theta, r, J = lax.cond(
            better, lambda: (trial, *linearize(trial)),
            lambda: (theta, r, J))
        lam = jnp.where(better, lam / 10, lam * 10)
        return (theta, r, J, lam, it + 1, njev + better.astype(jnp.int32),
                small_step | small_gain)

    state = (theta0, r0, J0, jnp.asarray(lam0, theta0.dtype), 0, 1,
             jnp.asarray(False))
    theta, r, J, lam, it, njev, done = lax.while_loop(
        keep_going, iterate, state)
    return LMResult(theta, r, J, r @ r / 2, it, njev, done)


def levenberg_marquardt(residual: Callable, theta0: ArrayLike,
                        args: tuple = (), *, max_iter: int = 100,
                        xtol: float = 1e-10, ftol: float = 1e-12,
                        lam0: float = 1e-3) -> LMResult:
    """Minimize ``sum(residual(theta, *args)**2)`` by Levenberg–Marquardt.

    Each iteration solves ``(J^T J + lam diag(J^T J)) step = -J^T r`` with
    the Jacobian ``J`` from ``jax.jacfwd`` (forward mode: one pass per
    parameter, cheap for a few parameters and many residuals). A step that
    lowers the cost is accepted and ``lam`` divided by 10 (towards
    Gauss–Newton); otherwise it is refused and ``lam`` multiplied by 10
    (towards a short gradient step). The loop stops when a step changes
    ``theta`` by less than ``xtol`` relative to its norm, or an accepted
    step lowers the cost by less than ``ftol`` relative, or after
    ``max_iter`` iterations.

    The whole loop is one compiled ``lax.while_loop``. It compiles once per
    ``residual`` function object, ``max_iter`` and input shapes: pass the
    same function (not a new ``lambda``) to reuse the compilation.

    Args:
      residual: ``residual(theta, *args)``, a 1-D array of residuals.
      theta0: the starting parameters, a 1-D floating-point array.
      args: extra arguments for ``residual`` (a tuple of arrays).
      max_iter: the most iterations (a positive integer).
      xtol, ftol: relative tolerances on the step and on the cost decrease
        (positive numbers).
      lam0: the initial damping (a positive number).

    Returns:
      An :class:`LMResult`.

    Examples:
      >>> line = lambda th, x, y: th[0] * x + th[1] - y
      >>> x = jnp.arange(5.0)
      >>> fit = levenberg_marquardt(line, jnp.zeros(2), (x, 2 * x + 1))
      >>> [round(float(p), 4) for p in fit.params]
      [2.0, 1.0]
    """
    if not callable(residual):
        raise TypeError(f"residual must be a function residual(theta, "
                        f"*args), got {type(residual).__name__}")
    theta0 = _validate.array(theta0, "theta0", ndim=1, kind="float")
    if not isinstance(args, tuple):
        raise TypeError(f"args must be a tuple of extra arguments for "
                        f"residual, got {type(args).__name__}")
    max_iter = _validate.positive_int(max_iter, "max_iter")
    xtol = _validate.positive_number(xtol, "xtol")
    ftol = _validate.positive_number(ftol, "ftol")
    lam0 = _validate.positive_number(lam0, "lam0")
    out = jax.eval_shape(residual, theta0, *args)
    if getattr(out, "ndim", None) != 1:
        raise ValueError(
            f"residual must return a 1-D array; residual(theta0, *args) "
            f"returned {getattr(out, 'shape', type(out).__name__)}")
    return _lm(residual, theta0, args, max_iter, xtol, ftol, lam0)
