"""The 2-D heat equation with an explicit stencil, on one device or many.

The equation ``u_t = alpha * (u_xx + u_yy)`` is solved on a square grid of
spacing ``dx``. The array ``u`` holds the *interior* points only; the
boundary around it is held at zero (fixed, Dirichlet, boundaries). One
explicit (forward Euler) step with the 5-point stencil is::

    u + alpha * dt / dx**2 * (up + down + left + right - 4 * u)

It is stable only for ``alpha * dt / dx**2 <= 1/4`` (:func:`stable_dt`).

:func:`simulate_sharded` splits the rows of the grid over the devices of a
1-D mesh with ``jax.shard_map``; at every step each device swaps its edge
rows with its neighbours (``lax.ppermute``), its *halo*. Both simulations
compute every point with the same operations in the same order.
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from . import _validate

__all__ = ["stable_dt", "fourier_mode", "heat_step", "simulate",
           "simulate_sharded"]

#: The largest stable ``alpha * dt / dx**2`` of the explicit 2-D scheme.
STABILITY_LIMIT = 0.25


def stable_dt(alpha: float, dx: float) -> float:
    """The largest stable time step, ``dx**2 / (4 * alpha)``.

    Args:
      alpha: the diffusivity, a positive number.
      dx: the grid spacing, a positive number.

    Examples:
      >>> stable_dt(1.0, 0.1)
      0.0025000000000000005
    """
    alpha = _validate.positive_number(alpha, "alpha")
    dx = _validate.positive_number(dx, "dx")
    return STABILITY_LIMIT * dx ** 2 / alpha


def fourier_mode(n: int, t: float = 0.0, alpha: float = 1.0) -> jax.Array:
    """The exact solution ``sin(pi x) sin(pi y) exp(-2 pi**2 alpha t)``.

    It solves the heat equation on the unit square with zero boundaries.
    Sampled at the ``n x n`` interior points of the grid of spacing
    ``dx = 1 / (n + 1)``, the grid :func:`simulate` works on.

    Args:
      n: interior points per side, a positive integer.
      t: the time, a non-negative number.
      alpha: the diffusivity, a positive number.

    Returns:
      A float32 array of shape ``(n, n)``.

    Examples:
      >>> fourier_mode(3).round(3)
      Array([[0.5  , 0.707, 0.5  ],
             [0.707, 1.   , 0.707],
             [0.5  , 0.707, 0.5  ]], dtype=float32)
    """
    n = _validate.positive_int(n, "n")
    t = _validate.real_number(t, "t", low=0, finite=True)
    alpha = _validate.positive_number(alpha, "alpha")
    x = jnp.arange(1, n + 1) / (n + 1)
    profile = jnp.sin(jnp.pi * x)
    decay = math.exp(-2 * math.pi ** 2 * alpha * t)
    return (jnp.outer(profile, profile) * decay).astype(jnp.float32)


def _check_run(u0, alpha, dx, dt, n_steps, allow_unstable) -> tuple:
    """Validate the arguments of a simulation; return them cleaned up."""
    u0 = _validate.array(u0, "u0", ndim=2, kind="float")
    alpha = _validate.positive_number(alpha, "alpha")
    dx = _validate.positive_number(dx, "dx")
    dt = _validate.positive_number(dt, "dt")
    n_steps = _validate.nonnegative_int(n_steps, "n_steps")
    r = alpha * dt / dx ** 2
    # The stability check reads the values on the host: concrete arrays
    # passed into a jitted caller would otherwise make `r` a tracer.
    known = [None if isinstance(v, jax.core.Tracer) else float(np.asarray(v))
             for v in (alpha, dt, dx)]
    r_known = (None if None in known
               else known[0] * known[1] / known[2] ** 2)
    if (r_known is not None and r_known > STABILITY_LIMIT
            and not allow_unstable):
        a, t, h = known
        raise ValueError(
            f"dt must be at most dx**2 / (4 * alpha) = "
            f"{stable_dt(a, h):.6g} for a stable explicit step "
            f"(alpha * dt / dx**2 <= 1/4), got dt={t!r} "
            f"(alpha * dt / dx**2 = {r_known:.4g}); pass allow_unstable=True "
            f"to run it anyway")
    return u0, r, n_steps


def _update(padded: jax.Array, r) -> jax.Array:
    """One step on a block padded with one row and column of neighbours.

    The only arithmetic of both simulations, so that they round alike.
    """
    u = padded[1:-1, 1:-1]
    neighbours = (padded[:-2, 1:-1] + padded[2:, 1:-1]
                  + padded[1:-1, :-2] + padded[1:-1, 2:])
    return u + r * (neighbours - 4 * u)


def heat_step(u: jax.Array, r) -> jax.Array:
    """One explicit step with zero boundaries, ``r = alpha * dt / dx**2``.

    Not validated (it runs inside loops); :func:`simulate` checks its
    arguments once.

    Examples:
      >>> heat_step(jnp.ones((3, 3)), 0.25)
      Array([[0.5 , 0.75, 0.5 ],
             [0.75, 1.  , 0.75],
             [0.5 , 0.75, 0.5 ]], dtype=float32)
    """
    return _update(jnp.pad(u, 1), r)


@functools.partial(jax.jit, static_argnums=2)
def _simulate(u0, r, n_steps):
    r = jnp.asarray(r, u0.dtype)
    return lax.fori_loop(0, n_steps, lambda _, u: heat_step(u, r), u0)


def simulate(u0, alpha: float, dx: float, dt: float, n_steps: int, *,
             allow_unstable: bool = False) -> jax.Array:
    """``n_steps`` explicit steps of the heat equation, on one device.

    Args:
      u0: the initial interior values, a 2-D float array; the boundary
        around it stays at zero.
      alpha: the diffusivity, a positive number.
      dx: the grid spacing, a positive number.
      dt: the time step, positive and at most :func:`stable_dt`.
      n_steps: how many steps, a non-negative integer.
      allow_unstable: run a ``dt`` above the stability limit anyway (to
        watch it blow up).

    Returns:
      The values after ``n_steps`` steps, the shape of ``u0``.

    Raises:
      TypeError: ``u0`` is not a float array, or a number is not a number.
      ValueError: ``u0`` is not 2-D, a number is not positive, or ``dt``
        is above the stability limit.

    Examples:
      >>> n = 15
      >>> dx = 1 / (n + 1)
      >>> dt = stable_dt(1.0, dx)
      >>> u = simulate(fourier_mode(n), 1.0, dx, dt, 100)
      >>> exact = fourier_mode(n, t=100 * dt)
      >>> bool(jnp.abs(u - exact).max() < 1e-2)
      True
      >>> simulate(fourier_mode(n), 1.0, dx, 2 * dt, 100)
      Traceback (most recent call last):
      ...
      ValueError: dt must be at most dx**2 / (4 * alpha) = 0.000976562 ...
    """
    u0, r, n_steps = _check_run(u0, alpha, dx, dt, n_steps, allow_unstable)
    return _simulate(u0, r, n_steps)


def _check_mesh(mesh, u0) -> str:
    """A 1-D mesh whose size divides the rows of ``u0``; its axis name."""
    if not isinstance(mesh, Mesh):
        raise TypeError(
            f"mesh must be a jax.sharding.Mesh, got {type(mesh).__name__}")
    if len(mesh.axis_names) != 1:
        raise ValueError(
            f"mesh must have one axis to split the rows over, got "
            f"{len(mesh.axis_names)} axes {mesh.axis_names}")
    if u0.shape[0] % mesh.size:
        raise ValueError(
            f"u0 must have a number of rows divisible by the {mesh.size} "
            f"devices of the mesh, got shape {u0.shape}")
    return mesh.axis_names[0]


def _halo_step(block, r, axis: str, exchange: bool = True):
    """One step of one device's block of rows, with its halo.

    The row above comes from the previous device (its last row), the row
    below from the next (its first row). The first and the last device
    receive nothing: ``ppermute`` gives them zeros, the fixed boundary.
    With ``exchange=False`` the halo is zeros everywhere (wrong, but the
    same arithmetic: it times the compute alone).
    """
    if exchange:
        n = lax.axis_size(axis)
        down = [(i, i + 1) for i in range(n - 1)]
        up = [(i + 1, i) for i in range(n - 1)]
        above = lax.ppermute(block[-1:], axis, perm=down)
        below = lax.ppermute(block[:1], axis, perm=up)
    else:
        above = below = jnp.zeros_like(block[:1])
    rows = jnp.concatenate([above, block, below])
    return _update(jnp.pad(rows, ((0, 0), (1, 1))), r)


@functools.partial(jax.jit, static_argnums=(2, 3, 4))
def _simulate_sharded(u0, r, n_steps, mesh, exchange=True):
    axis = mesh.axis_names[0]
    spec = PartitionSpec(axis)

    @functools.partial(jax.shard_map, mesh=mesh,
                       in_specs=(spec, PartitionSpec()), out_specs=spec)
    def run(block, r):
        r = jnp.asarray(r, block.dtype)
        return lax.fori_loop(
            0, n_steps, lambda _, b: _halo_step(b, r, axis, exchange), block)

    return run(u0, r)


def simulate_sharded(u0, alpha: float, dx: float, dt: float, n_steps: int,
                     mesh: Mesh, *, allow_unstable: bool = False,
                     exchange: bool = True) -> jax.Array:
    """:func:`simulate` with the rows split over the devices of ``mesh``.

    Each device steps its own block of rows, and swaps its first and last
    row with its neighbours before every step (``lax.ppermute``). The
    whole time loop runs inside one ``jax.shard_map``.

    Args:
      u0, alpha, dx, dt, n_steps, allow_unstable: as for :func:`simulate`.
      mesh: a 1-D mesh whose number of devices divides the rows of ``u0``.
      exchange: ``False`` skips the halo exchange (every block then sees
        zeros around it: a wrong answer, for timing the compute alone).

    Returns:
      The values after ``n_steps`` steps, split by rows over ``mesh``.

    Raises:
      as :func:`simulate`; also TypeError if ``mesh`` is not a Mesh, and
      ValueError if it has more than one axis or its size does not divide
      the rows of ``u0``.

    Examples:
      >>> from py4eng_jax import device_mesh
      >>> mesh = device_mesh(1)
      >>> u0 = fourier_mode(8)
      >>> dx, dt = 1 / 9, stable_dt(1.0, 1 / 9)
      >>> u = simulate_sharded(u0, 1.0, dx, dt, 20, mesh)
      >>> bool((u == simulate(u0, 1.0, dx, dt, 20)).all())
      True
      >>> simulate_sharded(fourier_mode(7), 1.0, dx, dt, 20,
      ...                  device_mesh(1, axis="rows")).sharding.spec
      P('rows',)
    """
    u0, r, n_steps = _check_run(u0, alpha, dx, dt, n_steps, allow_unstable)
    axis = _check_mesh(mesh, u0)
    u0 = jax.device_put(u0, NamedSharding(mesh, PartitionSpec(axis)))
    return _simulate_sharded(u0, r, n_steps, mesh, bool(exchange))
