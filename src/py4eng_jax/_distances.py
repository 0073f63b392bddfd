"""Hamming distances between integer arrays (chapter vmap).

The Hamming distance of two sequences of equal length is the number of
positions where they differ. It compares symbols, so these helpers take
integer (or boolean) arrays: codes, categories, bits. Floating-point
arrays are refused, because exact equality of floats is fragile (in
float32, ``jnp.sqrt(2.0) ** 2 != 2.0``: a distance would count rounding
errors); round or convert them deliberately first.

:func:`hamming` compares two vectors. The distance from one vector to every
row of a matrix is written three ways, which the chapter compares:
:func:`hamming_to_rows` (``jax.vmap`` of :func:`hamming`, compiled),
:func:`hamming_to_rows_loop` (a Python loop over the rows) and
:func:`hamming_to_rows_broadcast` (broadcasting written by hand).
:func:`pairwise_hamming` nests two ``vmap`` for the distance between every
pair of rows.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from . import _validate

__all__ = [
    "hamming",
    "hamming_to_rows",
    "hamming_to_rows_loop",
    "hamming_to_rows_broadcast",
    "pairwise_hamming",
]


def _symbols(value, name: str, ndim: int) -> jax.Array:
    """``value`` as an integer or boolean JAX array with ``ndim`` axes."""
    value = _validate.array(value, name, kind="any")
    dtype = value.dtype
    if not (jnp.issubdtype(dtype, jnp.integer)
            or jnp.issubdtype(dtype, jnp.bool_)):
        raise TypeError(
            f"{name} must have an integer or boolean dtype (Hamming "
            f"distances compare symbols; convert floats deliberately), "
            f"got dtype {dtype}")
    if value.ndim != ndim:
        raise ValueError(
            f"{name} must be {ndim}-D, got {value.ndim}-D with shape "
            f"{value.shape}")
    return value


def _vector_and_rows(x, Y) -> tuple[jax.Array, jax.Array]:
    """Check a vector ``x`` and a matrix ``Y`` whose rows are as long."""
    x = _symbols(x, "x", 1)
    Y = _symbols(Y, "Y", 2)
    if Y.shape[1] != x.shape[0]:
        raise ValueError(
            f"the rows of Y must be as long as x: x has shape {x.shape}, "
            f"Y has shape {Y.shape}")
    return x, Y


def hamming(x: ArrayLike, y: ArrayLike) -> jax.Array:
    """Count the positions where two 1-D integer arrays differ.

    Args:
      x, y: 1-D integer or boolean arrays of the same length.

    Returns:
      A 0-d integer array.

    Raises:
      TypeError: an argument is not an array, or has a floating dtype.
      ValueError: an argument is not 1-D, or the lengths differ.

    Examples:
      >>> hamming(jnp.array([1, 2, 3, 4, 5]), jnp.array([5, 4, 3, 2, 1]))
      Array(4, dtype=int32)
    """
    x = _symbols(x, "x", 1)
    y = _symbols(y, "y", 1)
    if x.shape != y.shape:
        raise ValueError(
            f"x and y must have the same length, got shapes {x.shape} "
            f"and {y.shape}")
    return (x != y).sum()


# The vectorized versions: written for one pair, mapped by vmap, compiled.
_to_rows = jax.jit(jax.vmap(hamming, in_axes=(None, 0)))
_pairwise = jax.jit(jax.vmap(jax.vmap(hamming, in_axes=(None, 0)),
                             in_axes=(0, None)))


def hamming_to_rows(x: ArrayLike, Y: ArrayLike) -> jax.Array:
    """The distance from ``x`` to every row of ``Y``, with ``jax.vmap``.

    ``jax.jit(jax.vmap(hamming, in_axes=(None, 0)))``: ``x`` is shared by
    every call (``None``), ``Y`` is split along its rows (axis 0).

    Args:
      x: a 1-D integer array of length ``m``.
      Y: a 2-D integer array of shape ``(n, m)``.

    Returns:
      An integer array of shape ``(n,)``: ``hamming(x, Y[i])`` at ``i``.

    Examples:
      >>> hamming_to_rows(jnp.array([1, 2, 3]),
      ...                 jnp.array([[1, 2, 3], [3, 2, 1], [0, 0, 0]]))
      Array([0, 2, 3], dtype=int32)
    """
    x, Y = _vector_and_rows(x, Y)
    return _to_rows(x, Y)


def hamming_to_rows_loop(x: ArrayLike, Y: ArrayLike) -> jax.Array:
    """The distance from ``x`` to every row of ``Y``, by a Python loop.

    The slow reference: one call of :func:`hamming` per row, each run
    eagerly, then the results gathered into one array.

    Examples:
      >>> hamming_to_rows_loop(jnp.array([1, 2, 3]),
      ...                      jnp.array([[1, 2, 3], [3, 2, 1]]))
      Array([0, 2], dtype=int32)
    """
    x, Y = _vector_and_rows(x, Y)
    distances = [hamming(x, row) for row in Y]
    if not distances:  # no rows: an empty result of the usual dtype
        return jnp.zeros((0,), dtype=hamming(x, x).dtype)
    return jnp.stack(distances)


@jax.jit
def _broadcast(x, Y):
    # x[None, :] has shape (1, m); against Y's (n, m) it is repeated for
    # every row. Summing along axis 1 counts the differences in each row.
    return (x[None, :] != Y).sum(axis=1)


def hamming_to_rows_broadcast(x: ArrayLike, Y: ArrayLike) -> jax.Array:
    """The distance from ``x`` to every row of ``Y``, broadcast by hand.

    ``(x[None, :] != Y).sum(axis=1)``, compiled: what ``vmap`` writes for
    you in :func:`hamming_to_rows`.

    Examples:
      >>> hamming_to_rows_broadcast(jnp.array([1, 2, 3]),
      ...                           jnp.array([[1, 2, 3], [3, 2, 1]]))
      Array([0, 2], dtype=int32)
    """
    x, Y = _vector_and_rows(x, Y)
    return _broadcast(x, Y)


def pairwise_hamming(X: ArrayLike) -> jax.Array:
    """The distance between every pair of rows of ``X``, by nested vmap.

    The inner ``vmap`` runs over the rows of the second argument, the outer
    one over the rows of the first: entry ``[i, j]`` is
    ``hamming(X[i], X[j])``.

    Args:
      X: a 2-D integer array of shape ``(n, m)``.

    Returns:
      A symmetric integer array of shape ``(n, n)`` with zeros on its
      diagonal.

    Examples:
      >>> pairwise_hamming(jnp.array([[1, 2, 3], [3, 2, 1], [0, 0, 0]]))
      Array([[0, 2, 3],
             [2, 0, 3],
             [3, 3, 0]], dtype=int32)
    """
    X = _symbols(X, "X", 2)
    return _pairwise(X, X)
