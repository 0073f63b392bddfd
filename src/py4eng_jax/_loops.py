"""The whole XOR training as one compiled program, with ``lax.while_loop``.

:func:`py4eng_jax.train` is a Python loop: it calls a (possibly jitted)
step once per gradient step and checks the predictions on the host every
``every`` steps. :func:`train_fused` runs the same algorithm, with the same
checks at the same steps, inside a single jitted function: a
``lax.while_loop`` over checks, each doing up to ``every`` gradient steps
with ``lax.fori_loop``. Python is left once, not once per step.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.typing import ArrayLike

from . import _validate, _xor

__all__ = ["train_fused", "FusedResult"]


class FusedResult(NamedTuple):
    """What :func:`train_fused` returns; every field is a JAX array.

    The arrays stay on the device until you read them (``int(r.steps)``,
    ``float(r.loss)``), so timing a call with ``jax.block_until_ready``
    measures the training, not a copy to the host.
    """

    params: tuple
    """The parameters after the last step (same structure as given)."""
    steps: jax.Array
    """How many gradient steps were taken (0-d int32)."""
    loss: jax.Array
    """The loss at the last check, where training stopped (0-d)."""
    converged: jax.Array
    """Whether all predictions were right at the last check (0-d bool)."""
    checkpoints: jax.Array
    """The step of each check, in order; -1 in the unused slots."""
    losses: jax.Array
    """The loss at each check; NaN in the unused slots."""

    def history(self) -> tuple[np.ndarray, np.ndarray]:
        """The checks actually made, as NumPy ``(checkpoints, losses)``.

        The fused loop records into buffers of a fixed size (one slot per
        possible check); this drops the unused slots.
        """
        checkpoints = np.asarray(self.checkpoints)
        used = checkpoints >= 0
        return checkpoints[used], np.asarray(self.losses)[used]


def train_fused(params, X: ArrayLike, Y: ArrayLike, lr=1.0, *,
                every: int = 10, max_steps: int = 10_000) -> FusedResult:
    """Gradient descent until all predictions are right, compiled whole.

    The same algorithm as :func:`py4eng_jax.train`: the loss is recorded
    and the predictions are checked at step 0, ``every``, ``2 * every``,
    ... (and at ``max_steps``); training stops at the first check where
    all predictions are right, or at ``max_steps``. From the same initial
    parameters it stops at the same step with the same loss, up to
    float32 rounding.

    The loop runs inside one jitted function: a ``lax.while_loop`` over
    the checks, each preceded by up to ``every`` steps in a
    ``lax.fori_loop``. Each new ``every`` or ``max_steps`` (they fix the
    size of the loss buffer) or new input shape compiles once; a new
    ``lr`` or new array values do not. To time it, pass it to
    :func:`py4eng_jax.time_it`: the first call includes the compilation,
    and every array of the result is waited for.

    Args:
      params: initial ``(w1, b1, w2, b2)``.
      X, Y: inputs (n, 2) and targets (n,).
      lr: learning rate, a positive number.
      every: how often to check, in steps.
      max_steps: give up after this many steps.

    Returns:
      A :class:`FusedResult` of JAX arrays.

    Examples:
      >>> from py4eng_jax import init_params, xor_data
      >>> X, Y = xor_data()
      >>> params = init_params(jax.random.key(0))
      >>> result = train_fused(params, X, Y, max_steps=30)
      >>> int(result.steps), result.history()[0].tolist()
      (30, [0, 10, 20, 30])
    """
    _xor._check_params(params)
    X = _validate.array(X, "X", shape=(None, 2))
    _xor._check_targets(Y, X.shape[0])
    lr = _validate.positive_number(lr, "lr")
    every = _validate.positive_int(every, "every")
    max_steps = _validate.nonnegative_int(max_steps, "max_steps")
    return _train_fused(params, X, jnp.asarray(Y), lr,
                        every=every, max_steps=max_steps)


def _n_checks(every: int, max_steps: int) -> int:
    """How many checks a run can make: 0, every, 2 every, ..., max_steps."""
    return max_steps // every + 1 + (max_steps % every != 0)


@functools.partial(jax.jit, static_argnames=("every", "max_steps"))
def _train_fused(params, X, Y, lr, *, every: int, max_steps: int):
    # The carry: parameters, step, loss and verdict at the last check,
    # index k of that check, and the buffers the checks are recorded in.
    def keep_going(state):
        _, i, _, done, _, _, _ = state
        return ~done & (i < max_steps)

    def steps_then_check(state):
        params, i, _, _, k, checkpoints, losses = state
        n = jnp.minimum(every, max_steps - i)  # the last stretch may be short
        params = lax.fori_loop(
            0, n, lambda _, p: _xor.gd_step(p, X, Y, lr), params)
        i, k = i + n, k + 1
        value = _xor.loss(params, X, Y)
        return (params, i, value, _xor.all_correct(params, X, Y), k,
                checkpoints.at[k].set(i), losses.at[k].set(value))

    size = _n_checks(every, max_steps)
    value = _xor.loss(params, X, Y)
    checkpoints = jnp.full(size, -1, jnp.int32).at[0].set(0)
    losses = jnp.full(size, jnp.nan, value.dtype).at[0].set(value)
    state = (params, jnp.int32(0), value, _xor.all_correct(params, X, Y),
             jnp.int32(0), checkpoints, losses)
    params, i, value, done, _, checkpoints, losses = lax.while_loop(
        keep_going, steps_then_check, state)
    return FusedResult(params, i, value, done, checkpoints, losses)
