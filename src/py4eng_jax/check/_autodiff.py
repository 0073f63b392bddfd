"""Checkers for the exercises of the autodiff chapter."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .. import _xor
from ._framework import (
    call,
    checker,
    fail,
    jittable,
    require_array,
    require_scalar,
    same_values,
)
from ._program import primitives
from ._words import count_word

__all__ = ["xor_accuracy", "xor_grad_w2", "xor_input_gradient"]


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


def xor_cases():
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
    cases = list(xor_cases())
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


def _grad_w2_cases():
    """The XOR cases, and six examples (the corners and two more points)
    through a network of 5 hidden units, so that neither a mean written as
    a sum over 4 nor a size of 3 written in passes."""
    yield from xor_cases()
    X, Y = _xor.xor_data()
    X6 = jnp.concatenate([X, jnp.array([[0.5, 0.2], [0.9, 0.7]])])
    Y6 = jnp.concatenate([Y, jnp.array([1.0, 0.0])])
    yield ("a network with 5 hidden units, init_params(jax.random.key(5), "
           "hidden=5), and six examples, the four corners and [0.5, 0.2], "
           "[0.9, 0.7] with targets 1, 0",
           _xor.init_params(jax.random.key(5), hidden=5), X6, Y6)


def _grad_w2_mistake(got, params, X, Y, shown: str) -> None:
    """A hint for a known wrong formula (if it is one)."""
    w1, b1, _, _ = (np.asarray(p, np.float64) for p in params)
    yhat = np.asarray(_xor.predict(params, X), np.float64)
    X = np.asarray(X, np.float64)
    Y = np.asarray(Y, np.float64)
    pre = X @ w1 + b1
    z = np.tanh(pre)
    n = X.shape[0]
    err = (yhat - Y)[:, None]
    _, Y_xor = _xor.xor_data()
    if got.shape == (n, z.shape[1]):
        raise fail(f"Wrong shape for the gradient dloss/dw2 with {shown}: "
                   f"expected {z.shape[1:]}, got {got.shape}, one row per "
                   f"example. The loss is the mean over the examples, and "
                   f"so is its gradient")
    if got.shape == (X.shape[1],) and z.shape[1] != X.shape[1]:
        raise fail(f"Wrong shape for the gradient dloss/dw2 with {shown}: "
                   f"expected {z.shape[1:]}, got {got.shape}, one number "
                   f"per input. w2 has one weight per hidden unit: the "
                   f"output depends on w2 through the hidden values, not "
                   f"through the inputs")
    if got.shape in ((1,), ()) and np.allclose(got, np.mean(err),
                                               rtol=1e-4, atol=1e-6):
        raise fail(f"Your function returned one number for {shown}, the "
                   f"gradient with respect to the bias b2. w2 has one "
                   f"weight per hidden unit, and each gets its own "
                   f"derivative: expected shape {z.shape[1:]}")
    if got.shape == (3,) and z.shape[1] != 3:
        raise fail(f"Wrong shape for the gradient dloss/dw2 with {shown}: "
                   f"expected {z.shape[1:]}, got (3,). Your function "
                   f"assumes the 3 hidden units of the chapter's network")
    if got.shape != z.shape[1:]:
        return
    known = [
        (np.mean(-err * z, axis=0), "the sign is flipped: the loss grows "
         "along the weights of hidden units that push the predictions "
         "above their targets"),
        (np.sum(err * z, axis=0), "that is a sum over the examples, but "
         "the loss is their mean"),
        (np.mean(err * z * yhat[:, None] * (1 - yhat[:, None]), axis=0),
         "your formula has an extra factor y_hat (1 - y_hat): it cancels "
         "against the derivative of the logarithms"),
        (np.mean(err * pre, axis=0), "your formula uses the hidden units' "
         "inputs x W1 + b1, before tanh; the output sees the hidden values "
         "after it"),
        (np.mean(err, axis=0) * np.ones(z.shape[1]), "your formula is the "
         "same for every hidden unit: each weight's derivative carries the "
         "value of its own hidden unit"),
    ]
    if n != 4:
        known.append((np.sum(err * z, axis=0) / 4, "your function divides "
                      "by 4, the number of examples in the chapter, but "
                      "the loss is a mean over however many rows X has"))
    elif not np.array_equal(Y, np.asarray(Y_xor)):
        known.append((np.mean((yhat - np.asarray(Y_xor))[:, None] * z,
                              axis=0),
                      "that is the gradient for the XOR targets: your "
                      "function ignores the Y it is given"))
    for value, hint in known:
        if np.allclose(got, value, rtol=1e-4, atol=1e-6):
            raise fail(f"Wrong values for the gradient dloss/dw2 with "
                       f"{shown}: {hint}")


# What differentiating the loss leaves in a program and a formula derived
# by hand does not: the logarithms of the loss (a hand-derived gradient
# never evaluates the loss), and add_any, with which JAX's backward pass
# adds up the contributions to one value.
_AUTODIFF_SIGNS = {"log", "log1p", "add_any"}


@checker("xor_grad_w2", expects="your function grad_w2")
def xor_grad_w2(grad_w2) -> str:
    """Check a hand-derived gradient of the loss with respect to ``w2``."""
    cases = list(_grad_w2_cases())
    for shown, params, X, Y in cases:
        got = require_array(call(grad_w2, params, X, Y),
                            "The gradient dloss/dw2")
        expected = _grad(params, X, Y)[2]
        if got.shape != expected.shape or not np.allclose(
                got, expected, rtol=1e-4, atol=1e-6):
            _grad_w2_mistake(np.asarray(got, np.float64), params, X, Y,
                             shown)
        same_values(got, expected, what="the gradient dloss/dw2",
                    shown=shown, rtol=1e-4, atol=1e-6)
    shown, params, X, Y = cases[0]
    try:
        used = primitives(jax.make_jaxpr(grad_w2)(params, X, Y).jaxpr)
    except Exception:  # noqa: BLE001 - a program we cannot trace: no verdict
        used = set()
    if used & _AUTODIFF_SIGNS:
        raise fail(
            "Your values are right, but your function differentiates the "
            "loss itself, as jax.grad or jax.vjp do: its program evaluates "
            "the loss and runs a backward pass. The exercise asks for the "
            "formula derived by hand, with the chain rule, that needs "
            "neither")
    return (f"Correct: your formula agrees with jax.grad for "
            f"{count_word(len(cases))} sets of parameters and targets, a "
            f"network with 5 hidden units among them.")


# --- xor_input_gradient: how the prediction moves with the input ---------


def _input_cases():
    """(shown, params, x): random and hand-made networks (one with 5 hidden
    units), at points on and off the four corners."""
    return [
        ("the parameters from init_params(jax.random.key(9)) and "
         "x = [0.3, 0.8]", _xor.init_params(jax.random.key(9)),
         jnp.array([0.3, 0.8])),
        ("the parameters from init_params(jax.random.key(1)) and "
         "x = [1.0, 0.0]", _xor.init_params(jax.random.key(1)),
         jnp.array([1.0, 0.0])),
        ("hand-made parameters that solve XOR and x = [0.5, 0.4]",
         solved_params(), jnp.array([0.5, 0.4])),
        ("a network with 5 hidden units, init_params(jax.random.key(4), "
         "hidden=5), and x = [-0.5, 2.0]",
         _xor.init_params(jax.random.key(4), hidden=5),
         jnp.array([-0.5, 2.0])),
    ]


def _one_prediction(params, x):
    return _xor.predict(params, x[None, :])[0]


_input_grad = jax.jit(jax.grad(_one_prediction, argnums=1))


def _logit_grad(params, x):
    w1, b1, w2, _ = params
    return jax.grad(lambda x: jnp.tanh(x @ w1 + b1) @ w2)(x)


@checker("xor_input_gradient", expects="your function input_gradient")
def xor_input_gradient(input_gradient) -> str:
    """Check ``input_gradient(params, x)``: the derivative of the network's
    prediction for one input ``x`` (shape (2,)) with respect to ``x``."""
    cases = _input_cases()
    right = []
    for shown, params, x in cases:
        got = call(input_gradient, params, x)
        if isinstance(got, (tuple, list)) and len(got) == 4:
            raise fail(
                f"Your function returned a {type(got).__name__} of four, "
                f"the shapes of (w1, b1, w2, b2), for {shown}: that is a "
                f"derivative with respect to the parameters. The exercise "
                f"asks how the prediction changes with the input x")
        got = np.asarray(require_array(got, "The derivative d(prediction)"
                                       "/dx"), np.float64)
        expected = np.asarray(_input_grad(params, x), np.float64)
        if got.shape == ():
            value = float(_one_prediction(params, x))
            said = (", the prediction itself" if np.isclose(got, value,
                                                            rtol=1e-5)
                    else "")
            raise fail(
                f"Your function returned one number{said}, for {shown}, "
                f"but the derivative with respect to x has one number per "
                f"input: shape (2,)")
        if (got.shape != expected.shape and got.size == expected.size
                and np.allclose(got.reshape(expected.shape), expected,
                                rtol=1e-4, atol=1e-7)):
            raise fail(
                f"Wrong shape for the derivative: expected (2,), got "
                f"{got.shape}, for {shown}. The values are right, in axes "
                f"of length 1 that the batch of one brought in: return the "
                f"derivative for the one point x, not for a batch of one")
        scale = float(np.abs(expected).max()) or 1.0
        if got.shape == expected.shape and not np.allclose(
                got, expected, rtol=1e-4, atol=1e-4 * scale):
            logit = np.asarray(_logit_grad(params, x))
            if np.allclose(got, logit, rtol=1e-4, atol=1e-4 * scale):
                raise fail(
                    f"Wrong values for d(prediction)/dx with {shown}. That "
                    f"is the derivative of z . w2 + b2, before the sigmoid: "
                    f"the prediction is the sigmoid of it")
            if np.allclose(got, expected, rtol=1e-2, atol=1e-2 * scale):
                raise fail(
                    f"Close, but not exact, for d(prediction)/dx with "
                    f"{shown}. Is it an approximation, such as a finite "
                    f"difference? jax.grad gives the exact derivative, up "
                    f"to float32 rounding")
            other = solved_params() if len(params[1]) != 3 or not right \
                else _xor.init_params(jax.random.key(2))
            again = call(input_gradient, other, x)
            if (np.shape(again) == got.shape and np.allclose(again, got)
                    and not np.allclose(_input_grad(other, x), expected)):
                raise fail(
                    f"Wrong values for d(prediction)/dx with {shown}, and "
                    f"the same values for other parameters: your function "
                    f"ignores the params it is given")
            if right:
                raise fail(
                    f"Wrong values for d(prediction)/dx with {shown}, "
                    f"although they were right for {right[0]}. Does your "
                    f"function ignore params, or assume the 3 hidden "
                    f"units of the chapter's network?")
        same_values(got, expected, what="d(prediction)/dx", shown=shown,
                    rtol=1e-4, atol=1e-4 * scale)
        right.append(shown)
    return (f"Correct: your derivative matches jax.grad for "
            f"{count_word(len(cases))} networks and inputs, a network with "
            f"5 hidden units among them.")
