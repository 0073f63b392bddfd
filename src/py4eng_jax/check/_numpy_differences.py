"""Checkers for the exercises of the numpy-differences chapter."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from ._framework import (
    call,
    checker,
    fail,
    jittable,
    primitives,
    program_size,
    require_array,
    same_values,
)

__all__ = ["tribonacci", "huber", "random_walk"]


# -- Exercise 1: the tribonacci numbers with lax.fori_loop -------------------

def tribonacci_exact(n: int) -> list[int]:
    """t_0 = 0, t_1 = 0, t_2 = 1, t_i = t_{i-1} + t_{i-2} + t_{i-3}."""
    terms = [0, 0, 1]
    while len(terms) < n:
        terms.append(sum(terms[-3:]))
    return terms[:n]


# The values of n the checker tries, and the two whose program sizes it
# compares (the exercise text gives both counts).
TRIBONACCI_NS = (3, 5, 12)
TRIBONACCI_SIZE_NS = (10, 20)


@checker("tribonacci")
def tribonacci(fn) -> str:
    """Check ``tribonacci(n)``: the first n tribonacci numbers, in a loop
    that XLA sees as a loop."""
    for n in TRIBONACCI_NS:
        shown = f"n = {n}"
        got = require_array(call(fn, n), "the terms")
        same_values(got, tribonacci_exact(n), what="the terms", shown=shown)
        if got.dtype != np.float32:
            raise fail(f"Your values are right, but the dtype is wrong: "
                       f"the terms should be a float32 array, got dtype "
                       f"{got.dtype}, for {shown}: start from jnp.zeros(n)")
    jittable(fn, 12, static_argnums=0)
    n_small, n_large = TRIBONACCI_SIZE_NS
    small, large = (program_size(lambda n=n: fn(n))
                    for n in TRIBONACCI_SIZE_NS)
    looped = primitives(jax.make_jaxpr(lambda: fn(n_large))().jaxpr) & {
        "scan", "while"}
    if large > small:
        raise fail(
            f"Your loop is unrolled: the program JAX records grows with n "
            f"({small} operations for n = {n_small}, {large} for n = "
            f"{n_large}), so "
            f"jit would compile one copy of the step per term. Put the "
            f"step in lax.fori_loop (or lax.scan).")
    if not looped:
        raise fail(
            "Your values are right, but XLA never sees a loop: the terms "
            "are computed in Python or NumPy, outside JAX, or looked up in "
            "a table, and reach the program as constants, so your function "
            "does not compute the sequence. Put the step in lax.fori_loop "
            "(or lax.scan), on a JAX array")
    if small != large:
        raise fail(
            f"The program JAX records changes with n ({small} operations "
            f"for n = {n_small}, {large} for n = {n_large}): only the "
            f"loop's length should depend on n. Put the whole step in "
            f"lax.fori_loop (or lax.scan).")
    return ("Correct: your function gives the tribonacci numbers, works "
            "under jax.jit, and its loop stays one loop for XLA.")


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
