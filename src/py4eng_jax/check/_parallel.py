"""Checkers for the exercises of the parallel chapter.

They use every device the notebook's JAX sees (eight simulated CPU
devices in the book, one in the unit tests), so the inputs are sized to
split evenly over any number of devices.
"""

from __future__ import annotations

import contextlib

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
    criterion,
    explain,
    fail,
    primitives,
    require_array,
    returned_none,
    same_values,
    spec_axes,
)

__all__ = ["tensor_parallel_step", "standardize_batch"]

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
    """How the step splits each input where it first computes with it
    (as :func:`spec_axes` reads a spec): keys w1, b1, w2, b2, X, Y."""
    set_mesh = jax.set_mesh
    try:
        try:
            closed = jax.make_jaxpr(fn, static_argnums=3)(params, X, Y,
                                                          mesh)
        except Exception:   # noqa: BLE001 - try again with the mesh set
            # A `with jax.set_mesh(mesh):` in the step cannot run while
            # it is traced: set the mesh around the trace, and make the
            # step's own call a no-op for the time of the trace.
            jax.set_mesh = lambda _mesh: contextlib.nullcontext()
            with set_mesh(mesh):
                closed = jax.make_jaxpr(fn, static_argnums=3)(params, X, Y,
                                                              mesh)
    except Exception as err:
        raise fail(
            "Your step gives the right parameters, but the checker could "
            "not trace it to see how it splits the data: "
            + explain(err, where="tracing").removesuffix("."), err)
    finally:
        jax.set_mesh = set_mesh
    origins = ["w1", "b1", "w2", "b2", "X", "Y"]
    env = {var: (origin, None)
           for var, origin in zip(closed.jaxpr.invars, origins)}
    used: dict = {}
    _first_use(closed.jaxpr, env, used)
    return used


def _hidden_mesh():
    """A ("data", "model") mesh of every device: 2 along "model" when the
    device count is even."""
    n = len(jax.devices())
    model = 2 if n % 2 == 0 else 1
    return jax.make_mesh((n // model, model), ("data", "model"),
                         axis_types=(AxisType.Explicit,) * 2)


# Where each parameter's hidden axis is, and the layout it must come back in
_HIDDEN = {"w1": (frozenset(), frozenset({"model"})),
           "b1": (frozenset({"model"}),),
           "w2": (frozenset({"model"}),),
           "b2": (frozenset(),)}
_LAYOUT = {"w1": "P(None, 'model')", "b1": "P('model')",
           "w2": "P('model')", "b2": "P()"}


def _call_step(fn, params, X, Y, mesh):
    try:
        return call(fn, params, X, Y, mesh)
    except CheckFailed as stop:
        message = stop.feedback.message
        if "Contracting dimensions are sharded" in message:
            raise fail(
                "Your step fails in the second layer: z @ w2 sums over the "
                "hidden units, which are split over 'model', so JAX cannot "
                "tell how the result should be laid out. Say it: the "
                "product's out_sharding (the rows stay split over 'data'), "
                "inside `with jax.set_mesh(mesh):`")
        if "not under a mesh context" in message:
            raise fail(
                "Your step names a PartitionSpec (an out_sharding, say) "
                "outside a mesh: run it inside `with jax.set_mesh(mesh):`, "
                "or give a NamedSharding")
        if ("incompatible devices" in message
                or "does not match" in message and "mesh" in message
                or "devices" in message and "mesh" in message):
            raise fail(
                "Your step uses other devices, or another mesh, than the "
                "mesh it is given: place everything on the mesh argument "
                "(a mesh of your own hard-codes the number of devices). "
                f"The error: {message}")
        if "divisible" in message:
            raise fail(
                "Your step splits an axis whose length does not divide "
                "over the mesh: split the rows of X and Y over 'data' and "
                "the hidden units over 'model'. The error: " + message)
        raise


@checker("tensor_parallel_step")
def tensor_parallel_step(fn) -> str:
    """Check ``tensor_parallel_step(params, X, Y, mesh)``: rows over
    "data", hidden units over "model", the one-device result."""
    mesh = _hidden_mesh()
    data, model = mesh.devices.shape
    names = ("w1", "b1", "w2", "b2")
    for hidden, per_device, seed in ((2 * model, 8, 0), (3 * model, 4, 1)):
        rows = per_device * data
        X, Y = _parallel.noisy_xor(jax.random.key(seed), rows)
        params = _xor.init_params(jax.random.key(seed + 1), hidden=hidden)
        shown = (f"init_params(jax.random.key({seed + 1}), hidden={hidden}),"
                 f" noisy_xor(jax.random.key({seed}), {rows}) and a "
                 f"{data} x {model} mesh")
        got = _call_step(fn, params, X, Y, mesh)
        if not isinstance(got, (tuple, list)) or len(got) != 4:
            raise fail("Your function should return the new parameters, a "
                       "tuple (w1, b1, w2, b2), as gd_step does.")
        expected = _gd_step(params, X, Y, 1.0)
        values = [np.asarray(g) if isinstance(g, jax.Array) else g
                  for g in got]
        if all(isinstance(v, np.ndarray) and v.shape == e.shape
               for v, e in zip(values, expected)):
            ratio = [np.asarray(v - p) / np.asarray(e - p)
                     for v, e, p in zip(values, expected, params)]
            steps = np.concatenate([r.ravel() for r in ratio])
            steps = steps[np.isfinite(steps)]
            if steps.size and np.allclose(steps, steps[0], rtol=1e-3) and (
                    not np.isclose(steps[0], 1.0, rtol=1e-3)) and (
                    not np.isclose(steps[0], 0.0, atol=1e-3)):
                raise fail(
                    f"Every parameter moved {steps[0]:.3g} times as far as "
                    f"one step of gd_step with lr = 1.0 (with {shown}): a "
                    f"learning rate other than 1.0, or a gradient summed "
                    f"over the devices that should be averaged.")
        for name, g, e in zip(names, got, expected):
            same_values(g, e, what=f"the new {name}", shown=shown,
                        rtol=1e-5, atol=1e-6)
        for name, g in zip(names, got):
            sharding = _require_on_mesh(g, mesh, f"The new {name}")
            if spec_axes(sharding, g.ndim) != _HIDDEN[name]:
                raise fail(
                    f"The new {name} is laid out as {sharding.spec}: each "
                    f"device should hold the part of the hidden units of "
                    f"its column of the mesh, {_LAYOUT[name]} (and b2, "
                    f"one number, a copy everywhere).")
    used = _splits(fn, params, X, Y, mesh)
    for what in ("X", "Y"):
        entries = used.get(what)
        if not entries or "data" not in entries[0]:
            raise fail(
                f"Your step gives the right parameters, but {what} is not "
                f"split by rows over 'data': every device works on the "
                f"whole batch. Place X and Y with NamedSharding(mesh, "
                f"P('data')) before the step.")
    for what in ("w1", "b1", "w2"):
        entries = used.get(what)
        if entries is not None and "model" not in frozenset().union(
                *entries):
            raise fail(
                f"Your step computes with a full copy of {what} on every "
                f"device and splits the result only at the end: split the "
                f"parameters over 'model' before the step, so that each "
                f"device computes only its hidden units.")
    return (f"Correct: on a {data} x {model} mesh, the rows are split over "
            f"'data' and the hidden units over 'model', and the step "
            f"gives the one-device result.")


# --- standardize_batch: statistics of the whole batch with shard_map ------

# Collectives a shard_map body may use to combine the devices' rows.
_COLLECTIVES = {"psum", "psum_invariant", "pmean", "all_gather",
                "all_gather_invariant", "psum_scatter", "reduce_scatter",
                "ppermute", "all_to_all"}


def _standardize_inputs(n: int) -> list[tuple[np.ndarray, str, int]]:
    """Batches whose blocks differ in mean and spread from device to
    device, with 4, 3 and 5 rows per device (the statement promises only
    the same number on each).

    The first is easy to type; the random ones have a different offset
    and scale per device, so statistics of one block are never those of
    the batch.
    """
    out = []
    rows = 4 * n
    shown = np.arange(rows * 3, dtype=np.float32).reshape(rows, 3) ** 1.5
    out.append((shown, f"x = jnp.arange({rows * 3}.0).reshape({rows}, 3) "
                       f"** 1.5 split over a mesh of {n} device(s)", 4))
    for per_device, seed in ((3, 0), (5, 1)):
        rows = per_device * n
        rng = np.random.default_rng(seed)
        block = np.repeat(np.arange(n, dtype=np.float32),
                          per_device)[:, None]
        random = (rng.normal(size=(rows, 3)) * (1 + block) + 3 * block
                  - 2.0).astype(np.float32)
        out.append((random, f"a random batch of shape ({rows}, 3) "
                            f"({per_device} rows per device) split over a "
                            f"mesh of {n} device(s)", per_device))
    return out


def _differences(values: np.ndarray, expected: np.ndarray, shown: str,
                 what: str) -> None:
    """Fail with a summary (not the whole arrays) if the values differ."""
    if values.shape != expected.shape:
        raise fail(f"Wrong shape for {what}: expected {expected.shape}, got "
                   f"{values.shape}, for {shown}")
    close = np.isclose(values, expected, rtol=1e-4, atol=1e-4)
    if close.all():
        criterion()
        return
    gap = np.where(close, 0.0, np.abs(values.astype(float) - expected))
    gap = np.nan_to_num(gap, nan=np.inf)
    row, col = np.unravel_index(np.argmax(gap), gap.shape)
    rows_off = np.unique(np.nonzero(~close)[0])
    raise fail(
        f"Wrong values for {what} with {shown}: {(~close).sum()} of "
        f"{close.size} entries differ, in {rows_off.size} of "
        f"{values.shape[0]} rows (from row {rows_off[0]} to row "
        f"{rows_off[-1]}); the largest difference is at row {row}, column "
        f"{col}: expected {expected[row, col]:.4g}, got "
        f"{values[row, col]:.4g}")


def _per_block(x: np.ndarray, n: int, f) -> np.ndarray:
    return np.concatenate([f(b) for b in np.split(x, n)])


def _wrong_guesses(x: np.ndarray, n: int, per_device: int
                   ) -> list[tuple[np.ndarray, str]]:
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
         "Your lax.psum adds up the devices' values: a sum of means is "
         "not the mean. Divide by the number of devices, or use lax.pmean."),
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
    if per_device != 4:
        count = 4 * n
        fixed_mean = x.sum(0) / count
        fixed_var = ((x - fixed_mean) ** 2).sum(0) / count
        guesses.append((
            (x - fixed_mean) / np.sqrt(fixed_var),
            f"Your statistics divide by a fixed number of rows, 4 per "
            f"device (the example's), but here each device holds "
            f"{per_device}: count the rows a device holds (block.shape[0]) "
            f"or average the devices' means with lax.pmean."))
    if n > 1:
        guesses.append((
            (x - mean) / np.sqrt(((x - local_mean.repeat(per_device, 0)) ** 2
                                  ).mean(0)),
            "The mean is right, the spread is not: measure each device's "
            "squared deviations from the global mean, not from its own "
            "mean."))
    return guesses


def _attempt(fn, x, mesh, axis: str):
    """Call the answer; specific hints for the typical shard_map errors."""
    try:
        out = fn(x, mesh)
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
    if out is None:   # an empty stub, or a forgotten `return`
        raise returned_none()
    return out


def _traced_primitives(fn, xs, mesh) -> set[str] | None:
    """The primitives of ``fn(xs, mesh)``, or None if it cannot be traced."""
    try:
        return primitives(jax.make_jaxpr(lambda v: fn(v, mesh))(xs).jaxpr)
    except Exception:   # noqa: BLE001 - e.g. jax.set_mesh, NumPy on x
        return None


# Reductions over an array's entries: outside the shard_map, one of these
# on x computes the statistics of the whole batch without a collective.
_REDUCTIONS = {"reduce_sum", "reduce_max", "reduce_min", "reduce_prod",
               "argmax", "argmin", "cumsum", "cumprod", "cummax", "cummin",
               "cumlogsumexp", "dot_general", "sort"}


def _outside_shard_map(jaxpr) -> set[str]:
    """The primitives of a jaxpr at any depth, except inside shard_maps."""
    names = set()
    for eqn in jaxpr.eqns:
        if eqn.primitive.name == "shard_map":
            continue
        names.add(eqn.primitive.name)
        for sub in jex.core.jaxprs_in_params(eqn.params):
            names |= _outside_shard_map(sub)
    return names


def _reduces_outside(fn, xs, mesh) -> bool:
    """Whether ``fn(xs, mesh)`` reduces over x outside its shard_map."""
    try:
        jaxpr = jax.make_jaxpr(lambda v: fn(v, mesh))(xs).jaxpr
    except Exception:   # noqa: BLE001 - e.g. jax.set_mesh inside
        return False
    return bool(_outside_shard_map(jaxpr) & _REDUCTIONS)


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
    for x, shown, per_device in _standardize_inputs(n):
        xs = jax.device_put(jnp.asarray(x), rows)
        got = _attempt(fn, xs, mesh, axis)
        if isinstance(got, (list, tuple)):
            raise fail(f"Your function returned a {type(got).__name__}; "
                       f"return one array, split over the mesh like x.")
        values = require_array(got, "Your result")
        expected = (x - x.mean(0)) / x.std(0)
        if values.shape == expected.shape and not np.allclose(
                values, expected, rtol=1e-4, atol=1e-4):
            for guess, hint in _wrong_guesses(x, n, per_device):
                if np.allclose(values, guess, rtol=1e-4, atol=1e-4):
                    raise fail(f"{hint} Checked with {shown}.")
        _differences(values, expected, shown, "the standardized batch")
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
    if _reduces_outside(fn, xs, mesh):
        raise fail(
            "Your values are right, but the statistics are computed outside "
            "the shard_map, on the whole array x (JAX combines the devices' "
            "rows for you there), and handed in. The exercise is the "
            "per-device view: inside the shard_map, each device computes "
            "the statistics of its own block, and a collective (lax.pmean "
            "or lax.psum over 'batch') combines them.")
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
