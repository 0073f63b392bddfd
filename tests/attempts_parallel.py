"""Attempts at the parallel chapter's exercises: parallel-ex2 (Stretch),
``tensor_parallel_step``, and parallel-ex1 (Core), ``standardize_batch``.

tests/test_check_parallel.py runs them on four simulated devices (with
one device, a device's rows are the whole batch, and several mistakes
would give the right numbers). Imported in a subprocess by
tests/run_attempts.py: it imports nothing from the tests.
"""

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.sharding import AxisType, NamedSharding
from jax.sharding import PartitionSpec as P

from py4eng_jax import gd_step

# ------------------------------------------- parallel-ex2 (Stretch)

HIDDEN = (P(None, "model"), P("model"), P("model"), P())
DATA = P("data")


def place(params, X, Y, mesh, specs=HIDDEN, rows=DATA):
    params = tuple(jax.device_put(p, NamedSharding(mesh, s))
                   for p, s in zip(params, specs))
    X = jax.device_put(X, NamedSharding(mesh, rows))
    Y = jax.device_put(Y, NamedSharding(mesh, rows))
    return params, X, Y


def explicit_loss(params, X, Y):
    w1, b1, w2, b2 = params
    h = jnp.tanh(X @ w1 + b1)
    z = jnp.dot(h, w2, out_sharding=P("data")) + b2
    p = jax.nn.sigmoid(z)
    return -(Y * jnp.log(p + 1e-10)
             + (1 - Y) * jnp.log(1 - p + 1e-10)).mean()


@jax.jit
def explicit_step(params, X, Y):
    grads = jax.grad(explicit_loss)(params, X, Y)
    return tuple(p - g for p, g in zip(params, grads))


def OK_explicit_out_sharding(params, X, Y, mesh):
    params, X, Y = place(params, X, Y, mesh)
    with jax.set_mesh(mesh):
        return explicit_step(params, X, Y)


def OK_auto_mesh(params, X, Y, mesh):
    auto = jax.make_mesh(mesh.devices.shape, mesh.axis_names,
                         axis_types=(AxisType.Auto,) * 2,
                         devices=list(mesh.devices.flat))
    params, X, Y = place(params, X, Y, auto)
    new = jax.jit(gd_step)(params, X, Y, 1.0)
    return tuple(jax.device_put(p, NamedSharding(mesh, s))
                 for p, s in zip(new, HIDDEN))


def OK_shard_map_psum(params, X, Y, mesh):
    def local(params, X, Y):
        w1, b1, w2, b2 = params
        def local_loss(params):
            w1, b1, w2, b2 = params
            h = jnp.tanh(X @ w1 + b1)
            z = lax.psum(h @ w2, "model") + b2
            p = jax.nn.sigmoid(z)
            mine = -(Y * jnp.log(p + 1e-10)
                     + (1 - Y) * jnp.log(1 - p + 1e-10)).mean()
            return lax.pmean(mine, "data")
        grads = jax.grad(local_loss)(params)
        return tuple(p - g for p, g in zip(params, grads))

    step = jax.shard_map(local, mesh=mesh,
                         in_specs=(HIDDEN, P("data"), P("data")),
                         out_specs=HIDDEN)
    params, X, Y = place(params, X, Y, mesh)
    return jax.jit(step)(params, X, Y)


def BAD_stub_tensor(params, X, Y, mesh):
    raise NotImplementedError


def BAD_gd_step_explicit(params, X, Y, mesh):
    return jax.jit(gd_step)(*place(params, X, Y, mesh), 1.0)


def BAD_no_set_mesh(params, X, Y, mesh):
    return explicit_step(*place(params, X, Y, mesh))


def BAD_replicated_params(params, X, Y, mesh):
    specs = (P(), P(), P(), P())
    return jax.jit(gd_step)(*place(params, X, Y, mesh, specs), 1.0)


def BAD_rows_not_split(params, X, Y, mesh):
    params, X, Y = place(params, X, Y, mesh, rows=P())
    with jax.set_mesh(mesh):
        return explicit_step(params, X, Y)


def BAD_split_at_the_end(params, X, Y, mesh):
    specs = (P(), P(), P(), P())
    new = jax.jit(gd_step)(*place(params, X, Y, mesh, specs), 1.0)
    return tuple(jax.device_put(p, NamedSharding(mesh, s))
                 for p, s in zip(new, HIDDEN))


def BAD_own_mesh(params, X, Y, mesh):
    mine = jax.make_mesh((4, 2), ("data", "model"),   # the book's 8 devices
                         axis_types=(AxisType.Explicit,) * 2)
    params, X, Y = place(params, X, Y, mine)
    with jax.set_mesh(mine):
        return explicit_step(params, X, Y)


def BAD_psum_of_losses(params, X, Y, mesh):
    def local(params, X, Y):
        def local_loss(params):
            w1, b1, w2, b2 = params
            h = jnp.tanh(X @ w1 + b1)
            p = jax.nn.sigmoid(lax.psum(h @ w2, "model") + b2)
            mine = -(Y * jnp.log(p + 1e-10)
                     + (1 - Y) * jnp.log(1 - p + 1e-10)).mean()
            return lax.psum(mine, "data")    # a sum, not the mean
        grads = jax.grad(local_loss)(params)
        return tuple(p - g for p, g in zip(params, grads))

    step = jax.shard_map(local, mesh=mesh,
                         in_specs=(HIDDEN, P("data"), P("data")),
                         out_specs=HIDDEN)
    return jax.jit(step)(*place(params, X, Y, mesh))


def BAD_lr_half(params, X, Y, mesh):
    specs_mesh = place(params, X, Y, mesh)
    with jax.set_mesh(mesh):
        new = explicit_step(*specs_mesh)
    return tuple(p + 0.5 * (n - p) for p, n in zip(specs_mesh[0], new))


def BAD_returns_loss_tensor(params, X, Y, mesh):
    with jax.set_mesh(mesh):
        return explicit_loss(*place(params, X, Y, mesh))


def BAD_forgot_return_tensor(params, X, Y, mesh):
    params, X, Y = place(params, X, Y, mesh)
    with jax.set_mesh(mesh):
        explicit_step(params, X, Y)


def BAD_while_loop_forever_tensor(params, X, Y, mesh):
    @jax.jit
    def train(params, X, Y):
        # "train until the loss is small", but the loss is never updated
        def body(state):
            params, loss = state
            return explicit_step(params, X, Y), loss
        return lax.while_loop(lambda s: s[1] > 1e-3, body,
                              (params, jnp.float32(1.0)))[0]

    params, X, Y = place(params, X, Y, mesh)
    with jax.set_mesh(mesh):
        return train(params, X, Y)


# ---------------------------------------------- parallel-ex1 (Core)

BY_ROWS = P("batch")


def smap(body, mesh, out_specs=BY_ROWS):
    return jax.shard_map(body, mesh=mesh, in_specs=BY_ROWS,
                         out_specs=out_specs)

# --- correct, written in other ways than the book ---

def OK_pmean_mean_and_var(x, mesh):
    def body(block):
        mean = lax.pmean(block.mean(axis=0), "batch")
        var = lax.pmean(((block - mean) ** 2).mean(axis=0), "batch")
        return (block - mean) / jnp.sqrt(var)
    return smap(body, mesh)(x)

def OK_sums_and_counts(x, mesh):
    axis = mesh.axis_names[0]
    def body(block):
        count = lax.psum(block.shape[0], axis)
        mean = lax.psum(block.sum(0), axis) / count
        var = lax.psum(((block - mean) ** 2).sum(0), axis) / count
        return (block - mean) * lax.rsqrt(var)
    return jax.shard_map(body, mesh=mesh, in_specs=P(axis),
                         out_specs=P(axis))(x)

def OK_second_moment(x, mesh):
    def body(block):
        m1 = lax.pmean(jnp.mean(block, axis=0), "batch")
        m2 = lax.pmean(jnp.mean(block * block, axis=0), "batch")
        return (block - m1) / jnp.sqrt(m2 - m1 ** 2)
    return smap(body, mesh)(x)

def OK_gather_all(x, mesh):
    def body(block):
        everything = lax.all_gather(block, "batch", tiled=True)
        return ((block - everything.mean(0))
                / everything.std(0))
    return smap(body, mesh)(x)

def OK_with_set_mesh(x, mesh):
    @jax.shard_map(in_specs=P("batch"), out_specs=P("batch"))
    def body(block):
        mean = lax.pmean(block.mean(0), "batch")
        std = jnp.sqrt(lax.pmean(jnp.square(block - mean).mean(0),
                                 "batch"))
        return (block - mean) / std
    with jax.set_mesh(mesh):
        return jax.jit(body)(x)

# --- typical mistakes ---

def BAD_stub(x, mesh):
    ...

def BAD_local_stats(x, mesh):
    return smap(lambda b: (b - b.mean(0)) / b.std(0), mesh)(x)

def BAD_psum_not_mean(x, mesh):
    def body(block):
        mean = lax.psum(block.mean(0), "batch")
        var = lax.psum(((block - mean) ** 2).mean(0), "batch")
        return (block - mean) / jnp.sqrt(var)
    return smap(body, mesh)(x)

def BAD_mean_of_stds(x, mesh):
    def body(block):
        mean = lax.pmean(block.mean(0), "batch")
        return (block - mean) / lax.pmean(block.std(0), "batch")
    return smap(body, mesh)(x)

def BAD_deviations_from_own_mean(x, mesh):
    def body(block):
        mean = lax.pmean(block.mean(0), "batch")
        return (block - mean) / lax.pmean(block.var(0), "batch") ** 0.5
    return smap(body, mesh)(x)

def BAD_ddof_one(x, mesh):
    def body(block):
        n = lax.psum(block.shape[0], "batch")
        mean = lax.psum(block.sum(0), "batch") / n
        var = lax.psum(((block - mean) ** 2).sum(0), "batch") / (n - 1)
        return (block - mean) / jnp.sqrt(var)
    return smap(body, mesh)(x)

def BAD_per_row(x, mesh):
    def body(block):
        return ((block - block.mean(1, keepdims=True))
                / block.std(1, keepdims=True))
    return smap(body, mesh)(x)

def BAD_only_centered(x, mesh):
    return smap(lambda b: b - lax.pmean(b.mean(0), "batch"), mesh)(x)

def BAD_numpy_inside(x, mesh):
    def body(block):
        mean = lax.pmean(block.mean(0), "batch")
        var = lax.pmean(((block - mean) ** 2).mean(0), "batch")
        return (block - mean) / np.sqrt(var)
    return smap(body, mesh)(x)

def BAD_replicated_out_specs(x, mesh):
    return smap(lambda b: b - lax.pmean(b.mean(0), "batch"), mesh,
                out_specs=P())(x)

def BAD_wrong_axis_name(x, mesh):
    def body(block):
        mean = lax.pmean(block.mean(0), "rows")
        return block - mean
    return smap(body, mesh)(x)

def BAD_no_shard_map(x, mesh):
    return (x - x.mean(0)) / x.std(0)

def BAD_loop_over_shards(x, mesh):
    full = np.concatenate([np.asarray(s.data)
                           for s in x.addressable_shards])
    return jnp.asarray((full - full.mean(0)) / full.std(0))

def BAD_gathered_result(x, mesh):
    return jax.device_put(OK_pmean_mean_and_var(x, mesh),
                          NamedSharding(mesh, P()))

def BAD_the_statistics(x, mesh):
    def body(block):
        mean = lax.pmean(block.mean(0), "batch")
        var = lax.pmean(((block - mean) ** 2).mean(0), "batch")
        return mean, var
    return jax.shard_map(body, mesh=mesh, in_specs=P("batch"),
                         out_specs=P())(x)

def BAD_as_numpy(x, mesh):
    return np.asarray(OK_pmean_mean_and_var(x, mesh))


def BAD_never_returns(x, mesh):
    while True:
        pass


def BAD_four_rows_per_device(x, mesh):
    def body(block):   # the statement's example: four rows per device
        mean = lax.psum(block.sum(axis=0), "batch") / (4 * mesh.size)
        var = lax.psum(((block - mean) ** 2).sum(axis=0),
                       "batch") / (4 * mesh.size)
        return (block - mean) / jnp.sqrt(var)
    return smap(body, mesh)(x)


def BAD_forgot_return_standardize(x, mesh):
    def body(block):
        mean = lax.pmean(block.mean(axis=0), "batch")
        var = lax.pmean(((block - mean) ** 2).mean(axis=0), "batch")
        return (block - mean) / jnp.sqrt(var)
    smap(body, mesh)(x)


def BAD_while_loop_in_shard_map(x, mesh):
    def body(block):
        mean = lax.pmean(block.mean(axis=0), "batch")
        var = lax.pmean(((block - mean) ** 2).mean(axis=0), "batch")
        # refine 1/std by Newton steps "until they stop changing", but the
        # test is the wrong way round: it loops while they do not change
        r = 1 / jnp.sqrt(var)
        _, r = lax.while_loop(
            lambda s: jnp.max(jnp.abs(s[1] - s[0])) < 1e-6,
            lambda s: (s[1], s[1] * (1.5 - 0.5 * var * s[1] ** 2)),
            (r, r))
        return (block - mean) * r
    return jax.jit(smap(body, mesh))(x)

def BAD_stats_outside_shard_map(x, mesh):
    # the statistics of the global array, computed outside the shard_map
    # and handed in replicated; the pmean inside changes nothing
    mean, std = x.mean(0), x.std(0)
    def body(block, mean, std):
        mean = lax.pmean(mean, "batch")
        return (block - mean) / std
    return jax.shard_map(body, mesh=mesh, in_specs=(BY_ROWS, P(), P()),
                         out_specs=BY_ROWS)(x, mean, std)
