"""Checkers for the exercises of the parallel chapter.

They use every device the notebook's JAX sees (eight simulated CPU
devices in the book, one in the unit tests), so the inputs are sized to
split evenly over any number of devices.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.sharding import NamedSharding

from .. import _parallel, _xor
from .._checking import CheckFailed, call, checker, fail, same_values

__all__ = ["shard_columns", "data_parallel_step"]

# The reference step, compiled once (an eager step compiles op by op).
_gd_step = jax.jit(_xor.gd_step)


def _spec(sharding: NamedSharding, ndim: int) -> tuple:
    """The PartitionSpec as one entry per array axis (None: not split)."""
    entries = []
    for entry in tuple(sharding.spec) + (None,) * ndim:
        if isinstance(entry, tuple) and len(entry) == 1:
            entry = entry[0]
        entries.append(entry if entry != () else None)
    return tuple(entries[:ndim])


def _require_on_mesh(got, mesh, what: str) -> NamedSharding:
    """The answer's NamedSharding; a hint if it is not placed on ``mesh``."""
    if not isinstance(got, jax.Array):
        raise fail(f"{what} should be a JAX array placed on the mesh, but "
                   f"your function returned a {type(got).__name__}.")
    sharding = got.sharding
    if not isinstance(sharding, NamedSharding):
        raise fail(
            f"{what} lives on a single device ({type(sharding).__name__}), "
            f"not on the mesh. Place arrays with jax.device_put(x, "
            f"NamedSharding(mesh, P(...))).")
    if list(sharding.mesh.devices.flat) != list(mesh.devices.flat):
        raise fail(f"{what} is placed on another mesh than the one given: "
                   f"use the mesh argument.")
    return sharding


@checker("shard_columns")
def shard_columns(fn) -> str:
    """Check ``shard_columns(x, mesh)``: x with its columns split."""
    mesh = _parallel.device_mesh()
    axis, n = mesh.axis_names[0], mesh.size
    x = jnp.arange(3 * 2 * n, dtype=jnp.float32).reshape(3, 2 * n)
    shown = (f"x = jnp.arange({3 * 2 * n}.0).reshape(3, {2 * n}) on a mesh "
             f"of {n} device(s)")
    got = call(fn, x, mesh)
    sharding = _require_on_mesh(got, mesh, "Your array")
    same_values(got, x, what="the placed array", shown=shown)
    spec = _spec(sharding, x.ndim)
    if spec == (axis, None):
        raise fail(
            f"You split the rows, not the columns: the entries of a "
            f"PartitionSpec follow the array's axes, rows first. Use "
            f"P(None, {axis!r}).")
    if spec == (None, None):
        raise fail(
            f"Your array is replicated (a full copy on every device). Name "
            f"the mesh axis {axis!r} in the position of the columns: "
            f"P(None, {axis!r}).")
    if spec != (None, axis):
        raise fail(f"Your array is placed with {sharding.spec}; split the "
                   f"columns with P(None, {axis!r}).")
    return (f"Correct: the columns are split over the {n} device(s) of the "
            f"mesh and the values are unchanged.")


@checker("data_parallel_step")
def data_parallel_step(fn) -> str:
    """Check ``data_parallel_step(params, X, Y, mesh)``: one sharded step."""
    mesh = _parallel.device_mesh()
    n = mesh.size
    rows = 8 * n
    X, Y = _parallel.noisy_xor(jax.random.key(0), rows)
    params = _xor.init_params(jax.random.key(1))
    shown = (f"init_params(jax.random.key(1)), noisy_xor(jax.random.key(0), "
             f"{rows}) and a mesh of {n} device(s)")
    try:
        got = call(fn, params, X, Y, mesh)
    except CheckFailed as stop:
        if "incompatible devices" in stop.feedback.message:
            raise fail(
                "Your step mixed arrays committed to one device with arrays "
                "on the mesh. Put the parameters on the mesh too, replicated "
                "with NamedSharding(mesh, P()).")
        raise
    if not isinstance(got, (tuple, list)) or len(got) != 4:
        raise fail("Your function should return the new parameters, a "
                   "tuple (w1, b1, w2, b2), as gd_step does.")
    expected = _gd_step(params, X, Y, 1.0)
    names = ("w1", "b1", "w2", "b2")
    for name, g, e in zip(names, got, expected):
        same_values(g, e, what=f"the new {name}", shown=shown,
                    rtol=1e-5, atol=1e-6)
    for name, g in zip(names, got):
        if not isinstance(g, jax.Array) or not isinstance(g.sharding,
                                                          NamedSharding):
            raise fail(
                f"The new {name} came back on a single device: the step ran "
                f"on one device only. Split X and Y by rows over the mesh "
                f"and replicate the parameters before calling the jitted "
                f"step.")
        sharding = _require_on_mesh(g, mesh, f"The new {name}")
        if any(_spec(sharding, g.ndim)):
            raise fail(
                f"The new {name} is split over the devices "
                f"({sharding.spec}); in data parallelism every device keeps "
                f"a full copy of the parameters: replicate them with P().")
    return (f"Correct: one data-parallel step on {n} device(s) gives the "
            f"one-device result, and every device holds the new parameters.")
