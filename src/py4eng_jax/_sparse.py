"""Large sparse systems: steady and implicit heat conduction, matrix-free.

The plate is a square grid of spacing ``dx``; the array ``u`` holds the
*interior* temperatures, and the boundary around it is held at zero, as in
:mod:`py4eng_jax._heat`. The conductivity ``k`` may vary from point to
point. Steady conduction with a heat source ``q`` is ``A u = q``, where the
5-point (finite-volume) operator is::

    (A u)[i, j] = sum over the 4 faces of  k_face * (u[i, j] - u_nb) / dx**2

with ``k_face`` the mean of the conductivities on either side of the face.
``A`` is symmetric positive definite, so conjugate gradients (CG) solves
it; :func:`conduction_operator` applies it without ever storing it
(matrix-free), :func:`assemble_conduction` builds the same matrix for
SciPy. :func:`cg_solve` runs ``jax.scipy.sparse.linalg.cg``, checks the
operator first, counts the iterations and checks that it converged.
:func:`implicit_heat_step` is one theta-method step of the heat equation
(backward Euler at ``theta=1``, Crank-Nicolson at ``theta=0.5``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.sparse.linalg import cg

from . import _validate

__all__ = ["conduction_operator", "conduction_diagonal",
           "assemble_conduction", "cg_solve", "CGResult",
           "implicit_heat_step"]


def _conductivity(conductivity, shape: tuple, name="conductivity"):
    """A conductivity field of ``shape``: a positive number or an array."""
    if isinstance(conductivity, (jax.Array, np.ndarray)) and \
            conductivity.ndim > 0:
        k = _validate.array(conductivity, name, shape=shape, kind="real")
        return jnp.asarray(k)
    dtype = jax.dtypes.canonicalize_dtype(jnp.float64)
    if isinstance(conductivity, (jax.Array, np.ndarray)):   # 0-d array
        return jnp.full(shape, conductivity, dtype=dtype)
    k = _validate.positive_number(conductivity, name)
    return jnp.full(shape, k, dtype=dtype)


def _faces(k, xp=jnp) -> tuple:
    """The conductivities of the four faces of every point: the mean of the
    two points on either side (at the boundary, the point's own value).
    ``xp`` is ``jnp``, or ``np`` for float64 whatever JAX's setting."""
    kp = xp.pad(k, 1, mode="edge")
    centre = kp[1:-1, 1:-1]
    return ((centre + kp[:-2, 1:-1]) / 2, (centre + kp[2:, 1:-1]) / 2,
            (centre + kp[1:-1, :-2]) / 2, (centre + kp[1:-1, 2:]) / 2)


def conduction_operator(u, conductivity, dx: float) -> jax.Array:
    """Apply the conduction operator ``A u = -div(k grad u)``, matrix-free.

    Args:
      u: the interior temperatures, a 2-D float array; the boundary
        around it is held at zero.
      conductivity: a positive number, or an array of ``u``'s shape.
      dx: the grid spacing, a positive number.

    Returns:
      ``A u``, an array of ``u``'s shape (the heat that flows out of each
      point's cell, per unit area).

    Raises:
      TypeError: ``u`` is not a float array, or ``dx`` not a number.
      ValueError: ``u`` is not 2-D, the conductivity's shape is not
        ``u``'s, or ``dx`` is not positive.

    Examples:
      >>> conduction_operator(jnp.ones((3, 3)), 1.0, 1.0)
      Array([[2., 1., 2.],
             [1., 0., 1.],
             [2., 1., 2.]], dtype=float32)
    """
    u = _validate.array(u, "u", ndim=2, kind="float")
    k = _conductivity(conductivity, u.shape).astype(u.dtype)
    dx = _validate.positive_number(dx, "dx")
    up = jnp.pad(u, 1)
    k_up, k_down, k_left, k_right = _faces(k)
    flow = (k_up * (u - up[:-2, 1:-1]) + k_down * (u - up[2:, 1:-1])
            + k_left * (u - up[1:-1, :-2]) + k_right * (u - up[1:-1, 2:]))
    return flow / dx ** 2


def conduction_diagonal(conductivity, dx: float,
                        shape: tuple | None = None) -> jax.Array:
    """The diagonal of :func:`conduction_operator`, for a Jacobi
    preconditioner (``lambda r: r / diagonal``).

    Args:
      conductivity: a positive number (then give ``shape``) or a 2-D array.
      dx: the grid spacing, a positive number.
      shape: the grid's shape, when the conductivity is a number.

    Examples:
      >>> conduction_diagonal(1.0, 0.5, (2, 2))
      Array([[16., 16.],
             [16., 16.]], dtype=float32)
    """
    if shape is None:
        if not isinstance(conductivity, (jax.Array, np.ndarray)) or \
                jnp.ndim(conductivity) != 2:
            raise ValueError(
                "shape must be given when the conductivity is not a 2-D "
                f"array, got conductivity {_validate.describe(conductivity)}")
        shape = conductivity.shape
    k = _conductivity(conductivity, tuple(shape))
    dx = _validate.positive_number(dx, "dx")
    return sum(_faces(k)) / dx ** 2


def assemble_conduction(conductivity, dx: float):
    """The matrix of :func:`conduction_operator`, as a SciPy sparse array.

    Unknowns are numbered row by row (``u.ravel()``), so that
    ``A @ u.ravel() == conduction_operator(u, k, dx).ravel()``.

    Args:
      conductivity: a 2-D array of positive conductivities (its shape is
        the grid's).
      dx: the grid spacing, a positive number.

    Returns:
      A ``scipy.sparse.csr_array`` of shape ``(n * m, n * m)``, float64.

    Examples:
      >>> A = assemble_conduction(np.ones((2, 2)), 1.0)
      >>> A.toarray()
      array([[ 4., -1., -1.,  0.],
             [-1.,  4.,  0., -1.],
             [-1.,  0.,  4., -1.],
             [ 0., -1., -1.,  4.]])
    """
    import scipy.sparse

    if not isinstance(conductivity, (jax.Array, np.ndarray)):
        raise TypeError(
            f"conductivity must be a 2-D array, got "
            f"{_validate.describe(conductivity)}")
    _validate.array(conductivity, "conductivity", ndim=2)
    k = np.asarray(conductivity, np.float64)    # float64 whatever JAX's
    dx = _validate.positive_number(dx, "dx")
    n, m = k.shape
    index = np.arange(n * m).reshape(n, m)
    faces = _faces(k, np)
    rows, cols, vals = [index.ravel()], [index.ravel()], [sum(faces).ravel()]
    for face, (di, dj) in zip(faces, [(-1, 0), (1, 0), (0, -1), (0, 1)]):
        i, j = np.meshgrid(np.arange(n), np.arange(m), indexing="ij")
        inside = ((i + di >= 0) & (i + di < n) & (j + dj >= 0)
                  & (j + dj < m))
        rows.append(index[inside])
        cols.append(index[i[inside] + di, j[inside] + dj])
        vals.append(-face[inside])
    return scipy.sparse.csr_array(
        (np.concatenate(vals) / dx ** 2,
         (np.concatenate(rows), np.concatenate(cols))), shape=(n * m,) * 2)


class CGResult(NamedTuple):
    """What :func:`cg_solve` returns."""

    #: the solution, the shape of the right-hand side
    x: jax.Array
    #: how many CG iterations (operator applications after the first)
    iterations: int
    #: the relative residual ``|b - A x| / |b|`` reached
    residual: float


def _dot(a, b):
    return float(jnp.vdot(a.ravel(), b.ravel()))


def _probe(matvec: Callable, b: jax.Array, key) -> None:
    """Refuse an operator that is visibly not symmetric positive definite.

    Two random vectors u, v cost two applications: a symmetric A has
    v.(A u) == u.(A v), and a positive-definite one u.(A u) > 0. A pass
    proves nothing (a matrix could hide its asymmetry from both vectors),
    but a typical non-symmetric operator fails at once.
    """
    ku, kv = jax.random.split(key)
    u = jax.random.normal(ku, b.shape, b.dtype)
    v = jax.random.normal(kv, b.shape, b.dtype)
    au, av = matvec(u), matvec(v)
    for name, got in [("matvec(x)", au), ("matvec(x)", av)]:
        if not isinstance(got, jax.Array | np.ndarray) or \
                got.shape != b.shape:
            raise ValueError(
                f"{name} must return an array of b's shape {b.shape}, got "
                f"{_validate.describe(got)}")
    vau, uav, uau = _dot(v, au), _dot(u, av), _dot(u, au)
    scale = abs(vau) + abs(uav) + 1e-300
    eps = 1e-8 if b.dtype == jnp.float64 else 1e-3
    if not (math.isfinite(vau) and math.isfinite(uav)):
        raise ValueError("matvec gives non-finite values (inf or nan)")
    if abs(vau - uav) > eps * scale:
        raise ValueError(
            f"the operator must be symmetric for CG: for random u and v, "
            f"v.(A u) = {vau:.6g} but u.(A v) = {uav:.6g}. For a "
            f"non-symmetric operator use jax.scipy.sparse.linalg.gmres or "
            f"bicgstab")
    if not uau > 0:
        raise ValueError(
            f"the operator must be positive definite for CG: for a random "
            f"u, u.(A u) = {uau:.6g} <= 0")


def cg_solve(matvec: Callable, b, *, preconditioner: Callable | None = None,
             tol: float = 1e-10, maxiter: int | None = None,
             check_operator: bool = True, key=None) -> CGResult:
    """Solve ``A x = b`` with ``jax.scipy.sparse.linalg.cg``, and check it.

    Before solving, two random vectors probe that ``A`` is symmetric and
    positive definite (two extra applications); after, the true residual
    is computed and must be within 100 times ``tol`` (CG tests a residual
    it updates as it goes, which drifts from the true one by rounding; a
    singular or badly conditioned operator stops far short of it, or
    gives non-finite values).
    The iterations are counted with a ``jax.debug.callback`` in ``matvec``
    (a round trip to Python per iteration), and each call compiles the
    solve anew (``matvec`` is a new function each time): time
    ``jax.scipy.sparse.linalg.cg`` itself. This is an eager helper: inside
    ``jit``, ``grad`` or ``vmap`` call ``jax.scipy.sparse.linalg.cg``.

    Args:
      matvec: a function that applies ``A`` to an array of ``b``'s shape.
      b: the right-hand side, a float array of any shape.
      preconditioner: ``M``, a function approximating ``A``'s inverse,
        e.g. Jacobi's ``lambda r: r / diagonal``; ``None`` for none.
      tol: the relative residual ``|b - A x| / |b|`` to reach, in (0, 1).
      maxiter: the most iterations (default: 10 times ``b.size``).
      check_operator: probe symmetry and positivity first.
      key: the PRNG key of the probe (default: ``jax.random.key(0)``).

    Returns:
      A :class:`CGResult` ``(x, iterations, residual)``.

    Raises:
      TypeError: ``b`` is not a float array, is traced, or a function
        argument is not callable.
      ValueError: ``matvec`` or the preconditioner returns another shape;
        the operator is not symmetric or not positive definite; CG did not
        reach ``tol`` within ``maxiter`` iterations (a singular operator,
        or too few iterations).

    Examples:
      >>> A = jnp.array([[4.0, 1.0], [1.0, 3.0]])
      >>> result = cg_solve(lambda x: A @ x, jnp.array([1.0, 2.0]),
      ...                   tol=1e-6)
      >>> result.x.round(4), result.iterations
      (Array([0.0909, 0.6364], dtype=float32), 2)
    """
    if not callable(matvec):
        raise TypeError(
            f"matvec must be a function, got {_validate.describe(matvec)}")
    if isinstance(b, jax.core.Tracer):
        raise TypeError(
            "cg_solve is an eager helper (it checks the operator and counts "
            "the iterations on concrete values) and got a traced b: inside "
            "jit, grad or vmap, call jax.scipy.sparse.linalg.cg")
    b = _validate.array(b, "b", kind="float")
    if preconditioner is not None and not callable(preconditioner):
        raise TypeError(
            f"preconditioner must be a function or None, got "
            f"{_validate.describe(preconditioner)}")
    tol = _validate.real_number(tol, "tol", low=0, finite=True)
    if not 0 < tol < 1:
        raise ValueError(f"tol must lie between 0 and 1, got {tol!r}")
    maxiter = (10 * b.size if maxiter is None
               else _validate.positive_int(maxiter, "maxiter"))
    key = jax.random.key(0) if key is None else key
    if check_operator:
        _probe(matvec, b, key)
    if preconditioner is not None:
        got = preconditioner(b)
        if not isinstance(got, jax.Array | np.ndarray) or \
                got.shape != b.shape:
            raise ValueError(
                f"preconditioner must return an array of b's shape "
                f"{b.shape}, got {_validate.describe(got)}")

    calls = [0]

    def count():
        calls[0] += 1

    def counted(x):
        jax.debug.callback(count)
        return matvec(x)

    @jax.jit
    def solve(b):
        return cg(counted, b, tol=tol, maxiter=maxiter,
                  M=preconditioner)[0]

    x = solve(b).block_until_ready()
    jax.effects_barrier()
    norm_b = float(jnp.linalg.norm(b))
    residual = (float(jnp.linalg.norm(b - matvec(x))) / norm_b
                if norm_b > 0 else float(jnp.linalg.norm(matvec(x))))
    iterations = calls[0] - 1
    if not (math.isfinite(residual) and residual <= 100 * tol):
        raise ValueError(
            f"CG did not converge: after {iterations} iterations the "
            f"relative residual is {residual:.3g}, not {tol:g}. The "
            f"operator may be singular (no solution, or many), or too badly "
            f"conditioned for maxiter={maxiter}")
    return CGResult(x, iterations, residual)


def implicit_heat_step(u, r, theta: float = 0.5, *,
                       tol: float = 1e-10) -> jax.Array:
    """One theta-method step of ``u_t = alpha (u_xx + u_yy)``, zero edges.

    Solves ``(I + theta r L) u_new = (I - (1 - theta) r L) u`` by CG, with
    ``L u = 4 u - neighbours`` (the 5-point stencil) and
    ``r = alpha dt / dx**2``. ``theta=1`` is backward Euler (stable and
    damping for every ``r``, first order in time), ``theta=0.5``
    Crank-Nicolson (stable for every ``r``, second order). Jittable: the
    values are not checked (``tol`` is the CG tolerance).

    Args:
      u: the interior values, a 2-D float array.
      r: ``alpha dt / dx**2``, positive.
      theta: in [0, 1].

    Raises:
      TypeError, ValueError: ``u`` is not a 2-D float array, or ``theta``
        lies outside [0, 1].

    Examples:
      >>> u = jnp.ones((3, 3))
      >>> bool(jnp.all(implicit_heat_step(u, 100.0, theta=1.0) < 0.1))
      True
    """
    u = _validate.array(u, "u", ndim=2, kind="float")
    theta = _validate.real_number(theta, "theta", low=0, finite=True)
    if theta > 1:
        raise ValueError(f"theta must lie in [0, 1], got {theta!r}")
    r = jnp.asarray(r, u.dtype)

    def stencil(v):
        return conduction_operator(v, 1.0, 1.0)

    rhs = u - (1 - theta) * r * stencil(u)
    return cg(lambda v: v + theta * r * stencil(v), rhs, x0=u, tol=tol)[0]
