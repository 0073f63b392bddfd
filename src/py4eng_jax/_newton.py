"""Newton's method for a system of nonlinear equations, Jacobian by JAX.

To solve ``f(x) = 0`` for ``x`` in R^n, Newton's method repeats

    J(x) dx = -f(x),    x <- x + dx,

where ``J = jax.jacfwd(f)`` is the n x n Jacobian. Near a simple root the
error is squared at every step (quadratic convergence), so a handful of
steps reach the precision of the dtype.
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

__all__ = ["NewtonResult", "newton_solve"]


class NewtonResult(NamedTuple):
    """Result of :func:`newton_solve`."""

    x: jax.Array
    """The last iterate: the root when ``converged``."""
    residuals: jax.Array
    """``||f(x_k)||`` for k = 0, 1, ..., max_iter; NaN after the last
    step taken (``residuals[:steps + 1]`` is the history)."""
    steps: jax.Array
    """How many Newton steps were taken (an integer array)."""
    converged: jax.Array
    """Whether ``||f(x)|| <= tol`` at the end (a boolean array)."""


def newton_solve(f: Callable[[jax.Array], jax.Array], x0: ArrayLike, *,
                 tol: float = 1e-6, max_iter: int = 20) -> NewtonResult:
    """Solve ``f(x) = 0`` by Newton's method, with the Jacobian from JAX.

    Each step solves ``J(x) dx = -f(x)`` with ``J = jax.jacfwd(f)(x)`` and
    sets ``x <- x + dx``. The loop stops as soon as the Euclidean norm of
    ``f(x)`` is at most ``tol``, after ``max_iter`` steps, or when the
    residual stops being finite (a singular Jacobian, an overflow). It is
    a ``lax.while_loop``, so ``newton_solve`` also works inside ``jax.jit``
    and ``jax.vmap`` (over ``x0``).

    Args:
      f: a function from a 1-D float array of shape ``(n,)`` to an array of
        the same shape, written with ``jax.numpy``.
      x0: the starting point, a 1-D array (a list is accepted); integer
        values are converted to the default float dtype.
      tol: stop when ``||f(x)|| <= tol``; a positive number. Choose it
        above the rounding level of your dtype and scale (float32 carries
        about 7 significant digits).
      max_iter: the largest number of steps, a positive integer.

    Returns:
      A :class:`NewtonResult` ``(x, residuals, steps, converged)``.

    Raises:
      TypeError: ``f`` is not callable, ``x0`` is not array-like or not
        real, ``tol`` or ``max_iter`` has the wrong type.
      ValueError: ``x0`` is not 1-D, ``f(x0)`` has another shape than
        ``x0``, or ``tol``/``max_iter`` is not positive.

    Examples:
      The intersection of the circle ``x**2 + y**2 = 4`` with the line
      ``y = x``, from the start (1, 2):

      >>> def f(p):
      ...     x, y = p
      ...     return jnp.array([x**2 + y**2 - 4, y - x])
      >>> result = newton_solve(f, jnp.array([1.0, 2.0]))
      >>> result.x
      Array([1.4142135, 1.4142135], dtype=float32)
      >>> int(result.steps), bool(result.converged)
      (4, True)
    """
    if not callable(f):
        raise TypeError(f"f must be a function, got {type(f).__name__}")
    if isinstance(x0, (list, tuple)):
        try:
            x0 = jnp.asarray(x0)
        except (TypeError, ValueError) as err:
            raise TypeError(
                f"x0 must be a 1-D array of numbers, got {x0!r:.60}") from err
    x0 = _validate.array(x0, "x0", ndim=1)
    if x0.shape[0] == 0:
        raise ValueError("x0 must hold at least one unknown, got shape (0,)")
    if not jnp.issubdtype(x0.dtype, jnp.floating):
        x0 = x0.astype(jnp.result_type(float))
    tol = _validate.positive_number(tol, "tol")
    max_iter = _validate.positive_int(max_iter, "max_iter")
    try:
        out = jax.eval_shape(f, x0)
    except Exception as err:
        raise TypeError(
            f"f could not be called on x0 of shape {x0.shape}: "
            f"{type(err).__name__}: {err}") from err
    if getattr(out, "shape", None) != x0.shape:
        raise ValueError(
            f"f must return an array of the same shape as x0, {x0.shape}, "
            f"got {getattr(out, 'shape', type(out).__name__)}: Newton's "
            f"method needs as many equations as unknowns")
    return _solve(f, x0, tol, max_iter)


@functools.partial(jax.jit, static_argnums=(0, 3))
def _solve(f, x0, tol, max_iter):
    jacobian = jax.jacfwd(f)

    def keep_going(state):
        x, fx, k, history = state
        r = history[k]
        return (r > tol) & (k < max_iter) & jnp.isfinite(r)

    def step(state):
        x, fx, k, history = state
        x = x - jnp.linalg.solve(jacobian(x), fx)
        fx = f(x)
        return x, fx, k + 1, history.at[k + 1].set(jnp.linalg.norm(fx))

    fx0 = f(x0)
    history = jnp.full(max_iter + 1, jnp.nan, dtype=fx0.dtype)
    history = history.at[0].set(jnp.linalg.norm(fx0))
    x, _, steps, history = lax.while_loop(keep_going, step,
                                          (x0, fx0, 0, history))
    return NewtonResult(x, history, steps, history[steps] <= tol)
