"""The checkers of the heat chapter's exercises: their catalogues.

heat-ex1, ``periodic_step``: attempts here, run in this process. heat-ex2,
``periodic_sharded``: attempts in tests/attempts_heat.py, run in one
subprocess whose JAX simulates four CPU devices (with one device, a block
is the whole grid, and several mistakes would give the right numbers).
"""

import jax.numpy as jnp
import numpy as np
from jax import lax

import attempts_heat
from py4eng_jax import check
from support import assert_hint, catalogue_tests

PASS, FAIL, TODO = "pass", "fail", "not attempted"

# A body that does work and returns None.
NO_RETURN = (FAIL, "forget `return`")

# ------------------------------------------------------------- heat-ex1


def _step(u, r):
    """A correct step, for the wrong answers to start from."""
    neighbours = (jnp.roll(u, 1, axis=0) + jnp.roll(u, -1, axis=0)
                  + jnp.roll(u, 1, axis=1) + jnp.roll(u, -1, axis=1))
    return u + r * (neighbours - 4 * u)


def OK_wrap_pad(u, r):
    p = jnp.pad(u, 1, mode="wrap")
    near = p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:]
    return (1 - 4 * r) * u + r * near


def OK_concatenate(u, r):
    rows = jnp.concatenate([u[-1:], u, u[:1]])
    cols = jnp.concatenate([u[:, -1:], u, u[:, :1]], axis=1)
    lap = rows[:-2] + rows[2:] + cols[:, :-2] + cols[:, 2:] - 4 * u
    return u + r * lap


def OK_roll_both_axes(u, r):
    near = sum(jnp.roll(u, s, axis=a) for a in (0, 1) for s in (1, -1))
    return u + r * (near - 4.0 * u)


def BAD_flattened_roll(u, r):
    near = (jnp.roll(u, 1) + jnp.roll(u, -1) + jnp.roll(u, u.shape[1])
            + jnp.roll(u, -u.shape[1]))
    return u + r * (near - 4 * u)


def BAD_columns_padded(u, r):
    p = jnp.pad(u, ((0, 0), (1, 1)))
    near = (jnp.roll(u, 1, axis=0) + jnp.roll(u, -1, axis=0) + p[:, :-2]
            + p[:, 2:])
    return u + r * (near - 4 * u)


def BAD_diagonal(u, r):
    near = sum(jnp.roll(u, (a, b), axis=(0, 1))
               for a in (1, -1) for b in (1, -1))
    return u + r * (near - 4 * u)


def BAD_stub(u, r):
    ...


def BAD_zero_boundary(u, r):
    p = jnp.pad(u, 1)
    near = p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:]
    return u + r * (near - 4 * u)


def BAD_rows_only(u, r):
    near = (jnp.roll(u, 1, axis=0) + jnp.roll(u, -1, axis=0)
            + jnp.roll(u, 1, axis=0) + jnp.roll(u, -1, axis=0))
    return u + r * (near - 4 * u)


def BAD_cols_only(u, r):
    near = (jnp.roll(u, 1, axis=1) + jnp.roll(u, -1, axis=1)
            + jnp.roll(u, 1, axis=1) + jnp.roll(u, -1, axis=1))
    return u + r * (near - 4 * u)


def BAD_sign(u, r):
    return u - r * (_step(u, 1.0) - u)


def BAD_change_only(u, r):
    return _step(u, r) - u


def BAD_minus_two(u, r):
    return _step(u, r) + 2 * r * u


def BAD_no_centre(u, r):
    return _step(u, r) + 4 * r * u


def BAD_numpy(u, r):
    near = (np.roll(u, 1, 0) + np.roll(u, -1, 0) + np.roll(u, 1, 1)
            + np.roll(u, -1, 1))
    return jnp.asarray(u + r * (near - 4 * u))


def BAD_transposed(u, r):
    return _step(u, r).T


def BAD_list(u, r):
    return _step(u, r).tolist()


def BAD_never_returns(u, r):
    return lax.while_loop(lambda v: True, lambda v: v + 1, u)


def BAD_double_loop(u, r):
    """a Python loop over the grid points, modulo for the wrap-around"""
    m, n = u.shape
    new = u
    for i in range(m):
        for j in range(n):
            near = (u[(i - 1) % m, j] + u[(i + 1) % m, j]
                    + u[i, (j - 1) % n] + u[i, (j + 1) % n])
            new = new.at[i, j].set(u[i, j] + r * (near - 4 * u[i, j]))
    return new


def BAD_fori_over_points(u, r):
    """the same point by point, in a lax.fori_loop"""
    m, n = u.shape

    def point(k, new):
        i, j = k // n, k % n
        near = (u[(i - 1) % m, j] + u[(i + 1) % m, j]
                + u[i, (j - 1) % n] + u[i, (j + 1) % n])
        return new.at[i, j].set(u[i, j] + r * (near - 4 * u[i, j]))
    return lax.fori_loop(0, m * n, point, u)


def BAD_fixed_r(u, r):
    """r = 0.2 from the statement's example, whatever r is"""
    return _step(u, 0.2)


def BAD_five_rows(u, r):
    """the last row taken as u[4], the shown grid's"""
    down = jnp.concatenate([u[4:5], u[:4]])
    up = jnp.concatenate([u[1:], u[:1]])
    near = down + up + jnp.roll(u, 1, axis=1) + jnp.roll(u, -1, axis=1)
    return u + r * (near - 4 * u)


def BAD_no_return(u, r):
    """the step computed, but not returned"""
    new = _step(u, r)  # noqa: F841


CATALOGUE = {"heat-ex1": ("periodic_step", {
    "OK_wrap_pad": (PASS, "periodic boundaries"),
    "OK_concatenate": (PASS, "periodic boundaries"),
    "OK_roll_both_axes": (PASS, "periodic boundaries"),
    "BAD_stub": (TODO, "Not attempted yet"),
    "BAD_flattened_roll": (FAIL, "rolls the flattened array"),
    "BAD_columns_padded": (FAIL, "wraps the rows but holds the columns"),
    "BAD_diagonal": (FAIL, "diagonal neighbours"),
    "BAD_zero_boundary": (FAIL, "holds the boundary at zero",
                          "jnp.arange(30.0).reshape(5, 6) ** 1.5 / 10 and "
                          "r = 0.2"),
    "BAD_rows_only": (FAIL, "rolls along the rows only"),
    "BAD_cols_only": (FAIL, "rolls along the columns only"),
    "BAD_sign": (FAIL, "the wrong sign"),
    "BAD_change_only": (FAIL, "not the new values: add u"),
    "BAD_minus_two": (FAIL, "subtracts 2 * u"),
    "BAD_no_centre": (FAIL, "forgets the centre term"),
    "BAD_numpy": (FAIL, "NumPy"),
    "BAD_transposed": (FAIL, "Wrong shape for the new values"),
    "BAD_list": (FAIL, "should be an array"),
    "BAD_never_returns": (FAIL, "still running after 10000 steps"),
    "BAD_double_loop": (FAIL, "loops over the grid points in Python",
                        "program grows with the grid"),
    "BAD_fori_over_points": (FAIL, "one at a time in a lax loop"),
    "BAD_fixed_r": (FAIL, "ignores its argument r"),
    "BAD_five_rows": (FAIL, "first u's size into the code"),
    "BAD_no_return": NO_RETURN,
})}

(test_catalogue, test_catalogue_covers_every_exercise,
 test_catalogue_lists_every_attempt) = catalogue_tests(CATALOGUE, globals())


def test_periodic_step_refuses_a_non_function():
    """passing the result instead of the function gets a hint"""
    feedback = check.periodic_step(jnp.ones(3))
    assert feedback.status == "fail"
    assert_hint(feedback, "without calling it", "check.periodic_step(")


# ------------------------------------------------------------- heat-ex2

CATALOGUE_SHARDED = {"heat-ex2": ("periodic_sharded", {
    "OK_fori_in_shard_map": (PASS, "closed ring"),
    "OK_scan_and_pad": (PASS, "closed ring"),
    "OK_jitted_static": (PASS, "closed ring"),
    "BAD_stub": (TODO, "Not attempted yet"),
    "BAD_no_exchange": (FAIL, "wrapped its own block around"),
    "BAD_open_ring": (FAIL, "Your ring is not closed",
                      "u0 = jnp.sin(jnp.arange(96.0).reshape(16, 6)), "
                      "r = 0.2, n_steps = 3 on a mesh of 4 device(s)"),
    "BAD_wrong_direction": (FAIL, "come from the wrong side"),
    "BAD_off_by_one_halo": (FAIL, "Off by one in the halo"),
    "BAD_zero_halo": (FAIL, "Your blocks see zeros around them"),
    "BAD_python_loop": (FAIL, "the time steps are a Python loop"),
    "BAD_python_loop_outside": (FAIL, "the time steps are a Python loop"),
    "BAD_whole_array_roll": (FAIL, "works on the whole array"),
    "BAD_replicate_and_roll": (FAIL, "not computed with jax.shard_map"),
    "BAD_swapped_rows": (FAIL, "come from the wrong side"),
    "BAD_all_gather_instead": (FAIL, "has no lax.ppermute"),
    "BAD_gathered_result": (FAIL, "it should stay split by rows"),
    "BAD_never_returns": (FAIL, "did not return within"),
    "BAD_last_row_index": (FAIL, "five rows per device",
                           "size of the first cases into the code"),
    "BAD_typed_device_count": (FAIL, "a mesh of 2 devices",
                          "size of the first cases into the code"),
    "BAD_columns_zero_padded": (FAIL, "columns are held at zero"),
    "BAD_half_ring": (FAIL, "Only half of your ring is closed"),
    "BAD_one_step_short": (FAIL, "one step too few"),
})}

(test_catalogue_sharded, test_catalogue_sharded_covers_every_exercise,
 test_catalogue_sharded_lists_every_attempt) = catalogue_tests(
    CATALOGUE_SHARDED, attempts_heat, devices=4)
