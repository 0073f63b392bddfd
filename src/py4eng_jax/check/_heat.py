"""Checkers for the exercises of the heat chapter: periodic boundaries.

``periodic_step(u, r)`` is one explicit step on one device;
``periodic_sharded(u0, r, n_steps, mesh)`` runs many steps with the rows
split over a 1-D mesh and the halo passed around a ring with
``lax.ppermute``. The sharded checker uses every device the notebook's JAX
sees (eight simulated CPU devices in the book), with four rows per
device, then checks five rows per device and half the devices, so that a
size written into the code shows.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import AxisType, NamedSharding, PartitionSpec

from ._framework import (
    CheckFailed,
    beat,
    call,
    checker,
    fail,
    jittable,
    primitives,
    program_size,
    require_array,
    same_values,
    spec_axes,
)

__all__ = ["periodic_step", "periodic_sharded"]


def _periodic(u: np.ndarray, r: float) -> np.ndarray:
    """The right step, in NumPy (float64)."""
    near = (np.roll(u, 1, 0) + np.roll(u, -1, 0) + np.roll(u, 1, 1)
            + np.roll(u, -1, 1))
    return u + r * (near - 4 * u)


def _fixed(u: np.ndarray, r: float) -> np.ndarray:
    """A step with zero boundaries instead."""
    p = np.pad(u, 1)
    near = p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:]
    return u + r * (near - 4 * u)


def _step_guesses(u: np.ndarray, r: float) -> list[tuple[np.ndarray, str]]:
    """What typical mistakes in one periodic step give, with the hint."""
    near = (np.roll(u, 1, 0) + np.roll(u, -1, 0) + np.roll(u, 1, 1)
            + np.roll(u, -1, 1))
    rows_only = 2 * np.roll(u, 1, 0) + 2 * np.roll(u, -1, 0)
    cols_only = 2 * np.roll(u, 1, 1) + 2 * np.roll(u, -1, 1)
    flat = (np.roll(u, 1) + np.roll(u, -1) + np.roll(u, u.shape[1])
            + np.roll(u, -u.shape[1]))
    p = np.pad(u, ((0, 0), (1, 1)))
    rows_wrapped = (np.roll(u, 1, 0) + np.roll(u, -1, 0) + p[:, :-2]
                    + p[:, 2:])
    diagonal = sum(np.roll(u, (a, b), (0, 1))
                   for a in (1, -1) for b in (1, -1))
    return [
        (u + r * (flat - 4 * u),
         "Your step rolls the flattened array: jnp.roll without an axis "
         "flattens first, so the end of one row wraps onto the start of "
         "the next. Give the axis, jnp.roll(u, 1, axis=0) and axis=1"),
        (u + r * (rows_wrapped - 4 * u),
         "Your step wraps the rows but holds the columns at zero (padded): "
         "periodic means both directions wrap, the last column is the "
         "neighbour of the first too. Roll along axis=1 as well"),
        (u + r * (diagonal - 4 * u),
         "Your step takes the diagonal neighbours: rolling both axes at "
         "once, jnp.roll(u, (1, 1), (0, 1)), moves a point one row AND "
         "one column. Roll one axis at a time"),
        (_fixed(u, r),
         "Your step holds the boundary at zero (jnp.pad, or the edge rows "
         "left out): periodic means that the last row is the neighbour of "
         "the first. Use jnp.roll, which wraps around"),
        (u + r * (rows_only - 4 * u),
         "Your step rolls along the rows only (axis 0 twice): the 5-point "
         "stencil has two neighbours along each axis, roll with axis=0 "
         "and axis=1"),
        (u + r * (cols_only - 4 * u),
         "Your step rolls along the columns only (axis 1 twice): the "
         "5-point stencil has two neighbours along each axis, roll with "
         "axis=0 and axis=1"),
        (u - r * (near - 4 * u),
         "Your step has the wrong sign: heat flows from hot to cold, "
         "u + r * (neighbours - 4 * u)"),
        (r * (near - 4 * u),
         "Your step returns the change r * (neighbours - 4 * u), not the "
         "new values: add u"),
        (u + r * (near - 2 * u),
         "Your step subtracts 2 * u: in 2-D the centre has four "
         "neighbours, neighbours - 4 * u"),
        (u + r * near,
         "Your step forgets the centre term: r * (neighbours - 4 * u)"),
    ]


def _match_guess(values, guesses, shown):
    for guess, hint in guesses:
        if values.shape == guess.shape and np.allclose(
                values, guess, rtol=1e-4, atol=1e-5):
            raise fail(f"{hint}. Checked with {shown}.")


def _step_inputs() -> list[tuple[np.ndarray, float, str]]:
    shown = (np.arange(30, dtype=np.float32).reshape(5, 6) ** 1.5) / 10
    rng = np.random.default_rng(0)
    random = rng.normal(size=(7, 4)).astype(np.float32)
    return [(shown, 0.2, "u = jnp.arange(30.0).reshape(5, 6) ** 1.5 / 10 "
                         "and r = 0.2"),
            (random, 0.15, "a random u of shape (7, 4) and r = 0.15")]


_SIZE_HINT = (
    "did you write the first u's size into the code (its number of rows "
    "or columns, an index such as u[4] for the last row)? The step must "
    "work on a grid of any size.")


@checker("periodic_step")
def periodic_step(fn) -> str:
    """Check ``periodic_step(u, r)``: one step, periodic boundaries."""
    first_r = None
    for u, r, shown in _step_inputs():
        try:
            got = call(fn, jnp.asarray(u), r)
        except CheckFailed as stop:
            if first_r is None or stop.feedback.status != "fail" or (
                    "did not return" in stop.feedback.message):
                raise
            raise fail(f"{stop.feedback.message} Your step was right for "
                       f"the first u, but not for {shown}: "
                       + _SIZE_HINT, stop.error) from stop
        values = require_array(got, "Your result")
        u64 = u.astype(np.float64)
        expected = _periodic(u64, r)
        right = values.shape == expected.shape and np.allclose(
            values, expected, rtol=1e-4, atol=1e-5)
        if values.shape == expected.shape and not right:
            _match_guess(values, _step_guesses(u64, r), shown)
            if first_r is not None and np.allclose(
                    values, _periodic(u64, first_r), rtol=1e-4, atol=1e-5):
                raise fail(f"Your step ignores its argument r: it uses "
                           f"r = {first_r}, the first case's, also for "
                           f"{shown}.")
        if first_r is not None and not right:
            raise fail(f"Your step is right for the first u, but not for "
                       f"{shown}: " + _SIZE_HINT)
        first_r = r
        same_values(values, expected, what="the new values", shown=shown,
                    rtol=1e-4, atol=1e-5)
    jittable(fn, jnp.asarray(u), r)
    _require_whole_grid(fn)
    return ("Correct: one explicit step with periodic boundaries, the "
            "edges wrapping around in both directions, computed on the "
            "whole grid at once.")


def _require_whole_grid(fn) -> None:
    """Fail if fn works point by point: a Python loop over the points
    grows the program with the grid, a lax loop shows in it."""
    grids = [jnp.zeros((m, m), jnp.float32) for m in (4, 8)]
    try:
        sizes = [program_size(fn, g, 0.2) for g in grids]
        beat()
        used = primitives(jax.make_jaxpr(fn)(grids[1], 0.2).jaxpr)
    except Exception:   # noqa: BLE001 - untraceable: jittable said why
        return
    if sizes[0] != sizes[1]:
        raise fail(
            f"Your values are right, but your function loops over the "
            f"grid points in Python: its program grows with the grid "
            f"({sizes[0]} operations for 4 x 4 points, {sizes[1]} for "
            f"8 x 8), so a real grid takes ages to compile and runs one "
            f"point at a time. Compute the step for the whole array at "
            f"once, as the chapter's stencil does.")
    if used & {"scan", "while"}:
        raise fail(
            "Your values are right, but your function visits the grid "
            "points one at a time in a lax loop (lax.fori_loop, "
            "lax.scan or lax.while_loop). Compute the step for the "
            "whole array at once, as the chapter's stencil does.")


# --- periodic_sharded: the ring of devices --------------------------------


def _blocks_run(u0: np.ndarray, r: float, n_steps: int, n: int,
                halo, columns: str = "wrap") -> np.ndarray:
    """Steps with the rows in ``n`` blocks; ``halo(blocks, i)`` gives the
    (above, below) rows block ``i`` sees. Columns wrap around, or with
    ``columns="zero"`` see zeros beyond the edges."""
    blocks = np.split(u0.astype(np.float64), n)
    for _ in range(n_steps):
        new = []
        for i, b in enumerate(blocks):
            above, below = halo(blocks, i)
            ext = np.concatenate([above[None], b, below[None]])
            if columns == "wrap":
                left, right = np.roll(b, 1, 1), np.roll(b, -1, 1)
            else:
                padded = np.pad(b, ((0, 0), (1, 1)))
                left, right = padded[:, :-2], padded[:, 2:]
            near = ext[:-2] + ext[2:] + left + right
            new.append(b + r * (near - 4 * b))
        blocks = new
    return np.concatenate(blocks)


def _sharded_guesses(u0, r, n_steps, n) -> list[tuple[np.ndarray, str]]:
    zero = np.zeros(u0.shape[1])
    wrong_side = (
        "Your halo rows come from the wrong side: the row above a block "
        "is the last row of the previous device, which sends it with "
        "perm pairs (i, i + 1), and the row below is the first row of the "
        "next device, sent with pairs (i + 1, i)")
    guesses = [
        (_blocks_run(u0, r, n_steps - 1, n,
                     lambda b, i: (b[i - 1][-1], b[(i + 1) % n][0])),
         "Your function takes one step too few: n_steps steps, "
         "lax.fori_loop(0, n_steps, ...), not from 1"),
        (_blocks_run(u0, r, n_steps, n,
                     lambda b, i: (b[i - 1][-1], b[(i + 1) % n][0]),
                     columns="zero"),
         "Your rows wrap around the ring, but your columns are held at "
         "zero (padded): periodic means the columns wrap too. Roll each "
         "block along axis 1"),
        (_blocks_run(u0, r, n_steps, n,
                     lambda b, i: (b[i][-1], b[i][0])),
         "Each device wrapped its own block around (jnp.roll on the "
         "block): the devices never exchanged their edge rows. Get the "
         "row above from the previous device and the row below from the "
         "next with lax.ppermute"),
        (_blocks_run(u0, r, n_steps, n,
                     lambda b, i: (b[(i + 1) % n][-1], b[i - 1][0])),
         wrong_side),
        (_blocks_run(u0, r, n_steps, n,
                     lambda b, i: (b[(i + 1) % n][0], b[i - 1][-1])),
         wrong_side),
        (_blocks_run(u0, r, n_steps, n,
                     lambda b, i: (b[i - 1][-2], b[(i + 1) % n][1])),
         "Off by one in the halo: you sent the second row from each edge. "
         "A device needs its neighbours' outermost rows, block[-1:] and "
         "block[:1]"),
        (_blocks_run(u0, r, n_steps, n,
                     lambda b, i: (zero, zero)),
         "Your blocks see zeros around them: the devices never exchanged "
         "their edge rows. Get them from the neighbours with "
         "lax.ppermute"),
    ]
    if n > 1:
        guesses.insert(0, (
            _blocks_run(u0, r, n_steps, n,
                        lambda b, i: (b[i - 1][-1] if i else zero,
                                      b[i + 1][0] if i < n - 1 else zero)),
            "Your ring is not closed: the first and the last device got "
            "zeros, a fixed boundary. Close the ring: pairs "
            "(i, (i + 1) % n)"))
        guesses.insert(1, (
            _blocks_run(u0, r, n_steps, n,
                        lambda b, i: (b[i - 1][-1],
                                      b[i + 1][0] if i < n - 1 else zero)),
            "Only half of your ring is closed: the rows sent downwards wrap "
            "around (% n), but the last device gets zeros from below. "
            "Close both permutations: pairs (i, (i + 1) % n) and "
            "((i + 1) % n, i)"))
    return guesses


def _sharded_inputs(n: int, per_device: int = 4):
    rows = per_device * n
    shown = np.sin(np.arange(rows * 6, dtype=np.float32).reshape(rows, 6))
    rng = np.random.default_rng(1)
    random = rng.normal(size=(rows, 5)).astype(np.float32)
    return [(shown, 0.2, 3,
             f"u0 = jnp.sin(jnp.arange({rows * 6}.0).reshape({rows}, 6)), "
             f"r = 0.2, n_steps = 3 on a mesh of {n} device(s)"),
            (random, 0.1, 6,
             f"a random u0 of shape ({rows}, 5), r = 0.1, n_steps = 6 on a "
             f"mesh of {n} device(s)")]


def _other_sizes(devices):
    """(mesh, u0, r, n_steps, shown, what changed): five rows per device,
    then half the devices, for a size written into the code."""
    n = len(devices)
    cases = []
    for k, rows_each, what in [
            (n, 5, "five rows per device instead of four"),
            (n // 2, 4, f"a mesh of {n // 2} devices instead of {n}")]:
        if k < 2 and what.startswith("a mesh"):
            continue
        mesh = jax.make_mesh((k,), ("rows",),
                             axis_types=(AxisType.Explicit,),
                             devices=devices[:k])
        u0, r, n_steps, shown = _sharded_inputs(k, rows_each)[1]
        cases.append((mesh, u0, r, n_steps, shown, what))
    return cases


def _run_sharded(fn, mesh, u0, r, n_steps):
    split = NamedSharding(mesh, PartitionSpec("rows"))
    u0s = jax.device_put(jnp.asarray(u0), split)
    try:
        return u0s, call(fn, u0s, r, n_steps, mesh)
    except CheckFailed as stop:
        if "ShardingTypeError" in stop.feedback.message:
            raise fail(
                "Your function works on the whole array, split over "
                "the mesh, and JAX refuses to slice or roll it across "
                "the split (ShardingTypeError). Write what one device "
                "does with its band of rows, with jax.shard_map, and "
                "get the halo rows with lax.ppermute.",
                stop.error) from stop
        raise


def _expected_sharded(u0, r, n_steps):
    expected = u0.astype(np.float64)
    for _ in range(n_steps):
        expected = _periodic(expected, r)
    return expected


def _require_any_size(fn, devices) -> None:
    """Fail if fn is right only for the band size or the number of
    devices of the cases above (a size written into the code)."""
    for mesh, u0, r, n_steps, shown, what in _other_sizes(devices):
        try:
            _, got = _run_sharded(fn, mesh, u0, r, n_steps)
            values = np.asarray(require_array(got, "Your result"))
            right = values.shape == u0.shape and np.allclose(
                values, _expected_sharded(u0, r, n_steps), rtol=1e-4,
                atol=1e-5)
            trouble = "" if right else "gives wrong values"
        except CheckFailed as stop:
            if stop.feedback.status != "fail" or "did not return" in (
                    stop.feedback.message):
                raise
            trouble = "fails"
        if trouble:
            raise fail(
                f"Your function is right on the first cases, but it "
                f"{trouble} with {what} ({shown}): did you write a size "
                f"of the first cases into the code (the number of rows "
                f"of a band, or of devices)? Take the edge rows from the "
                f"ends of the band and the ring's size from the mesh, "
                f"whatever they are.")


@checker("periodic_sharded")
def periodic_sharded(fn) -> str:
    """Check ``periodic_sharded(u0, r, n_steps, mesh)``: ring halos."""
    devices = jax.devices()
    n = len(devices)
    mesh = jax.make_mesh((n,), ("rows",), axis_types=(AxisType.Explicit,),
                         devices=devices)
    for u0, r, n_steps, shown in _sharded_inputs(n):
        u0s, got = _run_sharded(fn, mesh, u0, r, n_steps)
        values = require_array(got, "Your result")
        expected = _expected_sharded(u0, r, n_steps)
        if values.shape == expected.shape and not np.allclose(
                values, expected, rtol=1e-4, atol=1e-5):
            _match_guess(values, _sharded_guesses(
                u0.astype(np.float64), r, n_steps, n), shown)
        same_values(values, expected, what="the values after the steps",
                    shown=shown, rtol=1e-4, atol=1e-5)
    _require_any_size(fn, devices)
    beat()
    try:
        used = primitives(jax.make_jaxpr(
            lambda v: fn(v, r, n_steps, mesh))(u0s).jaxpr)
    except Exception:   # noqa: BLE001 - untraceable: it is not shard_map
        used = set()
    if "shard_map" not in used:
        raise fail(
            "Your values are right, but not computed with jax.shard_map (a "
            "jnp.roll on the whole array lets the compiler choose the "
            "communication). The exercise is the per-device view: "
            "jax.shard_map over the rows, and lax.ppermute for the halo.")
    if "ppermute" not in used:
        raise fail(
            "Your values are right, but your shard_map has no "
            "lax.ppermute: pass the edge rows to the neighbouring devices "
            "with it.")
    sizes = [program_size(lambda v, k=k: fn(v, r, k, mesh), u0s)
             for k in (2, 8)]
    if sizes[0] != sizes[1]:
        raise fail(
            f"Your values are right, but the time steps are a Python "
            f"loop: the program grows with n_steps ({sizes[0]} operations "
            f"for 2 steps, {sizes[1]} for 8). Loop with lax.fori_loop "
            f"inside the shard_map, so that one compiled loop runs every "
            f"step.")
    if spec_axes(getattr(got, "sharding", None), 2) != (
            frozenset({"rows"}), frozenset()):
        raise fail(
            f"Your values are right, but the result is laid out as "
            f"{getattr(getattr(got, 'sharding', None), 'spec', 'a whole')}"
            f": it should stay split by rows over the mesh like u0, "
            f"out_specs=P('rows').")
    return (f"Correct: the {n} device(s) pass their edge rows around a "
            f"closed ring with lax.ppermute, and one compiled loop runs "
            f"every step.")
