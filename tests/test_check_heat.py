"""The checkers of the heat chapter's exercises: their catalogues.

heat-ex1, ``periodic_step``: attempts run in this process. heat-ex2,
``periodic_sharded``: attempts run in one subprocess whose JAX simulates
four CPU devices (with one device, a block is the whole grid, and
several mistakes would give the right numbers).
"""

import textwrap

import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

from py4eng_jax import check
from support import run_with_four_devices

# ------------------------------------------------------------- heat-ex1


def book_step(u, r):
    neighbours = (jnp.roll(u, 1, axis=0) + jnp.roll(u, -1, axis=0)
                  + jnp.roll(u, 1, axis=1) + jnp.roll(u, -1, axis=1))
    return u + r * (neighbours - 4 * u)


def ok_wrap_pad(u, r):
    p = jnp.pad(u, 1, mode="wrap")
    near = p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:]
    return (1 - 4 * r) * u + r * near


def ok_concatenate(u, r):
    rows = jnp.concatenate([u[-1:], u, u[:1]])
    cols = jnp.concatenate([u[:, -1:], u, u[:, :1]], axis=1)
    lap = rows[:-2] + rows[2:] + cols[:, :-2] + cols[:, 2:] - 4 * u
    return u + r * lap


def ok_roll_both_axes(u, r):
    near = sum(jnp.roll(u, s, axis=a) for a in (0, 1) for s in (1, -1))
    return u + r * (near - 4.0 * u)


def stub_step(u, r):
    ...


def bad_zero_boundary(u, r):
    p = jnp.pad(u, 1)
    near = p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:]
    return u + r * (near - 4 * u)


def bad_rows_only(u, r):
    near = (jnp.roll(u, 1, axis=0) + jnp.roll(u, -1, axis=0)
            + jnp.roll(u, 1, axis=0) + jnp.roll(u, -1, axis=0))
    return u + r * (near - 4 * u)


def bad_cols_only(u, r):
    near = (jnp.roll(u, 1, axis=1) + jnp.roll(u, -1, axis=1)
            + jnp.roll(u, 1, axis=1) + jnp.roll(u, -1, axis=1))
    return u + r * (near - 4 * u)


def bad_sign(u, r):
    return u - r * (book_step(u, 1.0) - u)


def bad_change_only(u, r):
    return book_step(u, r) - u


def bad_minus_two(u, r):
    return book_step(u, r) + 2 * r * u


def bad_no_centre(u, r):
    return book_step(u, r) + 4 * r * u


def bad_numpy(u, r):
    near = (np.roll(u, 1, 0) + np.roll(u, -1, 0) + np.roll(u, 1, 1)
            + np.roll(u, -1, 1))
    return jnp.asarray(u + r * (near - 4 * u))


def bad_transposed(u, r):
    return book_step(u, r).T


def bad_list(u, r):
    return book_step(u, r).tolist()


STEP_CORRECT = [book_step, ok_wrap_pad, ok_concatenate, ok_roll_both_axes]

STEP_WRONG = [
    (stub_step, "not attempted", "Not attempted yet"),
    (bad_zero_boundary, "fail", "holds the boundary at zero"),
    (bad_rows_only, "fail", "rolls along the rows only"),
    (bad_cols_only, "fail", "rolls along the columns only"),
    (bad_sign, "fail", "the wrong sign"),
    (bad_change_only, "fail", "not the new values: add u"),
    (bad_minus_two, "fail", "subtracts 2 * u"),
    (bad_no_centre, "fail", "forgets the centre term"),
    (bad_numpy, "fail", "NumPy"),
    (bad_transposed, "fail", "Wrong shape for the new values"),
    (bad_list, "fail", "should be an array"),
]


@pytest.mark.parametrize("fn", STEP_CORRECT, ids=lambda f: f.__name__)
def test_periodic_step_correct_answers_pass(fn):
    """the book's step and three others, written differently, pass"""
    feedback = check.periodic_step(fn)
    assert feedback.status == "pass", feedback.message
    assert "periodic boundaries" in feedback.message


@pytest.mark.parametrize("fn, status, hint", STEP_WRONG,
                         ids=lambda v: getattr(v, "__name__", ""))
def test_periodic_step_mistakes_get_their_hint(fn, status, hint):
    """each typical mistake gets its verdict and its own hint"""
    feedback = check.periodic_step(fn)
    assert feedback.status == status, feedback.message
    assert hint in feedback.message, feedback.message


def test_periodic_step_hint_names_the_input():
    """a hint on values says which input showed the problem"""
    message = check.periodic_step(bad_zero_boundary).message
    assert "jnp.arange(30.0).reshape(5, 6) ** 1.5 / 10 and r = 0.2" in \
        message


def test_periodic_step_never_returning_gets_an_answer():
    """an endless while_loop gets a verdict, not a hung kernel"""
    def forever(u, r):
        return lax.while_loop(lambda v: True, lambda v: v + 1, u)

    feedback = check.periodic_step(forever)
    assert feedback.status == "fail"


def test_periodic_step_refuses_a_non_function():
    """passing the result instead of the function gets a hint"""
    assert check.periodic_step(jnp.ones(3)).status == "fail"


# ------------------------------------------------------------- heat-ex2

ATTEMPTS = textwrap.dedent('''
    import json
    import jax
    jax.config.update("jax_num_cpu_devices", 4)
    import jax.numpy as jnp
    import numpy as np
    from jax import lax
    from jax.sharding import NamedSharding, PartitionSpec as P
    from py4eng_jax import check


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

    def book(u0, r, n_steps, mesh):
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

    def scan_and_pad(u0, r, n_steps, mesh):
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

    def jitted_static(u0, r, n_steps, mesh):
        @jax.jit
        def run(u):
            n = mesh.size
            fwd = [(i, (i + 1) % n) for i in range(n)]
            bwd = [((i + 1) % n, i) for i in range(n)]
            return smap(lambda b: lax.fori_loop(
                0, n_steps, lambda _, x: ring(x, fwd, bwd, r), b), mesh)(u)
        return run(u0)

    # --- typical mistakes ---

    def stub(u0, r, n_steps, mesh):
        ...

    def no_exchange(u0, r, n_steps, mesh):
        def body(b):
            return lax.fori_loop(0, n_steps, lambda _, x: update(
                x, x[-1:], x[:1], r), b)
        return smap(body, mesh)(u0)

    def open_ring(u0, r, n_steps, mesh):
        n = mesh.size
        fwd = [(i, i + 1) for i in range(n - 1)]
        bwd = [(i + 1, i) for i in range(n - 1)]
        return smap(lambda b: lax.fori_loop(
            0, n_steps, lambda _, x: ring(x, fwd, bwd, r), b), mesh)(u0)

    def wrong_direction(u0, r, n_steps, mesh):
        n = mesh.size
        fwd = [(i, (i + 1) % n) for i in range(n)]
        bwd = [((i + 1) % n, i) for i in range(n)]
        return smap(lambda b: lax.fori_loop(
            0, n_steps, lambda _, x: ring(x, bwd, fwd, r), b), mesh)(u0)

    def off_by_one_halo(u0, r, n_steps, mesh):
        n = mesh.size
        fwd = [(i, (i + 1) % n) for i in range(n)]
        bwd = [((i + 1) % n, i) for i in range(n)]

        def step(x):
            above = lax.ppermute(x[-2:-1], "rows", fwd)
            below = lax.ppermute(x[1:2], "rows", bwd)
            return update(x, above, below, r)
        return smap(lambda b: lax.fori_loop(
            0, n_steps, lambda _, x: step(x), b), mesh)(u0)

    def zero_halo(u0, r, n_steps, mesh):
        def body(b):
            z = jnp.zeros_like(b[:1])
            return lax.fori_loop(0, n_steps,
                                 lambda _, x: update(x, z, z, r), b)
        return smap(body, mesh)(u0)

    def python_loop(u0, r, n_steps, mesh):
        n = mesh.size
        fwd = [(i, (i + 1) % n) for i in range(n)]
        bwd = [((i + 1) % n, i) for i in range(n)]

        def body(b):
            for _ in range(n_steps):
                b = ring(b, fwd, bwd, r)
            return b
        return smap(body, mesh)(u0)

    def python_loop_outside(u0, r, n_steps, mesh):
        n = mesh.size
        fwd = [(i, (i + 1) % n) for i in range(n)]
        bwd = [((i + 1) % n, i) for i in range(n)]
        step = smap(lambda b: ring(b, fwd, bwd, r), mesh)
        for _ in range(n_steps):
            u0 = step(u0)
        return u0

    def whole_array_roll(u0, r, n_steps, mesh):
        u = u0
        for _ in range(n_steps):
            near = (jnp.roll(u, 1, 0) + jnp.roll(u, -1, 0)
                    + jnp.roll(u, 1, 1) + jnp.roll(u, -1, 1))
            u = u + r * (near - 4 * u)
        return u

    def replicate_and_roll(u0, r, n_steps, mesh):
        u = jax.device_put(u0, NamedSharding(mesh, P()))
        for _ in range(n_steps):
            near = (jnp.roll(u, 1, 0) + jnp.roll(u, -1, 0)
                    + jnp.roll(u, 1, 1) + jnp.roll(u, -1, 1))
            u = u + r * (near - 4 * u)
        return jax.device_put(u, NamedSharding(mesh, P("rows")))

    def swapped_rows(u0, r, n_steps, mesh):
        n = mesh.size
        fwd = [(i, (i + 1) % n) for i in range(n)]
        bwd = [((i + 1) % n, i) for i in range(n)]

        def step(x):
            above = lax.ppermute(x[:1], "rows", bwd)
            below = lax.ppermute(x[-1:], "rows", fwd)
            return update(x, above, below, r)
        return smap(lambda b: lax.fori_loop(
            0, n_steps, lambda _, x: step(x), b), mesh)(u0)

    def all_gather_instead(u0, r, n_steps, mesh):
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

    def gathered_result(u0, r, n_steps, mesh):
        return jax.device_put(book(u0, r, n_steps, mesh),
                              NamedSharding(mesh, P()))

    def never_returns(u0, r, n_steps, mesh):
        while True:
            pass

    out = {}
    for name, fn in list(globals().items()):
        if callable(fn) and getattr(fn, "__module__", "") == "__main__" \\
                and name not in ("smap", "update", "ring"):
            feedback = check.periodic_sharded(fn)
            out[name] = [feedback.status, feedback.message]
    print(json.dumps(out))
''')


@pytest.fixture(scope="module")
def verdicts():
    """Every attempt's (status, message), from four simulated devices."""
    return run_with_four_devices(ATTEMPTS)


SHARDED_CORRECT = ["book", "scan_and_pad", "jitted_static"]


@pytest.mark.parametrize("name", SHARDED_CORRECT)
def test_periodic_sharded_correct_answers_pass(verdicts, name):
    """the book's solution and two others, written differently, pass"""
    status, message = verdicts[name]
    assert status == "pass", message
    assert "closed ring" in message


SHARDED_WRONG = [
    ("stub", "not attempted", "Not attempted yet"),
    ("no_exchange", "fail", "wrapped its own block around"),
    ("open_ring", "fail", "Your ring is not closed"),
    ("wrong_direction", "fail", "come from the wrong side"),
    ("off_by_one_halo", "fail", "Off by one in the halo"),
    ("zero_halo", "fail", "Your blocks see zeros around them"),
    ("python_loop", "fail", "the time steps are a Python loop"),
    ("python_loop_outside", "fail", "the time steps are a Python loop"),
    ("whole_array_roll", "fail", "works on the whole array"),
    ("replicate_and_roll", "fail", "not computed with jax.shard_map"),
    ("swapped_rows", "fail", "come from the wrong side"),
    ("all_gather_instead", "fail", "has no lax.ppermute"),
    ("gathered_result", "fail", "it should stay split by rows"),
    ("never_returns", "fail", "did not return within"),
]


@pytest.mark.parametrize("name, status, hint", SHARDED_WRONG,
                         ids=[w[0] for w in SHARDED_WRONG])
def test_periodic_sharded_mistakes_get_their_hint(verdicts, name, status,
                                                  hint):
    """each typical mistake gets its verdict and its own hint"""
    got_status, message = verdicts[name]
    assert got_status == status, message
    assert hint in message, message


def test_periodic_sharded_hint_names_the_input(verdicts):
    """a hint on values says which input and mesh showed the problem"""
    assert ("u0 = jnp.sin(jnp.arange(96.0).reshape(16, 6)), r = 0.2, "
            "n_steps = 3 on a mesh of 4 device(s)") in \
        verdicts["open_ring"][1]


def test_the_catalogues_are_complete():
    """two correct solutions besides the book's, six wrong answers each"""
    assert len(STEP_CORRECT) >= 3 and len(STEP_WRONG) >= 6
    assert len(SHARDED_CORRECT) >= 3 and len(SHARDED_WRONG) >= 6
