"""The book's hand-written optimizers agree with optax, step for step."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import py4eng_jax

X, Y = py4eng_jax.xor_data()
PARAMS = py4eng_jax.init_params(jax.random.key(0))
GRAD = jax.jit(jax.grad(py4eng_jax.loss))


def _per_step_gaps(mine, theirs, steps=30):
    """Largest parameter gap after each step, both from the same point."""
    params = PARAMS
    mine_state, their_state = mine.init(params), theirs.init(params)
    gaps = []
    for _ in range(steps):
        grads = GRAD(params, X, Y)
        updates, their_state = theirs.update(grads, their_state, params)
        theirs_next = optax.apply_updates(params, updates)
        params, mine_state = mine.update(params, grads, mine_state)
        gaps.append(max(float(jnp.max(jnp.abs(a - b)))
                        for a, b in zip(params, theirs_next)))
    return np.array(gaps)


def test_momentum_equals_optax_sgd_with_momentum():
    """py4eng_jax.momentum takes optax.sgd(momentum=...)'s steps exactly"""
    gaps = _per_step_gaps(py4eng_jax.momentum(1.0, beta=0.9),
                          optax.sgd(1.0, momentum=0.9))
    assert gaps.max() == 0.0, gaps


@pytest.mark.parametrize("lr", [0.1, 0.01])
def test_adam_equals_optax_adam(lr):
    """py4eng_jax.adam takes optax.adam's steps, up to float32 rounding"""
    gaps = _per_step_gaps(py4eng_jax.adam(lr), optax.adam(lr))
    # The package computes 1 - b**t more accurately than optax; the steps
    # differ in the last digits only (a step moves a parameter by ~lr).
    assert gaps.max() < 1e-5 * max(lr / 0.1, 1.0) + 1e-6, gaps
