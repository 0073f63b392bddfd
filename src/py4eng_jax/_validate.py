"""Input checks shared by the public helpers.

Every check raises ``TypeError`` (wrong kind of object or dtype) or
``ValueError`` (right kind, wrong shape or value) with a message that names
the argument, says what was expected and shows what came. The checks only
read ``shape`` and ``dtype``, so they also work on tracers inside ``jit``,
``grad`` and ``vmap``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np

__all__ = [
    "describe",
    "array",
    "real_number",
    "positive_number",
    "nonnegative_int",
    "positive_int",
    "prng_key",
]

_KINDS = {
    "float": ("floating-point", lambda d: jnp.issubdtype(d, jnp.floating)),
    "int": ("integer", lambda d: jnp.issubdtype(d, jnp.integer)),
    "real": ("real numeric",
             lambda d: jnp.issubdtype(d, jnp.integer)
             or jnp.issubdtype(d, jnp.floating)),
    "any": ("any", lambda d: True),
}


def describe(value) -> str:
    """How an error message shows a value that came: its type and value,
    or, for an array, its shape and dtype."""
    if isinstance(value, (jax.Array, np.ndarray)):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r:.60}"


def array(value, name: str, *, shape: Sequence[int | None] | None = None,
          ndim: int | None = None, kind: str = "real") -> jax.Array:
    """Check that ``value`` is a JAX or NumPy array and return it as JAX.

    Args:
      value: the argument to check.
      name: the argument's name, used in the error message.
      shape: expected shape; ``None`` in a position accepts any size there.
      ndim: expected number of dimensions (when ``shape`` is not given).
      kind: ``"float"``, ``"int"``, ``"real"`` (int or float) or ``"any"``.

    Raises:
      TypeError: ``value`` is not an array, or its dtype is of another kind.
      ValueError: its shape is not the expected one.
    """
    if not isinstance(value, (jax.Array, np.ndarray)):
        raise TypeError(
            f"{name} must be a JAX or NumPy array, got {describe(value)}")
    label, ok = _KINDS[kind]
    if not ok(value.dtype):
        raise TypeError(
            f"{name} must have a {label} dtype, got dtype {value.dtype}")
    if shape is not None:
        expected = tuple(shape)
        if len(value.shape) != len(expected) or any(
                e is not None and e != s
                for e, s in zip(expected, value.shape)):
            shown = "(" + ", ".join(
                "any" if e is None else str(e) for e in expected) + (
                    ",)" if len(expected) == 1 else ")")
            raise ValueError(
                f"{name} must have shape {shown}, got shape {value.shape}")
    elif ndim is not None and value.ndim != ndim:
        raise ValueError(
            f"{name} must be {ndim}-D, got {value.ndim}-D "
            f"with shape {value.shape}")
    return jnp.asarray(value)


def real_number(value, name: str, *, low: float | None = None,
                high: float | None = None, low_open: bool = False,
                high_open: bool = False, finite: bool = False) -> float:
    """Check that ``value`` is a real number (not a bool) within bounds.

    Python ints and floats and NumPy scalars are accepted; the bounds are
    ``low <= value <= high`` (``<`` with ``low_open``/``high_open``), each
    unchecked when ``None``. NaN is never within bounds; with ``finite``,
    infinities are refused too.

    Returns:
      ``value`` as a Python float.

    Examples:
      >>> real_number(0.5, "beta", low=0, high=1, high_open=True)
      0.5
      >>> real_number(True, "beta")
      Traceback (most recent call last):
      ...
      TypeError: beta must be a real number, got bool True
    """
    interval = _interval(low, high, low_open, high_open)
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, numbers.Real):
        raise TypeError(f"{name} must be {interval}, got {describe(value)}")
    v = float(value)
    below = low is not None and (v <= low if low_open else v < low)
    above = high is not None and (v >= high if high_open else v > high)
    if finite and not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if below or above or v != v:
        raise ValueError(f"{name} must be {interval}, got {value!r}")
    return v


def _interval(low, high, low_open, high_open) -> str:
    """"a real number", "a positive number", "a number in [0, 1)"..."""
    if low is None and high is None:
        return "a real number"
    if high is None and low == 0:
        return "a positive number" if low_open else "a non-negative number"
    if high is None:
        return f"a number {'>' if low_open else '>='} {low:g}"
    if low is None:
        return f"a number {'<' if high_open else '<='} {high:g}"
    return (f"a number in {'(' if low_open else '['}{low:g}, "
            f"{high:g}{')' if high_open else ']'}")


def positive_number(value, name: str):
    """Check that ``value`` is a real number greater than zero.

    A 0-d JAX array is accepted too (a learning rate passed through ``jit``
    arrives as a tracer); its sign is checked when its value is known. The
    check reads a concrete array's value on the host (``np.asarray``): a JAX
    comparison such as ``value > 0`` would be staged into the trace when
    the helper runs inside ``jit`` or ``fori_loop``, and become a tracer.
    """
    if isinstance(value, jax.Array):
        if value.ndim != 0 or not _KINDS["real"][1](value.dtype):
            raise TypeError(
                f"{name} must be a positive number, got {describe(value)}")
        if (not isinstance(value, jax.core.Tracer)
                and not float(np.asarray(value)) > 0):
            raise ValueError(
                f"{name} must be a positive number, got {value!r}")
        return value
    return real_number(value, name, low=0, low_open=True)


def nonnegative_int(value, name: str) -> int:
    """Check that ``value`` is an integer (not a bool) that is at least 0."""
    return _int_at_least(value, name, 0, "a non-negative integer")


def positive_int(value, name: str) -> int:
    """Check that ``value`` is an integer (not a bool) that is at least 1."""
    return _int_at_least(value, name, 1, "a positive integer")


def _int_at_least(value, name: str, low: int, what: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (numbers.Integral, np.integer)):
        raise TypeError(f"{name} must be {what}, got {describe(value)}")
    if value < low:
        raise ValueError(f"{name} must be {what}, got {value!r}")
    return int(value)


def prng_key(value, name: str) -> jax.Array:
    """Check that ``value`` is one PRNG key (typed, or a raw uint32 pair)."""
    if not isinstance(value, jax.Array):
        raise TypeError(
            f"{name} must be a PRNG key from jax.random.key, got "
            f"{describe(value)}")
    is_typed = jnp.issubdtype(value.dtype, jax.dtypes.prng_key)
    is_raw = value.dtype == jnp.uint32 and value.shape == (2,)
    if not (is_typed and value.shape == ()) and not is_raw:
        raise ValueError(
            f"{name} must be a single PRNG key from jax.random.key, got an "
            f"array of shape {value.shape} and dtype {value.dtype}")
    return value
