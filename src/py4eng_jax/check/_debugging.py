"""Checkers for the exercises of the debugging chapter.

debugging-ex1, ``divides_by_zero(f, x)``: whether ``f`` divides by zero
on ``x``, even where its result hides it (the tool: ``checkify`` with the
division checks alone). debugging-ex2, ``fit_fast(w, X, Y, steps)``: a
training loop that compiles a fixed number of times, however many steps
it takes (the tool: ``jax.explain_cache_misses``).
"""

from __future__ import annotations

import io
import logging

import jax
import jax.extend as jex
import jax.numpy as jnp
import numpy as np
from jax import lax

from ._framework import (
    beat,
    call,
    checker,
    criterion,
    describe,
    fail,
    fmt,
    same_values,
)
from ._program import _count_equations

__all__ = ["divides_by_zero", "fit_fast"]


# ------------------------------------------------------------ debugging-ex1

def _masked_reciprocal(x):
    return jnp.where(x != 0, 1.0 / x, 0.0)


def _masked_log(x):
    return jnp.where(x > 0, jnp.log(x), 0.0)


def _picks_beyond(x):
    return x[jnp.argmax(x) + 2]


def _overflows(x):
    return jnp.exp(100.0 * x)


def _integer_halves(x):
    k = x.astype(jnp.int32)
    return (k // (k - 1)).astype(jnp.float32)


def _loop_divides(x):
    def body(i, total):
        return total + jnp.where(x != i, 1.0 / (x - i), 0.0)
    return lax.fori_loop(0, 4, body, jnp.zeros_like(x)).sum()


def _nan_then_divides(x):
    log_part = jnp.where(x > 0, jnp.log(x), 0.0)
    return jnp.sum(log_part) + jnp.sum(_masked_reciprocal(x - 2.0))


def _doubles(x):
    return 2.0 * x + 1.0


_OUTPUT = ("looking at the result cannot tell: check the operations "
           "themselves as the program runs (checkify)")

# (name shown, f, x, expected, hint if the answer is the wrong way)
_CASES = [
    ("1 / x", lambda x: 1.0 / x, [2.0, 0.0, 1.0], True,
     "JAX raises nothing for 1/0 (the result is inf), so the division has "
     "to be checked as the program runs. checkify adds no checks of its "
     "own unless asked (only checkify.check calls), and its NaN checks "
     "miss 1/0, which is inf, not NaN: ask for the division checks"),
    ("1 / x", lambda x: 1.0 / x, [2.0, 4.0, 1.0], False,
     "nothing divides by zero there: your function reports a division "
     "whatever it is given"),
    ("jnp.where(x != 0, 1 / x, 0)", _masked_reciprocal,
     [3.0, 0.0, -1.0, 2.0], True,
     "f's result is finite because jnp.where throws the inf away, but "
     "1 / x still divides by zero at the 0; " + _OUTPUT),
    ("2 * x + 1 (no division)", _doubles, [0.0, 1.0, 2.0], False,
     "x has a 0 in it, but f never divides by anything: what counts is "
     "f's divisions, not the zeros of x, so your function must run f"),
    ("jnp.where(x > 0, jnp.log(x), 0)", _masked_log, [-1.0, 2.0, 3.0],
     False,
     "f makes a NaN (the log of -1, thrown away by jnp.where) but divides "
     "by nothing: your checks report NaNs too (nan_checks or all_checks). "
     "Ask only for the division checks"),
    ("x[jnp.argmax(x) + 2]", _picks_beyond, [1.0, 5.0, 2.0], False,
     "f indexes out of bounds but divides by nothing: your checks report "
     "out-of-bounds indices too (index_checks or all_checks). Ask only "
     "for the division checks"),
    ("jnp.exp(100 * x)", _overflows, [1.0, 2.0, 0.5], False,
     "f's result is inf because exp overflows, not because of a "
     "division; " + _OUTPUT),
    ("integer k // (k - 1)", _integer_halves, [3.0, 1.0, 2.0], True,
     "the integer division k // (k - 1) divides by zero at k = 1, and "
     "gives no inf or NaN at all (integers have none); " + _OUTPUT),
    ("a fori_loop adding 1 / (x - i), i = 0..3", _loop_divides,
     [5.0, 7.0, 9.0, 6.0, 8.0, 10.0, 3.0], True,
     "f divides by zero at i = 3 in its fori_loop, where x has the 3 at "
     "entry 7 of 7; check the whole of x, as f computes it (not a fixed "
     "number of entries)"),
    ("a log (a NaN at -1) and then 1 / (x - 2)", _nan_then_divides,
     [-1.0, 2.0, 4.0], True,
     "f makes a NaN (log of -1) before it divides by zero (at x = 2), "
     "and checkify reports only the first error it meets: the NaN. "
     "With only the division checks the NaN is not an error"),
    ("jax.jit(jnp.where(x != 0, 1 / x, 0))",
     jax.jit(_masked_reciprocal), [0.0, 5.0, 0.0, 6.0, 7.0], True,
     "f (already jitted) divides by zero at the two 0s; " + _OUTPUT),
]


def _as_bool(got, shown: str) -> bool:
    if isinstance(got, (bool, np.bool_)):
        return bool(got)
    if isinstance(got, (jax.Array, np.ndarray)) and got.dtype == bool:
        if got.ndim == 0:
            return bool(got)
        raise fail(f"Your function returned a boolean array of shape "
                   f"{got.shape} for {shown}: return one True or False for "
                   f"the whole call (does f divide by zero anywhere?)")
    if type(got).__name__ == "Error":
        raise fail(f"Your function returned checkify's Error object for "
                   f"{shown}: return whether it holds an error, True or "
                   f"False, not the error itself")
    if isinstance(got, str):
        raise fail(f"Your function returned a str (an error message?) for "
                   f"{shown}: return True or False")
    raise fail(f"Your function should return True or False, but it "
               f"returned {describe(got)} for {shown}")


@checker("divides_by_zero")
def divides_by_zero(fn) -> str:
    """Check ``divides_by_zero(f, x)``: a division by zero, hidden or not."""
    answers = []
    for name, f, values, _, _ in _CASES:
        x = jnp.asarray(values, jnp.float32)
        shown = f"f = {name} and x = {fmt(x)}"
        answers.append(_as_bool(call(fn, f, x), shown))
    wrong = [i for i, (a, case) in enumerate(zip(answers, _CASES))
             if a != case[3]]
    if len(wrong) == len(_CASES):
        raise fail("Every answer is the wrong way round: True means that "
                   "f divides by zero (checkify's error holds a message), "
                   "False that it does not (the error's get() is None)")
    if wrong:
        name, _, values, expected, hint = _CASES[wrong[0]]
        raise fail(f"Your function says {not expected} for f = {name} "
                   f"and x = {fmt(jnp.asarray(values))}, where the answer "
                   f"is {expected}: {hint}")
    criterion()
    return (f"Correct: all {len(_CASES)} cases, divisions hidden by "
            f"jnp.where, in a loop or in integers included, and no false "
            f"alarm for NaNs, overflow or out-of-bounds indices.")


# ------------------------------------------------------------ debugging-ex2

def lr_at(t, warmup=10, base=0.1):
    """The learning rate of step ``t``: a linear warm-up, then a decay
    like one over the square root of the step."""
    if t < warmup:
        return base * (t + 1) / warmup
    return base * (warmup / (t + 1)) ** 0.5


def _loss(w, X, Y):
    return jnp.mean((X @ w - Y) ** 2)


def sgd_update(w, X, Y, lr):
    """One gradient step of least squares with learning rate ``lr``."""
    return w - lr * jax.grad(_loss)(w, X, Y)


_update = jax.jit(sgd_update)


def _reference(w, X, Y, steps, lr=lr_at, shift=0):
    for t in range(steps):
        w = _update(w, X, Y, lr(t + shift))
    return np.asarray(w)


def _data(rows: int, seed: int):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 3)).astype(np.float32)
    Y = (X @ np.array([1.5, -2.0, 0.5]) + 0.1 * rng.normal(size=rows)
         ).astype(np.float32)
    return jnp.asarray(X), jnp.asarray(Y)


def _wrong_values(fn, got, w, X, Y, steps, shown) -> None:
    """Name the mistake when ``got`` is one of the typical wrong answers."""
    other_X, other_Y = _data(len(X) + 5, 7)
    if np.allclose(np.asarray(call(fn, w, other_X, other_Y, steps)),
                   got, rtol=1e-6, atol=1e-7):
        raise fail(f"Wrong values for the fitted w with {shown}, and the "
                   f"same w for other data: your function ignores its "
                   f"arguments X and Y (does it use the notebook's data?)")
    if np.allclose(np.asarray(call(fn, w, X, Y, steps + 3)), got,
                   rtol=1e-6, atol=1e-7):
        raise fail(f"Wrong values for the fitted w with {shown}, and the "
                   f"same w for steps = {steps + 3}: your loop ignores the "
                   f"argument steps (a number of steps written in?)")
    guesses = [
        (_reference(w, X, Y, steps, lr=lambda t: 0.1),
         "your steps all use the learning rate 0.1: keep lr_at's warm-up "
         "and decay, one learning rate per step"),
        (_reference(w, X, Y, steps, shift=1),
         "your learning rates are one step ahead: step t uses lr_at(t), "
         "for t = 0, 1, ..., steps - 1"),
        (_reference(w, X, Y, steps, shift=-1),
         "your learning rates are one step behind: step t uses lr_at(t), "
         "for t = 0, 1, ..., steps - 1"),
        (_reference(w, X, Y, steps + 1),
         "your loop takes one step too many: range(steps)"),
        (_reference(w, X, Y, steps - 1),
         "your loop takes one step too few: range(steps)"),
    ]
    for guess, hint in guesses:
        if np.allclose(got, guess, rtol=1e-4, atol=1e-5):
            raise fail(f"Wrong values for the fitted w with {shown}: "
                       f"{hint}")


def _values(fn, w, rows, seed, steps) -> None:
    X, Y = _data(rows, seed)
    shown = f"w = {fmt(w)}, {rows} rows of data and steps = {steps}"
    got = call(fn, w, X, Y, steps)
    if isinstance(got, (tuple, list)):
        raise fail(f"Your function returned a {type(got).__name__}: "
                   f"return only the fitted w")
    expected = _reference(w, X, Y, steps)
    try:
        values = np.asarray(got, np.float32)
    except Exception:   # noqa: BLE001 - same_values explains it
        values = None
    if values is not None and values.shape == expected.shape and (
            not np.allclose(values, expected, rtol=1e-4, atol=1e-5)):
        _wrong_values(fn, values, w, X, Y, steps, shown)
    same_values(got, expected, what="the fitted w", shown=shown,
                rtol=1e-4, atol=1e-5)


class _CompileLog:
    """Count compilations and collect jax.explain_cache_misses' reasons."""

    def __enter__(self):
        self.count = 0
        self.text = io.StringIO()
        self._handler = logging.StreamHandler(self.text)
        self._logger = logging.getLogger("jax")
        self._logger.addHandler(self._handler)
        self._explain = jax.explain_cache_misses()
        self._explain.__enter__()
        jax.monitoring.register_event_duration_secs_listener(self._on)
        return self

    def _on(self, event, seconds, **kwargs):
        if event == "/jax/core/compile/backend_compile_duration":
            self.count += 1
            beat()

    def __exit__(self, *exc):
        jax.monitoring.unregister_event_duration_listener(self._on)
        self._explain.__exit__(*exc)
        self._logger.removeHandler(self._handler)
        return False


def _compilations(fn, w, X, Y, steps) -> _CompileLog:
    jax.clear_caches()
    with _CompileLog() as log:
        call(fn, w, X, Y, steps)
    return log


def _largest_compiled(fn, w, X, Y, steps) -> int | None:
    """Operations in the largest jitted program of ``fn(w, X, Y, steps)``
    (a loop unrolled inside ``jax.jit`` grows with ``steps``; a Python
    loop that calls one jitted step does not), or None if it cannot be
    traced."""
    def largest(jaxpr) -> int:
        size = 0
        for eqn in jaxpr.eqns:
            subs = jex.core.jaxprs_in_params(eqn.params)
            if eqn.primitive.name in ("pjit", "jit"):
                size = max(size, sum(_count_equations(sub) for sub in subs))
            for sub in subs:
                size = max(size, largest(sub))
        return size

    beat()
    try:
        return largest(jax.make_jaxpr(
            lambda w, X, Y: fn(w, X, Y, steps))(w, X, Y).jaxpr)
    except Exception:   # noqa: BLE001 - e.g. NumPy on a traced w
        return None


@checker("fit_fast")
def fit_fast(fn) -> str:
    """Check ``fit_fast(w, X, Y, steps)``: lr_at's schedule, and a number
    of compilations that does not grow with ``steps``."""
    w0 = jnp.zeros(3, jnp.float32)
    w1 = jnp.asarray([0.5, 0.5, -1.0], jnp.float32)
    _values(fn, w0, 16, 0, 3)
    X, Y = _data(16, 0)
    few = _compilations(fn, w0, X, Y, 2).count
    many = _compilations(fn, w0, X, Y, 5)
    jax.clear_caches()
    if many.count - few >= 2:
        reasons = many.text.getvalue()
        if "Static(" in reasons:
            cause = ("jax.explain_cache_misses says that a static "
                     "argument differs from the last call: every new "
                     "value of a static argument compiles again. Pass "
                     "the learning rate (or t) as an ordinary, traced "
                     "argument")
        elif "never seen function" in reasons:
            cause = ("jax.explain_cache_misses says \"never seen "
                     "function\": your loop jits a new function at every "
                     "step (jax.jit of a partial or a lambda made inside "
                     "the loop), and jit caches by function. Jit one "
                     "function, once, and pass it what changes")
        else:
            cause = ("run one call inside `with jax.explain_cache_misses():`"
                     " to see what differs from one step to the next")
        raise fail(f"Your function compiled {few} time(s) for 2 steps and "
                   f"{many.count} for 5: a new compilation at (nearly) "
                   f"every step. {cause}.")
    criterion()
    short, long = (_largest_compiled(fn, w0, X, Y, k) for k in (2, 8))
    if short is not None and long is not None and long > short + 4:
        raise fail(
            f"Your function compiles once, but it unrolls the loop: its "
            f"jitted program has {short} operations for 2 steps and {long} "
            f"for 8, a copy of the step for every step (a Python loop "
            f"inside jax.jit, with steps static, is traced step by step). "
            f"Keep the loop out of the compiled program, or make it a lax "
            f"loop (lax.fori_loop, lax.scan).")
    criterion()
    for w, rows, seed, steps in ((w0, 16, 0, 12), (w1, 23, 1, 12),
                                 (w1, 9, 2, 1)):
        _values(fn, w, rows, seed, steps)
    return (f"Correct: lr_at's schedule, and {many.count} compilation(s) "
            f"for 5 steps as for 2 ({few}): the number does not grow with "
            f"the steps.")
