"""Attempts at exercise heat-ex2, ``periodic_sharded``: run by
tests/test_check_heat.py on four simulated devices (with one device, a
block is the whole grid, and several mistakes would give the right
numbers). Imported in a subprocess by tests/run_attempts.py: it imports
nothing from the tests.
"""

import jax
import jax.numpy as jnp
from jax import lax
from jax.sharding import NamedSharding
from jax.sharding import PartitionSpec as P


def smap(body, mesh):
    return jax.shard_map(body, mesh=mesh, in_specs=P("rows"),
                         out_specs=P("rows"))


def update(band, above, below, r):
    rows = jnp.concatenate([above, band, below])
    near = (rows[:-2] + rows[2:] + jnp.roll(band, 1, axis=1)
            + jnp.roll(band, -1, axis=1))
    return band + r * (near - 4 * band)


def ring(band, pairs_above, pairs_below, r):
    above = lax.ppermute(band[-1:], "rows", perm=pairs_above)
    below = lax.ppermute(band[:1], "rows", perm=pairs_below)
    return update(band, above, below, r)

# --- correct, written in other ways than the book ---

def OK_fori_in_shard_map(u0, r, n_steps, mesh):
    def ring_step(band):
        n = lax.axis_size("rows")
        above = lax.ppermute(band[-1:], "rows",
                             perm=[(i, (i + 1) % n) for i in range(n)])
        below = lax.ppermute(band[:1], "rows",
                             perm=[((i + 1) % n, i) for i in range(n)])
        return update(band, above, below, r)

    @jax.shard_map(mesh=mesh, in_specs=P("rows"), out_specs=P("rows"))
    def run_bands(band):
        return lax.fori_loop(0, n_steps, lambda _, b: ring_step(b),
                             band)
    return run_bands(u0)

def OK_scan_and_pad(u0, r, n_steps, mesh):
    n = mesh.shape["rows"]
    fwd = [(i, (i + 1) % n) for i in range(n)]
    bwd = [(j, i) for i, j in fwd]

    def one(band, _):
        halo = jnp.concatenate([
            lax.ppermute(band[-1:], "rows", fwd), band,
            lax.ppermute(band[:1], "rows", bwd)])
        p = jnp.pad(halo, ((0, 0), (1, 1)), mode="wrap")
        near = p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:]
        return band + r * (near - 4 * band), None
    return smap(lambda b: lax.scan(one, b, length=n_steps)[0],
                mesh)(u0)

def OK_jitted_static(u0, r, n_steps, mesh):
    @jax.jit
    def run(u):
        n = mesh.size
        fwd = [(i, (i + 1) % n) for i in range(n)]
        bwd = [((i + 1) % n, i) for i in range(n)]
        return smap(lambda b: lax.fori_loop(
            0, n_steps, lambda _, x: ring(x, fwd, bwd, r), b), mesh)(u)
    return run(u0)

# --- typical mistakes ---

def BAD_stub(u0, r, n_steps, mesh):
    ...

def BAD_no_exchange(u0, r, n_steps, mesh):
    def body(b):
        return lax.fori_loop(0, n_steps, lambda _, x: update(
            x, x[-1:], x[:1], r), b)
    return smap(body, mesh)(u0)

def BAD_open_ring(u0, r, n_steps, mesh):
    n = mesh.size
    fwd = [(i, i + 1) for i in range(n - 1)]
    bwd = [(i + 1, i) for i in range(n - 1)]
    return smap(lambda b: lax.fori_loop(
        0, n_steps, lambda _, x: ring(x, fwd, bwd, r), b), mesh)(u0)

def BAD_wrong_direction(u0, r, n_steps, mesh):
    n = mesh.size
    fwd = [(i, (i + 1) % n) for i in range(n)]
    bwd = [((i + 1) % n, i) for i in range(n)]
    return smap(lambda b: lax.fori_loop(
        0, n_steps, lambda _, x: ring(x, bwd, fwd, r), b), mesh)(u0)

def BAD_off_by_one_halo(u0, r, n_steps, mesh):
    n = mesh.size
    fwd = [(i, (i + 1) % n) for i in range(n)]
    bwd = [((i + 1) % n, i) for i in range(n)]

    def step(x):
        above = lax.ppermute(x[-2:-1], "rows", fwd)
        below = lax.ppermute(x[1:2], "rows", bwd)
        return update(x, above, below, r)
    return smap(lambda b: lax.fori_loop(
        0, n_steps, lambda _, x: step(x), b), mesh)(u0)

def BAD_zero_halo(u0, r, n_steps, mesh):
    def body(b):
        z = jnp.zeros_like(b[:1])
        return lax.fori_loop(0, n_steps,
                             lambda _, x: update(x, z, z, r), b)
    return smap(body, mesh)(u0)

def BAD_python_loop(u0, r, n_steps, mesh):
    n = mesh.size
    fwd = [(i, (i + 1) % n) for i in range(n)]
    bwd = [((i + 1) % n, i) for i in range(n)]

    def body(b):
        for _ in range(n_steps):
            b = ring(b, fwd, bwd, r)
        return b
    return smap(body, mesh)(u0)

def BAD_python_loop_outside(u0, r, n_steps, mesh):
    n = mesh.size
    fwd = [(i, (i + 1) % n) for i in range(n)]
    bwd = [((i + 1) % n, i) for i in range(n)]
    step = smap(lambda b: ring(b, fwd, bwd, r), mesh)
    for _ in range(n_steps):
        u0 = step(u0)
    return u0

def BAD_whole_array_roll(u0, r, n_steps, mesh):
    u = u0
    for _ in range(n_steps):
        near = (jnp.roll(u, 1, 0) + jnp.roll(u, -1, 0)
                + jnp.roll(u, 1, 1) + jnp.roll(u, -1, 1))
        u = u + r * (near - 4 * u)
    return u

def BAD_replicate_and_roll(u0, r, n_steps, mesh):
    u = jax.device_put(u0, NamedSharding(mesh, P()))
    for _ in range(n_steps):
        near = (jnp.roll(u, 1, 0) + jnp.roll(u, -1, 0)
                + jnp.roll(u, 1, 1) + jnp.roll(u, -1, 1))
        u = u + r * (near - 4 * u)
    return jax.device_put(u, NamedSharding(mesh, P("rows")))

def BAD_swapped_rows(u0, r, n_steps, mesh):
    n = mesh.size
    fwd = [(i, (i + 1) % n) for i in range(n)]
    bwd = [((i + 1) % n, i) for i in range(n)]

    def step(x):
        above = lax.ppermute(x[:1], "rows", bwd)
        below = lax.ppermute(x[-1:], "rows", fwd)
        return update(x, above, below, r)
    return smap(lambda b: lax.fori_loop(
        0, n_steps, lambda _, x: step(x), b), mesh)(u0)

def BAD_all_gather_instead(u0, r, n_steps, mesh):
    def body(b):
        def step(_, x):
            full = lax.all_gather(x, "rows", tiled=True)
            i = lax.axis_index("rows")
            k = x.shape[0]
            near_full = (jnp.roll(full, 1, 0) + jnp.roll(full, -1, 0)
                         + jnp.roll(full, 1, 1) + jnp.roll(full, -1, 1))
            near = lax.dynamic_slice_in_dim(near_full, i * k, k)
            return x + r * (near - 4 * x)
        return lax.fori_loop(0, n_steps, step, b)
    return smap(body, mesh)(u0)

def BAD_gathered_result(u0, r, n_steps, mesh):
    return jax.device_put(OK_fori_in_shard_map(u0, r, n_steps, mesh),
                          NamedSharding(mesh, P()))

def BAD_never_returns(u0, r, n_steps, mesh):
    while True:
        pass

def BAD_last_row_index(u0, r, n_steps, mesh):
    """band[3:4] as "the last row": four rows per device, as announced"""
    n = mesh.size
    fwd = [(i, (i + 1) % n) for i in range(n)]
    bwd = [((i + 1) % n, i) for i in range(n)]

    def step(x):
        above = lax.ppermute(x[3:4], "rows", fwd)
        below = lax.ppermute(x[:1], "rows", bwd)
        return update(x, above, below, r)
    return smap(lambda b: lax.fori_loop(
        0, n_steps, lambda _, x: step(x), b), mesh)(u0)

def BAD_typed_device_count(u0, r, n_steps, mesh):
    """the ring's size from the test machine's device count, 4"""
    n = 4
    fwd = [(i, (i + 1) % n) for i in range(n)]
    bwd = [((i + 1) % n, i) for i in range(n)]
    return smap(lambda b: lax.fori_loop(
        0, n_steps, lambda _, x: ring(x, fwd, bwd, r), b), mesh)(u0)


def BAD_columns_zero_padded(u0, r, n_steps, mesh):
    """the chapter's halo_step with only `% n` added: the columns are
    still zero-padded"""
    def step(band):
        n = lax.axis_size("rows")
        above = lax.ppermute(band[-1:], "rows",
                             perm=[(i, (i + 1) % n) for i in range(n)])
        below = lax.ppermute(band[:1], "rows",
                             perm=[((i + 1) % n, i) for i in range(n)])
        p = jnp.pad(jnp.concatenate([above, band, below]), ((0, 0), (1, 1)))
        near = p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:]
        return band + r * (near - 4 * band)
    return smap(lambda b: lax.fori_loop(
        0, n_steps, lambda _, x: step(x), b), mesh)(u0)


def BAD_half_ring(u0, r, n_steps, mesh):
    """only the `above` permutation closes the ring"""
    n = mesh.size
    fwd = [(i, (i + 1) % n) for i in range(n)]
    bwd = [(i + 1, i) for i in range(n - 1)]
    return smap(lambda b: lax.fori_loop(
        0, n_steps, lambda _, x: ring(x, fwd, bwd, r), b), mesh)(u0)


def BAD_one_step_short(u0, r, n_steps, mesh):
    """fori_loop from 1: one step too few"""
    n = mesh.size
    fwd = [(i, (i + 1) % n) for i in range(n)]
    bwd = [(j, i) for i, j in fwd]
    return smap(lambda b: lax.fori_loop(
        1, n_steps, lambda _, x: ring(x, fwd, bwd, r), b), mesh)(u0)
