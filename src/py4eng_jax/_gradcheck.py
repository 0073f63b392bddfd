"""Check a gradient against finite differences, in float64.

``jax.test_util.check_grads`` compares automatic differentiation with a
central finite difference along ONE random direction (drawn from NumPy's
``RandomState(0)``, so the same direction on every call). In float32 its
rounding noise forces loose tolerances that let wrong gradients through;
in float64 its default tolerances (``atol = rtol = 1e-5``, step
``eps = 1e-4``) are tight enough to catch them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from jax.test_util import check_grads

__all__ = ["gradient_check"]


def gradient_check(f: Callable[[Any], Any], params: Any) -> None:
    """Check ``jax.grad(f)`` at ``params`` against finite differences.

    The check runs in float64 (inside ``jax.enable_x64(True)``, with the
    floating-point leaves of ``params`` cast to float64) with
    ``check_grads``' default tolerances, in reverse mode, to first order;
    ``f`` is compiled with ``jax.jit`` first (eagerly, the many small
    float64 operations take seconds to compile one by one).
    It compares the derivative of ``f`` along one random direction ``v``,
    estimated as ``(f(p + eps v) - f(p - eps v)) / (2 eps)``, with the
    inner product of the gradient and ``v``.

    Args:
      f: a function of ``params`` returning a scalar.
      params: an array or a pytree of arrays (for instance a tuple).

    Returns:
      None; raises ``AssertionError`` when the gradient is wrong.

    Examples:
      >>> import jax.numpy as jnp
      >>> gradient_check(lambda p: jnp.sum(p ** 3), jnp.array([1.0, 2.0]))
      >>> import jax
      >>> @jax.custom_vjp
      ... def cube(p):
      ...     return jnp.sum(p ** 3)
      >>> cube.defvjp(lambda p: (cube(p), p),
      ...             lambda p, ct: (ct * 2 * p ** 2,))   # wrong: 2, not 3
      >>> try:
      ...     gradient_check(cube, jnp.array([1.0, 2.0]))
      ... except AssertionError:
      ...     print("wrong gradient caught")
      wrong gradient caught
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    leaves = jax.tree.leaves(params)
    if not leaves:
        raise ValueError("params must hold at least one array, got "
                         f"{params!r:.60}")
    for leaf in leaves:
        if not jnp.issubdtype(jnp.result_type(leaf), jnp.floating):
            raise TypeError(
                "params must hold floating-point arrays, got one of dtype "
                f"{jnp.result_type(leaf)}")
    with jax.enable_x64(True):
        params64 = jax.tree.map(lambda p: jnp.asarray(p, jnp.float64),
                                params)
        check_grads(jax.jit(f), (params64,), order=1, modes=["rev"])
