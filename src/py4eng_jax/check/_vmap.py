"""Checkers for the exercises of the vmap chapter.

Besides shapes, values and ``jit``, these checkers tell whether a function
is *vectorized*: whether it lets JAX handle the batch in one program, or
loops over the rows, in Python or with a lax loop (see
:func:`~py4eng_jax.check._program.require_vectorized`).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .. import _xor
from ._framework import (
    answer,
    call,
    checker,
    fail,
    jittable,
    require_array,
    require_vectorized,
    same_values,
)
from ._words import count_word

__all__ = ["nearest_rows", "ensemble_losses"]


def _integers(seed: int, shape: tuple, maxval: int) -> jax.Array:
    """Random integers in [1, maxval), from NumPy: nothing to compile."""
    rng = np.random.default_rng(seed)
    return jnp.asarray(rng.integers(1, maxval, size=shape).astype(np.int32))


# -- Exercise 1: the nearest row --------------------------------------------

_SHOWN_Q = [[1, 2, 3, 4, 1], [4, 4, 4, 4, 4], [2, 1, 2, 1, 2]]


def _nearest_expected(Q, Y) -> np.ndarray:
    """Index of the nearest row of Y for each row of Q, by plain loops."""
    Q, Y = np.asarray(Q), np.asarray(Y)
    return np.array([int(np.argmin([(q != y).sum() for y in Y]))
                     for q in Q])


def _nearest_cases():
    Y = jax.random.randint(jax.random.key(4), (10, 5), 1, 5)  # the chapter's
    yield f"Q = {_SHOWN_Q} and the chapter's Y", jnp.array(_SHOWN_Q), Y
    yield ("a random Q of shape (6, 8) and Y of shape (12, 8), values "
           "from 1 to 3", _integers(6, (6, 8), 4), _integers(7, (12, 8), 4))


@checker("nearest_rows")
def nearest_rows(fn) -> str:
    """Check ``nearest_rows(Q, Y)``: each row of Q's nearest row of Y."""
    cases = list(_nearest_cases())
    for shown, Q, Y in cases:
        got = require_array(answer(fn, Q, Y), "the indices")
        m, n = Q.shape[0], Y.shape[0]
        if got.shape == (m, n):
            raise fail(
                f"Wrong shape for the indices: expected ({m},), got "
                f"{got.shape}, for {shown}. That looks like the matrix of "
                f"distances; the nearest row is where a row of it is "
                f"smallest (argmin along the last axis).")
        same_values(got, _nearest_expected(Q, Y), what="the indices",
                    shown=shown)
    jittable(fn, Q, Y)
    require_vectorized(
        fn, (_integers(8, (2, 6), 4), _integers(9, (3, 6), 4)),
        (_integers(8, (4, 6), 4), _integers(9, (6, 6), 4)),
        rows="rows of Q and Y", one="one row")
    return (f"Correct: your function finds the nearest rows for "
            f"{count_word(len(cases))} inputs, works under jax.jit and is "
            f"vectorized.")


# -- Exercise 2: the losses of an ensemble ------------------------------------

def _key_params(seed: int, k: int) -> tuple[jax.Array, ...]:
    """``k`` parameter sets from ``init_params``, stacked (as in the book)."""
    sets = [_xor.init_params(key)
            for key in jax.random.split(jax.random.key(seed), k)]
    return tuple(jnp.stack(arrays) for arrays in zip(*sets))


def _random_params(seed: int, k: int) -> tuple[jax.Array, ...]:
    """``k`` standard-normal parameter sets, stacked, from NumPy."""
    rng = np.random.default_rng(seed)
    return tuple(
        jnp.asarray(rng.standard_normal((k, *shape)).astype(np.float32))
        for shape in ((2, 3), (3,), (3,), (1,)))


def _ensemble_expected(stacked, X, Y) -> np.ndarray:
    """The loss of each parameter set, in float64 NumPy."""
    w1, b1, w2, b2 = (np.asarray(p, dtype=np.float64) for p in stacked)
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    z = np.tanh(np.einsum("nd,kdh->knh", X, w1) + b1[:, None, :])
    p = 1 / (1 + np.exp(-(np.einsum("knh,kh->kn", z, w2) + b2)))
    return -(Y * np.log(p + _xor.EPS)
             + (1 - Y) * np.log(1 - p + _xor.EPS)).mean(axis=1)


def _ensemble_cases():
    yield ("the 5 parameter sets `stacked` of the exercise cell (from "
           "jax.random.key(0))", _key_params(0, 5))
    yield "3 other random parameter sets", _random_params(1, 3)


_SIZES_HINT = (
    "Your function fails: vmap was asked to map axes of different sizes "
    "({sizes}). Map axis 0 of every parameter array and share X and Y: "
    "in_axes=(0, None, None)")


@checker("ensemble_losses")
def ensemble_losses(fn) -> str:
    """Check ``ensemble_losses(stacked, X, Y)``: one loss per parameter set."""
    X, Y = _xor.xor_data()
    cases = list(_ensemble_cases())
    for shown, stacked in cases:
        k = stacked[0].shape[0]
        try:
            out = jax.jit(fn)(stacked, X, Y)
        except Exception:  # let the plain call explain it
            out = None
        if out is None:
            out = call(fn, stacked, X, Y,
                       overrides={"vmap_sizes": _SIZES_HINT})
        got = require_array(out, "the losses")
        if got.shape == ():
            raise fail(
                f"Wrong shape for the losses: expected ({k},), got one "
                f"number, for {shown}. Return one loss per parameter set, "
                f"not their mean or the loss of one set.")
        same_values(got, _ensemble_expected(stacked, X, Y),
                    what="the losses", shown=shown, rtol=1e-5, atol=1e-6)
    jittable(fn, stacked, X, Y)
    require_vectorized(fn, (_random_params(2, 2), X, Y),
                       (_random_params(2, 4), X, Y),
                       rows="parameter sets", one="one parameter set")
    return (f"Correct: your function gives the loss of every parameter set "
            f"for {count_word(len(cases))} ensembles, works under jax.jit "
            f"and is vectorized.")
