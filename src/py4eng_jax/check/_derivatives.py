"""Checkers for the exercises of the derivatives chapter.

The expected answers come from derivatives written by hand in NumPy
(float64), so a check compiles nothing but the student's function.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ._framework import (
    CheckFailed,
    answer,
    checker,
    fail,
    jittable,
    largest_array,
    require_array,
    same_values,
)
from ._words import count_word

__all__ = ["hvp", "newton_step"]


# --- shared ---------------------------------------------------------------


def _compare(got, expected, *, what, shown, suspects):
    """Values first; a known wrong answer gets its own hint."""
    expected = np.asarray(expected)
    scale = float(np.abs(expected).max()) or 1.0
    rtol, atol = 1e-5, 1e-5 * scale
    if got.shape == expected.shape and np.allclose(got, expected, rtol=rtol,
                                                   atol=atol):
        return
    for value, hint in suspects:
        value = np.asarray(value)
        if got.shape == value.shape and np.allclose(got, value, rtol=rtol,
                                                    atol=atol):
            raise fail(f"Wrong values for {what} with {shown}. {hint}")
    if got.shape == expected.shape and np.allclose(
            got, expected, rtol=1e-2, atol=1e-2 * scale):
        error = float(np.abs(got - expected).max()) / scale
        raise fail(
            f"Close, but not exact, for {what} with {shown}: off by "
            f"{error:.0e} relative. Is it an approximation, such as a "
            f"finite difference? Automatic differentiation gives the exact "
            f"derivative, up to float32 rounding")
    same_values(got, expected, what=what, shown=shown, rtol=rtol, atol=atol)


def _one_array(out, what: str, shown: str, pair_hint: str) -> np.ndarray:
    if isinstance(out, (tuple, list)) and len(out) == 2 and all(
            hasattr(a, "shape") for a in out):
        raise fail(f"{what} should be one array, but your function "
                   f"returned a {type(out).__name__} of 2, for {shown}. "
                   f"{pair_hint}")
    return require_array(out, what[:1].upper() + what[1:])


def _jittable(fn, *args, hint: str) -> None:
    """:func:`jittable`, saying that the values were right."""
    try:
        jittable(fn, *args, hint=hint)
    except CheckFailed as stop:
        raise fail("Your values are right, but y"
                   + stop.feedback.message[1:], stop.error) from None


# --- hvp: a Hessian-vector product without the Hessian ---------------------
# Each test function comes with its gradient and Hessian-vector product by
# hand; the diagonal of the Hessian serves a wrong answer's hint.


def _rosenbrock(p):
    return (1 - p[0])**2 + 100 * (p[1] - p[0]**2)**2


def _rosenbrock_derivatives(p, v):
    x, y = p
    H = np.array([[2 - 400 * y + 1200 * x**2, -400 * x], [-400 * x, 200.0]])
    grad = np.array([-2 * (1 - x) - 400 * x * (y - x**2),
                     200 * (y - x**2)])
    return H @ v, grad, H.diagonal()


def _coupled(x):
    return jnp.sum(jnp.sin(x) * jnp.roll(x, 1)) + 0.25 * jnp.sum(x**2)**2


def _coupled_derivatives(x, v):
    s, before, cos = (x**2).sum(), np.roll(x, 1), np.cos(x)
    hv = (-np.sin(x) * before * v + s * v + 2 * x * (x @ v)
          + cos * np.roll(v, 1) + np.roll(cos * v, -1))
    grad = cos * before + np.roll(np.sin(x), -1) + s * x
    return hv, grad, -np.sin(x) * before + s + 2 * x**2


def _softmax_cos(x):
    return (jnp.log(jnp.sum(jnp.exp(x))) + jnp.sum(jnp.cos(3 * x)) / 9
            + 40 * jnp.sum(x))


def _softmax_cos_derivatives(x, v):
    # the linear term makes the gradient large next to H v: a finite
    # difference then rounds badly for every step h
    p = np.exp(x - x.max())
    p /= p.sum()
    cos = np.cos(3 * x)
    return (p * v - p * (p @ v) - cos * v, p - np.sin(3 * x) / 3 + 40,
            p - p**2 - cos)


def _hvp_cases():
    x1, v1, x2, v2 = np.random.default_rng(42).standard_normal((4, 16))
    return [
        ("f = rosenbrock, x = [0.5, -1.0], v = [1.0, 0.0]", _rosenbrock,
         _rosenbrock_derivatives, np.array([0.5, -1.0]),
         np.array([1.0, 0.0])),
        ("f(x) = sum(sin(x) * roll(x, 1)) + sum(x**2)**2 / 4 and random "
         "x, v of size 16", _coupled, _coupled_derivatives, x1, v1),
        ("f(x) = log(sum(exp(x))) + sum(cos(3 * x)) / 9 + 40 * sum(x) and "
         "random x, v of size 16", _softmax_cos, _softmax_cos_derivatives,
         x2, v2),
    ]


_HVP_PAIR = ("jax.jvp returns a pair (value, tangent): keep the tangent, "
             "H(x) v")


@checker("hvp", expects="your function hvp")
def hvp(fn) -> str:
    """Check ``hvp(f, x, v)``: the Hessian of ``f`` at ``x`` times ``v``."""
    cases = _hvp_cases()
    for shown, f, derivatives, x, v in cases:
        x32, v32 = jnp.asarray(x, jnp.float32), jnp.asarray(v, jnp.float32)
        x, v = np.asarray(x32, np.float64), np.asarray(v32, np.float64)

        def attempt(x, v, f=f):
            return fn(f, x, v)

        got = _one_array(answer(attempt, x32, v32), "H(x) v", shown,
                         _HVP_PAIR)
        if got.shape == () and x.shape != ():
            raise fail(
                f"Your hvp returned one number for {shown}, but H(x) v has "
                f"the shape of x, {x.shape}. A JVP of f itself gives the "
                f"directional derivative grad f . v; take the JVP of "
                f"jax.grad(f) instead")
        expected, gradient, diagonal = derivatives(x, v)
        _compare(got, expected, what="H(x) v", shown=shown, suspects=[
            (gradient, "That is the gradient itself, the first output of "
             "jax.jvp; H v is the second"),
            (-expected, "That is -H v: check the sign"),
            (gradient * v, "That is the gradient times v, element by "
             "element; H v needs the derivative of the gradient in the "
             "direction v"),
            (diagonal * v, "That uses only the diagonal of the Hessian"),
        ])
        _jittable(attempt, x32, v32, hint="Keep every value an array: use "
                  "jax.numpy, and no float(), .item() or Python `if`.")
    largest = largest_array(attempt, x32, v32)
    if largest >= x.size**2:
        raise fail(
            f"Your values are right, but your function builds an array of "
            f"{largest} numbers for x of size {x.size}: the whole Hessian "
            f"({x.size} x {x.size}) or as big. Compute H v directly, with "
            f"one jax.jvp of jax.grad(f) in the direction v")
    return (f"Correct: H(x) v matches the Hessian for "
            f"{count_word(len(cases))} functions, works under jax.jit, and "
            f"never builds the Hessian.")


# --- newton_step: one step of Newton's method for a system ----------------
# Each system comes with its Jacobian by hand.


def _circle_line(p):
    return jnp.array([p[0]**2 + p[1]**2 - 4, p[1] - p[0]])


def _circle_line_np(p):
    x, y = p
    return (np.array([x**2 + y**2 - 4, y - x]),
            np.array([[2 * x, 2 * y], [-1.0, 1.0]]))


_ANCHORS = np.array([[0.0, 0.0], [3.0, 1.0]])
_STIFFNESS, _REST = np.array([300.0, 200.0]), np.array([1.5, 1.8])


def _springs(p):
    d = p - _ANCHORS.astype(np.float32)
    length = jnp.sqrt((d**2).sum(axis=1))
    tension = _STIFFNESS.astype(np.float32) * (length - _REST)
    return -(tension / length) @ d + jnp.array([0.0, -50.0])


def _springs_np(p):
    d = p - _ANCHORS
    length = np.sqrt((d**2).sum(axis=1))
    force = -(_STIFFNESS * (length - _REST) / length) @ d + [0.0, -50.0]
    J = -sum(k * ((1 - L / ell) * np.eye(2) + L * np.outer(di, di) / ell**3)
             for k, L, ell, di in zip(_STIFFNESS, _REST, length, d))
    return force, J


def _skewed(x):
    return jnp.array([x[0] + 2 * x[1]**2 - x[2],
                      jnp.sin(x[0]) * x[2] - 1.0,
                      x[0] * x[1] + jnp.exp(x[2]) - 3.0])


def _skewed_np(x):
    a, b, c = x
    return (np.array([a + 2 * b**2 - c, np.sin(a) * c - 1.0,
                      a * b + np.exp(c) - 3.0]),
            np.array([[1.0, 4 * b, -1.0], [np.cos(a) * c, 0.0, np.sin(a)],
                      [b, a, np.exp(c)]]))


_NEWTON_CASES = [
    ("f = the circle x**2 + y**2 = 4 and the line y = x, x = [1., 2.]",
     _circle_line, _circle_line_np, [1.0, 2.0]),
    ("f = the net force of the chapter's springs, x = [1.5, -0.5]",
     _springs, _springs_np, [1.5, -0.5]),
    ("f(x) = [x0 + 2 x1**2 - x2, sin(x0) x2 - 1, x0 x1 + exp(x2) - 3], "
     "x = [0.7, 0.3, 1.2]", _skewed, _skewed_np, [0.7, 0.3, 1.2]),
]



def _newton_step_np(f_np, x):
    fx, J = f_np(x)
    return x - np.linalg.solve(J, fx)


@checker("newton_step", expects="your function newton_step")
def newton_step(fn) -> str:
    """Check ``newton_step(f, x)``: ``x - J(x)^-1 f(x)``."""
    for shown, f, f_np, x in _NEWTON_CASES:
        x32 = jnp.asarray(x, jnp.float32)
        x = np.asarray(x32, np.float64)

        def attempt(x, f=f):
            return fn(f, x)

        got = _one_array(answer(attempt, x32), "the new x", shown,
                         "Return only the new x")
        if got.shape != x.shape:
            raise fail(
                f"Wrong shape for the new x: expected {x.shape}, got "
                f"{got.shape}, for {shown}. Solve with the vector f(x) "
                f"(shape {x.shape}), not a column")
        fx, J = f_np(x)
        step = np.linalg.solve(J, fx)
        with np.errstate(divide="ignore"):   # J may have a 0 on its diagonal
            by_diagonal = x - fx / J.diagonal()
        _compare(got, x - step, what="the new x", shown=shown, suspects=[
            (x + step, "The step goes the wrong way: Newton subtracts "
             "J^-1 f(x) from x"),
            (-step, "That is the step dx = -J^-1 f(x), not the new x: "
             "return x + dx"),
            (step, "That is J^-1 f(x), not the new x: return "
             "x - J^-1 f(x)"),
            (x - np.linalg.solve(J.T, fx), "That uses the transposed "
             "Jacobian: jax.jacfwd(f)(x)[i, j] is df_i/dx_j; solve with it "
             "as it is"),
            (by_diagonal, "That divides by the diagonal of the "
             "Jacobian and ignores how the equations couple: solve the "
             "linear system J dx = f(x)"),
            (x - J @ fx, "That multiplies f(x) by the Jacobian; Newton "
             "solves J dx = f(x) instead"),
            (_newton_step_np(f_np, x - step), "That is two Newton steps; "
             "one step is asked for"),
        ])
        _jittable(attempt, x32, hint="Keep every value an array: use "
                  "jax.numpy, and no float(), .item() or Python `if`.")
    return (f"Correct: your Newton step matches for "
            f"{count_word(len(_NEWTON_CASES))} systems and works under "
            f"jax.jit.")
