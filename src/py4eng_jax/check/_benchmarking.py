"""Checkers for the exercises of the benchmarking chapter."""

from __future__ import annotations

import functools
import math
import time

import jax
import jax.numpy as jnp
import numpy as np

from .. import _mandelbrot
from ._framework import (
    beat,
    call,
    checker,
    criterion,
    describe,
    fail,
    jittable,
    primitives,
    require_array,
    require_scalar,
)
from ._loops import _call

__all__ = ["honest_times", "escape_count_while"]


# ------------------------------------------------------------ exercise 1

# The checker's first call of f sleeps this long, standing in for the
# compilation that a first call of a jitted function pays.
_FIRST_CALL_S = 0.4
_REPEATS = (3, 5)


@jax.jit
def _work(x):
    """A few ms of matrix products on a laptop CPU, run asynchronously."""
    for _ in range(4):
        x = jnp.tanh(x @ x)
    return x


@functools.cache
def _work_input() -> jax.Array:
    return jax.random.normal(jax.random.key(0), (500, 500)) / 30


def _run_time_of_work(x) -> float:
    """The fastest of a few blocked runs of the work: what a call costs."""
    jax.block_until_ready(_work(x))
    best = math.inf
    for _ in range(5):
        start = time.perf_counter()
        jax.block_until_ready(_work(x))
        best = min(best, time.perf_counter() - start)
    return best


def _as_times(got, repeat) -> list[float]:
    wanted = (f"Your honest_times should return a list of {repeat} times in "
              f"seconds")
    if isinstance(got, (str, bytes)) or not hasattr(got, "__len__"):
        raise fail(f"{wanted}, got {describe(got)}: {got!r:.60}.")
    if isinstance(got, dict):
        raise fail(f"{wanted}, got a dict")
    if getattr(got, "ndim", 1) != 1:
        raise fail(f"{wanted}, got an array of shape {np.shape(got)}")
    times = []
    for t in got:
        if isinstance(t, (bool, np.bool_, str, bytes)):
            raise fail(f"Each time should be a number of seconds, got "
                       f"{t!r}")
        times.append(float(require_scalar(t, "each time")))
    return times


def _honest_run(fn, repeat: int, cost: float) -> None:
    """One run of the student's honest_times with ``repeat``."""
    x = _work_input()
    calls, inputs = [], []
    first_call_s = max(_FIRST_CALL_S, 30 * cost)

    def f(arg):
        calls.append(1)
        inputs.append(arg is x)
        if len(calls) == 1:
            time.sleep(first_call_s)   # like the compilation of a jit
        return _work(arg)

    times = _as_times(_call(fn, f, x, repeat, what=f"a list of {repeat} "
                            f"times in seconds"), repeat)
    # The run time of the work, measured again now (which also waits for
    # any work still queued): the best of all samples, so that a burst of
    # load during one measurement cannot make a blocked time look short.
    cost = min(cost, _run_time_of_work(x))
    beat()
    if not all(inputs):
        raise fail("Your code called f with something else than the x it "
                   "was given: time f(x), the call the benchmark is about.")
    if len(times) != repeat:
        hint = (" Check that your function uses its argument repeat."
                if len(times) in _REPEATS else "")
        raise fail(f"With repeat={repeat}, honest_times should return "
                   f"{repeat} times (one per timed call), got "
                   f"{len(times)}.{hint}")
    if len(calls) == repeat:
        raise fail(
            f"Your code called f {repeat} times, all of them timed: there "
            f"is no warm-up. The first call of a jitted function traces "
            f"and compiles it; call f(x) once, untimed, before the loop.")
    if len(calls) != repeat + 1:
        raise fail(
            f"Your code called f {len(calls)} times for repeat={repeat}; "
            f"expected {repeat + 1}: one untimed warm-up call, then one "
            f"timed call per repeat.")
    if min(times) > 1.0 and min(times) > 50 * cost:
        raise fail(f"Your times ({min(times):.3g} and up) look too large: "
                   f"return seconds, as time.perf_counter() measures them.")
    if max(times) >= 0.9 * first_call_s:
        raise fail(
            f"One of your times ({max(times):.3f} s) includes the slow "
            f"first call. Make the warm-up call before the loop, and start "
            f"the clock only for the calls you keep.")
    # A dispatch takes well under a hundredth of the work; a blocked call
    # at least the work itself.
    if min(times) < 0.1 * cost:
        raise fail(
            f"Your times ({min(times) * 1e3:.3f} ms and up) are far shorter "
            f"than the computation ({cost * 1e3:.1f} ms): they measure only "
            f"the dispatch. JAX returns before the work is done; wait for "
            f"the result before you stop the clock.")
    criterion()


@checker("honest_times")
def honest_times(fn) -> str:
    """Check ``honest_times(f, x, repeat)``: warm up once, then block.

    The checker's ``f`` makes its first call slow (a sleep standing in for
    the compilation, many times longer than a run) and then runs a few ms
    of jitted work asynchronously; each verdict compares the student's
    times with these, measured on the same machine at the same time, so
    that none depends on the machine's speed.
    """
    cost = _run_time_of_work(_work_input())
    for repeat in _REPEATS:
        _honest_run(fn, repeat, cost)
    return (f"Correct: one warm-up call, then repeat timed calls that "
            f"each wait for their result, for repeat = "
            f"{' and '.join(map(str, _REPEATS))}.")


# ------------------------------------------------------------ exercise 2

# (cr, ci) of test points. The orbits of the integer points (1, -1, i) are
# integers, computed exactly in any precision; the counts of the others
# are far from any rounding doubt: float32 and float64 agree on them, and
# on their neighbours, for max_iter 50 and 100.
_POINTS = [(1.0, 0.0), (-0.75, 0.2), (0.26, 0.0), (-2.1, 0.0), (0.5, 0.5),
           (-0.1, 0.9), (-1.3, 0.1), (-1.0, 0.0), (0.0, 1.0), (0.3, 0.5)]


def _expected_count(cr: float, ci: float, max_iter: int) -> int:
    return _mandelbrot._escape_count_python(cr, ci, max_iter)


def _one_count(fn, cr, ci, max_iter, shown) -> int:
    got = require_array(_call(fn, jnp.float32(cr), jnp.float32(ci),
                              max_iter, what="the escape count"),
                        "The escape count")
    if got.shape != ():
        raise fail(f"The escape count of one point should be one number "
                   f"(0-d), got shape {got.shape}, for {shown}.")
    if not np.issubdtype(got.dtype, np.integer):
        raise fail(f"The escape count should be an integer, got dtype "
                   f"{got.dtype}, for {shown}. Count with an int (start "
                   f"at 0) and add 1 per step.")
    return int(got)


@checker("escape_count_while", clear_caches=True)
def escape_count_while(fn) -> str:
    """Check ``escape_count(cr, ci, max_iter)`` written with while_loop."""
    _one_count(fn, 1.0, 0.0, 50, "c = 1.0 + 0.0i and max_iter=50")

    cr, ci = _POINTS[1]
    shown = f"c = {cr} + {ci}i and max_iter=50"
    got = jittable(lambda a, b: fn(a, b, 50), jnp.float32(cr),
                   jnp.float32(ci),
                   hint="A Python while loop cannot test a traced value: "
                        "use lax.while_loop(cond_fun, body_fun, "
                        "init_val).")
    if np.shape(got) != ():
        raise fail(f"Under jax.jit your function returns shape "
                   f"{np.shape(got)} for {shown}; expected one number.")

    crs = jnp.array([p[0] for p in _POINTS], dtype=jnp.float32)
    cis = jnp.array([p[1] for p in _POINTS], dtype=jnp.float32)
    for max_iter in (50, 100):
        got = np.asarray(require_array(call(
            jax.jit(jax.vmap(lambda a, b, m=max_iter: fn(a, b, m))), crs, cis,
            where="Your function works for one point but under jax.vmap "
                  "it"), "the escape counts"))
        want = [_expected_count(a, b, max_iter) for a, b in _POINTS]
        if got.shape != (len(_POINTS),):
            raise fail(f"Under jax.vmap over {len(_POINTS)} points your "
                       f"function returns shape {got.shape}, expected "
                       f"({len(_POINTS)},).")
        wrong = [(f"c = {a} + {b}i and max_iter={max_iter}", int(g), w)
                 for (a, b), g, w in zip(_POINTS, got, want) if g != w]
        if wrong and max(got) > max_iter:
            raise fail(
                f"Your count goes past max_iter: for max_iter={max_iter} "
                f"you return up to {int(max(got))}. Stop the loop when the "
                f"count reaches max_iter: test it in the condition too")
        if wrong:
            first, got_one, want_one = wrong[0]
            escaping = [w for w in wrong if w[2] < max_iter]
            if escaping and all(g == w + 1 for _, g, w in escaping):
                raise fail(
                    f"Off by one: for {first} expected {want_one}, got "
                    f"{got_one}. Count only the updates after which z is "
                    f"still inside |z| <= 2: for c = 1, z = 1, 2, 5 gives "
                    f"2.")
            capped = [w for w in wrong if w[2] == max_iter]
            if capped and max_iter != 50 and all(
                    g == min(w, 50) for _, g, w in wrong):
                raise fail(
                    f"Wrong escape count for {capped[0][0]}: expected "
                    f"{max_iter}, got {capped[0][1]}: your loop stops at 50 "
                    f"steps whatever max_iter is. Check that your function "
                    f"uses its argument max_iter.")
            raise fail(f"Wrong escape count for {first}: expected "
                       f"{want_one}, got {got_one}.")

    jaxpr = jax.make_jaxpr(lambda a, b: fn(a, b, 50))(jnp.float32(cr),
                                                      jnp.float32(ci))
    if "while" not in primitives(jaxpr.jaxpr):
        raise fail(
            "Your counts are right, but there is no lax.while_loop in your "
            "function: it always runs max_iter steps (a Python loop is "
            "unrolled into the program, and lax.fori_loop with fixed "
            "bounds runs them all). Use lax.while_loop with a condition "
            "that stops when z leaves the circle.")
    return ("Correct: your counts match for ten points and two values of "
            "max_iter, under jax.jit and jax.vmap, with a loop that stops "
            "when the point escapes.")
