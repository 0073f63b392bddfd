"""The shared input checks (py4eng_jax._validate): what they accept, and
the messages they give for what they refuse."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py4eng_jax import _validate


@pytest.mark.parametrize("value", [0, 2.5, np.float32(1.5), np.int64(3)])
def test_real_number_accepts_numbers_and_numpy_scalars(value):
    """Python and NumPy real numbers come back as Python floats"""
    got = _validate.real_number(value, "x")
    assert isinstance(got, float) and got == float(value)


@pytest.mark.parametrize("value", [True, np.bool_(False), "1", None, [1.0],
                                   1j])
def test_real_number_refuses_other_types(value):
    """bools, strings, containers and complex numbers are TypeErrors"""
    with pytest.raises(TypeError, match=r"^x must be a real number, got "):
        _validate.real_number(value, "x")


@pytest.mark.parametrize("bounds, value, expected", [
    ({"low": 0, "low_open": True}, 0.0, "a positive number"),
    ({"low": 0}, -1, "a non-negative number"),
    ({"low": 0, "high": 1, "high_open": True}, 1.0, r"a number in \[0, 1\)"),
    ({"low": 2}, 1, "a number >= 2"),
    ({"high": 5, "high_open": True}, 5, "a number < 5"),
    ({}, float("nan"), "a real number"),
])
def test_real_number_names_the_interval(bounds, value, expected):
    """a value outside the bounds is a ValueError that states them"""
    with pytest.raises(ValueError, match=f"^x must be {expected}, got "):
        _validate.real_number(value, "x", **bounds)


def test_real_number_refuses_infinity_when_finite():
    """finite=True refuses infinities, which are otherwise in range"""
    assert _validate.real_number(float("inf"), "x") == float("inf")
    with pytest.raises(ValueError, match="x must be a finite number"):
        _validate.real_number(float("inf"), "x", finite=True)


@pytest.mark.parametrize("check, value, error, match", [
    (_validate.positive_int, 0, ValueError, "a positive integer, got 0"),
    (_validate.positive_int, 1.0, TypeError, "a positive integer, got float"),
    (_validate.nonnegative_int, -1, ValueError,
     "a non-negative integer, got -1"),
    (_validate.nonnegative_int, True, TypeError,
     "a non-negative integer, got bool"),
])
def test_integer_checks_name_what_they_expect(check, value, error, match):
    """the integer checks refuse floats, bools and values below the bound"""
    with pytest.raises(error, match=f"^n must be {match}"):
        check(value, "n")


def test_integer_checks_accept_numpy_integers():
    """a NumPy integer is an integer"""
    assert _validate.positive_int(np.int64(3), "n") == 3


def test_prng_key_accepts_typed_and_raw_keys():
    """a typed key and a raw uint32 pair are both one key"""
    typed = jax.random.key(0)
    assert _validate.prng_key(typed, "key") is typed
    raw = jax.random.PRNGKey(0)
    assert _validate.prng_key(raw, "key") is raw


@pytest.mark.parametrize("value, error, match", [
    (0, TypeError, "key must be a PRNG key from jax.random.key, got int 0"),
    (jax.random.split(jax.random.key(0)), ValueError, r"shape \(2,\)"),
    (jnp.zeros(3, jnp.uint32), ValueError, "a single PRNG key"),
])
def test_prng_key_refuses_what_is_not_one_key(value, error, match):
    """a number, a batch of keys or a wrong raw array is refused"""
    with pytest.raises(error, match=match):
        _validate.prng_key(value, "key")


def test_describe_shows_arrays_by_shape_and_dtype():
    """describe names an array's shape and dtype, other values by type"""
    assert _validate.describe(np.zeros((2, 3), np.float32)) == (
        "an array of shape (2, 3) and dtype float32")
    assert _validate.describe("abc") == "str 'abc'"


def _positive_number_of(value):
    return _validate.positive_number(value, "dt")


@pytest.mark.parametrize("where", ["jit", "fori_loop", "scan"])
def test_positive_number_reads_a_concrete_array_inside_a_trace(where):
    """a concrete array computed outside a traced function is checked on
    the host: inside jit, fori_loop or scan a JAX comparison would be
    staged into the trace and could not be turned into a bool"""
    t = jnp.linspace(0.0, 1.0, 11)
    dt = (t[1] - t[0]) / 10            # a concrete 0-d array, as in fitting
    bad = -dt

    def body(x):
        return x + _positive_number_of(dt)

    if where == "jit":
        run = jax.jit(body)
        fail = jax.jit(lambda x: x + _positive_number_of(bad))
    elif where == "fori_loop":
        def run(x):
            return jax.lax.fori_loop(0, 2, lambda i, x: body(x), x)

        def fail(x):
            return jax.lax.fori_loop(
                0, 2, lambda i, x: x + _positive_number_of(bad), x)
    else:
        def run(x):
            return jax.lax.scan(lambda c, _: (body(c), None), x, None,
                                length=2)[0]

        def fail(x):
            return jax.lax.scan(
                lambda c, _: (c + _positive_number_of(bad), None), x, None,
                length=2)[0]
    assert float(run(jnp.float32(0.0))) > 0
    with pytest.raises(ValueError, match="^dt must be a positive number"):
        fail(jnp.float32(0.0))


def test_helpers_take_a_concrete_step_inside_jit():
    """rk4_solve and the heat solver accept a step computed as an array
    outside the jitted function (the fitting chapter's dt)"""
    from py4eng_jax import msd_rhs, rk4_solve, simulate

    t = jnp.linspace(0.0, 1.0, 11)
    dt = (t[1] - t[0]) / 10
    ys = jax.jit(lambda y0: rk4_solve(msd_rhs, y0, 0.0, dt, 10,
                                      (4.0, 0.4)))(jnp.array([1.0, 0.0]))
    assert np.all(np.isfinite(np.asarray(ys)))
    u0 = jnp.zeros((8, 8)).at[4, 4].set(1.0)
    alpha, dx = jnp.float32(1.0), jnp.float32(1.0)
    good, bad = alpha * 0.2, alpha * 0.3   # concrete arrays, made outside
    u = jax.jit(lambda u: simulate(u, alpha, dx, good, 3))(u0)
    assert u.shape == (8, 8) and np.all(np.isfinite(np.asarray(u)))
    with pytest.raises(ValueError, match="stable explicit step"):
        jax.jit(lambda u: simulate(u, alpha, dx, bad, 3))(u0)
