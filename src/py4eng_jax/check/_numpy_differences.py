"""Checkers for the exercises of the numpy-differences chapter."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .._checking import (CheckFailed, call, checker, fail, jittable,
                         require_array, same_values)
from .._checking import program_size

__all__ = ["tribonacci", "huber", "random_walk"]


# -- Exercise 1: the tribonacci numbers with lax.fori_loop -------------------

def tribonacci_exact(n: int) -> list[int]:
    """t_0 = 0, t_1 = 0, t_2 = 1, t_i = t_{i-1} + t_{i-2} + t_{i-3}."""
    terms = [0, 0, 1]
    while len(terms) < n:
        terms.append(sum(terms[-3:]))
    return terms[:n]


@checker("tribonacci")
def tribonacci(fn) -> str:
    """Check ``tribonacci(n)``: the first n tribonacci numbers, in a loop
    that XLA sees as a loop."""
    for n in (3, 5, 12):
        shown = f"n = {n}"
        got = require_array(call(fn, n), "the terms")
        same_values(got, tribonacci_exact(n), what="the terms", shown=shown)
    try:
        jax.jit(fn, static_argnums=0)(12)
    except Exception as err:
        raise fail(f"Your function does not work under jax.jit with n "
                   f"static: {type(err).__name__}: {err}")
    small, large = (program_size(lambda: fn(n)) for n in (10, 20))
    if small != large:
        raise fail(
            f"Your loop is unrolled: the program JAX records grows with n "
            f"({small} operations for n = 10, {large} for n = 20), so "
            f"jit would compile one copy of the step per term. Put the "
            f"step in lax.fori_loop (or lax.scan).")
    return ("Correct: your function gives the tribonacci numbers, works "
            "under jax.jit, and its loop stays one loop for XLA.")


# -- Exercise 2: the Huber function without a Python if ----------------------

def huber_expected(x) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return np.where(np.abs(x) <= 1, 0.5 * x**2, np.abs(x) - 0.5)


_ELEMENTWISE_HINT = (
    "Your function cannot choose element by element: {why} Compute both "
    "formulas and pick with jnp.where(condition, a, b).")


@checker("huber")
def huber(fn) -> str:
    """Check ``huber(x)``: elementwise, jittable, without a Python ``if``."""
    for value in (0.5, -3.0):
        shown = f"x = jnp.float32({value})"
        got = require_array(call(fn, jnp.float32(value)), "huber(x)")
        same_values(got, huber_expected(value), what="huber(x)",
                    shown=shown)
    jittable(fn, jnp.float32(0.5))
    x = jnp.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0])
    shown = "x = jnp.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0])"
    try:
        got = call(fn, x)
    except CheckFailed as stop:
        message = stop.feedback.message
        if "truth value of an array" in message:
            raise fail(_ELEMENTWISE_HINT.format(
                why="a Python `if` needs one True or False, and an array "
                    "of several elements has many."))
        if "Pred must be a scalar" in message:
            raise fail(_ELEMENTWISE_HINT.format(
                why="lax.cond runs one branch for the whole call, so its "
                    "condition must be one boolean."))
        raise
    same_values(require_array(got, "huber(x)"), huber_expected(x),
                what="huber(x)", shown=shown)
    return ("Correct: your huber works on numbers and arrays, element by "
            "element, and under jax.jit.")


# -- Exercise 3: a random walk with one key per step --------------------------

def random_walk_expected(key: jax.Array, steps: int) -> np.ndarray:
    """Positions after each step, step i drawn with fold_in(key, i)."""
    moves = [float(jax.random.normal(jax.random.fold_in(key, i)))
             for i in range(steps)]
    return np.cumsum(moves)


@checker("random_walk")
def random_walk(fn) -> str:
    """Check ``random_walk(key, steps)``: fresh numbers for every step."""
    for seed, steps in ((0, 5), (7, 12)):
        key = jax.random.key(seed)
        shown = f"key = jax.random.key({seed}) and steps = {steps}"
        got = require_array(call(fn, key, steps), "the positions")
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
    return ("Correct: every step draws from its own key, and the same key "
            "gives the same walk.")
