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

from .. import _batching, _xor
from ._framework import (
    answer,
    call,
    checker,
    criterion,
    describe,
    fail,
    fmt,
    jittable,
    require_array,
    require_vectorized,
    same_values,
)
from ._words import count_word

__all__ = ["nearest_rows", "clipped_mean_grad"]


def _integers(seed: int, shape: tuple, maxval: int) -> jax.Array:
    """Random integers in [1, maxval), from NumPy: nothing to compile."""
    rng = np.random.default_rng(seed)
    return jnp.asarray(rng.integers(1, maxval, size=shape).astype(np.int32))


# -- Exercise 1: the nearest row, each query with its own weights ----------

_SHOWN_Q = [[1, 2, 3, 4, 1], [4, 4, 4, 4, 4], [2, 1, 2, 1, 2]]
_SHOWN_W = [[2, 1, 1, 1, 3], [3, 1, 1, 1, 1], [1, 2, 3, 2, 1]]


def _weighted(Q, W, Y, *, agree: bool = False) -> np.ndarray:
    """The (m, n) weighted distances: W[i] summed where Q[i] and Y[j]
    differ (or agree, for the mistake), by NumPy broadcasting."""
    Q, W, Y = np.asarray(Q), np.asarray(W), np.asarray(Y)
    mask = (Q[:, None, :] == Y[None]) if agree else (Q[:, None, :] != Y[None])
    return (W[:, None, :] * mask).sum(axis=-1)


def _nearest_expected(Q, W, Y) -> np.ndarray:
    """Index of the nearest row of Y for each query, by plain loops."""
    Q, W, Y = np.asarray(Q), np.asarray(W), np.asarray(Y)
    return np.array([int(np.argmin([(w * (q != y)).sum() for y in Y]))
                     for q, w in zip(Q, W)])


def _nearest_mistakes(Q, W, Y) -> dict[str, np.ndarray]:
    """What common wrong answers return, by the hint they deserve."""
    D = _weighted(Q, W, Y)
    n = D.shape[1]
    plain = (np.asarray(Q)[:, None, :] != np.asarray(Y)[None]).sum(-1)
    first = _weighted(Q, np.broadcast_to(np.asarray(W)[0], np.shape(W)), Y)
    return {
        "ignores the weights W: it finds the nearest row in plain Hamming "
        "distance": plain.argmin(axis=1),
        "uses the first row of W for every query; each query has its own "
        "row of weights, so W is mapped together with Q": first.argmin(1),
        "returns the smallest distances, not the indices of the rows: "
        "these look like distances, take argmin": D.min(axis=1),
        "finds the farthest row: the nearest is where the weights of the "
        "positions where q and y differ add up to the least (argmin, not "
        "argmax; not the weights where q and y agree)": D.argmax(axis=1),
        "finds the farthest row: the nearest is where the weights of the "
        "positions where q and y differ add up to the least (not the "
        "weights where q and y agree)":
            _weighted(Q, W, Y, agree=True).argmin(1),
        "takes the last of the nearest rows on a tie; take the first":
            n - 1 - D[:, ::-1].argmin(axis=1),
    }


def _nearest_cases():
    Y = jax.random.randint(jax.random.key(4), (10, 5), 1, 5)  # the chapter's
    yield (f"Q = {_SHOWN_Q}, W = {_SHOWN_W} and the chapter's Y",
           jnp.array(_SHOWN_Q), jnp.array(_SHOWN_W), Y)
    yield ("a random Q and W of shape (6, 8) and Y of shape (12, 8), "
           "values from 1 to 3", _integers(6, (6, 8), 4),
           _integers(5, (6, 8), 4), _integers(7, (12, 8), 4))
    yield ("a random Q and W of shape (4, 3) and Y of shape (7, 3), "
           "values from 1 to 2", _integers(1, (4, 3), 3),
           _integers(2, (4, 3), 4), _integers(3, (7, 3), 3))


@checker("nearest_rows")
def nearest_rows(fn) -> str:
    """Check ``nearest_rows(Q, W, Y)``: each row of Q's nearest row of Y
    in the distance weighted by the matching row of W."""
    cases = list(_nearest_cases())
    for shown, Q, W, Y in cases:
        got = require_array(answer(fn, Q, W, Y), "the indices")
        m, n = Q.shape[0], Y.shape[0]
        if got.shape == (m, n):
            raise fail(
                f"Wrong shape for the indices: expected ({m},), got "
                f"{got.shape}, for {shown}. That looks like the matrix of "
                f"distances; the nearest row is where a row of it is "
                f"smallest (argmin along the last axis).")
        expected = _nearest_expected(Q, W, Y)
        if got.shape == expected.shape and not np.array_equal(
                np.asarray(got), expected):
            for hint, wrong in _nearest_mistakes(Q, W, Y).items():
                if (np.array_equal(np.asarray(got), wrong)
                        and not np.array_equal(wrong, expected)):
                    raise fail(f"Your function {hint}. Seen for {shown}")
        same_values(got, expected, what="the indices", shown=shown)
    jittable(fn, Q, W, Y)
    require_vectorized(
        fn, (_integers(8, (2, 6), 4), _integers(10, (2, 6), 4),
             _integers(9, (3, 6), 4)),
        (_integers(8, (4, 6), 4), _integers(10, (4, 6), 4),
         _integers(9, (6, 6), 4)),
        rows="rows of Q, W and Y", one="one row")
    return (f"Correct: your function finds the nearest rows for "
            f"{count_word(len(cases))} inputs, works under jax.jit and is "
            f"vectorized.")


# -- Exercise 2: per-example clipping, then the mean --------------------------

_PARAM_SHAPES = ((2, 3), (3,), (3,), (1,))


def _random_params(seed: int) -> tuple[jax.Array, ...]:
    """One standard-normal parameter set, from NumPy."""
    rng = np.random.default_rng(seed)
    return tuple(jnp.asarray(rng.standard_normal(shape).astype(np.float32))
                 for shape in _PARAM_SHAPES)


def _random_data(seed: int, n: int) -> tuple[jax.Array, jax.Array]:
    """n random inputs in [0, 1)^2 and 0/1 targets, from NumPy."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(size=(n, 2)).astype(np.float32)
    Y = rng.integers(0, 2, size=n).astype(np.float32)
    return jnp.asarray(X), jnp.asarray(Y)


def _per_example(params, X, Y) -> list[np.ndarray]:
    """Each example's gradient, in float64 (n leading)."""
    grads = _batching.per_example_grads(params, X, Y)
    return [np.asarray(g, dtype=np.float64) for g in grads]


def _norms(grads: list[np.ndarray]) -> np.ndarray:
    """The norm of each example's whole gradient (all four arrays)."""
    n = grads[0].shape[0]
    return np.sqrt(sum((g.reshape(n, -1) ** 2).sum(axis=1) for g in grads))


def _scaled_mean(grads, factor) -> list[np.ndarray]:
    return [(g * factor.reshape(-1, *[1] * (g.ndim - 1))).mean(axis=0)
            for g in grads]


def clipped_expected(params, X, Y, max_norm: float) -> list[np.ndarray]:
    """Each example's gradient scaled to norm at most max_norm, then the
    mean over the examples, in float64 NumPy."""
    grads = _per_example(params, X, Y)
    return _scaled_mean(grads, np.minimum(1.0, max_norm / _norms(grads)))


def _mistakes(params, X, Y, max_norm: float) -> dict[str, list]:
    """What common wrong answers return, by the hint they deserve."""
    grads = _per_example(params, X, Y)
    n = grads[0].shape[0]
    with np.errstate(divide="ignore", invalid="ignore"):  # a zero gradient
        return _mistaken(grads, n, max_norm)


def _mistaken(grads, n: int, max_norm: float) -> dict[str, list]:
    norms = _norms(grads)
    mean = [g.mean(axis=0) for g in grads]
    mean_norm = np.sqrt(sum((m ** 2).sum() for m in mean))
    right = _scaled_mean(grads, np.minimum(1.0, max_norm / norms))
    summed = sum(np.sqrt((g.reshape(n, -1) ** 2).sum(axis=1))
                 for g in grads)
    return {
        "adds up the norms of the four arrays; the norm of the whole "
        "gradient is the square root of the sum of all its squared "
        "entries": _scaled_mean(grads, np.minimum(1.0, max_norm / summed)),
        "clips each entry of the gradient to [-max_norm, max_norm] (as "
        "jnp.clip does); clipping scales an example's whole gradient by "
        "one factor, so that its norm is at most max_norm":
            [np.clip(g, -max_norm, max_norm).mean(axis=0) for g in grads],
        "ignores max_norm: it returns the plain mean of the gradients, "
        "with no example clipped": mean,
        "clips the mean gradient; clip each example's gradient first, "
        "then average": [m * min(1.0, max_norm / mean_norm) for m in mean],
        "clips each of the four arrays on its own; the norm to clip is "
        "that of an example's whole gradient, all four arrays together":
            [(g * np.minimum(1.0, max_norm / np.sqrt((g.reshape(n, -1) ** 2)
              .sum(axis=1))).reshape(-1, *[1] * (g.ndim - 1))).mean(axis=0)
             for g in grads],
        "scales every example's gradient to norm max_norm, also the small "
        "ones; only gradients longer than max_norm are shortened":
            _scaled_mean(grads, max_norm / norms),
        "sums over the examples; take their mean":
            [r * n for r in right],
        "divides by 4, the XOR table's size; divide by the number of "
        "examples, X.shape[0]": [r * n / 4 for r in right],
    }


def _clip_cases():
    params = _xor.init_params(jax.random.key(9))
    X, Y = _xor.xor_data()
    yield ("the XOR data, the chapter's params and max_norm = 0.1",
           params, X, Y, 0.1)
    yield ("the XOR data, the chapter's params and max_norm = 10.0",
           params, X, Y, 10.0)
    X, Y = _random_data(2, 10)
    yield ("10 random examples, random params and max_norm = 1.0",
           _random_params(3), X, Y, 1.0)


def _as_leaves(got, shown: str) -> list[np.ndarray]:
    if not isinstance(got, (tuple, list)) or len(got) != 4:
        raise fail(
            f"The gradient should be a tuple of four arrays shaped like "
            f"params, (w1, b1, w2, b2), but your function returned "
            f"{describe(got)}, for {shown}")
    leaves = [require_array(g, "Each array of the gradient") for g in got]
    for leaf, shape in zip(leaves, _PARAM_SHAPES):
        if leaf.shape != shape:
            extra = (" That looks like one gradient per example: average "
                     "them over the examples." if leaf.shape[1:] == shape
                     else "")
            raise fail(
                f"Wrong shapes for the gradient: expected "
                f"{list(_PARAM_SHAPES)}, got "
                f"{[tuple(g.shape) for g in leaves]}, for {shown}.{extra}")
    return leaves


def _close(got, expected) -> bool:
    return all(np.allclose(g, e, rtol=1e-4, atol=1e-6)
               for g, e in zip(got, expected))


@checker("clipped_mean_grad")
def clipped_mean_grad(fn) -> str:
    """Check ``clipped_mean_grad(params, X, Y, max_norm)``: every
    example's gradient clipped to max_norm, then averaged."""
    cases = list(_clip_cases())
    for shown, params, X, Y, max_norm in cases:
        got = _as_leaves(call(fn, params, X, Y, max_norm), shown)
        expected = clipped_expected(params, X, Y, max_norm)
        if not _close(got, expected):
            for hint, wrong in _mistakes(params, X, Y, max_norm).items():
                if _close(got, wrong) and not _close(wrong, expected):
                    raise fail(f"Your function {hint}. Seen for {shown}")
            worst = max(range(4), key=lambda i: np.abs(
                got[i] - expected[i]).max())
            name = ("w1", "b1", "w2", "b2")[worst]
            raise fail(
                f"Wrong values for the gradient of {name} with {shown}: "
                f"expected {fmt(expected[worst])}, got {fmt(got[worst])}")
        criterion()
    shown, params, X, Y, max_norm = cases[2]
    out = jittable(fn, params, X, Y, max_norm)
    if not _close(_as_leaves(out, shown), clipped_expected(
            params, X, Y, max_norm)):
        raise fail(f"Under jax.jit your function gives other values than "
                   f"without it, for {shown}")
    require_vectorized(
        fn, (params, *_random_data(4, 6), 0.05),
        (params, *_random_data(4, 12), 0.05),
        rows="examples", one="one example")
    return (f"Correct: every example's gradient is clipped before the "
            f"mean, for {count_word(len(cases))} cases, under jax.jit and "
            f"vectorized.")
