"""Optimizers written once for any pytree: gradient descent, momentum, Adam.

An optimizer is a pair of pure functions, in the style of optax:

- ``init(params) -> state`` makes the optimizer's memory for ``params``;
- ``update(params, grads, state) -> (params, state)`` takes one step.

Both work on any pytree of arrays (a tuple, a list, a dict, a NamedTuple,
a registered class, or any nesting of them) because they touch the arrays
only through ``jax.tree.map``. The state is a pytree too, so a whole step
can be passed through ``jax.jit``.

:func:`py4eng_jax.train_with` (in :mod:`py4eng_jax._training`) trains the
book's XOR network with any of them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
from jax.tree_util import keystr

from . import _validate

__all__ = [
    "Optimizer",
    "AdamState",
    "sgd",
    "momentum",
    "adam",
]


class Optimizer(NamedTuple):
    """Two pure functions that make up an optimizer (see :func:`sgd`)."""

    init: Callable[[Any], Any]
    """``init(params) -> state``: the optimizer's memory for ``params``."""
    update: Callable[[Any, Any, Any], tuple[Any, Any]]
    """``update(params, grads, state) -> (params, state)``: one step."""


class AdamState(NamedTuple):
    """What :func:`adam` remembers between steps."""

    count: jax.Array
    """How many steps were taken (an int32 scalar)."""
    mu: Any
    """Running mean of the gradients, a tree shaped like the parameters."""
    nu: Any
    """Running mean of the squared gradients, shaped like the parameters."""


def sgd(lr: float) -> Optimizer:
    """Plain gradient descent: ``p <- p - lr * g`` for every leaf.

    It has nothing to remember: its state is the empty tuple ``()``.

    Args:
      lr: the learning rate, a positive number.

    Examples:
      >>> opt = sgd(0.5)
      >>> params = {"w": jnp.array([1.0, 2.0])}
      >>> state = opt.init(params)
      >>> grads = {"w": jnp.array([1.0, -1.0])}
      >>> params, state = opt.update(params, grads, state)
      >>> params["w"]
      Array([0.5, 2.5], dtype=float32)
    """
    lr = _validate.positive_number(lr, "lr")

    def init(params):
        _check_float_leaves(params)
        return ()

    def update(params, grads, state):
        _check_like(grads, "grads", params)
        if not (isinstance(state, tuple) and len(state) == 0):
            raise ValueError(
                f"state must be what sgd's init returned, (), got "
                f"{type(state).__name__}")
        return jax.tree.map(lambda p, g: p - lr * g, params, grads), state

    return Optimizer(init, update)


def momentum(lr: float, beta: float = 0.9) -> Optimizer:
    """Gradient descent with momentum (the "heavy ball").

    The state is a velocity ``v`` for every leaf, starting at zero:
    ``v <- beta * v + g``, then ``p <- p - lr * v``. With ``beta = 0`` this
    is plain gradient descent; with ``beta`` near 1 the steps keep going in
    the direction the gradients agreed on.

    Args:
      lr: the learning rate, a positive number.
      beta: how much of the velocity is kept at each step, in [0, 1).

    Examples:
      >>> opt = momentum(0.1, beta=0.5)
      >>> params = (jnp.array(1.0),)
      >>> state = opt.init(params)
      >>> for _ in range(2):
      ...     params, state = opt.update(params, (jnp.array(1.0),), state)
      >>> print(f"{float(state[0]):.2f} {float(params[0]):.2f}")
      1.50 0.75
    """
    lr = _validate.positive_number(lr, "lr")
    beta = _unit_interval(beta, "beta")

    def init(params):
        _check_float_leaves(params)
        return jax.tree.map(jnp.zeros_like, params)

    def update(params, grads, state):
        _check_like(grads, "grads", params)
        _check_like(state, "state", params)
        velocity = jax.tree.map(lambda v, g: beta * v + g, state, grads)
        params = jax.tree.map(lambda p, v: p - lr * v, params, velocity)
        return params, velocity

    return Optimizer(init, update)


def adam(lr: float, b1: float = 0.9, b2: float = 0.999,
         eps: float = 1e-8) -> Optimizer:
    """Adam: a step from running means of the gradients and their squares.

    For every leaf, with ``t`` the step number (1, 2, ...)::

        m <- b1 * m + (1 - b1) * g          # mean of the gradients
        v <- b2 * v + (1 - b2) * g**2       # mean of their squares
        p <- p - lr * m_hat / (sqrt(v_hat) + eps)

    where ``m_hat = m / (1 - b1**t)`` and ``v_hat = v / (1 - b2**t)`` undo
    the pull towards the zeros that ``m`` and ``v`` start from. Each number
    moves by about ``lr`` per step whatever the scale of its gradient; on the
    first step by almost exactly ``lr``, against the sign of its gradient.

    Args:
      lr: the learning rate (the typical step size), a positive number.
      b1, b2: decay rates of the two running means, each in [0, 1).
      eps: a small positive number that keeps the division finite.

    Examples:
      >>> opt = adam(0.1)
      >>> params = {"a": jnp.array([1.0, 1.0])}
      >>> state = opt.init(params)
      >>> grads = {"a": jnp.array([1e-3, -50.0])}   # very different sizes
      >>> params, state = opt.update(params, grads, state)
      >>> print(params["a"].round(4))                  # both moved by 0.1
      [0.9 1.1]
    """
    lr = _validate.positive_number(lr, "lr")
    b1 = _unit_interval(b1, "b1")
    b2 = _unit_interval(b2, "b2")
    eps = _validate.positive_number(eps, "eps")

    def init(params):
        _check_float_leaves(params)
        zeros = jax.tree.map(jnp.zeros_like, params)
        return AdamState(jnp.zeros((), jnp.int32), zeros, zeros)

    def update(params, grads, state):
        _check_like(grads, "grads", params)
        if not isinstance(state, AdamState):
            raise TypeError(
                f"state must be the AdamState that adam's init returned, "
                f"got {type(state).__name__}")
        _check_like(state.mu, "state.mu", params)
        _check_like(state.nu, "state.nu", params)
        count = state.count + 1
        t = count.astype(jnp.float32)
        mu = jax.tree.map(lambda m, g: b1 * m + (1 - b1) * g,
                          state.mu, grads)
        nu = jax.tree.map(lambda v, g: b2 * v + (1 - b2) * g ** 2,
                          state.nu, grads)
        mu_hat_scale = 1 / _one_minus_power(b1, t)
        nu_hat_scale = 1 / _one_minus_power(b2, t)
        params = jax.tree.map(
            lambda p, m, v: p - lr * (m * mu_hat_scale)
            / (jnp.sqrt(v * nu_hat_scale) + eps),
            params, mu, nu)
        return params, AdamState(count, mu, nu)

    return Optimizer(init, update)


def _one_minus_power(b: float, t: jax.Array) -> jax.Array:
    """``1 - b**t``, accurate in float32 also when ``b**t`` is close to 1.

    In float32, ``1 - 0.999**1`` loses four digits to cancellation (and
    ``0.999`` itself is not exact); ``-expm1(t * log(b))``, with the log
    taken in float64, keeps them.
    """
    if b == 0:
        return jnp.ones_like(t)
    return -jnp.expm1(t * math.log(b))


# Input checks. They read only tree structures, shapes and dtypes, so they
# also run (once, while tracing) inside jax.jit.

def _unit_interval(value, name: str) -> float:
    """Check that ``value`` is a real number in [0, 1)."""
    return _validate.real_number(value, name, low=0, high=1, high_open=True)


def _check_float_leaves(params) -> None:
    """Every leaf of ``params`` is a floating-point array; there is one."""
    leaves = jax.tree.leaves_with_path(params)
    if not leaves:
        raise ValueError(
            f"params must hold at least one array, got "
            f"{type(params).__name__} {params!r:.60}")
    for path, leaf in leaves:
        _validate.array(leaf, f"params{keystr(path)}", kind="float")


def _check_like(tree, name: str, params) -> None:
    """``tree`` has the structure of ``params`` and leaves of its shapes."""
    got, want = jax.tree.structure(tree), jax.tree.structure(params)
    if got != want:
        raise ValueError(
            f"{name} must have the same tree structure as params: "
            f"expected {want}, got {got}")
    for (path, leaf), p in zip(jax.tree.leaves_with_path(tree),
                               jax.tree.leaves(params)):
        if jnp.shape(leaf) != jnp.shape(p):
            raise ValueError(
                f"{name}{keystr(path)} must have the shape of "
                f"params{keystr(path)}, {jnp.shape(p)}, got shape "
                f"{jnp.shape(leaf)}")
