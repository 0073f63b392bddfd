"""The XOR network of the book's first chapter: data, model, loss, one step.

A two-layer network, ``z = tanh(x @ w1 + b1)`` and
``y = sigmoid(z @ w2 + b2)``, trained by plain gradient descent on the four
rows of the XOR truth table. Parameters are a tuple ``(w1, b1, w2, b2)``
(any sequence of four arrays, or a ``NamedTuple``, works). The training
loops that drive it live in :mod:`py4eng_jax._training`.

:func:`network_params` and :func:`xor_inputs` are the checks the other
modules of the package share; they are not part of the public API.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax.typing import ArrayLike

from . import _validate

__all__ = [
    "xor_data",
    "init_params",
    "sigmoid",
    "predict",
    "loss",
    "all_correct",
    "gd_step",
]

EPS = 1e-10  # keeps log() finite when a prediction is exactly 0 or 1


def xor_data() -> tuple[jax.Array, jax.Array]:
    """Return the XOR truth table as ``(X, Y)``.

    Returns:
      ``X`` of shape (4, 2) with the rows [0,0], [0,1], [1,0], [1,1], and
      ``Y`` of shape (4,) with their XOR, both float32.

    Examples:
      >>> X, Y = xor_data()
      >>> X.shape, Y.tolist()
      ((4, 2), [0.0, 1.0, 1.0, 0.0])
    """
    X = jnp.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=jnp.float32)
    Y = jnp.logical_xor(X[:, 0], X[:, 1]).astype(jnp.float32)
    return X, Y


def init_params(key: jax.Array, hidden: int = 3) -> tuple[jax.Array, ...]:
    """Draw ``(w1, b1, w2, b2)`` from a standard normal distribution.

    The key is split into four, one for each parameter, drawn in the order
    w1, b1, w2, b2 (as in the original lesson).

    Args:
      key: a PRNG key from ``jax.random.key``.
      hidden: the number of hidden units (3 in the book).

    Returns:
      ``w1`` (2, hidden), ``b1`` (hidden,), ``w2`` (hidden,), ``b2`` (1,).

    Examples:
      >>> params = init_params(jax.random.key(0))
      >>> [p.shape for p in params]
      [(2, 3), (3,), (3,), (1,)]
    """
    _validate.prng_key(key, "key")
    hidden = _validate.positive_int(hidden, "hidden")
    k1, k2, k3, k4 = jax.random.split(key, 4)
    w1 = jax.random.normal(k1, (2, hidden))
    b1 = jax.random.normal(k2, (hidden,))
    w2 = jax.random.normal(k3, (hidden,))
    b2 = jax.random.normal(k4, (1,))
    return w1, b1, w2, b2


def sigmoid(x: ArrayLike) -> jax.Array:
    """The logistic function ``1 / (1 + exp(-x))``, squashing into (0, 1).

    Examples:
      >>> sigmoid(jnp.array([0.0]))
      Array([0.5], dtype=float32)
    """
    return 1 / (1 + jnp.exp(-jnp.asarray(x)))


def predict(params, X: ArrayLike) -> jax.Array:
    """The network's output for each row of ``X``: a probability in (0, 1).

    Args:
      params: ``(w1, b1, w2, b2)`` as made by :func:`init_params`.
      X: inputs of shape (n, 2).

    Returns:
      An array of shape (n,).
    """
    w1, b1, w2, b2 = network_params(params)
    X = _validate.array(X, "X", shape=(None, w1.shape[0]))
    z = jnp.tanh(X @ w1 + b1)
    return sigmoid(z @ w2 + b2)


def loss(params, X: ArrayLike, Y: ArrayLike) -> jax.Array:
    """Mean binary cross-entropy of the predictions against ``Y``.

    ``-(Y log(p + eps) + (1 - Y) log(1 - p + eps))``, averaged over the rows,
    with ``eps = 1e-10`` so that a prediction of exactly 0 or 1 costs a large
    finite amount instead of infinity.
    """
    Yhat = predict(params, X)
    Y = targets(Y, Yhat.shape[0])
    return -(Y * jnp.log(Yhat + EPS)
             + (1 - Y) * jnp.log(1 - Yhat + EPS)).mean()


def all_correct(params, X: ArrayLike, Y: ArrayLike) -> jax.Array:
    """Whether every prediction, thresholded at 0.5, equals its target."""
    Yhat = predict(params, X)
    Y = targets(Y, Yhat.shape[0])
    return jnp.all((Yhat > 0.5) == (Y > 0.5))


def gd_step(params, X: ArrayLike, Y: ArrayLike, lr=1.0):
    """One step of gradient descent: ``p - lr * dloss/dp`` for every ``p``.

    Returns parameters with the same structure as ``params``.
    """
    lr = _validate.positive_number(lr, "lr")
    grads = jax.grad(loss)(params, X, Y)
    return jax.tree.map(lambda p, g: p - lr * g, params, grads)


def network_params(params) -> tuple[jax.Array, ...]:
    """Check that ``params`` is ``(w1, b1, w2, b2)`` with matching shapes.

    Returns the four arrays as JAX arrays.
    """
    if not isinstance(params, (tuple, list)):
        raise TypeError(
            f"params must be a tuple (w1, b1, w2, b2), got "
            f"{type(params).__name__}")
    if len(params) != 4:
        raise ValueError(
            f"params must hold 4 arrays (w1, b1, w2, b2), got {len(params)}")
    w1 = _validate.array(params[0], "w1", ndim=2, kind="float")
    n_in, hidden = w1.shape
    b1 = _validate.array(params[1], "b1", shape=(hidden,), kind="float")
    w2 = _validate.array(params[2], "w2", shape=(hidden,), kind="float")
    b2 = _validate.array(params[3], "b2", shape=(1,), kind="float")
    return w1, b1, w2, b2


def targets(Y, n: int) -> jax.Array:
    """Check that ``Y`` is an array of ``n`` targets and return it."""
    return _validate.array(Y, "Y", shape=(n,))


def xor_inputs(params, X: ArrayLike, Y: ArrayLike):
    """Check a whole training problem: ``params``, ``X`` (n, 2), ``Y`` (n,).

    Returns ``(params, X, Y)`` with the arrays as JAX arrays (``params``
    as given, so that its container type is kept).
    """
    network_params(params)
    X = _validate.array(X, "X", shape=(None, 2))
    Y = targets(Y, X.shape[0])
    return params, X, Y
