"""Checkers for the exercises of the jit chapter."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .. import _xor
from ._autodiff import solved_params, xor_cases
from ._framework import (
    call,
    checker,
    describe,
    fail,
    jittable,
    require_array,
    require_scalar,
    same_values,
)
from ._words import count_word

__all__ = ["clip_by_norm", "xor_train_step"]

_JIT_HINT = "Write it without a Python if: jnp.where or jnp.minimum"
# This chapter's advice for a tracing error (a function already jitted
# fails when called, so call() needs it too).
_OVERRIDES = {
    "control_flow": "Your function is not jittable: it uses the value of "
                    "a traced array in a Python `if`, bool(), `and` / "
                    "`or`, or a chained comparison such as a < b < c "
                    "(which hides an `and`). " + _JIT_HINT
                    + " (and & or | to combine arrays of booleans)",
    "concrete": "Your function is not jittable: it needs the concrete "
                "value of a traced array (float(), .item(), an `if`, "
                "`and` / `or`, a chained comparison). " + _JIT_HINT}


def _call(fn, *args):
    return call(fn, *args, overrides=_OVERRIDES)


# ---------------------------------------------------------------- jit-ex2

def _clip_cases():
    """(shown, g, max_norm, expected, w, expected gradient): inside,
    outside, a matrix, a random vector, the zero vector (and a zero
    matrix). The gradient is that of ``sum(w * clip(g, max_norm))``: ``w``
    inside the limit (clip is the identity there), and
    ``(m / |g|) (w - u (u . w))`` with ``u = g / |g|`` outside it."""
    rng = np.random.default_rng(0)
    g = np.array([3.0, 4.0], dtype=np.float32)  # norm 5
    r = rng.standard_normal(5).astype(np.float32)
    m = np.array([[1.0, 2.0, 2.0], [0.0, 4.0, 0.0]], dtype=np.float32)
    cases = [
        ("g = [3., 4.] and max_norm = 10.0", g, 10.0),
        ("g = [3., 4.] and max_norm = 1.0", g, 1.0),
        ("g = [[1., 2., 2.], [0., 4., 0.]] and max_norm = 2.5", m, 2.5),
        ("a random g of shape (5,) and max_norm = 0.7", r, 0.7),
        ("g = [0., 0., 0.] and max_norm = 1.0",
         np.zeros(3, dtype=np.float32), 1.0),
        ("g = jnp.zeros((2, 2)) and max_norm = 0.5",
         np.zeros((2, 2), dtype=np.float32), 0.5),
    ]
    out = []
    for shown, g, max_norm in cases:
        w = rng.standard_normal(g.shape).astype(np.float32)
        g64, w64 = g.astype(np.float64), w.astype(np.float64)
        norm = float(np.sqrt((g64**2).sum()))
        if norm > max_norm:
            u = g64 / norm
            value = g64 * max_norm / norm
            grad = max_norm / norm * (w64 - u * (u * w64).sum())
        else:
            value, grad = g64, w64
        out.append((shown, g, max_norm, value, w, grad))
    return out


def _check_clipped(got, expected, shown: str) -> None:
    got = require_array(got, "the clipped gradient")
    if got.shape == expected.shape and np.isnan(got.astype(float)).any():
        raise fail(
            f"Your result contains nan for {shown}: dividing by a norm of 0 "
            f"gives nan. Select g itself wherever no clipping is needed.")
    same_values(got, expected, what="the clipped gradient", shown=shown)


def _check_derivative(got, expected, *, g, w, max_norm, shown: str) -> None:
    """The gradient of ``sum(w * clip(g, max_norm))``, with a hint for
    each way it goes wrong."""
    got = require_array(got, "the gradient of your clip")
    if got.shape != expected.shape:
        same_values(got, expected, what="the gradient of your clip",
                    shown=shown)
    at_zero = not np.any(g)
    if np.isnan(got.astype(float)).any():
        where = "at g = 0, " if at_zero else ""
        raise fail(
            f"Your values are right, but the gradient of your clip is nan "
            f"{where}for {shown}. The derivative of the norm is g / |g|, "
            f"0 / 0 at zero. A nan in the candidate that jnp.where (or "
            f"jnp.minimum) does not select still reaches the gradient: "
            f"0 times nan is nan. lax.cond differentiates only the branch "
            f"it takes, but a norm computed before it still feeds the "
            f"gradient. Make sure nothing divides by the norm of 0, or "
            f"takes its square root, on any path that is differentiated")
    if at_zero and np.allclose(got, 0.0):
        raise fail(
            f"The gradient of your clip is zero at g = 0, for {shown}. "
            f"Near 0 the norm is below the limit and nothing is clipped: "
            f"clip is the identity there, and its derivative lets every "
            f"change of g through")
    if np.allclose(got, expected, rtol=1e-4, atol=1e-5):
        return
    norm = float(np.sqrt((g.astype(np.float64)**2).sum()))
    if norm > max_norm and np.allclose(got, w * max_norm / norm, rtol=1e-4,
                                       atol=1e-5):
        raise fail(
            f"Your values are right, but the gradient of your clip is "
            f"wrong outside the limit, for {shown}: it treats the factor "
            f"max_norm / |g| as a constant. That factor depends on g, so "
            f"a gradient must see how it changes")
    same_values(got, expected, what="the gradient of your clip",
                shown=shown, rtol=1e-4, atol=1e-5)


def _clip_gradient(clip, max_norm, w):
    def gradient(g):
        return jax.grad(lambda g: jnp.sum(w * clip(g, max_norm)))(g)
    return gradient


@checker("clip_by_norm")
def clip_by_norm(clip) -> str:
    """Check ``clip(g, max_norm)``: scale ``g`` down to norm ``max_norm``.

    The result must equal ``g * max_norm / norm(g)`` where the norm of
    ``g`` exceeds ``max_norm``, and ``g`` itself elsewhere, eagerly and
    under ``jax.jit``; and its gradient must be the exact one, finite at
    ``g = 0`` (the identity there), eagerly and under ``jax.jit``.
    """
    cases = _clip_cases()
    for shown, g, max_norm, expected, _, _ in cases:
        got = _call(clip, jnp.asarray(g), max_norm)
        _check_clipped(got, expected, shown)
    for shown, g, max_norm, expected, _, _ in cases:
        got = jittable(clip, jnp.asarray(g), max_norm,
                       overrides=_OVERRIDES)
        _check_clipped(got, expected, shown + " under jax.jit")
    for shown, g, max_norm, _, w, grad in cases:
        gradient = _clip_gradient(clip, max_norm, jnp.asarray(w))
        got = call(gradient, jnp.asarray(g), overrides=_OVERRIDES,
                   where="Your clip works, but its gradient")
        _check_derivative(got, grad, g=g, w=w, max_norm=max_norm,
                          shown=shown)
        got = jittable(gradient, jnp.asarray(g), overrides=_OVERRIDES)
        _check_derivative(got, grad, g=g, w=w, max_norm=max_norm,
                          shown=shown + " under jax.jit")
    return ("Correct: your clip gives the right values and the right "
            "gradient, finite at g = 0, for gradients inside and outside "
            "the ball, a matrix and the zero vector, with and without "
            "jax.jit.")


# ---------------------------------------------------------------- jit-ex1

def _train_step_cases():
    X, Y = _xor.xor_data()
    for (shown, params, _, _), lr in zip(xor_cases(), (1.0, 0.5, 2.0)):
        yield f"{shown} and lr = {lr}", params, X, Y, lr
    yield ("hand-made parameters that solve XOR and lr = 1.0",
           solved_params(), X, Y, 1.0)
    w1, b1, w2, _ = solved_params()
    yield ("hand-made parameters that get one example wrong before the "
           "step and all right after it, and lr = 1.0",
           (w1, b1, w2, jnp.array([-9.9])), X, Y, 1.0)


_NAMES = ("w1", "b1", "w2", "b2")


@checker("xor_train_step")
def xor_train_step(train_step) -> str:
    """Check a jitted ``train_step(params, X, Y, lr)`` for the XOR network.

    It must return ``(new_params, loss, all_correct)``: the parameters after
    one gradient-descent step, and the loss and the all-right flag of the
    parameters *before* the step; and it must be compiled with ``jax.jit``.
    """
    cases = list(_train_step_cases())
    for shown, params, X, Y, lr in cases:
        out = _call(train_step, params, X, Y, lr)
        if not isinstance(out, (tuple, list)) or len(out) != 3:
            raise fail(
                f"Your train_step should return three things, (new_params, "
                f"loss, all_correct); got {describe(out)}.")
        new, value, right = out
        if not isinstance(new, (tuple, list)) or len(new) != 4:
            raise fail(
                f"The first thing returned should be the new parameters, a "
                f"tuple (w1, b1, w2, b2) of four arrays; got "
                f"{describe(new)}.")
        expected = _xor.gd_step(params, X, Y, lr)
        for name, got_p, exp_p in zip(_NAMES, new, expected):
            same_values(got_p, exp_p, what=f"the new {name}", shown=shown)

        value = require_scalar(value, "the loss", shown=shown,
                               many="return the mean loss over the examples")
        before = _xor.loss(params, X, Y)
        after = _xor.loss(expected, X, Y)
        if (not np.allclose(value, before, rtol=1e-5)
                and np.allclose(value, after, rtol=1e-5)):  # after step
            raise fail(
                f"Your loss is that of the parameters after the step, for "
                f"{shown}. Report the loss of the parameters you were "
                f"given, before the step: the one jax.value_and_grad "
                f"returns.")
        same_values(value, before, what="the loss", shown=shown)

        right = require_scalar(right, "the flag all_correct", shown=shown,
                               many="combine the examples with jnp.all")
        want = bool(_xor.all_correct(params, X, Y))
        if (np.issubdtype(np.asarray(right).dtype, np.floating)
                and 0 < float(right) < 1):
            raise fail(
                f"Your all_correct is {float(right):.3g} for {shown}, a "
                f"fraction: that is an accuracy. all_correct asks whether "
                f"every example is right, one True or False")
        if bool(right) != want:
            if bool(right) == bool(_xor.all_correct(expected, X, Y)):
                raise fail(
                    f"Your all_correct is that of the parameters after the "
                    f"step, for {shown}. Report it for the parameters you "
                    f"were given, before the step, like the loss")
            raise fail(f"Wrong all_correct for {shown}: expected {want}, "
                       f"got {bool(right)}")

    if not isinstance(train_step, jax.stages.Wrapped):
        raise fail(
            "Your train_step gives the right answers but is not compiled: "
            "wrap it in jax.jit, or put @jax.jit on the line above its "
            "def.")
    return (f"Correct: one compiled call gives the new parameters, the "
            f"loss and the check, for {count_word(len(cases))} sets of "
            f"parameters and learning rates.")


