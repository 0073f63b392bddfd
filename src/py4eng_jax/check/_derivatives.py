"""Checkers for the exercises of the derivatives chapter.

The expected answers come from derivatives written by hand in NumPy
(float64), so a check compiles nothing but the student's function.
"""

from __future__ import annotations

import jax
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

__all__ = ["curvature_step", "hvp"]


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


def _jittable(fn, *args) -> None:
    """:func:`jittable`, saying that the values were right (its own
    advice on a traced value is enough: no hint of ours added)."""
    try:
        jittable(fn, *args)
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
        expected, gradient, diagonal = derivatives(x, v)
        if got.shape == () and x.shape != ():
            if np.isclose(float(got), float(v @ expected), rtol=1e-4):
                said = (", v . H v: that is the curvature of f along v, one "
                        "number. Return the vector H v instead")
            elif np.isclose(float(got), float(gradient @ v), rtol=1e-4):
                said = (", grad f . v: a JVP of f itself gives this "
                        "directional derivative. H v is the derivative of "
                        "the gradient, not of f, in the direction v")
            else:
                said = ""
            raise fail(
                f"Your hvp returned one number for {shown}{said}. H(x) v "
                f"has the shape of x, {x.shape}")
        _compare(got, expected, what="H(x) v", shown=shown, suspects=[
            (gradient, "That is the gradient itself, the first output of "
             "jax.jvp; H v is the second"),
            (-expected, "That is -H v: check the sign"),
            (gradient * v, "That is the gradient times v, element by "
             "element; H v needs the derivative of the gradient in the "
             "direction v"),
            (diagonal * v, "That uses only the diagonal of the Hessian"),
            (derivatives(x, np.ones_like(v))[0], "That is H times a vector "
             "of ones: your function ignores the v it is given"),
        ])
        _jittable(attempt, x32, v32)
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


# --- curvature_step: a gradient step whose length comes from the curvature
# Each test function comes with its gradient and Hessian-vector product by
# hand (those of hvp above, and a quadratic); the expected step is
# x - alpha g with alpha = g.g / g.Hg, the minimum of the second-order
# Taylor polynomial of f(x - alpha g) in alpha.


def _quadratic_parts():
    rng = np.random.default_rng(7)
    B = rng.standard_normal((7, 7))
    return B @ B.T / 7 + np.eye(7), rng.standard_normal(7)


_A, _B = _quadratic_parts()


def _quadratic(x):
    A, b = jnp.asarray(_A, x.dtype), jnp.asarray(_B, x.dtype)
    return 0.5 * x @ A @ x - b @ x


def _quadratic_derivatives(x, v):
    return _A @ v, _A @ x - _B, _A.diagonal()


def _curvature_cases():
    x = np.random.default_rng(5).standard_normal(7)
    (shown_r, *rosen), (shown_c, *coupled), (shown_s, *soft) = _hvp_cases()
    return [
        (shown_r.split(", v =")[0], *rosen[:3]),
        (shown_c.replace("x, v of", "x of"), *coupled[:3]),
        ("f(x) = x @ A @ x / 2 - b @ x, a quadratic with a random "
         "positive definite A (7 x 7) and random b, x", _quadratic,
         _quadratic_derivatives, x),
        (shown_s.replace("x, v of", "x of"), *soft[:3]),
    ]


def _compare_step(got, expected, shown, right_sizes, suspects):
    """:func:`_compare`, and a word on sizes when the same function was
    right for another size of x."""
    try:
        _compare(got, expected, what="the new x", shown=shown,
                 suspects=suspects)
    except CheckFailed as stop:
        message = stop.feedback.message
        others = sorted(right_sizes - {expected.size})
        if others and message.startswith("Wrong values") and (
                "That " not in message and "Your alpha" not in message):
            sizes = " and ".join(str(k) for k in others)
            raise fail(
                f"Wrong values for the new x with {shown}, although your "
                f"step was right for x of size {sizes}. Does your function "
                f"assume a size of x, or a part of it?", stop.error) from None
        raise


@checker("curvature_step", expects="your function curvature_step")
def curvature_step(fn) -> str:
    """Check ``curvature_step(f, x)``: ``x - alpha g`` with ``g`` the
    gradient and ``alpha = g.g / g.Hg``, without the Hessian."""
    cases = _curvature_cases()
    right_sizes: set[int] = set()
    for shown, f, derivatives, x in cases:
        x32 = jnp.asarray(x, jnp.float32)
        x = np.asarray(x32, np.float64)

        def attempt(x, f=f):
            return fn(f, x)

        got = _one_array(answer(attempt, x32), "the new x", shown,
                         "Return only the new point x - alpha g")
        n = x.size
        _, g, diagonal = derivatives(x, np.zeros(n))
        hg = derivatives(x, g)[0]
        gg, ghg = g @ g, g @ hg
        alpha = gg / ghg
        if got.shape == () and x.shape != ():
            near = [(alpha, "the step length alpha"), (gg, "g . g"),
                    (ghg, "g . H g")]
            said = next((what for value, what in near
                         if np.isclose(got, value, rtol=1e-4)), None)
            raise fail(
                "Your curvature_step returned one number"
                + (f", {said}," if said else "")
                + f" for {shown}, but the new point has the shape of x, "
                f"{x.shape}: return x - alpha g")
        H = np.stack([derivatives(x, e)[0] for e in np.eye(n)], axis=1)
        _, g0, _ = derivatives(np.zeros(n), np.zeros(n))
        with np.errstate(divide="ignore", invalid="ignore"):
            at_zero = x - (g0 @ g0) / (g0 @ derivatives(np.zeros(n),
                                                        g0)[0]) * g0
        _compare_step(got, x - alpha * g, shown, right_sizes, suspects=[
            (x - g, "That is a plain gradient step, alpha = 1: alpha "
             "should come from the curvature of f along g"),
            (x + alpha * g, "The step goes uphill: the new point is "
             "x - alpha g"),
            (x - ghg / gg * g, "Your alpha is upside down: the minimum of "
             "a + b alpha + c alpha**2 / 2 is at -b / c"),
            (x - alpha / 2 * g, "Your alpha is half the right one: mind "
             "the 1/2 of the second-order term of the Taylor polynomial"),
            (x - 2 * alpha * g, "Your alpha is twice the right one: the "
             "second-order term of the Taylor polynomial is f'' alpha**2 "
             "/ 2, with the 1/2"),
            (x - np.sqrt(gg) / ghg * g, "Your step is |g| times too "
             "short. If it goes along g / |g|: the direction is g, not "
             "g / |g|, for the alpha that the line x - alpha g gives. "
             "Otherwise your alpha uses |g| where the slope along the "
             "line is g . g"),
            (x - gg * np.sqrt(gg) / ghg * g, "Your step is |g| times too "
             "long: your alpha is the one for the unit direction g / |g|, "
             "but the step goes along g: take alpha for the line you "
             "step along"),
            (x - gg / (g**2 @ diagonal) * g, "Your alpha uses only the "
             "diagonal of the Hessian: the curvature along g needs all of "
             "H g"),
            (x - np.linalg.solve(H, g), "That is a Newton step, "
             "x - H^-1 g: a step along g itself is asked for, with only "
             "its length from the curvature"),
            (-alpha * g, "That is the step -alpha g, not the new point: "
             "add x"),
            (at_zero, "That is the step for the point x = 0: take the "
             "gradient and the curvature at the x you are given"),
        ])
        right_sizes.add(n)
        _jittable(attempt, x32)
        largest = largest_array(attempt, x32)
        own = largest_array(jax.grad(f), x32)    # f's own arrays (the A)
        if n > 2 and largest >= n * n and largest > own:
            raise fail(
                f"Your values are right, but your function builds an array "
                f"of {largest} numbers for x of size {n}, for {shown}: the "
                f"whole Hessian ({n} x {n}) or as big. The step needs the "
                f"curvature along g only, one number")
    return (f"Correct: your step matches the exact curvature step for "
            f"{count_word(len(cases))} functions, works under jax.jit, and "
            f"never builds the Hessian.")
