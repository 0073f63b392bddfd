"""A Fibonacci-like sequence, built three ways (chapters numpy-differences
and static-args).

The sequence is ``a_0 = 1, a_1 = 2, a_i = a_{i-1} + a_{i-2}``: the
Fibonacci numbers shifted by two places, ``a_i = F(i + 2)`` with
``F(0) = 0, F(1) = 1``. (The lesson this book grew from called them
Bernoulli numbers; they are not.)

- :func:`fibonacci_loop` fills an array with ``.at[i].set`` in a Python
  loop: eagerly that is ``n`` small operations; under ``jit`` the loop is
  unrolled into one large program.
- :func:`fibonacci_fori` runs the same step in ``lax.fori_loop``: one small
  program whatever ``n`` is.
- :func:`fibonacci` is the compiled version, with ``n`` (and ``dtype``)
  static: one compilation per distinct value.
- :func:`fibonacci_exact` gives the exact terms as Python integers, and
  :func:`first_mismatch` finds where an array stops agreeing with them.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.typing import ArrayLike, DTypeLike

from . import _validate

__all__ = ["fibonacci_exact", "fibonacci_loop", "fibonacci_fori",
           "fibonacci", "first_mismatch"]


def _check_dtype(dtype) -> np.dtype:
    """The dtype as a NumPy dtype; integer or floating-point only."""
    if dtype is None:   # np.dtype(None) would quietly mean float64
        raise TypeError("dtype must be a NumPy or JAX dtype such as "
                        "jnp.float32, got None")
    try:
        checked = np.dtype(dtype)
    except TypeError:
        raise TypeError(
            f"dtype must be a NumPy or JAX dtype such as jnp.float32, got "
            f"{type(dtype).__name__} {dtype!r:.60}") from None
    if not (jnp.issubdtype(checked, jnp.integer)
            or jnp.issubdtype(checked, jnp.floating)):
        raise TypeError(
            f"dtype must be an integer or floating-point dtype, got "
            f"{checked}")
    return checked


def _check_start(value, name: str):
    """A starting value: a real number or a 0-d real array (or tracer)."""
    if isinstance(value, (jax.Array, np.ndarray, np.generic)):
        if value.ndim != 0:
            raise ValueError(
                f"{name} must be a single number (a 0-d array), got shape "
                f"{value.shape}")
        if not (jnp.issubdtype(value.dtype, jnp.integer)
                or jnp.issubdtype(value.dtype, jnp.floating)):
            raise TypeError(
                f"{name} must be a real number, got dtype {value.dtype}")
        return value
    _validate.real_number(value, name)
    return value


def _start(n: int, first, second, dtype: np.dtype) -> jax.Array:
    """An array of n zeros with the two starting values in front."""
    a = jnp.zeros(n, dtype)
    if n > 0:
        a = a.at[0].set(first)
    if n > 1:
        a = a.at[1].set(second)
    return a


def fibonacci_exact(n: int) -> list[int]:
    """The first ``n`` terms, exactly, as Python integers.

    Python integers never overflow, so this is the reference the array
    versions are compared with.

    Args:
      n: how many terms (a non-negative integer).

    Returns:
      A list ``[a_0, ..., a_{n-1}]`` with ``a_0 = 1, a_1 = 2``.

    Examples:
      >>> fibonacci_exact(8)
      [1, 2, 3, 5, 8, 13, 21, 34]
    """
    n = _validate.nonnegative_int(n, "n")
    terms, a, b = [], 1, 2
    for _ in range(n):
        terms.append(a)
        a, b = b, a + b
    return terms


def fibonacci_loop(n: int, first: ArrayLike = 1, second: ArrayLike = 2, *,
                   dtype: DTypeLike = jnp.float32) -> jax.Array:
    """The first ``n`` terms, one ``.at[i].set`` per term in a Python loop.

    Eagerly each step is a few small operations that each copy the array.
    Under ``jax.jit`` (with ``n`` static) the Python loop runs once, while
    tracing, and leaves ``n`` copies of the step in the program: a large
    program that compiles slowly.

    Args:
      n: how many terms (a non-negative integer).
      first, second: the starting values ``a_0`` and ``a_1``; numbers or
        0-d arrays (they may be traced).
      dtype: the dtype of the result, integer or floating-point.

    Returns:
      A 1-D array of shape ``(n,)``.

    Examples:
      >>> fibonacci_loop(6)
      Array([ 1.,  2.,  3.,  5.,  8., 13.], dtype=float32)
      >>> fibonacci_loop(5, 2, 1, dtype=jnp.int32)   # the Lucas numbers
      Array([2, 1, 3, 4, 7], dtype=int32)
    """
    n = _validate.nonnegative_int(n, "n")
    first = _check_start(first, "first")
    second = _check_start(second, "second")
    dtype = _check_dtype(dtype)
    a = _start(n, first, second, dtype)
    for i in range(2, n):
        a = a.at[i].set(a[i - 1] + a[i - 2])
    return a


def fibonacci_fori(n: int, first: ArrayLike = 1, second: ArrayLike = 2, *,
                   dtype: DTypeLike = jnp.float32) -> jax.Array:
    """The first ``n`` terms, the same step inside ``lax.fori_loop``.

    ``fori_loop`` hands XLA the loop itself, not ``n`` copies of its body:
    the program stays small and compiles fast whatever ``n`` is. The shape
    ``(n,)`` still depends on ``n``, so under ``jit`` ``n`` must be static.

    Args:
      n: how many terms (a non-negative integer).
      first, second: the starting values ``a_0`` and ``a_1``; numbers or
        0-d arrays (they may be traced).
      dtype: the dtype of the result, integer or floating-point.

    Returns:
      A 1-D array of shape ``(n,)``, equal to :func:`fibonacci_loop`'s.

    Examples:
      >>> fibonacci_fori(6)
      Array([ 1.,  2.,  3.,  5.,  8., 13.], dtype=float32)
    """
    n = _validate.nonnegative_int(n, "n")
    first = _check_start(first, "first")
    second = _check_start(second, "second")
    dtype = _check_dtype(dtype)

    def step(i, a):
        return a.at[i].set(a[i - 1] + a[i - 2])

    a = _start(n, first, second, dtype)
    if n <= 2:          # nothing to loop over (and no a[i - 1] to read)
        return a
    return lax.fori_loop(2, n, step, a)


_fibonacci_compiled = jax.jit(fibonacci_fori,
                              static_argnames=("n", "dtype"))


def fibonacci(n: int, *, dtype: DTypeLike = jnp.float32) -> jax.Array:
    """The first ``n`` terms, compiled, with ``n`` and ``dtype`` static.

    The inputs are checked first, in Python, so a bad ``n`` gets a clear
    message; then a jitted :func:`fibonacci_fori` runs with
    ``static_argnames=("n", "dtype")``. JAX compiles it once per distinct
    ``(n, dtype)`` and reuses that program for every later call.

    Args:
      n: how many terms (a non-negative integer).
      dtype: the dtype of the result, integer or floating-point.

    Returns:
      A 1-D array of shape ``(n,)``.

    Examples:
      >>> fibonacci(10, dtype=jnp.int32)
      Array([ 1,  2,  3,  5,  8, 13, 21, 34, 55, 89], dtype=int32)
    """
    n = _validate.nonnegative_int(n, "n")
    dtype = _check_dtype(dtype)
    return _fibonacci_compiled(n, dtype=dtype)


def first_mismatch(values: ArrayLike, exact: Sequence[int]) -> int | None:
    """The first index where ``values`` differs from the exact integers.

    Each value is compared exactly with its Python integer: a float that
    was rounded, an ``inf``, or an integer that wrapped around all count
    as different.

    Args:
      values: a 1-D integer or floating-point array.
      exact: Python integers, as many as ``values`` has entries.

    Returns:
      The first index that differs, or ``None`` if all agree.

    Examples:
      >>> first_mismatch(jnp.array([1, 2, 3]), [1, 2, 3]) is None
      True
      >>> first_mismatch(jnp.array([1.0, 2.0, jnp.inf]), [1, 2, 3])
      2
    """
    values = _validate.array(values, "values", ndim=1)
    if isinstance(exact, (str, bytes)) or not isinstance(exact, Sequence):
        raise TypeError(f"exact must be a sequence of integers, got "
                        f"{type(exact).__name__}")
    for i, want in enumerate(exact):
        if isinstance(want, bool) or not isinstance(
                want, (numbers.Integral, np.integer)):
            raise TypeError(f"exact must hold integers, got "
                            f"{type(want).__name__} {want!r:.30} at "
                            f"index {i}")
    if len(exact) != values.shape[0]:
        raise ValueError(
            f"values and exact must have the same length, got "
            f"{values.shape[0]} and {len(exact)}")
    for i, (got, want) in enumerate(zip(values.tolist(), exact)):
        if got != want:
            return i
    return None
