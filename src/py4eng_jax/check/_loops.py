"""Checkers for the exercises of the loops chapter."""

from __future__ import annotations

import functools
import math

import jax
import jax.extend as jex
import jax.numpy as jnp
import numpy as np

from ._framework import (
    beat,
    call,
    checker,
    criterion,
    explain,
    fail,
    jittable,
    primitives,
    program_size,
    require_array,
    same_values,
)
from ._words import count_word

__all__ = ["damped_newton", "sum_after"]


# ------------------------------------------------------------ loops-ex1

_DEFAULT_TOL = 1e-5

# (description, f, x0, tol). Each converges with |f| far from tol at every
# step, and every halving decision is far from a tie, so float32 rounding
# (or |f| against f**2) cannot change a count.
_NEWTON_CASES = [
    ("f(x) = x**2 - 4 from x0 = -3.0", lambda x: x**2 - 4.0, -3.0,
     _DEFAULT_TOL),
    ("f(x) = arctan(x) from x0 = 3.0", jnp.arctan, 3.0, _DEFAULT_TOL),
    ("f(x) = arctan(x - 1) from x0 = 6.0",
     lambda x: jnp.arctan(x - 1.0), 6.0, _DEFAULT_TOL),
    ("f(x) = x**3 - 8 from x0 = 0.1", lambda x: x**3 - 8.0, 0.1, 1e-4),
    ("f(x) = x**2 - 4 from x0 = 2.0 (already a root)",
     lambda x: x**2 - 4.0, 2.0, _DEFAULT_TOL),
    ("f(x) = arctan(x) from x0 = -10.0", jnp.arctan, -10.0, _DEFAULT_TOL),
    ("f(x) = x**2 - 4 from x0 = 10.0 with tol=0.1",
     lambda x: x**2 - 4.0, 10.0, 0.1),
]


def _reference_damped(f, x0, tol):
    """(x, steps, halvings) of the damped Newton method, in NumPy."""
    df = jax.grad(f)
    x, steps, halvings = np.float32(x0), 0, 0
    while not abs(float(f(x))) < tol:
        fx = float(f(x))
        d = np.float32(fx / float(df(x)))
        t = np.float32(1.0)
        while not abs(float(f(np.float32(x - t * d)))) < abs(fx):
            t, halvings = np.float32(t / 2), halvings + 1
        x, steps = np.float32(x - t * d), steps + 1
    return float(x), steps, halvings


@functools.cache
def _expected_damped(index: int):
    _, f, x0, tol = _NEWTON_CASES[index]
    return _reference_damped(f, x0, tol)


def _plain_runs_off(f, x0, steps: int = 3) -> bool:
    """Does the undamped Newton method move away from the root here?"""
    df = jax.grad(f)
    x = np.float64(x0)
    start = abs(float(f(x)))
    for _ in range(steps):
        x = x - float(f(x)) / float(df(x))
    return not abs(float(f(x))) < start


def _outer_loops(jaxpr) -> set[str]:
    """The kinds of the loops not nested in another loop ("scan" for a
    fori_loop with fixed bounds, "while")."""
    kinds = set()
    for eqn in jaxpr.eqns:
        if eqn.primitive.name in ("scan", "while"):
            kinds.add(eqn.primitive.name)
        else:
            for sub in jex.core.jaxprs_in_params(eqn.params):
                kinds |= _outer_loops(sub)
    return kinds


def _root_and_steps(out, shown):
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise fail(
            f"Your damped_newton should return a pair (x, steps): the root "
            f"and the number of damped steps taken; for {shown} it "
            f"returned {type(out).__name__} {out!r:.60}.")
    x, steps = out
    x = require_array(x, "The root")
    steps = require_array(steps, "The number of steps")
    if x.shape != () or steps.shape != ():
        raise fail(
            f"The root and the number of steps should each be one number "
            f"(0-d), got shapes {x.shape} and {steps.shape}, for {shown}.")
    if not np.issubdtype(steps.dtype, np.integer):
        raise fail(
            f"The number of steps should be an integer, but its dtype is "
            f"{steps.dtype}, for {shown}: count the steps with an int.")
    return float(x), int(steps)


@checker("damped_newton", clear_caches=True)
def damped_newton(fn) -> str:
    """Check ``damped_newton(f, x0, tol=1e-5) -> (x, steps)``."""
    for index, (shown, f, x0, tol) in enumerate(_NEWTON_CASES):
        kwargs = {} if tol == _DEFAULT_TOL else {"tol": tol}
        x, steps = _root_and_steps(
            call(fn, f, jnp.float32(x0), **kwargs), shown)
        want_x, want_steps, halvings = _expected_damped(index)
        if not math.isfinite(x) or not abs(float(f(x))) < tol * 1.001:
            if _plain_runs_off(f, x0):
                raise fail(
                    f"For {shown} your x ends at {x:.4g}, where |f(x)| = "
                    f"{abs(float(f(x))):.3g}, not below tol = {tol:g}. "
                    f"From this start Newton steps that are not checked "
                    f"overshoot, and the iterates run away from the root: "
                    f"damp each step as the statement says, so that |f| "
                    f"goes down at every step.")
            raise fail(
                f"For {shown} your x ends at {x:.4g}, where |f(x)| = "
                f"{abs(float(f(x))):.3g}, not below tol = {tol:g}: stop "
                f"only once |f(x)| < tol.")
        if abs(x - want_x) > 0.1 * max(1.0, abs(want_x)):
            raise fail(
                f"For {shown} you found the root {x:.4g}, but the one the "
                f"damped steps reach from x0 is {want_x:.4g}. Check that "
                f"your function starts from x0.")
        criterion()
        if steps == want_steps:
            same_values(x, want_x, what="the root", shown=shown,
                        rtol=1e-4, atol=1e-6)
            continue
        if halvings and steps == want_steps + halvings:
            raise fail(
                f"Wrong number of steps for {shown}: expected {want_steps}, "
                f"got {steps}, which is the steps plus the {halvings} "
                f"halvings of t. Count only the damped steps taken, not the "
                f"tries of a smaller t.")
        if want_steps == 0:
            raise fail(
                f"Wrong number of steps for {shown}: expected 0, got "
                f"{steps}. Test |f(x)| < tol before each step, so that a "
                f"start at a root takes no step.")
        if tol != _DEFAULT_TOL and steps > want_steps:
            raise fail(
                f"Wrong number of steps for {shown}: expected {want_steps}, "
                f"got {steps}. You kept going after |f(x)| < {tol:g}: "
                f"check that your function uses its argument tol.")
        raise fail(
            f"Wrong number of steps for {shown}: expected {want_steps}, got "
            f"{steps}. Each step tries t = 1, 1/2, 1/4, ... and takes the "
            f"first for which |f(x - t d)| < |f(x)|; count one step per "
            f"update of x, and start every step's search from t = 1.")

    shown, f, x0, tol = _NEWTON_CASES[1]
    out = jittable(
        lambda x0: fn(f, x0), jnp.float32(x0),
        hint="A Python while loop cannot test a traced value: loop with "
        "lax.while_loop(cond_fun, body_fun, init_val).")
    x, steps = _root_and_steps(out, shown + " under jax.jit")
    want_x, want_steps, _ = _expected_damped(1)
    if abs(x - want_x) > 1e-3 or steps != want_steps:
        raise fail(f"Under jax.jit your function returns x = {x:.4g} after "
                   f"{steps} steps for {shown}; expected {want_x:.3g} "
                   f"after {want_steps}: start every step's search from "
                   f"t = 1.")
    jaxpr = jax.make_jaxpr(lambda x0: fn(f, x0))(jnp.float32(x0))
    if _outer_loops(jaxpr.jaxpr) != {"while"}:
        raise fail(
            "Your values are right, but the loop over the steps is not a "
            "lax.while_loop: it always runs a fixed number of steps. Loop "
            "with lax.while_loop, which stops as soon as |f(x)| < tol")
    return (f"Correct: your damped Newton method reaches the root in the "
            f"expected number of steps in {count_word(len(_NEWTON_CASES))} "
            f"cases, from starts where plain Newton runs away too, and "
            f"works under jax.jit.")


# ------------------------------------------------------------ loops-ex2

# The memory test: a carry of _WIDTH float32 numbers, _N steps in blocks of
# _BLOCK. Checkpointing each step stores _N carries; blocks store about
# _N / _BLOCK + 4 * _BLOCK (the four sines of one block, recomputed).
_WIDTH, _N, _BLOCK = 1000, 400, 20


def _four_sines(x):
    for _ in range(4):
        x = jnp.sin(x) * 1.01
    return x


def _four_sines_np(x):
    """(value, derivative) of :func:`_four_sines`, in float64 NumPy."""
    slope = np.ones_like(x)
    for _ in range(4):
        slope = slope * np.cos(x) * 1.01
        x = np.sin(x) * 1.01
    return x, slope


def _damped_cosine(x):
    return 0.9 * jnp.cos(x) + 0.1 * x


def _damped_cosine_np(x):
    return 0.9 * np.cos(x) + 0.1 * x, -0.9 * np.sin(x) + 0.1


def _reference_sum(step_np, x0, n):
    """(sum after n steps, its gradient with respect to x0), in float64."""
    x, grad = np.asarray(x0, np.float64), np.ones(np.shape(x0))
    for _ in range(n):
        x, slope = step_np(x)
        grad = grad * slope
    return x.sum(), grad


# (description, step, its NumPy twin, x0, n, block)
_SUM_CASES = [
    ("step = four_sines, x0 = jnp.linspace(0, 1, 5), n = 12, block = 4",
     _four_sines, _four_sines_np, np.linspace(0, 1, 5), 12, 4),
    ("step = lambda x: 0.9 * jnp.cos(x) + 0.1 * x, x0 = jnp.linspace(-1, "
     "1, 7), n = 30, block = 6",
     _damped_cosine, _damped_cosine_np, np.linspace(-1, 1, 7), 30, 6),
    ("step = four_sines, x0 = jnp.linspace(0, 1, 3), n = 9, block = 9",
     _four_sines, _four_sines_np, np.linspace(0, 1, 3), 9, 9),
]


def _scan_nest(jaxpr, depth=0) -> list[tuple[int, int]]:
    """(depth, length) of every scan in a jaxpr, depth counting scans."""
    found = []
    for eqn in jaxpr.eqns:
        inner = depth
        if eqn.primitive.name == "scan":
            found.append((depth, int(eqn.params["length"])))
            inner = depth + 1
        for sub in jex.core.jaxprs_in_params(eqn.params):
            found += _scan_nest(sub, inner)
    return found


def _blocks_problem(fn, n: int, block: int) -> str | None:
    """What is wrong with the loops of ``fn`` for (n, block), or None:
    the exercise asks for n // block blocks of block steps."""
    jaxpr = jax.make_jaxpr(
        lambda x: fn(_four_sines, x, n, block))(jnp.zeros(3)).jaxpr
    if "while" in primitives(jaxpr):
        return ("Your function loops with a lax.while_loop (a fori_loop "
                "whose bounds are traced becomes one too), and reverse mode "
                "does not go through a while_loop: jax.grad of it fails. "
                "Loop with lax.scan, or lax.fori_loop with Python-number "
                "bounds.")
    nest = _scan_nest(jaxpr)
    lengths = {length for _, length in nest}
    if n // block != block and any(
            (d, block) in nest and (d + 1, n // block) in nest
            for d, _ in nest) and not any(
            (d, n // block) in nest and (d + 1, block) in nest
            for d, _ in nest):
        return (f"For n = {n} and block = {block} your outer loop runs "
                f"{block} times and the inner one {n // block}: swapped. "
                f"The exercise asks for n // block = {n // block} blocks "
                f"outside, each a loop over its {block} steps inside.")
    if n // block in lengths and block not in lengths:
        return (f"For n = {n} and block = {block} your function loops over "
                f"the {n // block} blocks with lax, but not over the "
                f"{block} steps of a block: a Python loop there is "
                f"unrolled, one copy of step per step. Loop over the steps "
                f"of a block with lax.scan (or lax.fori_loop) too.")
    nested = any(d > 0 for d, _ in nest)
    if nested and block in lengths and n // block not in lengths:
        outer = sorted(lengths - {block})
        return (f"For n = {n} and block = {block} your loop over the blocks "
                f"runs {' or '.join(map(str, outer)) or 'a fixed number of'} "
                f"times, not n // block = {n // block}. Check that your "
                f"function uses its argument n.")
    if not any((d, n // block) in nest and (d + 1, block) in nest
               for d, _ in nest):
        return (f"For n = {n} and block = {block} your loops have lengths "
                f"{sorted(lengths) or 'none'}; the exercise asks for "
                f"{n // block} blocks of {block} steps: a loop over the "
                f"blocks around a loop over the steps of one block. Check "
                f"that your function uses its argument block.")
    return None


@checker("sum_after", clear_caches=True)
def sum_after(fn) -> str:
    """Check ``sum_after(step, x0, n, block)``: the sum after n steps,
    whose gradient stores about n / block + block carries."""
    for shown, step, step_np, x0, n, block in _SUM_CASES:
        got = call(fn, step, jnp.asarray(x0, jnp.float32), n, block)
        got = require_array(got, "The sum")
        if got.shape != ():
            raise fail(
                f"The sum should be one number, got shape {got.shape}, for "
                f"{shown}: return the sum of the array after n steps.")
        want, _ = _reference_sum(step_np, x0, n)
        if not np.allclose(float(got), want, rtol=1e-4, atol=1e-5):
            problem = _blocks_problem(fn, n, block)
            if problem:
                raise fail(problem)
        same_values(got, want, what="the sum after n steps", shown=shown,
                    rtol=1e-4, atol=1e-5)

    # Not unrolled; n // block blocks of block steps.
    x_small = jnp.zeros(4)
    sizes = [program_size(lambda x, n=n: fn(_four_sines, x, n, 4), x_small)
             for n in (8, 16)]
    if sizes[1] > sizes[0]:
        raise fail(
            f"Your values are right, but your program grows with n "
            f"({sizes[0]} operations for n = 8, {sizes[1]} for n = 16): "
            f"a Python loop is unrolled while tracing. Loop with lax.scan "
            f"(or lax.fori_loop), whose body is traced once.")


    # (12, 4) and (30, 6) tell n // block from block: (400, 20) does not.
    for n, block in ((12, 4), (30, 6), (_N, _BLOCK)):
        problem = _blocks_problem(fn, n, block)
        if problem:
            raise fail(problem)

    # The memory of the gradient, and the gradient itself.
    x0 = np.linspace(0.0, 1.0, _WIDTH)
    beat()
    try:
        compiled = jax.jit(jax.grad(
            lambda x: fn(_four_sines, x, _N, _BLOCK))).lower(
                jnp.asarray(x0, jnp.float32)).compile()
    except Exception as err:
        raise fail(explain(err, where="jax.grad of your function"), err)
    beat()
    grad = compiled(jnp.asarray(x0, jnp.float32))
    _, want = _reference_sum(_four_sines_np, x0, _N)
    same_values(grad, want, what="the gradient with respect to x0",
                shown=f"step = four_sines, x0 = jnp.linspace(0, 1, "
                      f"{_WIDTH}), n = {_N}, block = {_BLOCK}",
                rtol=1e-3, atol=1e-6)
    carries = compiled.memory_analysis().temp_size_in_bytes / (4 * _WIDTH)
    if carries > _N / 2:
        per_step = "four arrays per step" if carries > 2 * _N else (
            "about one carry per step")
        raise fail(
            f"Your values and gradient are right, but the gradient's "
            f"temporaries hold {carries:.0f} arrays of the carry's size "
            f"for n = {_N}, block = {_BLOCK}: {per_step}, as without "
            f"blocks. Make the backward pass keep only what enters each "
            f"block (jax.checkpoint stores the inputs of the function it "
            f"wraps), and recompute the block's steps when it needs them.")
    criterion()
    return (f"Correct: your sums and gradient match, and the gradient of "
            f"{_N} steps in blocks of {_BLOCK} needs {carries:.0f} arrays "
            f"of the carry's size, against about {_N} with a checkpoint on "
            f"each step.")
