"""Checkers for the exercises of the autodiff chapter."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .. import _xor
from ._framework import (
    call,
    checker,
    jittable,
    require_array,
    require_scalar,
    same_values,
)
from ._words import count_word

__all__ = ["xor_accuracy", "xor_grad_b2"]


def solved_params():
    """Hand-made parameters that get all four XOR examples right.

    Hidden unit 1 is an OR of the inputs, hidden unit 2 an AND; the output
    is "OR but not AND".
    """
    w1 = jnp.array([[5.0, 5.0, 0.0], [5.0, 5.0, 0.0]])
    b1 = jnp.array([-2.5, -7.5, 0.0])
    w2 = jnp.array([5.0, -5.0, 0.0])
    b2 = jnp.array([-5.0])
    return w1, b1, w2, b2


def _xor_cases():
    """(shown, params, X, Y): accuracies 0.5, 0.25, 0.75, 1.0, and other
    targets, so that no answer that ignores an input can pass."""
    X, Y = _xor.xor_data()
    for seed in (9, 1, 3):
        yield (f"the parameters from init_params(jax.random.key({seed}))",
               _xor.init_params(jax.random.key(seed)), X, Y)
    yield "hand-made parameters that solve XOR", solved_params(), X, Y
    yield ("init_params(jax.random.key(3)) and the OR targets "
           "Y = [0., 1., 1., 1.]", _xor.init_params(jax.random.key(3)), X,
           jnp.array([0.0, 1.0, 1.0, 1.0]))


# The expected answers, compiled once (eager, they cost op by op).
_accuracy = jax.jit(lambda params, X, Y: jnp.mean(
    (_xor.predict(params, X) > 0.5) == (Y > 0.5)))
_grad = jax.jit(jax.grad(_xor.loss))


@checker("xor_accuracy")
def xor_accuracy(accuracy) -> str:
    """Check ``accuracy(params, X, Y)``: the fraction of right predictions."""
    cases = list(_xor_cases())
    for shown, params, X, Y in cases:
        got = require_scalar(call(accuracy, params, X, Y), "the accuracy",
                             shown=shown,
                             many="average over the examples with jnp.mean")
        expected = _accuracy(params, X, Y)
        same_values(got, expected, what="the accuracy", shown=shown)
    got = jittable(accuracy, params, X, Y)
    same_values(require_scalar(got, "the accuracy under jax.jit"), expected,
                what="the accuracy under jax.jit", shown=shown)
    return (f"Correct: your accuracy matches for {count_word(len(cases))} "
            f"sets of parameters and targets, and works under jax.jit.")


@checker("xor_grad_b2")
def xor_grad_b2(grad_b2) -> str:
    """Check a hand-derived gradient of the loss with respect to ``b2``."""
    cases = list(_xor_cases())
    for shown, params, X, Y in cases:
        got = require_array(call(grad_b2, params, X, Y),
                            "The gradient dloss/db2")
        expected = _grad(params, X, Y)[3]
        if got.shape == ():
            got = got.reshape(1)
        same_values(got, expected, what="the gradient dloss/db2", shown=shown,
                    rtol=1e-4, atol=1e-6)
    return (f"Correct: your formula agrees with jax.grad for "
            f"{count_word(len(cases))} sets of parameters and targets.")
