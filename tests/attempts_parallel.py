"""Attempts at the parallel chapter's exercises: parallel-ex1,
``data_parallel_step``, and parallel-ex2, ``standardize_batch``.

tests/test_check_parallel.py runs them on four simulated devices (with
one device, a device's rows are the whole batch, and several mistakes
would give the right numbers). Imported in a subprocess by
tests/run_attempts.py: it imports nothing from the tests.
"""

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.sharding import NamedSharding
from jax.sharding import PartitionSpec as P

import py4eng_jax
from py4eng_jax import gd_step, loss

# ------------------------------------------------------------ parallel-ex1


def OK_data_parallel_in_shardings(params, X, Y, mesh):
    rows = NamedSharding(mesh, P(mesh.axis_names))
    copy = NamedSharding(mesh, P())
    step = jax.jit(gd_step, in_shardings=(copy, rows, rows, None),
                   out_shardings=copy)
    return step(params, X, Y, 1.0)


def OK_data_parallel_helpers(params, X, Y, mesh):
    X, Y = py4eng_jax.shard_rows(X, mesh), py4eng_jax.shard_rows(Y, mesh)
    return jax.jit(gd_step)(py4eng_jax.replicate(params, mesh), X, Y, 1.0)


def BAD_data_parallel_all_replicated(params, X, Y, mesh):
    copy = NamedSharding(mesh, P())
    params, X, Y = jax.device_put((params, X, Y), copy)
    return jax.jit(gd_step)(params, X, Y, 1.0)


def BAD_data_parallel_data_not_split(params, X, Y, mesh):
    params = jax.device_put(params, NamedSharding(mesh, P()))
    return jax.jit(gd_step)(params, X, Y, 1.0)


def BAD_data_parallel_only_x(params, X, Y, mesh):
    copy = NamedSharding(mesh, P())
    X = jax.device_put(X, NamedSharding(mesh, P(mesh.axis_names[0])))
    return jax.jit(gd_step)(jax.device_put(params, copy), X,
                            jax.device_put(Y, copy), 1.0)


def BAD_data_parallel_one_device(params, X, Y, mesh):
    return jax.jit(gd_step)(params, X, Y, 1.0)


def BAD_data_parallel_gathered(params, X, Y, mesh):
    rows = NamedSharding(mesh, P(mesh.axis_names[0]))
    copy = NamedSharding(mesh, P())
    X, Y = jax.device_put(X, rows), jax.device_put(Y, rows)
    X, Y = jax.device_put(X, copy), jax.device_put(Y, copy)
    return jax.jit(gd_step)(jax.device_put(params, copy), X, Y, 1.0)


def BAD_data_parallel_lr(params, X, Y, mesh):
    params = jax.device_put(params, NamedSharding(mesh, P()))
    rows = NamedSharding(mesh, P(mesh.axis_names[0]))
    X, Y = jax.device_put(X, rows), jax.device_put(Y, rows)
    return jax.jit(gd_step)(params, X, Y, 0.5)


def BAD_data_parallel_returns_loss(params, X, Y, mesh):
    return loss(params, X, Y)


def OK_data_parallel_shard_map(params, X, Y, mesh):
    axis = mesh.axis_names[0]

    def local(params, X, Y):   # one device's rows
        # The parameters are the same on every device, so jax.grad adds
        # up (psum) the devices' gradients: divide by their number.
        share = jax.lax.axis_size(axis)
        grads = jax.grad(lambda p: loss(p, X, Y) / share)(params)
        return jax.tree.map(lambda p, g: p - g, params, grads)

    step = jax.shard_map(local, mesh=mesh, in_specs=(P(), P(axis), P(axis)),
                         out_specs=P())
    return jax.jit(step)(params, X, Y)




def BAD_data_parallel_params_on_device_0(params, X, Y, mesh):
    params = jax.device_put(params, jax.devices()[0])
    return jax.jit(gd_step)(params, py4eng_jax.shard_rows(X, mesh),
                            py4eng_jax.shard_rows(Y, mesh), 1.0)


# ------------------------------------------------------------ parallel-ex2

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
