"""Checkers for the exercises of the parallel chapter.

They use every device the notebook's JAX sees (eight simulated CPU
devices in the book, one in the unit tests), so the inputs are sized to
split evenly over any number of devices.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.sharding import NamedSharding

import jax.extend as jex
from jax.sharding import PartitionSpec

from .. import _parallel, _xor
from .._checking import (CheckFailed, call, checker, explain, fail,
                         same_values)

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


# --- How the step splits its inputs: read from the program it records ---

_PLACING = ("device_put", "sharding_constraint", "reshard")


def _spec_entries(sharding) -> tuple | None:
    """The spec of a sharding as a tuple of axis-name sets, or None when
    it says nothing (unspecified) ; () entries mean "not split"."""
    spec = getattr(sharding, "spec", sharding)
    if not isinstance(spec, PartitionSpec):
        return None
    entries = []
    for entry in spec:
        if entry is None:
            entries.append(frozenset())
        elif isinstance(entry, str):
            entries.append(frozenset([entry]))
        else:
            entries.append(frozenset(entry))
    return tuple(entries)


def _first_use(jaxpr, env: dict, used: dict) -> None:
    """Walk ``jaxpr``; ``env`` maps a variable to (origin, spec) for the
    values that come from an input; ``used[origin]`` gets the spec the
    input has where an operation first computes with it."""
    for eqn in jaxpr.eqns:
        name = eqn.primitive.name
        ins = [env.get(v) if isinstance(v, jex.core.Var) else None
               for v in eqn.invars]
        if name in _PLACING:
            shardings = (eqn.params.get("devices")
                         or [eqn.params.get("sharding")
                             or eqn.params.get("dst_sharding")]
                         * len(eqn.outvars))
            for got, out, sharding in zip(ins, eqn.outvars, shardings):
                if got is not None:
                    env[out] = (got[0], _spec_entries(sharding))
            continue
        subs = list(jex.core.jaxprs_in_params(eqn.params))
        if name in ("jit", "pjit", "closed_call", "core_call") and subs:
            inner = subs[0]
            shardings = eqn.params.get("in_shardings",
                                       [None] * len(ins))
            inner_env = {}
            for got, var, sharding in zip(ins, inner.invars, shardings):
                if got is not None:
                    spec = _spec_entries(sharding)
                    inner_env[var] = (got[0], got[1] if spec is None
                                      else spec)
            _first_use(inner, inner_env, used)
            continue
        if name == "shard_map":
            for got, spec in zip(ins, eqn.params["in_specs"]):
                if got is not None:
                    used.setdefault(got[0], _spec_entries(spec))
            continue
        for got in ins:
            if got is not None:
                used.setdefault(got[0], got[1])


def _splits(fn, params, X, Y, mesh) -> dict:
    """The spec (see :func:`_spec_entries`) of each input where the step
    first computes with it: keys w1, b1, w2, b2, X, Y."""
    try:
        closed = jax.make_jaxpr(fn, static_argnums=3)(params, X, Y, mesh)
    except Exception as err:
        raise fail(
            "Your step gives the right parameters, but the checker could "
            "not trace it to see how it splits the data: "
            + explain(err, where="tracing").removesuffix("."), err)
    origins = ["w1", "b1", "w2", "b2", "X", "Y"]
    env = {var: (origin, None)
           for var, origin in zip(closed.jaxpr.invars, origins)}
    used: dict = {}
    _first_use(closed.jaxpr, env, used)
    return used



@checker("data_parallel_step")
def data_parallel_step(fn) -> str:
    """Check ``data_parallel_step(params, X, Y, mesh)``: one sharded step."""
    mesh = _parallel.device_mesh()
    n, axis = mesh.size, mesh.axis_names[0]
    rows = 8 * n
    X, Y = _parallel.noisy_xor(jax.random.key(0), rows)
    params = _xor.init_params(jax.random.key(1))
    shown = (f"init_params(jax.random.key(1)), noisy_xor(jax.random.key(0), "
             f"{rows}) and a mesh of {n} device(s)")
    try:
        got = call(fn, params, X, Y, mesh)
    except CheckFailed as stop:
        if "divisible" in stop.feedback.message:
            raise fail(
                f"Your step splits an axis whose length does not divide "
                f"evenly over the {n} devices: split only the rows of X "
                f"and Y, P({axis!r}), and replicate the parameters, P()")
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
    used = _splits(fn, params, X, Y, mesh)
    for what in ("X", "Y"):
        entries = used.get(what)
        if not entries or not any(entries):
            raise fail(
                f"Your step gives the right parameters, but {what} is not "
                f"split: every device works on the whole batch, which is "
                f"not data parallelism. Place X and Y with "
                f"NamedSharding(mesh, P({axis!r})) before the step")
        if axis not in entries[0] or any(entries[1:]):
            raise fail(
                f"Your step splits {what} along another axis than the "
                f"rows (the batch). Split the rows: "
                f"NamedSharding(mesh, P({axis!r}))")
    for what in names:
        entries = used.get(what)
        if entries and any(entries):
            raise fail(
                f"Your step splits the parameter {what} over the devices; "
                f"in data parallelism every device keeps a full copy of "
                f"the parameters: replicate them with NamedSharding(mesh, "
                f"P())")
    return (f"Correct: one data-parallel step on {n} device(s) gives the "
            f"one-device result, the rows of X and Y are split over the "
            f"devices, and every device holds the new parameters.")
