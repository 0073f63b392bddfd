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

__all__ = ["honest_times", "escape_point"]


# ------------------------------------------------------------ exercise 1

# The checker's first call of f sleeps this long, standing in for the
# compilation that a first call of a jitted function pays.
_FIRST_CALL_S = 0.4
_REPEATS = (3, 5)
_MAX_WARMUPS = 3   # untimed calls before the timed ones that are accepted


def _no_lower(fn):
    """``fn``, with an AttributeError on f.lower (or f.compile) told: the
    checker's f is a plain callable whose first call is slow."""
    def run(*args):
        try:
            return fn(*args)
        except AttributeError as err:
            if not any(f"'{name}'" in str(err) for name in
                       ("lower", "compile", "trace")):
                raise
            raise AttributeError(
                "f has no .lower: it is a plain callable whose first call "
                "is slow, like a jitted function's; warm it up by calling "
                "it") from None
    return run


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

    times = _as_times(call(_no_lower(fn), f, x, repeat), repeat)
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
    if not 1 <= len(calls) - repeat <= _MAX_WARMUPS:
        raise fail(
            f"Your code called f {len(calls)} times for repeat={repeat}; "
            f"expected {repeat + 1}: one untimed warm-up call (or a few), "
            f"then one timed call per repeat.")
    if min(times) > 1.0 and min(times) > 50 * cost:
        raise fail(f"Your times ({min(times):.3g} and up) look too large: "
                   f"return seconds, as time.perf_counter() measures them.")
    # The median, not the max: one stall of a busy machine in one sample
    # must not fail a correct answer.
    if float(np.median(times)) >= 0.9 * first_call_s:
        raise fail(
            f"Your times (median {float(np.median(times)):.3f} s) include "
            f"the slow first call. Make the warm-up call before the loop, "
            f"and start the clock only for the calls you keep.")
    # A dispatch takes well under a hundredth of the work; a blocked call
    # at least the work itself.
    if min(times) < 0.1 * cost:
        raise fail(
            f"Your times ({min(times) * 1e3:.3f} ms and up) are far shorter "
            f"than the computation ({cost * 1e3:.1f} ms): they measure only "
            f"the dispatch. JAX returns before the work is done; wait for "
            f"the result before you stop the clock, and block on the "
            f"warm-up too, so that no queued work runs into the first "
            f"timed call.")
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
# integers, computed exactly in any precision; the others are far from any
# rounding doubt: float32 and float64 agree on their counts for max_iter
# 50 and 100, and on their last z to within 2e-4.
_POINTS = [(1.0, 0.0), (-0.75, 0.2), (0.26, 0.0), (-2.1, 0.0), (0.5, 0.5),
           (-0.1, 0.9), (-1.3, 0.1), (-1.0, 0.0), (0.0, 1.0), (0.3, 0.5)]
_MAX_ITERS = (50, 100)
_Z_ATOL, _Z_RTOL = 2e-3, 1e-3


def _orbit(cr: float, ci: float, max_iter: int):
    """(count, z after the last update, z before it), in float64: the
    loop stops at the first update that leaves |z| <= 2."""
    zr = zi = 0.0
    before = (0.0, 0.0)
    for k in range(max_iter):
        before = (zr, zi)
        zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci
        if zr * zr + zi * zi > 4:
            return k, (zr, zi), before
    return max_iter, (zr, zi), before


def _expected_count(cr: float, ci: float, max_iter: int) -> int:
    return _mandelbrot._escape_count_python(cr, ci, max_iter)


def _triple(out, shown):
    """(count, zr, zi) of one answer, checked for shapes and dtypes."""
    if not (isinstance(out, (tuple, list)) and len(out) == 3):
        if getattr(out, "shape", None) == ():
            raise fail(
                f"Your escape_point returned one number ({out!r:.40}) for "
                f"{shown}: the escape count alone, as escape_count and "
                f"tile_counts do. Return the triple (count, zr, zi): the "
                f"count and the z where the loop stopped.")
        raise fail(f"Your escape_point should return a triple (count, zr, "
                   f"zi), got {describe(out)} for {shown}.")
    count, zr, zi = (require_array(v, what) for v, what in
                     zip(out, ("The escape count", "zr", "zi")))
    if {count.shape, zr.shape, zi.shape} != {()}:
        raise fail(f"count, zr and zi should each be one number (0-d), "
                   f"got shapes {count.shape}, {zr.shape} and {zi.shape}, "
                   f"for {shown}.")
    if not np.issubdtype(count.dtype, np.integer):
        raise fail(f"The escape count should be an integer, got dtype "
                   f"{count.dtype}, for {shown}. Count with an int (start "
                   f"at 0) and add 1 per step.")
    return count, zr, zi


def _count_problem(got, max_iter):
    """The hint for wrong counts of _POINTS with max_iter, or None."""
    want = [_expected_count(a, b, max_iter) for a, b in _POINTS]
    wrong = [(f"c = {a} + {b}i and max_iter={max_iter}", int(g), w)
             for (a, b), g, w in zip(_POINTS, got, want) if g != w]
    if not wrong:
        return None
    first, got_one, want_one = wrong[0]
    for other in sorted({*_MAX_ITERS, 100} - {max_iter}):
        if all(g == _expected_count(a, b, other)
               for (a, b), g in zip(_POINTS, got)):
            return (f"Wrong escape count for c = {_POINTS[7][0]} + "
                    f"{_POINTS[7][1]}i and max_iter={max_iter}: expected "
                    f"{max_iter}, got {int(got[7])}: your loop stops at "
                    f"{other} steps whatever max_iter is. Check that your "
                    f"function uses its argument max_iter.")
    if all(g == _expected_count(a, 0.0, max_iter)
           for (a, _), g in zip(_POINTS, got)):
        return (f"Wrong escape count for {first}: expected {want_one}, got "
                f"{got_one}, the count of c = {first[4:].split(' + ')[0]}"
                f" + 0i. Check that your function uses its argument ci.")
    if max(got) > max_iter:
        return (f"Your count goes past max_iter: for max_iter={max_iter} "
                f"you return up to {int(max(got))}. Stop the loop when the "
                f"count reaches max_iter: test it in the condition too")
    escaping = [w for w in wrong if w[2] < max_iter]
    if escaping and all(g == w + 1 for _, g, w in escaping):
        return (f"Off by one: for {first} expected {want_one}, got "
                f"{got_one}. Count only the updates after which z is still "
                f"inside |z| <= 2: for c = 1, z = 1, 2, 5 gives 2.")
    if all(w == max_iter and g == w - 1 for _, g, w in wrong):
        return (f"Wrong escape count for {first}: expected {want_one}, got "
                f"{got_one}. A point that never leaves the circle makes "
                f"max_iter updates and must get max_iter, not one less.")
    return (f"Wrong escape count for {first}: expected {want_one}, got "
            f"{got_one}.")


def _z_problem(zr, zi, max_iter):
    """The hint for a wrong last z of _POINTS with max_iter, or None."""
    wrong = []
    for (a, b), r, i in zip(_POINTS, zr, zi):
        count, z, before = _orbit(a, b, max_iter)
        if not np.allclose([r, i], z, rtol=_Z_RTOL, atol=_Z_ATOL):
            wrong.append((f"c = {a} + {b}i and max_iter={max_iter}",
                          (float(r), float(i)), z, before, count))
    if not wrong:
        return None
    shown, got, want, before, count = wrong[0]
    said = (f"For {shown} your z is {got[0]:.4g} + {got[1]:.4g}i; expected "
            f"{want[0]:.4g} + {want[1]:.4g}i, the z of the update that "
            f"took it out of the circle (update {count + 1}).")
    escaping = [w for w in wrong if w[4] < max_iter]
    if escaping and all(np.allclose(w[1], (2.0, 0.0)) for w in escaping):
        return (f"{said} You return z = 2 + 0i for every escaped point, as "
                f"the NumPy version holds them; return the z the point "
                f"escaped with.")
    if all(np.allclose(w[1], w[3], rtol=_Z_RTOL, atol=_Z_ATOL)
           for w in escaping) and escaping:
        return (f"{said} Yours is the last z inside the circle, one update "
                f"early: return the z after the update that leaves it.")
    if escaping and all(not np.all(np.isfinite(w[1]))
                        or np.hypot(*w[1]) > np.hypot(*w[2]) * 1.001
                        for w in escaping):
        return (f"{said} Your z went on being updated after it left the "
                f"circle (as in tile_counts, whose trips run on for all "
                f"their steps): stop updating z at the update that leaves.")
    return said


@checker("escape_point", clear_caches=True)
def escape_point(fn) -> str:
    """Check ``escape_point(cr, ci, max_iter) -> (count, zr, zi)`` written
    with a while_loop that stops at the escape."""
    _triple(call(fn, jnp.float32(1.0), jnp.float32(0.0), 50),
            "c = 1.0 + 0.0i and max_iter=50")

    cr, ci = _POINTS[1]
    shown = f"c = {cr} + {ci}i and max_iter=50"
    got = jittable(lambda a, b: fn(a, b, 50), jnp.float32(cr),
                   jnp.float32(ci),
                   hint="A Python while loop cannot test a traced value: "
                        "use lax.while_loop(cond_fun, body_fun, "
                        "init_val).")
    _triple(got, shown + " under jax.jit")

    crs = jnp.array([p[0] for p in _POINTS], dtype=jnp.float32)
    cis = jnp.array([p[1] for p in _POINTS], dtype=jnp.float32)
    for max_iter in _MAX_ITERS:
        out = call(jax.jit(jax.vmap(lambda a, b, m=max_iter: fn(a, b, m))),
                   crs, cis, where="Your function works for one point but "
                                   "under jax.vmap it")
        if not (isinstance(out, (tuple, list)) and len(out) == 3):
            raise fail(f"Under jax.vmap your function returns "
                       f"{describe(out)}, expected a triple (count, zr, zi).")
        count, zr, zi = (np.asarray(v) for v in out)
        if {count.shape, zr.shape, zi.shape} != {(len(_POINTS),)}:
            raise fail(f"Under jax.vmap over {len(_POINTS)} points your "
                       f"function returns shapes {count.shape}, {zr.shape} "
                       f"and {zi.shape}, expected ({len(_POINTS)},) each.")
        problem = _count_problem(count, max_iter) or _z_problem(
            zr, zi, max_iter)
        if problem:
            raise fail(problem)
    criterion()

    jaxpr = jax.make_jaxpr(lambda a, b: fn(a, b, 50))(jnp.float32(cr),
                                                      jnp.float32(ci))
    if "while" not in primitives(jaxpr.jaxpr):
        raise fail(
            "Your counts and z are right, but there is no lax.while_loop "
            "in your function: it always runs max_iter steps (a Python "
            "loop is unrolled into the program, and lax.fori_loop with "
            "fixed bounds runs them all). Use lax.while_loop with a "
            "condition that stops when z leaves the circle.")
    return ("Correct: your counts and last z match for ten points and two "
            "values of max_iter, under jax.jit and jax.vmap, with a loop "
            "that stops when the point escapes.")
