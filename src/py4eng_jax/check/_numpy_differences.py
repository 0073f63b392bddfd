"""Checkers for the exercises of the numpy-differences chapter."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from ._framework import (
    call,
    checker,
    criterion,
    fail,
    jittable,
    program_size,
    require_array,
    same_values,
)
from ._returns import call_answer
from ._words import count_word

__all__ = ["bin_counts", "huber", "random_walk"]


# -- Exercise 1: counting with .at[].add ------------------------------------

def bin_counts_expected(idx, length: int) -> np.ndarray:
    """How often each of 0, 1, ..., length - 1 occurs in idx; other values
    are not counted (NumPy's bincount, on the values in range)."""
    idx = np.asarray(idx).ravel()
    kept = idx[(idx >= 0) & (idx < length)]
    return np.bincount(kept, minlength=length).astype(np.int32)


def _wrapped(idx, length: int) -> np.ndarray:
    """The counts when negative values count from the end, as a negative
    index does (-1 in the last bin)."""
    idx = np.asarray(idx).ravel()
    idx = np.where((idx < 0) & (idx >= -length), idx + length, idx)
    return bin_counts_expected(idx, length)


def _clipped(idx, length: int, low: bool, high: bool) -> np.ndarray:
    """The counts when values below 0 (``low``) or from ``length`` on
    (``high``) land in the first or the last bin."""
    idx = np.asarray(idx).ravel()
    if low:
        idx = np.maximum(idx, 0)
    if high:
        idx = np.minimum(idx, length - 1)
    return bin_counts_expected(idx, length)


def _int32(values) -> jax.Array:
    return jnp.asarray(np.asarray(values, dtype=np.int32))


# (what the hint shows, idx, length): the statement's example, then random
# values with repeats, on other lengths than the example's, some out of
# range on both sides, and no values at all.
def _bin_cases():
    rng = np.random.default_rng(19)
    yield ("idx = jnp.array([2, 0, 2, 5, -1]) and length = 4",
           _int32([2, 0, 2, 5, -1]), 4)
    yield ("idx = jnp.array([3, 3, 3, 0, 3]) and length = 5",
           _int32([3, 3, 3, 0, 3]), 5)
    yield ("50 random values from -3 to 9 and length = 7",
           _int32(rng.integers(-3, 10, 50)), 7)
    yield ("300 random values from -20 to 24 and length = 13",
           _int32(rng.integers(-20, 25, 300)), 13)
    yield ("idx = jnp.array([], dtype=jnp.int32) (no values) and "
           "length = 3", _int32([]), 3)


@checker("bin_counts")
def bin_counts(fn) -> str:
    """Check ``bin_counts(idx, length)``: how often each of 0, ...,
    length - 1 occurs in idx, values out of range not counted."""
    cases = list(_bin_cases())
    for shown, idx, length in cases:
        got = require_array(call_answer(fn, idx, length), "the counts")
        expected = bin_counts_expected(idx, length)
        if got.shape != expected.shape:
            if got.ndim == 1 and got.shape[0] in (4, int(np.asarray(idx).max(
                    initial=-1)) + 1) and length != got.shape[0]:
                raise fail(
                    f"Wrong length for the counts: expected {length} (the "
                    f"argument length), got {got.shape[0]}, for {shown}. "
                    f"The number of bins is length, whatever values idx "
                    f"holds")
            same_values(got, expected, what="the counts", shown=shown)
        if np.array_equal(got, expected):
            pass
        elif (expected > 1).any() and np.array_equal(got, np.minimum(
                expected, 1)):
            raise fail(
                f"Your counts never go above 1, for {shown}: a value that "
                f"occurs several times is counted once. Setting (or "
                f"reading, adding 1 and writing back) a repeated index "
                f"keeps one update; an update that accumulates keeps "
                f"them all")
        elif not np.array_equal(expected, _wrapped(idx, length)) and \
                np.array_equal(got, _wrapped(idx, length)):
            raise fail(
                f"Your counts include the negative values, counted from "
                f"the end, for {shown}: as in Python, a negative index "
                f"such as -1 means the last entry, so it is in bounds and "
                f"its update is not dropped. Leave negative values out "
                f"yourself")
        else:
            for low, high, where in (
                    (True, False, "negative values in the first bin"),
                    (False, True, "values from length on in the last bin"),
                    (True, True, "values out of range in the first or "
                                 "the last bin")):
                clipped = _clipped(idx, length, low, high)
                if not np.array_equal(expected, clipped) and \
                        np.array_equal(got, clipped):
                    raise fail(
                        f"Your counts put the {where}, for {shown}: the "
                        f"index was clamped to the nearest bin. Values "
                        f"out of range must not be counted at all")
            extra = int(got.sum() - expected.sum())
            if (got >= expected).all() and extra > 0:
                raise fail(
                    f"Your counts include {count_word(extra)} values out "
                    f"of range, for {shown}. Values below 0 or from "
                    f"length on must not be counted at all: mind that a "
                    f"negative index counts from the end, and that a "
                    f"clamped one lands in the first or the last bin")
            same_values(got, expected, what="the counts", shown=shown)
        if not np.issubdtype(got.dtype, np.integer):
            raise fail(
                f"Your counts are right, but their dtype is {got.dtype}: "
                f"counts are whole numbers, so return an integer array "
                f"(int32)")
        criterion()
    shown, idx, length = cases[2]
    out = jittable(fn, idx, length, static_argnums=1, overrides={
        "bool_index": (
            "Under jax.jit (with length static) your function fails: "
            "selecting the values in range with a boolean mask, "
            "idx[mask], gives an array whose size depends on the "
            "values, which jit cannot compile. Keep every value and "
            "make the ones out of range count for nothing")})
    same_values(require_array(out, "the counts"),
                bin_counts_expected(idx, length), what="the counts",
                shown=f"{shown}, under jax.jit with length static")
    rng = np.random.default_rng(5)
    few, many = (_int32(rng.integers(-2, 8, k)) for k in (10, 20))
    small, large = (program_size(lambda x: fn(x, 6), x)
                    for x in (few, many))
    if large != small:
        raise fail(
            f"Your values are right, but your function loops over the "
            f"values in Python: the program JAX records grows with "
            f"len(idx) ({small} operations for 10 values, {large} for "
            f"20). Update all the bins in one operation")
    shorter, longer = (program_size(lambda x, n=n: fn(x, n), few)
                       for n in (6, 12))
    if longer != shorter:
        raise fail(
            f"Your values are right, but your function loops over the "
            f"bins in Python: the program JAX records grows with length "
            f"({shorter} operations for 6 bins, {longer} for 12). Count "
            f"all the bins in one operation")
    return (f"Correct: your counts match NumPy's bincount for "
            f"{count_word(len(cases))} inputs, leave out the values out "
            f"of range, and work under jax.jit.")


# -- Exercise 2: the Huber function without a Python if ----------------------

def huber_expected(x) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return np.where(np.abs(x) <= 1, 0.5 * x**2, np.abs(x) - 0.5)


@checker("huber")
def huber(fn) -> str:
    """Check ``huber(x)``: elementwise, jittable, without a Python ``if``."""
    for value in (0.5, -3.0):
        shown = f"x = jnp.float32({value})"
        got = require_array(call(fn, jnp.float32(value)), "huber(x)")
        same_values(got, huber_expected(value), what="huber(x)",
                    shown=shown)
    jittable(fn, jnp.float32(0.5))
    rng = np.random.default_rng(3)
    for shown, x in [
            ("x = jnp.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0])",
             jnp.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0])),
            ("a random x of shape (2, 3)",
             jnp.asarray(2 * rng.standard_normal((2, 3)), jnp.float32))]:
        got = call(fn, x, where="On an array your function")
        same_values(require_array(got, "huber(x)"), huber_expected(x),
                    what="huber(x)", shown=shown)
    jittable(fn, x)
    return ("Correct: your huber works on numbers and arrays, element by "
            "element, and under jax.jit.")


# -- Exercise 3: a random walk with one key per step --------------------------

def random_walk_expected(key: jax.Array, steps: int) -> np.ndarray:
    """Positions after each step, step i drawn with fold_in(key, i)."""
    moves = _moves(key, jnp.arange(steps))
    return np.cumsum(np.asarray(moves, dtype=np.float64))


@jax.jit
def _moves(key, steps):
    """One standard normal move per step number, step i's from
    fold_in(key, i)."""
    return jax.vmap(lambda i: jax.random.normal(jax.random.fold_in(
        key, i)))(steps)


@checker("random_walk")
def random_walk(fn) -> str:
    """Check ``random_walk(key, steps)``: fresh numbers for every step."""
    for seed, steps in ((0, 5), (7, 12)):
        key = jax.random.key(seed)
        shown = f"key = jax.random.key({seed}) and steps = {steps}"
        got = require_array(call_answer(fn, key, steps), "the positions")
        if got.shape == (steps,) and steps > 2:
            moves = np.diff(got)
            if np.allclose(moves, moves[0]):
                raise fail(
                    f"Every step of your walk is the same size, for "
                    f"{shown}: you drew all the steps with the same key. "
                    f"Give step i its own key, jax.random.fold_in(key, i).")
        same_values(got, random_walk_expected(key, steps),
                    what="the positions", shown=shown, rtol=1e-5,
                    atol=1e-5)
    key = jax.random.key(3)
    out = jittable(fn, key, WALK_STEPS[0], static_argnums=1)
    same_values(require_array(out, "the positions"),
                random_walk_expected(key, WALK_STEPS[0]),
                what="the positions", rtol=1e-5, atol=1e-5,
                shown=f"key = jax.random.key(3) and steps = "
                      f"{WALK_STEPS[0]}, under jax.jit with steps static")
    short, long = WALK_STEPS
    sizes = [program_size(lambda k, n=n: fn(k, n), key)
             for n in WALK_STEPS]
    if sizes[1] != sizes[0]:
        raise fail(
            f"Your values are right, but the program JAX records grows "
            f"with steps ({sizes[0]} operations for {short} steps, "
            f"{sizes[1]} for {long}): a Python loop (or comprehension) "
            f"over the steps is unrolled, one copy per step. Draw the "
            f"moves in a lax loop")
    return ("Correct: every step draws from its own key, the same key "
            "gives the same walk, and the program stays one loop.")


#: The two numbers of steps whose programs the checker compares.
WALK_STEPS = (10, 20)
