"""The Fibonacci-like sequence a_0 = 1, a_1 = 2, a_i = a_{i-1} + a_{i-2}."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py4eng_jax import (
    _sequences,
    fibonacci,
    fibonacci_exact,
    fibonacci_fori,
    fibonacci_loop,
    first_mismatch,
)

BUILDERS = [fibonacci_loop, fibonacci_fori]


def fib(k):
    """The k-th Fibonacci number, F(0) = 0, F(1) = 1, by its definition."""
    a, b = 0, 1
    for _ in range(k):
        a, b = b, a + b
    return a


# fibonacci_exact ---------------------------------------------------------

def test_exact_is_fibonacci_shifted_by_two():
    """a_i = F(i + 2): the sequence is Fibonacci, not Bernoulli"""
    assert fibonacci_exact(50) == [fib(i + 2) for i in range(50)]


def test_exact_starts_with_1_2():
    """the first terms are 1, 2, 3, 5, 8"""
    assert fibonacci_exact(5) == [1, 2, 3, 5, 8]


def test_exact_of_zero_terms_is_empty():
    """n = 0 gives an empty list"""
    assert fibonacci_exact(0) == []


def test_exact_never_overflows():
    """Python integers hold the 1000th term exactly"""
    assert fibonacci_exact(1000)[-1] == fib(1001)


def test_exact_rejects_a_negative_n():
    """a negative length is a ValueError naming n"""
    with pytest.raises(ValueError, match="n must be a non-negative "
                                         "integer, got -1"):
        fibonacci_exact(-1)


def test_exact_rejects_a_float_n():
    """a non-integer length is a TypeError naming n"""
    with pytest.raises(TypeError, match="n must be a non-negative integer"):
        fibonacci_exact(2.5)


# the array versions ------------------------------------------------------

@pytest.mark.parametrize("build", BUILDERS, ids=lambda f: f.__name__)
def test_array_versions_match_the_exact_terms(build):
    """both builders give the exact terms while float32 holds them"""
    np.testing.assert_array_equal(build(30), fibonacci_exact(30))


@pytest.mark.parametrize("build", BUILDERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_array_versions_handle_short_lengths(build, n):
    """n = 0, 1, 2, 3 give exactly n terms"""
    got = build(n)
    assert got.shape == (n,)
    assert got.tolist() == fibonacci_exact(n)


@pytest.mark.parametrize("build", BUILDERS, ids=lambda f: f.__name__)
def test_array_versions_default_to_float32(build):
    """without dtype the result is float32, JAX's default"""
    assert build(4).dtype == jnp.float32


@pytest.mark.parametrize("build", BUILDERS, ids=lambda f: f.__name__)
def test_array_versions_take_a_dtype(build):
    """dtype=jnp.int32 gives exact integers"""
    got = build(40, dtype=jnp.int32)
    assert got.dtype == jnp.int32
    assert got.tolist() == fibonacci_exact(40)


@pytest.mark.parametrize("build", BUILDERS, ids=lambda f: f.__name__)
def test_array_versions_take_other_starting_values(build):
    """first=2, second=1 gives the Lucas numbers"""
    assert build(6, 2, 1, dtype=jnp.int32).tolist() == [2, 1, 3, 4, 7, 11]


@pytest.mark.parametrize("build", BUILDERS, ids=lambda f: f.__name__)
def test_array_versions_jit_with_traced_starting_values(build):
    """under jit, with n static, the starting values may be traced"""
    jitted = jax.jit(build, static_argnames="n")
    got = jitted(n=12, first=jnp.float32(1), second=jnp.float32(2))
    np.testing.assert_array_equal(got, fibonacci_exact(12))


def test_loop_and_fori_agree_on_1000_terms():
    """the Python-loop and fori_loop versions give identical arrays"""
    np.testing.assert_array_equal(fibonacci_loop(1000),
                                  fibonacci_fori(1000))


def test_float32_overflows_just_past_its_largest_value():
    """the first inf is the first exact term above float32's maximum"""
    values = fibonacci_fori(1000)
    exact = fibonacci_exact(1000)
    largest = float(jnp.finfo(jnp.float32).max)
    first_too_big = next(i for i, a in enumerate(exact) if a > largest)
    assert int(jnp.argmax(jnp.isinf(values))) == first_too_big
    assert bool(jnp.all(jnp.isinf(values[first_too_big:])))
    assert not bool(jnp.any(jnp.isinf(values[:first_too_big])))


def test_int32_wraps_at_the_first_term_above_its_maximum():
    """int32 terms are exact until the first one above 2**31 - 1"""
    exact = fibonacci_exact(60)
    first_too_big = next(i for i, a in enumerate(exact) if a > 2**31 - 1)
    assert first_mismatch(fibonacci(60, dtype=jnp.int32), exact) \
        == first_too_big


def test_float64_holds_1000_terms_without_inf():
    """with 64-bit types enabled, no term of the first 1000 overflows"""
    with jax.enable_x64(True):
        values = fibonacci(1000, dtype=jnp.float64)
        assert values.dtype == jnp.float64
        assert not bool(jnp.any(jnp.isinf(values)))


def test_int64_is_exact_until_its_maximum():
    """int64 terms are exact until the first one above 2**63 - 1"""
    exact = fibonacci_exact(100)
    first_too_big = next(i for i, a in enumerate(exact) if a > 2**63 - 1)
    with jax.enable_x64(True):
        values = fibonacci(100, dtype=jnp.int64)
    assert first_mismatch(values, exact) == first_too_big


@pytest.mark.parametrize("build", BUILDERS + [fibonacci],
                         ids=lambda f: f.__name__)
def test_builders_reject_a_negative_n(build):
    """a negative length is a ValueError naming n"""
    with pytest.raises(ValueError, match="n must be a non-negative "
                                         "integer, got -3"):
        build(-3)


@pytest.mark.parametrize("build", BUILDERS + [fibonacci],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [2.5, "10", True, jnp.array(10)],
                         ids=["float", "str", "bool", "array"])
def test_builders_reject_a_non_integer_n(build, n):
    """a float, string, bool or array length is a TypeError naming n"""
    with pytest.raises(TypeError, match="n must be a non-negative integer"):
        build(n)


@pytest.mark.parametrize("build", BUILDERS + [fibonacci],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", [jnp.bool_, jnp.complex64],
                         ids=["bool", "complex"])
def test_builders_reject_a_non_real_dtype(build, dtype):
    """dtype must be an integer or floating-point dtype"""
    with pytest.raises(TypeError, match="integer or floating-point dtype"):
        build(3, dtype=dtype)


@pytest.mark.parametrize("build", BUILDERS + [fibonacci],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", [None, "no such dtype", 3])
def test_builders_reject_something_that_is_no_dtype(build, dtype):
    """None, a bad name or a number is not a dtype"""
    with pytest.raises(TypeError, match="dtype must be a NumPy or JAX "
                                        "dtype"):
        build(3, dtype=dtype)


@pytest.mark.parametrize("build", BUILDERS, ids=lambda f: f.__name__)
def test_builders_reject_an_array_as_starting_value(build):
    """first must be one number, not a vector"""
    with pytest.raises(ValueError, match=r"first must be a single number "
                                         r"\(a 0-d array\), got shape \(2,\)"):
        build(3, jnp.ones(2))


@pytest.mark.parametrize("build", BUILDERS, ids=lambda f: f.__name__)
def test_builders_reject_a_string_as_starting_value(build):
    """second must be a real number"""
    with pytest.raises(TypeError, match="second must be a real number, "
                                        "got str"):
        build(3, 1, "2")


# fibonacci: the compiled version -----------------------------------------

def test_fibonacci_matches_the_loop():
    """the compiled version gives the Python loop's values"""
    np.testing.assert_array_equal(fibonacci(200), fibonacci_loop(200))


def test_fibonacci_compiles_once_per_distinct_n():
    """a repeated n reuses its compiled program; a new n compiles again"""
    compiled = _sequences._fibonacci_compiled
    compiled.clear_cache()
    for n in (7, 8, 7, 9, 8, 7):
        fibonacci(n)
    assert compiled._cache_size() == 3


def test_fibonacci_compiles_once_per_dtype():
    """the dtype is static too: each new dtype is a new program"""
    compiled = _sequences._fibonacci_compiled
    compiled.clear_cache()
    for dtype in (jnp.float32, jnp.int32, jnp.float32):
        fibonacci(5, dtype=dtype)
    assert compiled._cache_size() == 2


# first_mismatch ----------------------------------------------------------

def test_first_mismatch_is_none_when_all_agree():
    """equal values give None"""
    assert first_mismatch(jnp.arange(1, 5), [1, 2, 3, 4]) is None


def test_first_mismatch_finds_a_wrapped_integer():
    """a negative int32 after overflow counts as different"""
    values = jnp.array([1, 2, -3], dtype=jnp.int32)
    assert first_mismatch(values, [1, 2, 3]) == 2


def test_first_mismatch_finds_a_rounded_float():
    """a float that cannot hold an integer exactly counts as different"""
    values = jnp.array([1.0, 2.0**24 + 1], dtype=jnp.float32)
    assert first_mismatch(values, [1, 2**24 + 1]) == 1


def test_first_mismatch_rejects_mismatched_lengths():
    """values and exact must have the same length"""
    with pytest.raises(ValueError, match="same length, got 3 and 2"):
        first_mismatch(jnp.arange(3), [0, 1])


def test_first_mismatch_rejects_a_2d_array():
    """values must be 1-D"""
    with pytest.raises(ValueError, match="values must be 1-D"):
        first_mismatch(jnp.zeros((2, 2)), [0, 0])


def test_first_mismatch_rejects_a_list_of_values():
    """values must be an array"""
    with pytest.raises(TypeError, match="values must be a JAX or NumPy "
                                        "array"):
        first_mismatch([1, 2], [1, 2])


def test_first_mismatch_rejects_non_integer_exact_terms():
    """exact must hold integers, and the message says where one is not"""
    with pytest.raises(TypeError, match="got float 2.0 at index 1"):
        first_mismatch(jnp.arange(2), [1, 2.0])


def test_first_mismatch_rejects_a_non_sequence():
    """exact must be a sequence, not e.g. a generator"""
    with pytest.raises(TypeError, match="exact must be a sequence of "
                                        "integers, got generator"):
        first_mismatch(jnp.arange(2), (i for i in range(2)))
