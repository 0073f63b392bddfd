"""The checker of exercise parallel-ex2, standardize_batch: its catalogue.

Correct answers written in other ways than the book's pass; typical
mistakes each get their own verdict and hint. The attempts run in one
subprocess whose JAX simulates four CPU devices (with one device, the
statistics of a device's rows are those of the batch, and several
mistakes would give the right numbers); this process, with one device,
checks what still holds there.
"""

import textwrap

import jax
import jax.numpy as jnp
import pytest

try:   # where the shared test helpers live after the house's reorganization
    from support import run_with_four_devices
except ImportError:
    from conftest import run_with_four_devices
from jax import lax
from jax.sharding import PartitionSpec as P

from py4eng_jax import check

ATTEMPTS = textwrap.dedent('''
    import json
    import jax
    jax.config.update("jax_num_cpu_devices", 4)
    import jax.numpy as jnp
    import numpy as np
    from jax import lax
    from jax.sharding import NamedSharding, PartitionSpec as P
    from py4eng_jax import check


    def smap(body, mesh, out_specs=P("batch")):
        return jax.shard_map(body, mesh=mesh, in_specs=P("batch"),
                             out_specs=out_specs)

    # --- correct, written in other ways than the book ---

    def book(x, mesh):
        def body(block):
            mean = lax.pmean(block.mean(axis=0), "batch")
            var = lax.pmean(((block - mean) ** 2).mean(axis=0), "batch")
            return (block - mean) / jnp.sqrt(var)
        return smap(body, mesh)(x)

    def sums_and_counts(x, mesh):
        axis = mesh.axis_names[0]
        def body(block):
            count = lax.psum(block.shape[0], axis)
            mean = lax.psum(block.sum(0), axis) / count
            var = lax.psum(((block - mean) ** 2).sum(0), axis) / count
            return (block - mean) * lax.rsqrt(var)
        return jax.shard_map(body, mesh=mesh, in_specs=P(axis),
                             out_specs=P(axis))(x)

    def second_moment(x, mesh):
        def body(block):
            m1 = lax.pmean(jnp.mean(block, axis=0), "batch")
            m2 = lax.pmean(jnp.mean(block * block, axis=0), "batch")
            return (block - m1) / jnp.sqrt(m2 - m1 ** 2)
        return smap(body, mesh)(x)

    def gather_all(x, mesh):
        def body(block):
            everything = lax.all_gather(block, "batch", tiled=True)
            return ((block - everything.mean(0))
                    / everything.std(0))
        return smap(body, mesh)(x)

    def with_set_mesh(x, mesh):
        @jax.shard_map(in_specs=P("batch"), out_specs=P("batch"))
        def body(block):
            mean = lax.pmean(block.mean(0), "batch")
            std = jnp.sqrt(lax.pmean(jnp.square(block - mean).mean(0),
                                     "batch"))
            return (block - mean) / std
        with jax.set_mesh(mesh):
            return jax.jit(body)(x)

    # --- typical mistakes ---

    def stub(x, mesh):
        ...

    def local_stats(x, mesh):
        return smap(lambda b: (b - b.mean(0)) / b.std(0), mesh)(x)

    def psum_not_mean(x, mesh):
        def body(block):
            mean = lax.psum(block.mean(0), "batch")
            var = lax.psum(((block - mean) ** 2).mean(0), "batch")
            return (block - mean) / jnp.sqrt(var)
        return smap(body, mesh)(x)

    def mean_of_stds(x, mesh):
        def body(block):
            mean = lax.pmean(block.mean(0), "batch")
            return (block - mean) / lax.pmean(block.std(0), "batch")
        return smap(body, mesh)(x)

    def deviations_from_own_mean(x, mesh):
        def body(block):
            mean = lax.pmean(block.mean(0), "batch")
            return (block - mean) / lax.pmean(block.var(0), "batch") ** 0.5
        return smap(body, mesh)(x)

    def ddof_one(x, mesh):
        def body(block):
            n = lax.psum(block.shape[0], "batch")
            mean = lax.psum(block.sum(0), "batch") / n
            var = lax.psum(((block - mean) ** 2).sum(0), "batch") / (n - 1)
            return (block - mean) / jnp.sqrt(var)
        return smap(body, mesh)(x)

    def per_row(x, mesh):
        def body(block):
            return ((block - block.mean(1, keepdims=True))
                    / block.std(1, keepdims=True))
        return smap(body, mesh)(x)

    def only_centered(x, mesh):
        return smap(lambda b: b - lax.pmean(b.mean(0), "batch"), mesh)(x)

    def numpy_inside(x, mesh):
        def body(block):
            mean = lax.pmean(block.mean(0), "batch")
            var = lax.pmean(((block - mean) ** 2).mean(0), "batch")
            return (block - mean) / np.sqrt(var)
        return smap(body, mesh)(x)

    def replicated_out_specs(x, mesh):
        return smap(lambda b: b - lax.pmean(b.mean(0), "batch"), mesh,
                    out_specs=P())(x)

    def wrong_axis_name(x, mesh):
        def body(block):
            mean = lax.pmean(block.mean(0), "rows")
            return block - mean
        return smap(body, mesh)(x)

    def no_shard_map(x, mesh):
        return (x - x.mean(0)) / x.std(0)

    def loop_over_shards(x, mesh):
        full = np.concatenate([np.asarray(s.data)
                               for s in x.addressable_shards])
        return jnp.asarray((full - full.mean(0)) / full.std(0))

    def gathered_result(x, mesh):
        return jax.device_put(book(x, mesh), NamedSharding(mesh, P()))

    def the_statistics(x, mesh):
        def body(block):
            mean = lax.pmean(block.mean(0), "batch")
            var = lax.pmean(((block - mean) ** 2).mean(0), "batch")
            return mean, var
        return jax.shard_map(body, mesh=mesh, in_specs=P("batch"),
                             out_specs=P())(x)

    def as_numpy(x, mesh):
        return np.asarray(book(x, mesh))

    out = {}
    for name, fn in list(globals().items()):
        if callable(fn) and getattr(fn, "__module__", "") == "__main__" \\
                and name != "smap":
            feedback = check.standardize_batch(fn)
            out[name] = [feedback.status, feedback.message]
    print(json.dumps(out))
''')


@pytest.fixture(scope="module")
def verdicts():
    """Every attempt's (status, message), from four simulated devices."""
    return run_with_four_devices(ATTEMPTS)


CORRECT = ["book", "sums_and_counts", "second_moment", "gather_all",
           "with_set_mesh"]


@pytest.mark.parametrize("name", CORRECT)
def test_correct_answers_pass(verdicts, name):
    """the book's solution and four others, written differently, pass"""
    status, message = verdicts[name]
    assert status == "pass", message
    assert "with the statistics of the whole batch" in message


WRONG = [
    ("stub", "not attempted", "Not attempted yet"),
    ("local_stats", "fail", "Each device used only its own rows"),
    ("psum_not_mean", "fail", "a sum of means is not the mean"),
    ("mean_of_stds", "fail",
     "not the mean of the devices' standard deviations"),
    ("deviations_from_own_mean", "fail",
     "deviations from the global mean, not from its own"),
    ("ddof_one", "fail", "You divided by N - 1"),
    ("per_row", "fail", "Your statistics are per row (axis=1)"),
    ("only_centered", "fail", "centered but not scaled"),
    ("numpy_inside", "fail", "converts a traced block to NumPy"),
    ("replicated_out_specs", "fail", "use out_specs=P('batch')"),
    ("wrong_axis_name", "fail", "the mesh's axis is 'batch'"),
    ("no_shard_map", "fail", "not computed with jax.shard_map"),
    ("loop_over_shards", "fail", "not computed with jax.shard_map"),
    ("gathered_result", "fail", "it should stay split by rows"),
    ("the_statistics", "fail", "return one array"),
    ("as_numpy", "fail", "not a JAX array on the mesh"),
]


@pytest.mark.parametrize("name, status, hint", WRONG,
                         ids=[w[0] for w in WRONG])
def test_mistakes_get_their_hint(verdicts, name, status, hint):
    """each typical mistake gets its verdict and its own hint"""
    got_status, message = verdicts[name]
    assert got_status == status, message
    assert hint in message, message


def test_wrong_values_name_the_input(verdicts):
    """a hint on values says which input showed the problem"""
    assert "x = jnp.arange(48.0).reshape(16, 3) ** 1.5" in \
        verdicts["local_stats"][1]


# With one device (this process): what the checker can still tell.

def one_device_book(x, mesh):
    def body(block):
        mean = lax.pmean(block.mean(axis=0), "batch")
        var = lax.pmean(((block - mean) ** 2).mean(axis=0), "batch")
        return (block - mean) / jnp.sqrt(var)
    return jax.shard_map(body, mesh=mesh, in_specs=P("batch"),
                         out_specs=P("batch"))(x)


def test_book_passes_on_one_device():
    """the solution passes with a single device too"""
    assert check.standardize_batch(one_device_book).passed


def test_local_statistics_caught_on_one_device():
    """with one device the values agree, but a missing collective is seen"""
    def local(x, mesh):
        return jax.shard_map(lambda b: (b - b.mean(0)) / b.std(0),
                             mesh=mesh, in_specs=P("batch"),
                             out_specs=P("batch"))(x)

    feedback = check.standardize_batch(local)
    assert feedback.status == "fail"
    assert "has no collective" in feedback.message


def test_a_crash_becomes_a_hint():
    """an unrelated error is explained, not raised"""
    def broken(x, mesh):
        return jnp.ones(3) @ jnp.ones(4)

    feedback = check.standardize_batch(broken)
    assert feedback.status == "fail"
    assert "TypeError" in feedback.message or "shape" in feedback.message


def test_the_checker_refuses_a_non_function():
    """passing the result instead of the function is refused or hinted"""
    try:
        feedback = check.standardize_batch(jnp.ones(3))
    except TypeError:   # the checker machinery before its deadline version
        return
    assert feedback.status == "fail"


def test_a_function_that_never_returns_gets_an_answer(monkeypatch):
    """an endless loop gets a verdict within the deadline (shortened to
    1 s here: test_check_fitting.py tries the real one)"""
    monkeypatch.setenv("PY4ENG_CHECK_DEADLINE_S", "1")
    def forever(x, mesh):
        while True:
            pass

    feedback = check.standardize_batch(forever)
    assert feedback.status == "fail"
