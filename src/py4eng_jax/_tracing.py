"""Count how often JAX traces a function: a window on (re)compilation.

``jax.jit`` runs a function's Python body only when it traces it: on the
first call, and again for every new combination of input shapes, dtypes
and static argument values. Each trace is followed by a compilation, so
counting traces counts compilations.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

__all__ = ["count_traces"]


def count_traces(fn: Callable) -> Callable:
    """Wrap ``fn`` so that every run of its Python body is counted.

    Put it *under* ``jax.jit``: the wrapper then runs only while JAX traces,
    and ``wrapped.traces`` counts the traces. Use ``wrapped.reset()`` to
    start counting again.

    Examples:
      >>> import jax, jax.numpy as jnp
      >>> counted = count_traces(lambda x: 2 * x)
      >>> double = jax.jit(counted)
      >>> _ = double(jnp.ones(3)); _ = double(jnp.zeros(3))  # same shape
      >>> counted.traces
      1
      >>> _ = double(jnp.ones(4))                           # a new shape
      >>> counted.traces
      2
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        wrapped.traces += 1
        return fn(*args, **kwargs)

    def reset() -> None:
        wrapped.traces = 0

    wrapped.traces = 0
    wrapped.reset = reset
    return wrapped
