"""Checkers for the exercises of the parallel chapter.

They use every device the notebook's JAX sees (eight simulated CPU
devices in the book, one in the unit tests), so the inputs are sized to
split evenly over any number of devices.
"""

from __future__ import annotations

import jax
import jax.extend as jex
import jax.numpy as jnp
import numpy as np
from jax.sharding import AxisType, NamedSharding

from .. import _parallel, _xor
from ._framework import (
    CheckFailed,
    call,
    checker,
    explain,
    fail,
    primitives,
    require_array,
    same_values,
    spec_axes,
)

__all__ = ["data_parallel_step", "standardize_batch"]

# The reference step, compiled once (an eager step compiles op by op).
_gd_step = jax.jit(_xor.gd_step)


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


# --- How the step splits its inputs: read from the program it records ---

_PLACING = ("device_put", "sharding_constraint", "reshard")


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
                    env[out] = (got[0], spec_axes(sharding))
            continue
        subs = list(jex.core.jaxprs_in_params(eqn.params))
        if name in ("jit", "pjit", "closed_call", "core_call") and subs:
            inner = subs[0]
            shardings = eqn.params.get("in_shardings",
                                       [None] * len(ins))
            inner_env = {}
            for got, var, sharding in zip(ins, inner.invars, shardings):
                if got is not None:
                    spec = spec_axes(sharding)
                    inner_env[var] = (got[0], got[1] if spec is None
                                      else spec)
            _first_use(inner, inner_env, used)
            continue
        if name == "shard_map":
            for got, spec in zip(ins, eqn.params["in_specs"]):
                if got is not None:
                    used.setdefault(got[0], spec_axes(spec))
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
        if any(spec_axes(sharding, g.ndim)):
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


# --- standardize_batch: statistics of the whole batch with shard_map ------

# Collectives a shard_map body may use to combine the devices' rows.
_COLLECTIVES = {"psum", "psum_invariant", "pmean", "all_gather",
                "all_gather_invariant", "psum_scatter", "reduce_scatter",
                "ppermute", "all_to_all"}


def _standardize_inputs(n: int) -> list[tuple[np.ndarray, str]]:
    """Batches of 4 rows per device whose blocks differ in mean and spread.

    The shown one is easy to type; the random one has a different offset
    and scale per device, so statistics of one block are never those of
    the batch.
    """
    rows = 4 * n
    shown = np.arange(rows * 3, dtype=np.float32).reshape(rows, 3) ** 1.5
    rng = np.random.default_rng(0)
    block = np.repeat(np.arange(n, dtype=np.float32), 4)[:, None]
    random = (rng.normal(size=(rows, 3)) * (1 + block) + 3 * block
              - 2.0).astype(np.float32)
    return [(shown, f"x = jnp.arange({rows * 3}.0).reshape({rows}, 3) ** 1.5"
                    f" split over a mesh of {n} device(s)"),
            (random, f"a random batch of shape ({rows}, 3) split over a mesh "
                     f"of {n} device(s)")]


def _per_block(x: np.ndarray, n: int, f) -> np.ndarray:
    return np.concatenate([f(b) for b in np.split(x, n)])


def _wrong_guesses(x: np.ndarray, n: int) -> list[tuple[np.ndarray, str]]:
    """What typical mistakes give on ``x``, with the hint for each."""
    mean, std = x.mean(0), x.std(0)
    local_mean = np.stack([b.mean(0) for b in np.split(x, n)])
    local_std = np.stack([b.std(0) for b in np.split(x, n)])
    sums = local_mean.sum(0)   # psum of the devices' means, not divided
    sum_var = np.sum([((b - sums) ** 2).mean(0) for b in np.split(x, n)], 0)
    guesses = [
        (_per_block(x, n, lambda b: (b - b.mean(0)) / b.std(0)),
         "Each device used only its own rows: the statistics must be "
         "those of the whole batch. Combine the devices' values with "
         "lax.pmean (or lax.psum) over the mesh axis."),
        ((x - sums) / np.sqrt(sum_var),
         "lax.psum adds up the devices' values: a sum of means is not the "
         "mean. Divide by the number of devices, or use lax.pmean."),
        ((x - mean) / local_std.mean(0),
         "The mean is right, the spread is not: the standard deviation of "
         "the batch is not the mean of the devices' standard deviations. "
         "Average the squared deviations from the global mean with "
         "lax.pmean, then take the square root."),
        ((x - mean) / x.std(0, ddof=1),
         "You divided by N - 1: use the standard deviation that "
         "jnp.std(x, axis=0) gives, which divides by N."),
        ((x - x.mean(1, keepdims=True)) / x.std(1, keepdims=True),
         "Your statistics are per row (axis=1): standardize each column "
         "with the mean and standard deviation over the rows (axis=0)."),
        (x - mean,
         "Your result is centered but not scaled: divide by the standard "
         "deviation of the batch too."),
        (x / std,
         "Your result is scaled but not centered: subtract the mean of the "
         "batch too."),
    ]
    if n > 1:
        guesses.append((
            (x - mean) / np.sqrt(((x - local_mean.repeat(4, 0)) ** 2
                                  ).mean(0)),
            "The mean is right, the spread is not: measure each device's "
            "squared deviations from the global mean, not from its own "
            "mean."))
    return guesses


def _attempt(fn, x, mesh, axis: str):
    """Call the answer; specific hints for the typical shard_map errors."""
    try:
        out = fn(x, mesh)
    except NotImplementedError:
        out = None
    except jax.errors.TracerArrayConversionError:
        raise fail(
            "Your function converts a traced block to NumPy (np.asarray, "
            "np.sqrt, ...). Inside shard_map, use jax.numpy and jax.lax.")
    except Exception as err:   # noqa: BLE001 - every crash becomes a hint
        text = str(err)
        if "out_specs" in text and "replicat" in text:
            raise fail(
                f"Your out_specs say that the result is the same on every "
                f"device (replicated), but each device returns its own "
                f"rows: use out_specs=P({axis!r}).")
        if "axis name" in text.lower() or (
                isinstance(err, AssertionError) and not text):
            # JAX 0.10 raises a bare AssertionError for a collective over
            # an axis the shard_map's mesh does not have.
            raise fail(
                f"Your function failed inside JAX, which usually means a "
                f"collective (lax.pmean, lax.psum) names an axis the mesh "
                f"does not have: the mesh's axis is {axis!r} "
                f"(mesh.axis_names[0]).")

        error = err

        def again():
            raise error
        return call(again)   # the shared explanation of the error
    if out is None:
        return call(lambda: None)   # "not attempted yet"
    return out


def _traced_primitives(fn, xs, mesh) -> set[str] | None:
    """The primitives of ``fn(xs, mesh)``, or None if it cannot be traced."""
    try:
        return primitives(jax.make_jaxpr(lambda v: fn(v, mesh))(xs).jaxpr)
    except Exception:   # noqa: BLE001 - e.g. jax.set_mesh, NumPy on x
        return None


def _calls_shard_map(fn, xs, mesh) -> bool:
    """Whether ``fn(xs, mesh)`` calls ``jax.shard_map`` (looked up late)."""
    original, calls = jax.shard_map, []

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    jax.shard_map = counting
    try:
        fn(xs, mesh)
    except Exception:   # noqa: BLE001 - it ran once already
        pass
    finally:
        jax.shard_map = original
    return bool(calls)


@checker("standardize_batch")
def standardize_batch(fn) -> str:
    """Check ``standardize_batch(x, mesh)``: batch statistics, shard_map."""
    devices = jax.devices()
    n = len(devices)
    mesh = jax.make_mesh((n,), ("batch",), axis_types=(AxisType.Explicit,),
                         devices=devices)
    axis = "batch"
    rows = jax.sharding.NamedSharding(mesh, jax.sharding.PartitionSpec(axis))
    for x, shown in _standardize_inputs(n):
        xs = jax.device_put(jnp.asarray(x), rows)
        got = _attempt(fn, xs, mesh, axis)
        if isinstance(got, (list, tuple)):
            raise fail(f"Your function returned a {type(got).__name__}; "
                       f"return one array, split over the mesh like x.")
        values = require_array(got, "Your result")
        expected = (x - x.mean(0)) / x.std(0)
        if values.shape == expected.shape and not np.allclose(
                values, expected, rtol=1e-4, atol=1e-4):
            for guess, hint in _wrong_guesses(x, n):
                if np.allclose(values, guess, rtol=1e-4, atol=1e-4):
                    raise fail(f"{hint} Checked with {shown}.")
        same_values(values, expected, what="the standardized batch",
                    shown=shown, rtol=1e-4, atol=1e-4)
        if not isinstance(got, jax.Array):
            raise fail(
                f"Your function returned a {type(got).__name__}, not a JAX "
                f"array on the mesh: compute it with jax.shard_map.")
    used = _traced_primitives(fn, xs, mesh)
    if used is None:   # cannot be traced (jax.set_mesh inside, say)
        used = {"shard_map"} | _COLLECTIVES if _calls_shard_map(
            fn, xs, mesh) else set()
    if "shard_map" not in used:
        raise fail(
            "Your values are right, but not computed with jax.shard_map "
            "(a plain jnp formula, or a loop over x.addressable_shards). "
            "The exercise is the per-device view: jax.shard_map with "
            "in_specs and out_specs P('batch'), and a collective for the "
            "statistics.")
    if not used & _COLLECTIVES:
        raise fail(
            "Your shard_map has no collective: each device uses only its "
            "own rows (right only with one device). Combine the devices' "
            "statistics with lax.pmean or lax.psum over 'batch'.")
    sharding = got.sharding
    spec = (spec_axes(sharding, got.ndim)
            if isinstance(sharding, NamedSharding) else None)
    if spec != (frozenset({axis}), frozenset()):
        raise fail(
            f"Your values are right, but the result is laid out as "
            f"{getattr(sharding, 'spec', sharding)}: it should stay split "
            f"by rows over the mesh like x, out_specs=P({axis!r}).")
    return (f"Correct: each of the {n} device(s) standardizes its own rows "
            f"with the statistics of the whole batch, and the result stays "
            f"split like x.")
