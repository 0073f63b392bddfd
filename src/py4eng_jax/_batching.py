"""Per-example losses and gradients of the XOR network (chapter vmap).

:func:`py4eng_jax.loss` averages over a batch, so its gradient is the
gradient of the mean. The loss of one example is the same loss on a batch
of one row; ``jax.grad`` of that, mapped over the rows with ``jax.vmap``,
gives one gradient per example. Their mean is the full-batch gradient,
because the gradient of a mean is the mean of the gradients.
"""

from __future__ import annotations

import jax
from jax.typing import ArrayLike

from . import _validate, _xor

__all__ = ["example_loss", "per_example_grads"]


def example_loss(params, x: ArrayLike, y: ArrayLike) -> jax.Array:
    """The XOR loss of one example: :func:`py4eng_jax.loss` on one row.

    Args:
      params: ``(w1, b1, w2, b2)`` as made by :func:`py4eng_jax.init_params`.
      x: one input, shape (2,).
      y: its target, a 0-d array.

    Returns:
      A 0-d float array: the binary cross-entropy of this one prediction.

    Examples:
      >>> from py4eng_jax import init_params, xor_data
      >>> X, Y = xor_data()
      >>> params = init_params(jax.random.key(0))
      >>> float(example_loss(params, X[1], Y[1])) > 0
      True
    """
    params = _xor.network_params(params)
    x = _validate.array(x, "x", shape=(params[0].shape[0],))
    y = _validate.array(y, "y", shape=())
    return _xor.loss(params, x[None, :], y[None])


# One gradient per example: params shared (None), x and y split by rows.
_per_example_grads = jax.jit(
    jax.vmap(jax.grad(example_loss), in_axes=(None, 0, 0)))


def per_example_grads(params, X: ArrayLike, Y: ArrayLike):
    """The gradient of each example's loss, by ``vmap`` of ``grad``.

    Args:
      params: ``(w1, b1, w2, b2)``.
      X: inputs of shape (n, 2).
      Y: targets of shape (n,).

    Returns:
      A tuple like ``params`` whose arrays have an extra leading axis of
      length ``n``: entry ``i`` is the gradient of
      ``example_loss(params, X[i], Y[i])``. Their mean over that axis is
      ``jax.grad(py4eng_jax.loss)(params, X, Y)``.

    Examples:
      >>> from py4eng_jax import init_params, xor_data
      >>> X, Y = xor_data()
      >>> grads = per_example_grads(init_params(jax.random.key(0)), X, Y)
      >>> [g.shape for g in grads]
      [(4, 2, 3), (4, 3), (4, 3), (4, 1)]
    """
    params = _xor.network_params(params)
    X = _validate.array(X, "X", shape=(None, params[0].shape[0]))
    Y = _validate.array(Y, "Y", shape=(X.shape[0],))
    return _per_example_grads(params, X, Y)
