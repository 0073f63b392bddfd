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
