"""Hamming distances: one pair, one vector to many rows, all pairs."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py4eng_jax import (
    hamming,
    hamming_to_rows,
    hamming_to_rows_broadcast,
    hamming_to_rows_loop,
    pairwise_hamming,
)

TO_ROWS = [hamming_to_rows, hamming_to_rows_loop, hamming_to_rows_broadcast]
TO_ROWS_IDS = ["vmap", "loop", "broadcast"]


@pytest.fixture
def rows():
    """The chapter's x and Y (key 4, 10 rows of 5 values in 1..4)."""
    x = jnp.array([1, 2, 3, 4, 5])
    Y = jax.random.randint(jax.random.key(4), (10, 5), minval=1, maxval=5)
    return x, Y


def plain_distances(x, Y):
    """The distance from x to each row of Y, by a plain Python loop."""
    x, Y = np.asarray(x), np.asarray(Y)
    return np.array([sum(int(a != b) for a, b in zip(x, row)) for row in Y])


def test_hamming_counts_differences():
    """hamming counts positions that differ"""
    assert int(hamming(jnp.array([1, 2, 3, 4, 5]),
                       jnp.array([5, 4, 3, 2, 1]))) == 4


def test_hamming_of_a_vector_with_itself_is_zero():
    """a vector is at distance 0 from itself"""
    x = jnp.array([3, 1, 4, 1, 5])
    assert int(hamming(x, x)) == 0


def test_hamming_is_symmetric(rows):
    """hamming(x, y) == hamming(y, x)"""
    x, Y = rows
    assert int(hamming(x, Y[0])) == int(hamming(Y[0], x))


def test_hamming_returns_a_0d_integer_array():
    """the distance is a 0-d integer array"""
    d = hamming(jnp.array([1, 2]), jnp.array([1, 3]))
    assert d.shape == () and jnp.issubdtype(d.dtype, jnp.integer)


def test_hamming_accepts_booleans_and_numpy():
    """bit vectors (bool) and NumPy integer arrays are accepted"""
    bits = np.array([True, False, True])
    assert int(hamming(bits, ~bits)) == 3
    assert int(hamming(np.array([1, 2]), jnp.array([1, 2]))) == 0


def test_hamming_of_empty_vectors_is_zero():
    """two empty vectors are at distance 0"""
    empty = jnp.zeros(0, dtype=jnp.int32)
    assert int(hamming(empty, empty)) == 0


def test_hamming_works_under_jit(rows):
    """jax.jit(hamming) gives the same distance"""
    x, Y = rows
    assert int(jax.jit(hamming)(x, Y[3])) == int(hamming(x, Y[3]))


def test_hamming_rejects_unequal_lengths():
    """hamming refuses arrays of different lengths and says so"""
    with pytest.raises(ValueError, match=r"\(3,\) and \(2,\)"):
        hamming(jnp.arange(3), jnp.arange(2))


def test_hamming_rejects_a_list():
    """a Python list is not an array: TypeError naming the argument"""
    with pytest.raises(TypeError, match="x must be a JAX or NumPy array"):
        hamming([1, 2, 3], jnp.arange(3))


def test_hamming_rejects_floats():
    """floating-point arrays are refused: equality of floats is fragile"""
    with pytest.raises(TypeError, match="y must have an integer or boolean "
                       "dtype.*got dtype float32"):
        hamming(jnp.arange(3), jnp.arange(3.0))


def test_hamming_rejects_a_matrix():
    """hamming wants vectors, not matrices"""
    with pytest.raises(ValueError, match=r"x must be 1-D, got 2-D with "
                       r"shape \(2, 3\)"):
        hamming(jnp.zeros((2, 3), int), jnp.zeros(3, int))


@pytest.mark.parametrize("to_rows", TO_ROWS, ids=TO_ROWS_IDS)
def test_to_rows_matches_a_plain_loop(to_rows, rows):
    """each version equals a plain loop over the chapter's 10 rows"""
    x, Y = rows
    np.testing.assert_array_equal(to_rows(x, Y), plain_distances(x, Y))


@pytest.mark.parametrize("to_rows", TO_ROWS, ids=TO_ROWS_IDS)
def test_to_rows_matches_a_plain_loop_on_bits(to_rows):
    """each version equals a plain loop on 50 random bit vectors"""
    k1, k2 = jax.random.split(jax.random.key(1))
    x = jax.random.bernoulli(k1, shape=(16,))
    Y = jax.random.bernoulli(k2, shape=(50, 16))
    np.testing.assert_array_equal(to_rows(x, Y), plain_distances(x, Y))


@pytest.mark.parametrize("to_rows", TO_ROWS, ids=TO_ROWS_IDS)
def test_to_rows_returns_one_integer_per_row(to_rows, rows):
    """the result has shape (n,) and an integer dtype"""
    x, Y = rows
    d = to_rows(x, Y)
    assert d.shape == (10,) and jnp.issubdtype(d.dtype, jnp.integer)


@pytest.mark.parametrize("to_rows", TO_ROWS, ids=TO_ROWS_IDS)
def test_to_rows_of_no_rows_is_empty(to_rows):
    """a matrix with no rows gives an empty integer result"""
    d = to_rows(jnp.arange(3), jnp.zeros((0, 3), dtype=jnp.int32))
    assert d.shape == (0,) and jnp.issubdtype(d.dtype, jnp.integer)


@pytest.mark.parametrize("to_rows", TO_ROWS, ids=TO_ROWS_IDS)
def test_to_rows_rejects_mismatched_lengths(to_rows):
    """rows of a different length than x: ValueError with both shapes"""
    with pytest.raises(ValueError, match=r"x has shape \(5,\), Y has shape "
                       r"\(10, 4\)"):
        to_rows(jnp.arange(5), jnp.zeros((10, 4), dtype=jnp.int32))


@pytest.mark.parametrize("to_rows", TO_ROWS, ids=TO_ROWS_IDS)
def test_to_rows_rejects_a_vector_for_Y(to_rows):
    """Y must be a matrix"""
    with pytest.raises(ValueError, match="Y must be 2-D, got 1-D"):
        to_rows(jnp.arange(5), jnp.arange(5))


@pytest.mark.parametrize("to_rows", TO_ROWS, ids=TO_ROWS_IDS)
def test_to_rows_rejects_floats(to_rows):
    """a float matrix is refused with TypeError naming Y"""
    with pytest.raises(TypeError, match="Y must have an integer or boolean"):
        to_rows(jnp.arange(5), jnp.zeros((2, 5)))


@pytest.mark.parametrize("to_rows", TO_ROWS, ids=TO_ROWS_IDS)
def test_to_rows_rejects_a_list(to_rows):
    """a nested list is not an array"""
    with pytest.raises(TypeError, match="Y must be a JAX or NumPy array, "
                       "got list"):
        to_rows(jnp.arange(2), [[1, 2], [3, 4]])


def test_pairwise_matches_a_double_loop(rows):
    """entry [i, j] is hamming(Y[i], Y[j])"""
    _, Y = rows
    expected = np.array([plain_distances(row, Y) for row in np.asarray(Y)])
    np.testing.assert_array_equal(pairwise_hamming(Y), expected)


def test_pairwise_is_symmetric_with_zero_diagonal(rows):
    """the distance matrix is symmetric with zeros on its diagonal"""
    _, Y = rows
    D = np.asarray(pairwise_hamming(Y))
    assert D.shape == (10, 10)
    np.testing.assert_array_equal(D, D.T)
    np.testing.assert_array_equal(np.diag(D), 0)


def test_pairwise_rejects_a_vector():
    """pairwise_hamming needs a matrix of rows"""
    with pytest.raises(ValueError, match="X must be 2-D, got 1-D"):
        pairwise_hamming(jnp.arange(4))


def test_pairwise_rejects_floats():
    """a float matrix is refused with TypeError naming X"""
    with pytest.raises(TypeError, match="X must have an integer or boolean"):
        pairwise_hamming(jnp.zeros((3, 4)))


def test_pairwise_rejects_a_list():
    """a nested list is not an array: TypeError naming X"""
    with pytest.raises(TypeError, match="X must be a JAX or NumPy array"):
        pairwise_hamming([[1, 2], [3, 4]])
