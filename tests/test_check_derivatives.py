"""Derivatives chapter checkers: solutions pass, typical mistakes get the
hint."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py4eng_jax import check


def verdict(feedback):
    return feedback.status, feedback.message


# hvp: a Hessian-vector product without the Hessian

def hvp_book(f, x, v):
    return jax.jvp(jax.grad(f), (x,), (v,))[1]


def hvp_reverse_over_reverse(f, x, v):
    return jax.grad(lambda x: jnp.vdot(jax.grad(f)(x), v))(x)


def hvp_reverse_over_forward(f, x, v):
    return jax.grad(lambda x: jax.jvp(f, [x], [v])[1])(x)


def hvp_linearize(f, x, v):
    _, push = jax.linearize(jax.grad(f), x)
    return push(v)


def hvp_vjp_of_grad(f, x, v):
    _, pull = jax.vjp(jax.grad(f), x)
    return pull(v)[0]     # H^T v = H v: the Hessian is symmetric


@pytest.mark.parametrize("solution", [
    hvp_book, hvp_reverse_over_reverse, hvp_reverse_over_forward,
    hvp_linearize, hvp_vjp_of_grad])
def test_hvp_passes_correct_solutions(solution):
    """forward-over-reverse and four other ways of writing H v all pass"""
    status, message = verdict(check.hvp(solution))
    assert status == "pass", message
    assert "never builds the Hessian" in message


def test_hvp_empty_stub_is_not_attempted():
    """the exercise's stub reports 'not attempted yet'"""
    def hvp(f, x, v):
        ...
    assert check.hvp(hvp).status == "not attempted"


def test_hvp_hints_at_building_the_hessian():
    """jax.hessian(f)(x) @ v is right but builds the n x n matrix"""
    status, message = verdict(check.hvp(
        lambda f, x, v: jax.hessian(f)(x) @ v))
    assert status == "fail"
    assert "builds an array of 256 numbers for x of size 16: the whole " \
        "Hessian (16 x 16)" in message


def test_hvp_hints_at_jacfwd_of_grad_times_v():
    """jacfwd(grad(f))(x) @ v is the Hessian too, and is caught"""
    status, message = verdict(check.hvp(
        lambda f, x, v: jax.jacfwd(jax.grad(f))(x) @ v))
    assert status == "fail"
    assert "the whole Hessian (16 x 16)" in message


def test_hvp_hints_at_a_python_loop_over_rows():
    """a Hessian built row by row in a Python loop is caught"""
    def hvp(f, x, v):
        rows = [jax.grad(lambda x, i=i: jax.grad(f)(x)[i])(x)
                for i in range(len(x))]
        return jnp.stack(rows) @ v
    status, message = verdict(check.hvp(hvp))
    assert status == "fail"
    assert "the whole Hessian (16 x 16)" in message


def test_hvp_hints_at_the_directional_derivative():
    """a JVP of f itself (one number) gets the 'take the gradient' hint"""
    status, message = verdict(check.hvp(
        lambda f, x, v: jax.jvp(f, (x,), (v,))[1]))
    assert status == "fail"
    assert message == (
        "hvp returned one number for f = rosenbrock, x = [0.5, -1.0], "
        "v = [1.0, 0.0], but H(x) v has the shape of x, (2,). A JVP of f "
        "itself gives the directional derivative grad f . v; take the JVP "
        "of jax.grad(f) instead.")


def test_hvp_hints_at_returning_the_pair():
    """returning jax.jvp's whole pair gets the 'keep the tangent' hint"""
    status, message = verdict(check.hvp(
        lambda f, x, v: jax.jvp(jax.grad(f), (x,), (v,))))
    assert status == "fail"
    assert "returned a tuple of 2" in message
    assert "keep the tangent" in message


def test_hvp_hints_at_the_primal_output():
    """the first output of jvp (the gradient) gets its own hint"""
    status, message = verdict(check.hvp(
        lambda f, x, v: jax.jvp(jax.grad(f), (x,), (v,))[0]))
    assert status == "fail"
    assert message == (
        "Wrong values for H(x) v with f = rosenbrock, x = [0.5, -1.0], "
        "v = [1.0, 0.0]. That is the gradient itself, the first output of "
        "jax.jvp; H v is the second.")


def test_hvp_hints_at_gradient_times_v():
    """grad(f)(x) * v, element by element, is named"""
    status, message = verdict(check.hvp(
        lambda f, x, v: jax.grad(f)(x) * v))
    assert status == "fail"
    assert "That is the gradient times v, element by element" in message


def test_hvp_hints_at_the_diagonal_only():
    """second derivatives along each axis only (the diagonal) are named"""
    def hvp(f, x, v):
        second = jax.vmap(lambda e: jax.jvp(
            jax.grad(f), (x,), (e,))[1] @ e)(jnp.eye(len(x)))
        return second * v
    status, message = verdict(check.hvp(hvp))
    assert status == "fail"
    assert "That uses only the diagonal of the Hessian." in message


def test_hvp_rejects_a_finite_difference():
    """a finite difference of the gradient is close but not right"""
    def hvp(f, x, v):
        h = 1e-3
        return (jax.grad(f)(x + h * v) - jax.grad(f)(x - h * v)) / (2 * h)
    status, message = verdict(check.hvp(hvp))
    assert status == "fail"
    assert message.startswith("Close, but not exact, for H(x) v with f(x) = ")
    assert "such as a finite difference?" in message


@pytest.mark.parametrize("h", [1e-2, 3e-3, 1e-3, 1e-4])
def test_hvp_rejects_a_finite_difference_at_any_step(h):
    """no step h makes a central difference pass for all three functions"""
    def hvp(f, x, v):
        return (jax.grad(f)(x + h * v) - jax.grad(f)(x - h * v)) / (2 * h)
    assert check.hvp(hvp).status == "fail"


def test_hvp_hints_at_jvp_without_tuples():
    """jax.jvp(g, x, v) without tuples gets the 'takes tuples' hint"""
    status, message = verdict(check.hvp(
        lambda f, x, v: jax.jvp(jax.grad(f), x, v)[1]))
    assert status == "fail"
    assert message.startswith("Your function raised TypeError")
    assert message.endswith("jax.jvp takes tuples: jax.jvp(g, (x,), (v,)).")


def test_hvp_hints_at_grad_of_a_vector():
    """grad of the gradient (a vector) gets the 'one number' hint"""
    status, message = verdict(check.hvp(
        lambda f, x, v: jax.grad(jax.grad(f))(x) @ v))
    assert status == "fail"
    assert "jax.grad needs a function with one number as output" in message


def test_hvp_hints_at_numpy_inside_jit():
    """np.dot on the Hessian works eagerly but not under jit"""
    status, message = verdict(check.hvp(
        lambda f, x, v: np.dot(np.asarray(jax.hessian(f)(x)), v)))
    assert status == "fail"
    assert message.startswith("Your values are right, but your function "
                              "is not jittable: it converts a traced array "
                              "to NumPy.")


# newton_step: one step of Newton's method for a system

def newton_step_book(f, x):
    J = jax.jacfwd(f)(x)
    return x - jnp.linalg.solve(J, f(x))


def newton_step_jacrev(f, x):
    return x + jnp.linalg.solve(jax.jacrev(f)(x), -f(x))


def newton_step_linearize(f, x):
    fx, push = jax.linearize(f, x)
    J = jax.vmap(push, out_axes=1)(jnp.eye(x.size, dtype=x.dtype))
    return x - jnp.linalg.solve(J, fx)


def newton_step_inverse(f, x):
    return x - jnp.linalg.inv(jax.jacobian(f)(x)) @ f(x)


@pytest.mark.parametrize("solution", [
    newton_step_book, newton_step_jacrev, newton_step_linearize,
    newton_step_inverse])
def test_newton_step_passes_correct_solutions(solution):
    """jacfwd or jacrev, solve or (less good, but right) inv all pass"""
    status, message = verdict(check.newton_step(solution))
    assert status == "pass", message
    assert message == ("Correct: your Newton step matches for three "
                       "systems and works under jax.jit.")


def test_newton_step_empty_stub_is_not_attempted():
    """the exercise's stub reports 'not attempted yet'"""
    def newton_step(f, x):
        ...
    assert check.newton_step(newton_step).status == "not attempted"


SHOWN = "f = the circle x**2 + y**2 = 4 and the line y = x, x = [1., 2.]"


@pytest.mark.parametrize("wrong, hint", [
    (lambda f, x: x + jnp.linalg.solve(jax.jacfwd(f)(x), f(x)),
     "The step goes the wrong way"),
    (lambda f, x: -jnp.linalg.solve(jax.jacfwd(f)(x), f(x)),
     "That is the step dx = -J^-1 f(x), not the new x"),
    (lambda f, x: jnp.linalg.solve(jax.jacfwd(f)(x), f(x)),
     "That is J^-1 f(x), not the new x"),
    (lambda f, x: x - jnp.linalg.solve(jax.jacfwd(f)(x).T, f(x)),
     "That uses the transposed Jacobian"),
    (lambda f, x: x - f(x) / jnp.diag(jax.jacfwd(f)(x)),
     "That divides by the diagonal of the Jacobian"),
    (lambda f, x: x - jax.jacfwd(f)(x) @ f(x),
     "That multiplies f(x) by the Jacobian"),
    (lambda f, x: newton_step_book(f, newton_step_book(f, x)),
     "That is two Newton steps"),
])
def test_newton_step_names_the_mistake(wrong, hint):
    """each typical wrong formula gets its own hint, for the shown system"""
    status, message = verdict(check.newton_step(wrong))
    assert status == "fail"
    assert message.startswith(f"Wrong values for the new x with {SHOWN}. ")
    assert hint in message


def test_newton_step_hints_at_grad_for_a_system():
    """jax.grad of a vector function gets the 'use jacfwd' hint"""
    status, message = verdict(check.newton_step(
        lambda f, x: x - f(x) / jax.grad(f)(x)))
    assert status == "fail"
    assert message.startswith("Your function raised TypeError: Gradient "
                              "only defined for scalar-output functions.")
    assert "jax.jacfwd(f) (or jax.jacobian(f))" not in message
    assert "jax.jacfwd(f) (or jax.jacrev(f))" in message


def test_newton_step_hints_at_numpy_inside_jit():
    """np.linalg.solve works eagerly but not under jit"""
    status, message = verdict(check.newton_step(
        lambda f, x: x - np.linalg.solve(jax.jacfwd(f)(x), f(x))))
    assert status == "fail"
    assert message.startswith("Your values are right, but your function "
                              "is not jittable: it converts a traced array "
                              "to NumPy.")


def test_newton_step_hints_at_python_float():
    """float() of a traced value works eagerly but not under jit"""
    def newton_step(f, x):
        J = jax.jacfwd(f)(x)
        scale = float(jnp.abs(J).max())
        return x - jnp.linalg.solve(J / scale, f(x) / scale)
    status, message = verdict(check.newton_step(newton_step))
    assert status == "fail"
    assert "not jittable: it uses the value of a traced array" in message


def test_newton_step_hints_at_a_column():
    """solving with f(x) as a column gives the wrong shape"""
    status, message = verdict(check.newton_step(
        lambda f, x: x[:, None] - jnp.linalg.solve(
            jax.jacfwd(f)(x), f(x)[:, None])))
    assert status == "fail"
    assert message == (f"Wrong shape for the new x: expected (2,), got "
                       f"(2, 1), for {SHOWN}. Solve with the vector f(x) "
                       f"(shape (2,)), not a column.")


def test_newton_step_hints_at_returning_a_pair():
    """returning (x, f(x)) gets the 'one array' hint"""
    status, message = verdict(check.newton_step(
        lambda f, x: (newton_step_book(f, x), f(x))))
    assert status == "fail"
    assert "should return the new x, one array, but returned a tuple of 2" \
        in message


def test_newton_step_rejects_a_finite_difference_jacobian():
    """a Jacobian by forward differences is close but not exact"""
    def newton_step(f, x):
        h = 1e-3
        J = jnp.stack([(f(x + h * e) - f(x)) / h
                       for e in jnp.eye(x.size)], axis=1)
        return x - jnp.linalg.solve(J, f(x))
    status, message = verdict(check.newton_step(newton_step))
    assert status == "fail"
    assert message.startswith(f"Close, but not exact, for the new x with "
                              f"{SHOWN}")


def test_newton_step_list_instead_of_array():
    """a list of floats is not an array"""
    status, message = verdict(check.newton_step(
        lambda f, x: [float(a) for a in newton_step_book(f, x)]))
    assert status == "fail"
    assert "returned a list of 2" in message
