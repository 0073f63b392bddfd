"""Propagating input tolerances through a formula (chapter monte-carlo).

Each uncertain input is described by its mean and standard deviation, the
inputs are independent, and ``f`` maps one input vector of shape ``(k,)``
to one number. :func:`monte_carlo` draws samples with explicit keys (one
key per input, split once) and evaluates ``f`` on all of them with
``jax.vmap``; :func:`delta_method` is the first-order estimate whose
gradient comes from ``jax.grad``; :func:`exceedance` is the probability of
exceeding a limit with its Monte Carlo standard error.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from . import _validate

__all__ = ["lognormal_params", "sample_inputs", "monte_carlo",
           "delta_method", "exceedance"]

_DISTRIBUTIONS = ("normal", "lognormal")


def _means_stds(means, stds) -> tuple[jax.Array, jax.Array]:
    """Validate means and stds: equal-length 1-D float arrays, stds > 0."""
    means = _as_vector(means, "means")
    stds = _as_vector(stds, "stds")
    if means.shape != stds.shape:
        raise ValueError(
            f"means and stds must have the same length, got {means.shape[0]} "
            f"means and {stds.shape[0]} stds")
    if not isinstance(stds, jax.core.Tracer) and not np.all(
            np.asarray(stds) > 0):
        raise ValueError(f"stds must all be positive, got "
                         f"{np.asarray(stds).tolist()}")
    return means, stds


def _as_vector(value, name: str) -> jax.Array:
    if isinstance(value, (list, tuple)):
        value = np.asarray(value, dtype=np.float32)
    value = _validate.array(value, name, ndim=1)
    if value.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one value, got shape "
                         f"{value.shape}")
    return value.astype(jnp.result_type(float))


def lognormal_params(means: ArrayLike, stds: ArrayLike
                     ) -> tuple[jax.Array, jax.Array]:
    """Parameters (mu, sigma) of ln X for a lognormal X of given mean, std.

    ``sigma**2 = log(1 + (std/mean)**2)`` and
    ``mu = log(mean) - sigma**2 / 2``.

    Examples:
      >>> mu, sigma = lognormal_params(jnp.array([1.0]), jnp.array([0.5]))
      >>> print(f"{float(mu[0]):.4f} {float(sigma[0]):.4f}")
      -0.1116 0.4724
    """
    means, stds = _means_stds(means, stds)
    if not isinstance(means, jax.core.Tracer) and not np.all(
            np.asarray(means) > 0):
        raise ValueError(f"means must all be positive for lognormal inputs, "
                         f"got {np.asarray(means).tolist()}")
    sigma2 = jnp.log1p((stds / means) ** 2)
    return jnp.log(means) - sigma2 / 2, jnp.sqrt(sigma2)


def sample_inputs(key: jax.Array, means: ArrayLike, stds: ArrayLike,
                  n: int, *, distribution: str = "normal") -> jax.Array:
    """``n`` samples of ``k`` independent inputs, as an ``(n, k)`` array.

    The key is split once into one key per input; input ``i`` is drawn
    with its own key. ``distribution`` is ``"normal"`` or ``"lognormal"``
    (both with the given means and standard deviations).

    Examples:
      >>> x = sample_inputs(jax.random.key(0), jnp.array([10.0, 2.0]),
      ...                   jnp.array([1.0, 0.1]), 100_000)
      >>> x.shape
      (100000, 2)
      >>> print(jnp.round(x.mean(axis=0), 1), jnp.round(x.std(axis=0), 1))
      [10.  2.] [1.  0.1]
    """
    key = _validate.prng_key(key, "key")
    means, stds = _means_stds(means, stds)
    n = _validate.positive_int(n, "n")
    if distribution not in _DISTRIBUTIONS:
        raise ValueError(f"distribution must be one of {_DISTRIBUTIONS}, "
                         f"got {distribution!r}")
    if distribution == "lognormal":
        lognormal_params(means, stds)        # validates: means > 0
    return _draw(key, means, stds, n, distribution)


@functools.partial(jax.jit, static_argnames=("n", "distribution"))
def _draw(key, means, stds, n, distribution):
    """The draws of :func:`sample_inputs`, compiled (inputs validated)."""
    keys = jax.random.split(key, means.shape[0])        # one key per input
    z = jnp.stack([jax.random.normal(k, (n,), means.dtype) for k in keys],
                  axis=1)
    if distribution == "normal":
        return means + stds * z
    sigma2 = jnp.log1p((stds / means) ** 2)
    mu = jnp.log(means) - sigma2 / 2
    return jnp.exp(mu + jnp.sqrt(sigma2) * z)


def monte_carlo(f: Callable[[jax.Array], jax.Array], key: jax.Array,
                means: ArrayLike, stds: ArrayLike, n: int, *,
                distribution: str = "normal") -> jax.Array:
    """``f`` on ``n`` samples of the inputs: an array of shape ``(n,)``.

    ``f`` takes one input vector of shape ``(k,)`` and returns one number;
    ``jax.vmap`` maps it over the samples of :func:`sample_inputs`, all
    compiled by ``jax.jit``.

    Examples:
      >>> y = monte_carlo(lambda x: x[0] * x[1], jax.random.key(0),
      ...                 jnp.array([2.0, 3.0]), jnp.array([0.1, 0.1]),
      ...                 100_000)
      >>> y.shape, round(float(y.mean()), 2)
      ((100000,), 6.0)
    """
    if not callable(f):
        raise TypeError(f"f must be a function of one input vector, got "
                        f"{_validate.describe(f)}")
    x = sample_inputs(key, means, stds, n, distribution=distribution)
    y = jax.jit(jax.vmap(f))(x)
    if y.shape != (x.shape[0],):
        raise ValueError(
            f"f must return one number per input vector, but on inputs of "
            f"shape {x.shape[1:]} it returned shape {y.shape[1:]}")
    return y


def delta_method(f: Callable[[jax.Array], jax.Array], means: ArrayLike,
                 stds: ArrayLike) -> tuple[jax.Array, jax.Array]:
    """First-order (delta-method) mean and standard deviation of ``f(x)``.

    For independent inputs with means ``m`` and standard deviations ``s``,
    the mean is ``f(m)`` and the variance ``sum((grad f(m) * s)**2)``, the
    gradient from ``jax.grad``. Exact when ``f`` is linear.

    Examples:
      >>> mean, std = delta_method(lambda x: 2 * x[0] - 3 * x[1],
      ...                          jnp.array([1.0, 1.0]),
      ...                          jnp.array([0.3, 0.4]))
      >>> print(f"{float(mean):.3f} {float(std):.3f}")
      -1.000 1.342
    """
    if not callable(f):
        raise TypeError(f"f must be a function of one input vector, got "
                        f"{_validate.describe(f)}")
    means, stds = _means_stds(means, stds)
    value, grad = jax.jit(jax.value_and_grad(f))(means)
    return value, jnp.sqrt(jnp.sum((grad * stds) ** 2))


def exceedance(samples: ArrayLike, limit: float
               ) -> tuple[jax.Array, jax.Array]:
    """Probability that a sample exceeds ``limit``, and its standard error.

    ``p`` is the fraction of samples above the limit; its Monte Carlo
    standard error is ``sqrt(p * (1 - p) / N)`` for ``N`` samples.

    Examples:
      >>> p, se = exceedance(jnp.array([1.0, 2.0, 3.0, 4.0]), 2.5)
      >>> print(f"{float(p):.2f} {float(se):.2f}")
      0.50 0.25
    """
    samples = _validate.array(samples, "samples", ndim=1, kind="float")
    if samples.shape[0] == 0:
        raise ValueError("samples must hold at least one value, got shape "
                         f"{samples.shape}")
    limit = _validate.real_number(limit, "limit", finite=True)
    p = jnp.mean(samples > limit)
    return p, jnp.sqrt(p * (1 - p) / samples.shape[0])
