"""The checkers of the derivatives chapter's exercises: their catalogues.

The attempts are in tests/attempts_derivatives.py; here their verdicts
and hints, and what the catalogue cannot state. ``BOOK_*`` (the
chapter's solution) and ``OK_*`` (correct solutions written differently)
must pass; each ``BAD_*`` (a typical wrong answer) must fail, or be "not
attempted", with the hint fragments listed.
"""

import threading

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import attempts_derivatives as S
from py4eng_jax import check
from py4eng_jax.check import _deadline
from py4eng_jax.check import _derivatives as D
from py4eng_jax.check import _framework as C
from support import (
    SHORT_DEADLINE_S,
    assert_hint,
    assert_stopped_in_time,
    catalogue_tests,
)

PASS, FAIL, TODO = "pass", "fail", "not attempted"
RETURN = (FAIL, "returned None", "forget `return`")

# ------------------------------------------------------------ the catalogue

HVP_SHOWN = "f = rosenbrock, x = [0.5, -1.0], v = [1.0, 0.0]"
HESSIAN = ("builds an array of 256 numbers for x of size 16",
           "the whole Hessian (16 x 16)", "jax.jvp of jax.grad(f)")
NOT_JITTABLE = ("Your values are right", "not jittable")
NUMPY = ("NumPy", "jnp")
LIST = ("should be an array", "returned a list")
CURVE_SHOWN = "f = rosenbrock, x = [0.5, -1.0]"
NEVER_RETURNS = ("did not return within", "Python loop")
ENDLESS_WHILE = ("still running after 10000 steps", "never turned false")

# exercise: (checker, {attempt: (verdict, *hint fragments)})
CATALOGUE = {
    "derivatives-ex1": ("hvp", {
        "BOOK_hvp": (PASS, "three functions", "never builds the Hessian"),
        "OK_hvp_reverse_over_reverse": (PASS,),
        "OK_hvp_linearize": (PASS,),
        "OK_hvp_vjp_of_grad": (PASS,),
        "OK_hvp_reverse_over_forward": (PASS,),
        "BAD_hvp_stub": (TODO, "Not attempted yet"),
        "BAD_hvp_hessian": (FAIL, *HESSIAN),
        "BAD_hvp_rows_in_python": (FAIL, *HESSIAN),
        "BAD_hvp_curvature": (FAIL, "returned one number", "v . H v",
                              "the curvature of f along v",
                              "the vector H v"),
        "BAD_hvp_directional": (FAIL, "returned one number", HVP_SHOWN,
                                "directional derivative",
                                "derivative of the gradient"),
        "BAD_hvp_pair": (FAIL, "returned a tuple of 2", "keep the tangent"),
        "BAD_hvp_primal": (FAIL, f"Wrong values for H(x) v with {HVP_SHOWN}",
                           "the gradient itself"),
        "BAD_hvp_grad_times_v": (FAIL, "gradient times v, element by "
                                 "element"),
        "BAD_hvp_diagonal": (FAIL, "only the diagonal of the Hessian"),
        "BAD_hvp_sign": (FAIL, "-H v", "sign"),
        "BAD_hvp_finite_difference": (FAIL, "Close, but not exact",
                                      "finite difference"),
        "BAD_hvp_no_tuples": (FAIL, "jax.jvp takes the inputs and the "
                              "tangents as tuples", "jax.jvp(f, (x,), (v,))"),
        "BAD_hvp_grad_of_grad": (FAIL, "jax.grad differentiates a function "
                                 "with one number as output", "jax.jvp"),
        "BAD_hvp_numpy": (FAIL, *NOT_JITTABLE, *NUMPY),
        "BAD_hvp_list": (FAIL, *LIST),
        "BAD_hvp_python_forever": (FAIL, *NEVER_RETURNS),
        "BAD_hvp_endless_while": (FAIL, *ENDLESS_WHILE),
        "BAD_hvp_ignores_v": (FAIL, "ignores the v"),
        "BAD_hvp_two_entries": (FAIL, "expected (16,), got (2,)"),
        "BAD_hvp_forgot_return": RETURN,
    }),
    "derivatives-ex2": ("curvature_step", {
        "BOOK_curvature_step": (PASS, "four functions",
                                "never builds the Hessian"),
        "OK_curvature_step_line": (PASS,),
        "OK_curvature_step_vjp": (PASS,),
        "OK_curvature_step_jvp_of_jvp": (PASS,),
        "BAD_curvature_step_stub": (TODO, "Not attempted yet"),
        "BAD_curvature_step_plain": (FAIL, f"with {CURVE_SHOWN}",
                                     "plain gradient step, alpha = 1"),
        "BAD_curvature_step_uphill": (FAIL, "goes uphill"),
        "BAD_curvature_step_upside_down": (FAIL, "upside down"),
        "BAD_curvature_step_half": (FAIL, "half the right one", "1/2"),
        "BAD_curvature_step_norm": (FAIL, "uses |g|"),
        "BAD_curvature_step_unit_direction": (FAIL, "too short",
                                              "the direction is g, not "
                                              "g / |g|"),
        "BAD_curvature_step_unit_alpha": (FAIL, "too long",
                                          "unit direction g / |g|",
                                          "the line you step along"),
        "BAD_curvature_step_diagonal": (FAIL, "only the diagonal"),
        "BAD_curvature_step_newton": (FAIL, "That is a Newton step"),
        "BAD_curvature_step_hessian": (FAIL, *HESSIAN[:2],
                                       "curvature along g only"),
        "BAD_curvature_step_alpha": (FAIL, "returned one number",
                                     "the step length alpha",
                                     "return x - alpha g"),
        "BAD_curvature_step_only_step": (FAIL, "the step -alpha g",
                                         "add x"),
        "BAD_curvature_step_pair": (FAIL, "should be one array",
                                    "a tuple of 2", "Return only the new "
                                    "point"),
        "BAD_curvature_step_ignores_x": (FAIL, "the point x = 0"),
        "BAD_curvature_step_two_entries": (FAIL, "right for x of size 2",
                                           "assume a size"),
        "BAD_curvature_step_finite_difference": (FAIL, "Close, but not "
                                                 "exact", CURVE_SHOWN),
        "BAD_curvature_step_float": (FAIL, *NOT_JITTABLE, "float()"),
        "BAD_curvature_step_forgot_return": RETURN,
        "BAD_curvature_step_endless_newton": (FAIL, *ENDLESS_WHILE),
        "BAD_curvature_step_python_forever": (FAIL, *NEVER_RETURNS),
    }),
}

ATTEMPTS = [(exercise, checker, name, expected)
            for exercise, (checker, attempts) in CATALOGUE.items()
            for name, expected in attempts.items()]


(test_catalogue, test_catalogue_covers_every_exercise,
 test_catalogue_lists_every_attempt) = catalogue_tests(CATALOGUE, vars(S))


@pytest.mark.parametrize("checker,forever", [
    ("hvp", S.BAD_hvp_python_forever),
    ("curvature_step", S.BAD_curvature_step_python_forever)])
def test_a_function_that_never_returns_gets_a_hint_in_time(checker,
                                                           forever,
                                                           monkeypatch):
    """a hint soon after the deadline, and the kernel lives on (with a
    short deadline: test_check_fitting.py tries the real one)"""
    monkeypatch.setenv(C.DEADLINE_ENV, str(SHORT_DEADLINE_S))
    feedback = getattr(check, checker)(forever)
    assert_stopped_in_time(C.last_wait())
    assert_hint(feedback, *NEVER_RETURNS)
    assert sum(t.name == "py4eng-checker" and t.is_alive()
               for t in threading.enumerate()) == 0
    assert jax.lax.while_loop is _deadline._ORIGINAL_WHILE


@pytest.mark.parametrize("checker,result", [
    ("hvp", S.BOOK_hvp(D._rosenbrock, jnp.array([0.5, -1.0]),
                       jnp.array([1.0, 0.0]))),
    ("curvature_step", S.BOOK_curvature_step(D._rosenbrock,
                                             jnp.array([0.5, -1.0])))])
def test_the_result_instead_of_the_function_gets_a_hint(checker, result):
    """check.hvp(hvp(f, x, v)) says: pass the function itself"""
    feedback = getattr(check, checker)(result)
    assert feedback.status == FAIL
    assert_hint(feedback, f"expects your function {checker} itself",
                "got a jax.Array", f"check.{checker}(my_function)")


@pytest.mark.parametrize("h", [1e-2, 3e-3, 1e-3, 1e-4])
def test_no_finite_difference_step_passes(h):
    """no step h makes a central difference pass for all three functions"""
    def hvp(f, x, v):
        return (jax.grad(f)(x + h * v) - jax.grad(f)(x - h * v)) / (2 * h)
    assert check.hvp(hvp).status == FAIL


@pytest.mark.parametrize("case", range(3))
def test_hvp_references_agree_with_jax(case):
    """the hand-written H v, gradient and diagonal agree with jax.hessian"""
    _, f, derivatives, x, v = D._hvp_cases()[case]
    x32, v32 = jnp.asarray(x, jnp.float32), jnp.asarray(v, jnp.float32)
    H = np.asarray(jax.hessian(f)(x32), np.float64)
    hv, grad, diagonal = derivatives(np.asarray(x32, np.float64),
                                     np.asarray(v32, np.float64))
    np.testing.assert_allclose(hv, H @ np.asarray(v32), rtol=1e-5,
                               atol=1e-5)
    np.testing.assert_allclose(grad, jax.grad(f)(x32), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(diagonal, H.diagonal(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", range(4))
def test_curvature_references_agree_with_jax(case):
    """the hand-written gradient and H g of each curvature_step case agree
    with jax.grad and jax.hessian (the quadratic's included)"""
    _, f, derivatives, x = D._curvature_cases()[case]
    x32 = jnp.asarray(x, jnp.float32)
    x64 = np.asarray(x32, np.float64)
    H = np.asarray(jax.hessian(f)(x32), np.float64)
    _, g, _ = derivatives(x64, np.zeros_like(x64))
    np.testing.assert_allclose(g, jax.grad(f)(x32), rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(derivatives(x64, g)[0], H @ g, rtol=1e-4,
                               atol=1e-3)


def test_curvature_step_is_exact_for_a_quadratic():
    """on the quadratic, the step lands on the lowest point of the line"""
    _, f, derivatives, x = D._curvature_cases()[2]
    _, g, _ = derivatives(x, np.zeros_like(x))
    new = x - (g @ g) / (g @ derivatives(x, g)[0]) * g
    line = [float(f(jnp.asarray(new + t * g))) for t in (-1e-2, 0, 1e-2)]
    assert line[1] < line[0] and line[1] < line[2], line
