"""Loops chapter checkers: solutions pass, typical mistakes get the hint."""

import jax
import jax.numpy as jnp
from jax import lax

from py4eng_jax import check


# running_mean (lax.scan)

def running_mean_solution(x):
    def step(carry, xi):
        total, count = carry
        total, count = total + xi, count + 1
        return (total, count), total / count

    _, means = lax.scan(step, (0.0, 0), x)
    return means


def test_running_mean_passes_the_solution():
    """the chapter's scan solution passes"""
    feedback = check.running_mean(running_mean_solution)
    assert feedback.passed
    assert "lax.scan" in feedback.message


def test_running_mean_empty_stub_is_not_attempted():
    """the empty exercise cell reports 'not attempted yet'"""
    def running_mean(x):
        ...

    assert check.running_mean(running_mean).status == "not attempted"


def test_running_mean_hints_at_returning_the_carry():
    """returning the carry (the last mean) gets a shape hint about scan"""
    def running_mean(x):
        def step(total, xi):
            return total + xi, None
        total, _ = lax.scan(step, 0.0, x)
        return total / len(x)

    feedback = check.running_mean(running_mean)
    assert feedback.status == "fail"
    assert "Wrong shape for the running mean: expected (4,), got ()" \
        in feedback.message
    assert "return the stacked outputs" in feedback.message


def test_running_mean_hints_at_an_off_by_one_count():
    """dividing by the count before adding one gets 'wrong values'"""
    def running_mean(x):
        def step(carry, xi):
            total, count = carry
            return (total + xi, count + 1), (total + xi) / jnp.maximum(
                count, 1)
        return lax.scan(step, (0.0, 0), x)[1]

    feedback = check.running_mean(running_mean)
    assert feedback.status == "fail"
    assert "Wrong values for the running mean with x = [2., 4., 6., 8.]" \
        in feedback.message


def test_running_mean_hints_at_an_unrolled_python_loop():
    """a Python loop over the values is right but gets the 'unrolls' hint"""
    def running_mean(x):
        means, total = [], 0.0
        for i, xi in enumerate(x):
            total = total + xi
            means.append(total / (i + 1))
        return jnp.stack(means)

    feedback = check.running_mean(running_mean)
    assert feedback.status == "fail"
    assert "unrolls a Python loop" in feedback.message
    assert "lax.scan" in feedback.message


def test_running_mean_hints_at_not_jittable():
    """converting traced values to Python floats gets 'not jittable'"""
    def running_mean(x):
        means, total = [], 0.0
        for i, xi in enumerate(x):
            total += float(xi)
            means.append(total / (i + 1))
        return jnp.array(means)

    feedback = check.running_mean(running_mean)
    assert feedback.status == "fail"
    assert "not jittable" in feedback.message
    assert "lax.scan" in feedback.message


def test_running_mean_accepts_a_vectorized_formula_with_a_note():
    """cumsum / arange is correct; the message suggests trying scan"""
    def running_mean(x):
        return jnp.cumsum(x) / jnp.arange(1, x.shape[0] + 1)

    feedback = check.running_mean(running_mean)
    assert feedback.passed
    assert "without lax.scan" in feedback.message


# newton (lax.while_loop)

def newton_solution(f, x0, tol=1e-6, max_iter=50):
    df = jax.grad(f)

    def keep_going(state):
        x, steps = state
        return (jnp.abs(f(x)) >= tol) & (steps < max_iter)

    def step(state):
        x, steps = state
        return x - f(x) / df(x), steps + 1

    return lax.while_loop(keep_going, step, (x0, 0))


def test_newton_passes_the_solution():
    """the chapter's while_loop solution passes"""
    assert check.newton(newton_solution).passed


def test_newton_empty_stub_is_not_attempted():
    """the empty exercise cell reports 'not attempted yet'"""
    def newton(f, x0, tol=1e-6, max_iter=50):
        ...

    assert check.newton(newton).status == "not attempted"


def test_newton_hints_at_a_missing_step_count():
    """returning only the root gets 'should return a pair'"""
    def newton(f, x0, tol=1e-6, max_iter=50):
        return newton_solution(f, x0, tol, max_iter)[0]

    feedback = check.newton(newton)
    assert feedback.status == "fail"
    assert "should return a pair (x, steps)" in feedback.message


def test_newton_hints_at_a_python_while_loop():
    """a Python while on a traced value gets 'use lax.while_loop'"""
    def newton(f, x0, tol=1e-6, max_iter=50):
        x, steps = x0, 0
        while abs(f(x)) >= tol and steps < max_iter:
            x, steps = x - f(x) / jax.grad(f)(x), steps + 1
        return x, steps

    feedback = check.newton(newton)
    assert feedback.status == "fail"
    assert "not jittable" in feedback.message
    assert "lax.while_loop" in feedback.message


def test_newton_hints_at_an_off_by_one_count():
    """counting one step too many gets the 'count only the steps' hint"""
    def newton(f, x0, tol=1e-6, max_iter=50):
        x, steps = newton_solution(f, x0, tol, max_iter)
        return x, steps + 1

    feedback = check.newton(newton)
    assert feedback.status == "fail"
    assert "Wrong number of steps" in feedback.message
    assert "a start at a root takes 0" in feedback.message


def test_newton_hints_at_ignoring_max_iter():
    """not stopping at max_iter gets the 'stop after max_iter' hint"""
    def newton(f, x0, tol=1e-6, max_iter=50):
        return newton_solution(f, x0, tol, 1000)

    feedback = check.newton(newton)
    assert feedback.status == "fail"
    assert "Stop after max_iter steps" in feedback.message


def test_newton_hints_at_a_wrong_update():
    """a sign error in the update gets 'wrong values for the root'"""
    def newton(f, x0, tol=1e-6, max_iter=50):
        df = jax.grad(f)
        return lax.fori_loop(
            0, 5, lambda _, s: (s[0] + f(s[0]) / df(s[0]), s[1] + 1),
            (x0, 0))

    feedback = check.newton(newton)
    assert feedback.status == "fail"
    assert "Wrong values for the root" in feedback.message


def test_newton_hints_at_a_float_step_count():
    """a step count kept as a float gets the integer hint"""
    def newton(f, x0, tol=1e-6, max_iter=50):
        x, steps = newton_solution(f, x0, tol, max_iter)
        return x, steps * 1.0

    feedback = check.newton(newton)
    assert feedback.status == "fail"
    assert "should be an integer" in feedback.message
