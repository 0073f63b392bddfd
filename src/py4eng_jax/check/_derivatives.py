"""Checkers for the exercises of the derivatives chapter."""

from __future__ import annotations

import functools
import math

import jax
import jax.extend as jex
import jax.numpy as jnp
import numpy as np

from .._checking import (CheckFailed, call, checker, fail,
                         jittable, require_array, same_values)

__all__ = ["hvp", "newton_step"]


# --- shared ---------------------------------------------------------------


def _largest_array(jaxpr) -> int:
    """The most elements of any array a jaxpr creates or captures."""
    sizes = [math.prod(getattr(var.aval, "shape", ()))
             for var in jaxpr.constvars]
    for eqn in jaxpr.eqns:
        sizes += [math.prod(getattr(var.aval, "shape", ()))
                  for var in eqn.outvars]
        sizes += [_largest_array(sub)
                  for sub in jex.core.jaxprs_in_params(eqn.params)]
    return max(sizes, default=0)


def _call(fn, *args, hints: dict[str, str]):
    """:func:`call`, with a specific hint for some error messages."""
    try:
        return call(fn, *args)
    except CheckFailed as stop:
        for needle, hint in hints.items():
            if needle in stop.feedback.message:
                raise fail(f"{stop.feedback.message} {hint}")
        raise


def _run(fn, *args, hints: dict[str, str]):
    """``(answer, jittable)``: compiled when possible (fast), else eager."""
    try:
        out = jax.jit(fn)(*args)
    except Exception:
        return _call(fn, *args, hints=hints), False
    if out is None:
        call(lambda: None)     # "not attempted yet"
    return out, True


def _compare(got, expected, *, what, shown, rtol, suspects):
    """Values first; a known wrong answer gets its own hint."""
    got = require_array(got, what)
    expected = np.asarray(expected)
    scale = float(np.abs(expected).max()) or 1.0
    if got.shape == expected.shape and np.allclose(
            got, expected, rtol=rtol, atol=rtol * scale):
        return
    if callable(suspects):
        with np.errstate(all="ignore"):
            suspects = suspects()
    for value, hint in suspects:
        value = np.asarray(value)
        if got.shape == value.shape and np.allclose(
                got, value, rtol=rtol, atol=rtol * scale):
            raise fail(f"Wrong values for {what} with {shown}. {hint}")
    if got.shape == expected.shape and np.allclose(
            got, expected, rtol=1e-2, atol=1e-2 * scale):
        error = float(np.abs(got - expected).max()) / scale
        raise fail(
            f"Close, but not exact, for {what} with {shown}: off by "
            f"{error:.0e} relative. Is it an approximation, such as a "
            f"finite difference? Automatic differentiation gives the exact "
            f"derivative, up to float32 rounding.")
    same_values(got, expected, what=what, shown=shown, rtol=rtol,
                atol=rtol * scale)


def _jitted(fn, *args):
    try:
        return jittable(fn, *args)
    except CheckFailed as stop:
        raise fail(stop.feedback.message.replace(
            "Your function is not jittable",
            "Your values are right, but your function is not jittable"))


# --- hvp: a Hessian-vector product without the Hessian ---------------------


def _rosenbrock(p):
    return (1 - p[0])**2 + 100 * (p[1] - p[0]**2)**2


def _coupled(x):
    return jnp.sum(jnp.sin(x) * jnp.roll(x, 1)) + 0.25 * jnp.sum(x**2)**2


def _chain(x):
    return jnp.sum(jnp.tanh(x) * jnp.cumsum(x)) + jnp.sum(jnp.exp(x / 4))


def _hvp_cases():
    # random inputs from NumPy: no JAX computation to compile for them
    x1, v1, x2, v2 = np.random.default_rng(42).standard_normal(
        (4, 16)).astype(np.float32)
    yield ("f = rosenbrock, x = [0.5, -1.0], v = [1.0, 0.0]", _rosenbrock,
           jnp.array([0.5, -1.0]), jnp.array([1.0, 0.0]))
    yield ("f(x) = sum(sin(x) * roll(x, 1)) + sum(x**2)**2 / 4 and random "
           "x, v of size 16", _coupled, jnp.asarray(x1), jnp.asarray(v1))
    yield ("f(x) = sum(tanh(x) * cumsum(x)) + sum(exp(x / 4)) and random "
           "x, v of size 16", _chain, jnp.asarray(x2), jnp.asarray(v2))


@functools.partial(jax.jit, static_argnums=0)
def _hvp_reference(f, x, v):
    H = jax.hessian(f)(x)
    return H @ v, jax.grad(f)(x), H.diagonal()


_JVP_HINTS = {
    "must be tuples or lists": "jax.jvp takes tuples: "
    "jax.jvp(g, (x,), (v,)).",
    "only defined for scalar-output": "jax.grad needs a function with one "
    "number as output: take the gradient of f first, then differentiate "
    "that function.",
}


@checker("hvp")
def hvp(fn) -> str:
    """Check ``hvp(f, x, v)``: the Hessian of ``f`` at ``x`` times ``v``."""
    for shown, f, x, v in _hvp_cases():
        out, compiled = _run(lambda x, v: fn(f, x, v), x, v,
                             hints=_JVP_HINTS)
        if isinstance(out, (tuple, list)):
            raise fail(
                f"hvp should return one array, H(x) v, but returned a "
                f"{type(out).__name__} of {len(out)}, for {shown}. jax.jvp "
                f"returns a pair (value, tangent): keep the tangent.")
        got = require_array(out, "H(x) v")
        if got.shape == () and x.shape != ():
            raise fail(
                f"hvp returned one number for {shown}, but H(x) v has the "
                f"shape of x, {x.shape}. A JVP of f itself gives the "
                f"directional derivative grad f . v; take the JVP of "
                f"jax.grad(f) instead.")
        # the reference in one compiled call; the suspects in NumPy
        expected, gradient, diagonal = map(np.asarray,
                                           _hvp_reference(f, x, v))
        v_host = np.asarray(v)
        _compare(got, expected, what="H(x) v", shown=shown,
                 rtol=1e-5, suspects=[
                     (gradient, "That is the gradient itself, the first "
                      "output of jax.jvp; H v is the second."),
                     (gradient * v_host, "That is the gradient times v, "
                      "element by element; H v needs the derivative of the "
                      "gradient in the direction v."),
                     (diagonal * v_host, "That uses only the diagonal of the "
                      "Hessian."),
                 ])
        if not compiled:
            _jitted(lambda x, v: fn(f, x, v), x, v)
    largest = _largest_array(
        jax.make_jaxpr(lambda x, v: fn(f, x, v))(x, v).jaxpr)
    if largest >= x.size**2:
        raise fail(
            f"Your values are right, but your function builds an array of "
            f"{largest} numbers for x of size {x.size}: the whole Hessian "
            f"({x.size} x {x.size}). Compute H v directly, with "
            f"jax.jvp(jax.grad(f), (x,), (v,)).")
    return ("Correct: H(x) v matches jax.hessian for three functions, works "
            "under jax.jit, and never builds the Hessian.")


# --- newton_step: one step of Newton's method for a system ----------------


def _circle_line(p):
    return jnp.array([p[0]**2 + p[1]**2 - 4, p[1] - p[0]])


_ANCHORS = np.array([[0.0, 0.0], [3.0, 1.0]], dtype=np.float32)


def _springs(p):
    d = p - _ANCHORS
    length = jnp.sqrt((d**2).sum(axis=1))
    tension = jnp.array([300.0, 200.0]) * (length - jnp.array([1.5, 1.8]))
    return -(tension / length) @ d + jnp.array([0.0, -50.0])


def _skewed(x):
    return jnp.array([x[0] + 2 * x[1]**2 - x[2],
                      jnp.sin(x[0]) * x[2] - 1.0,
                      x[0] * x[1] + jnp.exp(x[2]) - 3.0])


def _newton_cases():
    yield ("f = the circle x**2 + y**2 = 4 and the line y = x, x = [1., 2.]",
           _circle_line, jnp.array([1.0, 2.0]))
    yield ("f = the net force of the chapter's springs, x = [1.5, -0.5]",
           _springs, jnp.array([1.5, -0.5]))
    yield ("f(x) = [x0 + 2 x1**2 - x2, sin(x0) x2 - 1, x0 x1 + exp(x2) - 3], "
           "x = [0.7, 0.3, 1.2]", _skewed, jnp.array([0.7, 0.3, 1.2]))


@functools.partial(jax.jit, static_argnums=0)
def _newton_reference(f, x):
    J = jax.jacfwd(f)(x)
    return J, f(x), jnp.linalg.solve(J, f(x))


@functools.partial(jax.jit, static_argnums=0)
def _two_steps(f, x):
    for _ in range(2):
        x = x - jnp.linalg.solve(jax.jacfwd(f)(x), f(x))
    return x


_NEWTON_HINTS = {
    "only defined for scalar-output": "jax.grad is for a function with one "
    "number as output; the Jacobian of a system of equations comes from "
    "jax.jacfwd(f) (or jax.jacrev(f)).",
}


@checker("newton_step")
def newton_step(fn) -> str:
    """Check ``newton_step(f, x)``: ``x - J(x)^-1 f(x)``."""
    for shown, f, x in _newton_cases():
        out, compiled = _run(lambda x: fn(f, x), x, hints=_NEWTON_HINTS)
        if isinstance(out, (tuple, list)):
            raise fail(
                f"newton_step should return the new x, one array, but "
                f"returned a {type(out).__name__} of {len(out)}, for "
                f"{shown}.")
        got = require_array(out, "the new x")
        # the reference in one compiled call; the suspects in NumPy
        J, fx, step = map(np.asarray, _newton_reference(f, x))
        x_host = np.asarray(x)
        new_x = x_host - step
        if got.shape != x.shape:
            raise fail(
                f"Wrong shape for the new x: expected {x.shape}, got "
                f"{got.shape}, for {shown}. Solve with the vector f(x) "
                f"(shape {x.shape}), not a column.")
        _compare(got, new_x, what="the new x", shown=shown, rtol=1e-5,
                 suspects=lambda: [
                     (x_host + step, "The step goes the wrong way: Newton "
                      "subtracts J^-1 f(x) from x."),
                     (-step, "That is the step dx = -J^-1 f(x), not the "
                      "new x: return x + dx."),
                     (step, "That is J^-1 f(x), not the new x: return "
                      "x - J^-1 f(x)."),
                     (x_host - np.linalg.solve(J.T, fx), "That uses the "
                      "transposed Jacobian: jax.jacfwd(f)(x)[i, j] is "
                      "df_i/dx_j; solve with it as it is."),
                     (x_host - fx / J.diagonal(), "That divides by the "
                      "diagonal of the Jacobian and ignores how the equations "
                      "couple: solve the linear system J dx = f(x)."),
                     (x_host - J @ fx, "That multiplies f(x) by the "
                      "Jacobian; Newton solves J dx = f(x) instead."),
                     (np.asarray(_two_steps(f, x)), "That is two Newton "
                      "steps; one step is asked for."),
                 ])
        if not compiled:
            _jitted(lambda x: fn(f, x), x)
    return ("Correct: your Newton step matches for three systems and works "
            "under jax.jit.")

