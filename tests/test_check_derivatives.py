"""The derivatives chapter's checkers, as a catalogue (the pattern of
tests/test_check_catalogue.py): every attempt below gets the verdict and
the hint stated in CATALOGUE.

``BOOK_*`` (the chapter's solution) and ``OK_*`` (correct solutions
written differently) must pass; each ``BAD_*`` (a typical wrong answer)
must fail, or be "not attempted", with the hint fragments listed.
"""

import pathlib
import threading

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

from py4eng_jax import check
from py4eng_jax.check import _deadline
from py4eng_jax.check import _derivatives as D
from py4eng_jax.check import _framework as C
from support import SHORT_DEADLINE_S, assert_hint, catalogue_tests

PASS, FAIL, TODO = "pass", "fail", "not attempted"

# ------------------------------------------------------------ derivatives-ex1


def BOOK_hvp(f, x, v):
    return jax.jvp(jax.grad(f), (x,), (v,))[1]


def OK_hvp_reverse_over_reverse(f, x, v):
    return jax.grad(lambda x: jnp.vdot(jax.grad(f)(x), v))(x)


def OK_hvp_linearize(f, x, v):
    _, push = jax.linearize(jax.grad(f), x)
    return push(v)


def OK_hvp_vjp_of_grad(f, x, v):
    _, pull = jax.vjp(jax.grad(f), x)
    return pull(v)[0]     # v^T H = (H v)^T: the Hessian is symmetric


def OK_hvp_reverse_over_forward(f, x, v):
    return jax.grad(lambda x: jax.jvp(f, [x], [v])[1])(x)


def BAD_hvp_stub(f, x, v):
    ...


def BAD_hvp_hessian(f, x, v):
    return jax.hessian(f)(x) @ v


def BAD_hvp_rows_in_python(f, x, v):
    rows = [jax.grad(lambda x, i=i: jax.grad(f)(x)[i])(x)
            for i in range(len(x))]
    return jnp.stack(rows) @ v


def BAD_hvp_directional(f, x, v):
    return jax.jvp(f, (x,), (v,))[1]


def BAD_hvp_pair(f, x, v):
    return jax.jvp(jax.grad(f), (x,), (v,))


def BAD_hvp_primal(f, x, v):
    return jax.jvp(jax.grad(f), (x,), (v,))[0]


def BAD_hvp_grad_times_v(f, x, v):
    return jax.grad(f)(x) * v


def BAD_hvp_diagonal(f, x, v):
    second = jax.vmap(lambda e: jax.jvp(
        jax.grad(f), (x,), (e,))[1] @ e)(jnp.eye(len(x)))
    return second * v


def BAD_hvp_sign(f, x, v):
    return jax.jvp(jax.grad(f), (x,), (-v,))[1]


def BAD_hvp_finite_difference(f, x, v):
    h = 1e-3
    return (jax.grad(f)(x + h * v) - jax.grad(f)(x - h * v)) / (2 * h)


def BAD_hvp_no_tuples(f, x, v):
    return jax.jvp(jax.grad(f), x, v)[1]


def BAD_hvp_grad_of_grad(f, x, v):
    return jax.grad(jax.grad(f))(x) @ v


def BAD_hvp_numpy(f, x, v):
    return np.dot(np.asarray(jax.hessian(f)(x)), np.asarray(v))


def BAD_hvp_list(f, x, v):
    return [float(a) for a in jax.jvp(jax.grad(f), (x,), (v,))[1]]


def BAD_hvp_python_forever(f, x, v):
    rows, i = [], 0
    while i < len(x):     # forgets i += 1
        rows.append(jax.grad(lambda x: jax.grad(f)(x)[i])(x) @ v)
    return jnp.stack(rows)


def BAD_hvp_endless_while(f, x, v):
    g = jax.grad(f)

    def body(state):      # forgets i + 1
        i, out = state
        row = jax.grad(lambda x: g(x)[i])(x)
        return i, out.at[i].set(row @ v)

    return lax.while_loop(lambda s: s[0] < x.size, body,
                          (0, jnp.zeros_like(x)))[1]


# ------------------------------------------------------------ derivatives-ex2


def BOOK_newton_step(f, x):
    J = jax.jacfwd(f)(x)
    return x - jnp.linalg.solve(J, f(x))


def OK_newton_step_jacrev(f, x):
    return x + jnp.linalg.solve(jax.jacrev(f)(x), -f(x))


def OK_newton_step_linearize(f, x):
    fx, push = jax.linearize(f, x)
    J = jax.vmap(push, out_axes=1)(jnp.eye(x.size, dtype=x.dtype))
    return x - jnp.linalg.solve(J, fx)


def OK_newton_step_inverse(f, x):   # less good than solve, but right
    return x - jnp.linalg.inv(jax.jacobian(f)(x)) @ f(x)


def BAD_newton_step_stub(f, x):
    ...


def BAD_newton_step_wrong_way(f, x):
    return x + jnp.linalg.solve(jax.jacfwd(f)(x), f(x))


def BAD_newton_step_dx(f, x):
    return -jnp.linalg.solve(jax.jacfwd(f)(x), f(x))


def BAD_newton_step_transposed(f, x):
    return x - jnp.linalg.solve(jax.jacfwd(f)(x).T, f(x))


def BAD_newton_step_diagonal(f, x):
    return x - f(x) / jnp.diag(jax.jacfwd(f)(x))


def BAD_newton_step_multiply(f, x):
    return x - jax.jacfwd(f)(x) @ f(x)


def BAD_newton_step_two(f, x):
    return BOOK_newton_step(f, BOOK_newton_step(f, x))


def BAD_newton_step_grad(f, x):
    return x - f(x) / jax.grad(f)(x)


def BAD_newton_step_numpy(f, x):
    return x - np.linalg.solve(jax.jacfwd(f)(x), f(x))


def BAD_newton_step_float(f, x):
    J = jax.jacfwd(f)(x)
    scale = float(jnp.abs(J).max())
    return x - jnp.linalg.solve(J / scale, f(x) / scale)


def BAD_newton_step_column(f, x):
    return x[:, None] - jnp.linalg.solve(jax.jacfwd(f)(x), f(x)[:, None])


def BAD_newton_step_pair(f, x):
    return BOOK_newton_step(f, x), f(x)


def BAD_newton_step_finite_difference(f, x):
    h = 1e-3
    J = jnp.stack([(f(x + h * e) - f(x)) / h for e in jnp.eye(x.size)],
                  axis=1)
    return x - jnp.linalg.solve(J, f(x))


def BAD_newton_step_list(f, x):
    return [float(a) for a in BOOK_newton_step(f, x)]


def BAD_newton_step_python_forever(f, x):
    steps = 0
    while steps < 1:      # forgets steps += 1
        x = x - jnp.linalg.solve(jax.jacfwd(f)(x), f(x))
    return x


def BAD_newton_step_endless_while(f, x):
    def body(state):      # forgets k + 1
        k, x = state
        return k, x - jnp.linalg.solve(jax.jacfwd(f)(x), f(x))

    return lax.while_loop(lambda s: s[0] < 1, body, (0, x))[1]


# ------------------------------------------------------------ the catalogue

HVP_SHOWN = "f = rosenbrock, x = [0.5, -1.0], v = [1.0, 0.0]"
HESSIAN = ("builds an array of 256 numbers for x of size 16",
           "the whole Hessian (16 x 16)", "jax.jvp of jax.grad(f)")
NOT_JITTABLE = ("Your values are right", "not jittable")
NUMPY = ("NumPy", "jnp")
LIST = ("should be an array", "returned a list")
NEWTON_SHOWN = ("f = the circle x**2 + y**2 = 4 and the line y = x, "
                "x = [1., 2.]")
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
        "BAD_hvp_directional": (FAIL, "returned one number", HVP_SHOWN,
                                "directional derivative",
                                "JVP of jax.grad(f)"),
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
    }),
    "derivatives-ex2": ("newton_step", {
        "BOOK_newton_step": (PASS, "three systems", "jax.jit"),
        "OK_newton_step_jacrev": (PASS,),
        "OK_newton_step_linearize": (PASS,),
        "OK_newton_step_inverse": (PASS,),
        "BAD_newton_step_stub": (TODO, "Not attempted yet"),
        "BAD_newton_step_wrong_way": (FAIL, "Wrong values for the new x "
                                      f"with {NEWTON_SHOWN}",
                                      "goes the wrong way"),
        "BAD_newton_step_dx": (FAIL, "the step dx = -J^-1 f(x)"),
        "BAD_newton_step_transposed": (FAIL, "transposed Jacobian"),
        "BAD_newton_step_diagonal": (FAIL, "diagonal of the Jacobian"),
        "BAD_newton_step_multiply": (FAIL, "multiplies f(x) by the "
                                     "Jacobian"),
        "BAD_newton_step_two": (FAIL, "two Newton steps"),
        "BAD_newton_step_grad": (FAIL, "one number as output",
                                 "jax.jacfwd"),
        "BAD_newton_step_numpy": (FAIL, *NOT_JITTABLE, *NUMPY),
        "BAD_newton_step_float": (FAIL, *NOT_JITTABLE, "float()"),
        "BAD_newton_step_column": (FAIL, "expected (2,), got (2, 1)",
                                   "not a column"),
        "BAD_newton_step_pair": (FAIL, "should be one array",
                                 "a tuple of 2", "only the new x"),
        "BAD_newton_step_finite_difference": (FAIL, "Close, but not exact",
                                              NEWTON_SHOWN),
        "BAD_newton_step_list": (FAIL, *LIST),
        "BAD_newton_step_python_forever": (FAIL, *NEVER_RETURNS),
        "BAD_newton_step_endless_while": (FAIL, *ENDLESS_WHILE),
    }),
}

ATTEMPTS = [(exercise, checker, name, expected)
            for exercise, (checker, attempts) in CATALOGUE.items()
            for name, expected in attempts.items()]


(test_catalogue, test_catalogue_covers_every_exercise,
 test_catalogue_lists_every_attempt) = catalogue_tests(CATALOGUE, globals())


@pytest.mark.parametrize("checker,forever", [
    ("hvp", BAD_hvp_python_forever),
    ("newton_step", BAD_newton_step_python_forever)])
def test_a_function_that_never_returns_gets_a_hint_in_time(checker,
                                                           forever,
                                                           monkeypatch):
    """a hint soon after the deadline, and the kernel lives on (with a
    short deadline: test_check_fitting.py tries the real one)"""
    monkeypatch.setenv(C.DEADLINE_ENV, str(SHORT_DEADLINE_S))
    feedback = getattr(check, checker)(forever)
    wait = C.last_wait()
    assert wait.timed_out, wait
    assert SHORT_DEADLINE_S <= wait.idle_s < SHORT_DEADLINE_S + 2, wait
    assert_hint(feedback, *NEVER_RETURNS)
    assert sum(t.name == "py4eng-checker" and t.is_alive()
               for t in threading.enumerate()) == 0
    assert jax.lax.while_loop is _deadline._ORIGINAL_WHILE


@pytest.mark.parametrize("checker,result", [
    ("hvp", BOOK_hvp(D._rosenbrock, jnp.array([0.5, -1.0]),
                     jnp.array([1.0, 0.0]))),
    ("newton_step", BOOK_newton_step(D._circle_line,
                                     jnp.array([1.0, 2.0])))])
def test_the_result_instead_of_the_function_gets_a_hint(checker, result):
    """check.hvp(hvp(f, x, v)) says: pass the function itself"""
    feedback = getattr(check, checker)(result)
    assert feedback.status == FAIL
    assert_hint(feedback, f"expects your function {checker} itself",
                "got a ArrayImpl", f"check.{checker}(my_function)")


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


@pytest.mark.parametrize("case", range(3))
def test_newton_references_agree_with_jax(case):
    """the hand-written systems and Jacobians agree with jax.jacfwd"""
    _, f, f_np, x = D._NEWTON_CASES[case]
    x32 = jnp.asarray(x, jnp.float32)
    fx, J = f_np(np.asarray(x32, np.float64))
    np.testing.assert_allclose(fx, f(x32), rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(J, jax.jacfwd(f)(x32), rtol=1e-5, atol=1e-4)


def test_springs_match_the_chapter():
    """the checker's spring system is the chapter's net_force"""
    text = (pathlib.Path(__file__).parents[1] / "book"
            / "derivatives.md").read_text()
    for fragment in ("[[0.0, 0.0], [3.0, 1.0]]", "[300.0, 200.0]",
                     "[1.5, 1.8]", "weight = 50.0"):
        assert fragment in text, fragment
