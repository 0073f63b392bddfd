"""Training the XOR network: one stopping rule, three ways to run it.

Every trainer in the book follows the same rule. The loss is recorded (and,
when asked, printed as ``step: loss``) at step 0, ``every``, ``2 * every``,
... and at ``max_steps``; training stops at the first such check where all
four predictions are right, or at ``max_steps``.

- :func:`train` runs plain gradient descent from Python, one step function
  call per gradient step (chapters autodiff and jit);
- :func:`train_with` runs any optimizer of :mod:`py4eng_jax._optim` the
  same way (chapter pytrees);
- :func:`train_fused` runs the same algorithm inside one compiled program,
  a ``lax.while_loop`` over the checks (chapter loops);
  :func:`train_fused_core` is its jitted core, for ``make bench``.

The first two share :func:`_checkpoint_loop`; all three share the checks
of their inputs (:func:`py4eng_jax._xor.xor_inputs`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.typing import ArrayLike

from . import _validate
from ._optim import Optimizer
from ._xor import all_correct, gd_step, loss, xor_inputs

__all__ = ["train", "TrainResult", "train_with", "train_fused",
           "FusedResult"]


class TrainResult(NamedTuple):
    """What :func:`train` and :func:`train_with` return."""

    params: tuple
    """The parameters after the last step."""
    steps: int
    """How many gradient steps were taken."""
    checkpoints: np.ndarray
    """The step numbers at which the loss was recorded (every ``every``)."""
    losses: np.ndarray
    """The loss at each checkpoint."""
    converged: bool
    """Whether all four predictions were right at the end."""


def _schedule(every, max_steps) -> tuple[int, int]:
    """The checks of ``every`` and ``max_steps`` shared by all trainers."""
    return (_validate.positive_int(every, "every"),
            _validate.nonnegative_int(max_steps, "max_steps"))


def _checkpoint_loop(step: Callable[[Any], Any],
                     check: Callable[[Any], tuple[Any, Any]],
                     carry, *, every: int, max_steps: int,
                     verbose: bool) -> tuple[Any, int, list, list, bool]:
    """The stopping rule, from Python: step until a check says "all right".

    ``step(carry) -> carry`` takes one gradient step; ``check(carry) ->
    (loss, all_right)`` is called at step 0, ``every``, ... and
    ``max_steps``. Returns ``(carry, steps, checkpoints, losses, done)``.
    """
    checkpoints, losses = [], []
    done = False
    i = 0
    while True:
        if i % every == 0 or i == max_steps:
            value, right = check(carry)
            value = float(value)
            checkpoints.append(i)
            losses.append(value)
            if verbose:
                print(f"{i}: {value:.5f}")
            done = bool(right)
            if done or i >= max_steps:
                return carry, i, checkpoints, losses, done
        carry = step(carry)
        i += 1


def train(params, X: ArrayLike, Y: ArrayLike, lr=1.0, *,
          step: Callable | None = None, every: int = 10,
          max_steps: int = 10_000, verbose: bool = True) -> TrainResult:
    """Gradient descent until all predictions are right.

    Every ``every`` steps (starting at step 0) the loss is recorded and,
    when ``verbose``, printed as ``step: loss`` with 5 decimals; training
    stops at the first such check where all predictions are right.

    Args:
      params: initial ``(w1, b1, w2, b2)``.
      X, Y: inputs (n, 2) and targets (n,).
      lr: learning rate, a positive number.
      step: the update function ``step(params, X, Y, lr)``; defaults to
        :func:`~py4eng_jax.gd_step` (pass ``jax.jit(gd_step)`` for a
        compiled one).
      every: how often to check and print, in steps.
      max_steps: give up after this many steps.
      verbose: print the loss at each check.

    Examples:
      >>> from py4eng_jax import init_params, xor_data
      >>> X, Y = xor_data()
      >>> result = train(init_params(jax.random.key(0)), X, Y,
      ...                max_steps=20)
      0: ...
      10: ...
      20: ...
      >>> result.steps, result.checkpoints.tolist()
      (20, [0, 10, 20])
    """
    params, X, Y = xor_inputs(params, X, Y)
    lr = _validate.positive_number(lr, "lr")
    every, max_steps = _schedule(every, max_steps)
    if step is None:
        step = gd_step
    elif not callable(step):
        raise TypeError(f"step must be callable, got {type(step).__name__}")

    params, steps, checkpoints, losses, done = _checkpoint_loop(
        lambda p: step(p, X, Y, lr),
        lambda p: (loss(p, X, Y), all_correct(p, X, Y)),
        params, every=every, max_steps=max_steps, verbose=verbose)
    return TrainResult(params, steps, np.array(checkpoints),
                       np.array(losses), done)


@functools.partial(jax.jit, static_argnums=0)
def _optimizer_step(optimizer: Optimizer, carry, X, Y):
    params, state = carry
    grads = jax.grad(loss)(params, X, Y)
    return optimizer.update(params, grads, state)


@jax.jit
def _loss_and_verdict(params, X, Y):
    return loss(params, X, Y), all_correct(params, X, Y)


def train_with(optimizer: Optimizer, params, X: ArrayLike, Y: ArrayLike, *,
               every: int = 10, max_steps: int = 10_000,
               verbose: bool = True) -> TrainResult:
    """Train the XOR network with ``optimizer`` until all are right.

    The stopping rule is :func:`train`'s. Each step (gradient and update)
    is one jitted call, and so is each check.

    Args:
      optimizer: an :class:`~py4eng_jax.Optimizer` from
        :func:`~py4eng_jax.sgd`, :func:`~py4eng_jax.momentum` or
        :func:`~py4eng_jax.adam`.
      params: initial ``(w1, b1, w2, b2)``, as from
        :func:`~py4eng_jax.init_params`.
      X, Y: inputs (n, 2) and targets (n,).
      every: how often to check and print, in steps.
      max_steps: give up after this many steps.
      verbose: print the loss at each check.

    Returns:
      A :class:`TrainResult`.

    Examples:
      >>> from py4eng_jax import adam, init_params, xor_data
      >>> X, Y = xor_data()
      >>> params = init_params(jax.random.key(9))
      >>> result = train_with(adam(0.1), params, X, Y, verbose=False)
      >>> result.converged, result.steps % 10
      (True, 0)
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"optimizer must be an Optimizer (from sgd, momentum or adam), "
            f"got {type(optimizer).__name__}")
    params, X, Y = xor_inputs(params, X, Y)
    every, max_steps = _schedule(every, max_steps)

    carry = (params, optimizer.init(params))
    (params, _), steps, checkpoints, losses, done = _checkpoint_loop(
        lambda c: _optimizer_step(optimizer, c, X, Y),
        lambda c: _loss_and_verdict(c[0], X, Y),
        carry, every=every, max_steps=max_steps, verbose=verbose)
    return TrainResult(params, steps, np.array(checkpoints),
                       np.array(losses), done)


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

    The same algorithm as :func:`train`, with the same checks at the same
    steps. From the same initial parameters it stops at the same step with
    the same loss, up to float32 rounding.

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
    params, X, Y = xor_inputs(params, X, Y)
    lr = _validate.positive_number(lr, "lr")
    every, max_steps = _schedule(every, max_steps)
    return train_fused_core(params, X, Y, lr, every=every,
                            max_steps=max_steps)


def _n_checks(every: int, max_steps: int) -> int:
    """How many checks a run can make: 0, every, 2 every, ..., max_steps."""
    return max_steps // every + 1 + (max_steps % every != 0)


@functools.partial(jax.jit, static_argnames=("every", "max_steps"))
def train_fused_core(params, X, Y, lr, *, every: int, max_steps: int
                     ) -> FusedResult:
    """The jitted core of :func:`train_fused`, without its input checks.

    For timing the compiled loop alone (``make bench``): the checks run in
    Python on every call, a large share of a sub-millisecond run. The
    inputs must already be what :func:`train_fused` would pass on: JAX
    arrays ``X`` (n, 2) and ``Y`` (n,), ``every`` and ``max_steps``
    positive integers. Anything else gives JAX's own errors, or none.

    Examples:
      >>> from py4eng_jax import init_params, xor_data
      >>> X, Y = (jnp.asarray(a) for a in xor_data())
      >>> params = init_params(jax.random.key(0))
      >>> core = train_fused_core(params, X, Y, 1.0, every=10, max_steps=30)
      >>> checked = train_fused(params, X, Y, max_steps=30)
      >>> bool(core.steps == checked.steps and core.loss == checked.loss)
      True
    """
    # The carry: parameters, step, loss and verdict at the last check,
    # index k of that check, and the buffers the checks are recorded in.
    def keep_going(state):
        _, i, _, done, _, _, _ = state
        return ~done & (i < max_steps)

    def steps_then_check(state):
        params, i, _, _, k, checkpoints, losses = state
        n = jnp.minimum(every, max_steps - i)  # the last stretch may be short
        params = lax.fori_loop(
            0, n, lambda _, p: gd_step(p, X, Y, lr), params)
        i, k = i + n, k + 1
        value = loss(params, X, Y)
        return (params, i, value, all_correct(params, X, Y), k,
                checkpoints.at[k].set(i), losses.at[k].set(value))

    size = _n_checks(every, max_steps)
    value = loss(params, X, Y)
    checkpoints = jnp.full(size, -1, jnp.int32).at[0].set(0)
    losses = jnp.full(size, jnp.nan, value.dtype).at[0].set(value)
    state = (params, jnp.int32(0), value, all_correct(params, X, Y),
             jnp.int32(0), checkpoints, losses)
    params, i, value, done, _, checkpoints, losses = lax.while_loop(
        keep_going, steps_then_check, state)
    return FusedResult(params, i, value, done, checkpoints, losses)
