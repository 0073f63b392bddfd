"""Checkers for the exercises of the autodiff chapter."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .. import _xor
from .._checking import (Feedback, call, checker, fail, jittable,
                        require_array, same_values)

__all__ = ["xor_accuracy", "xor_grad_b2"]


def _xor_cases():
    X, Y = _xor.xor_data()
    for seed in (9, 0, 1):
        yield f"the parameters from init_params(jax.random.key({seed}))", \
            _xor.init_params(jax.random.key(seed)), X, Y


@checker("xor_accuracy")
def xor_accuracy(accuracy) -> str:
    """Check ``accuracy(params, X, Y)``: the fraction of right predictions."""
    for shown, params, X, Y in _xor_cases():
        got = require_array(call(accuracy, params, X, Y), "the accuracy")
        expected = jnp.mean((_xor.predict(params, X) > 0.5) == (Y > 0.5))
        if got.ndim != 0:
            raise fail(f"accuracy should be one number (a 0-d array), got "
                       f"shape {got.shape}: did you forget the mean?")
        same_values(got, expected, what="the accuracy", shown=shown)
    jittable(accuracy, params, X, Y)
    return ("Correct: your accuracy matches for three sets of parameters "
            "and works under jax.jit.")


@checker("xor_grad_b2")
def xor_grad_b2(grad_b2) -> str:
    """Check a hand-derived gradient of the loss with respect to ``b2``."""
    for shown, params, X, Y in _xor_cases():
        got = require_array(call(grad_b2, params, X, Y), "dloss/db2")
        expected = jax.grad(_xor.loss)(params, X, Y)[3]
        if got.shape == ():
            got = got.reshape(1)
        same_values(got, expected, what="dloss/db2", shown=shown,
                    rtol=1e-4, atol=1e-6)
    return ("Correct: your formula agrees with jax.grad for three sets of "
            "parameters.")
