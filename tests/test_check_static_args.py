"""Checkers of the static-args chapter: solutions pass, typical mistakes
get the right hint."""

import jax
import jax.numpy as jnp
from jax import lax

from py4eng_jax import check


# moving_average --------------------------------------------------------------

@jax.jit(static_argnames="window")
def moving_average_solution(x, window):
    return jnp.convolve(x, jnp.ones(window) / window, mode="valid")


def test_moving_average_passes_the_solution():
    """the decorated solution with a static window passes"""
    assert check.moving_average(moving_average_solution).passed


def test_moving_average_passes_static_argnums():
    """static_argnums=1 marks the same argument static, and passes"""
    def moving_average(x, window):
        return jnp.convolve(x, jnp.ones(window) / window, mode="valid")

    assert check.moving_average(
        jax.jit(moving_average, static_argnums=1)).passed


def test_moving_average_empty_stub_is_not_attempted():
    """the empty exercise cell reports 'not attempted yet'"""
    def moving_average(x, window):
        ...

    assert check.moving_average(moving_average).status == "not attempted"


def test_moving_average_hints_at_a_traced_window():
    """jit without static_argnames gets the 'mark it static' hint"""
    @jax.jit
    def moving_average(x, window):
        return jnp.convolve(x, jnp.ones(window) / window, mode="valid")

    feedback = check.moving_average(moving_average)
    assert feedback.status == "fail"
    assert "window is traced" in feedback.message
    assert 'static_argnames="window"' in feedback.message


def test_moving_average_hints_at_a_traced_slice():
    """a slice bound that is traced gets the same hint"""
    @jax.jit
    def moving_average(x, window):
        c = jnp.concatenate([jnp.zeros(1), jnp.cumsum(x)])
        return (c[window:] - c[:-window]) / window

    assert "window is traced" in check.moving_average(moving_average).message


def test_moving_average_hints_at_a_missing_jit():
    """right values without jit get the 'not jitted' hint"""
    def moving_average(x, window):
        return jnp.convolve(x, jnp.ones(window) / window, mode="valid")

    feedback = check.moving_average(moving_average)
    assert feedback.status == "fail"
    assert "not jitted" in feedback.message


def test_moving_average_hints_at_the_wrong_mode():
    """mode='same' keeps the length and gets a shape hint"""
    @jax.jit(static_argnames="window")
    def moving_average(x, window):
        return jnp.convolve(x, jnp.ones(window) / window, mode="same")

    feedback = check.moving_average(moving_average)
    assert "Wrong shape for the moving average: expected (8,), got (10,)" \
        in feedback.message


def test_moving_average_hints_at_a_missing_division():
    """a moving sum instead of a mean gets wrong values"""
    @jax.jit(static_argnames="window")
    def moving_average(x, window):
        return jnp.convolve(x, jnp.ones(window), mode="valid")

    assert "Wrong values for the moving average with x = jnp.arange(10.0) " \
        "and window = 3" in check.moving_average(moving_average).message


# padded_fibonacci ------------------------------------------------------------

def padded_fibonacci_solution(n, size):
    a = jnp.zeros(size).at[0].set(1.0).at[1].set(2.0)
    a = lax.fori_loop(2, size, lambda i, a: a.at[i].set(a[i - 1] + a[i - 2]),
                      a)
    return jnp.where(jnp.arange(size) < n, a, 0.0)


def test_padded_fibonacci_passes_the_solution():
    """the fixed-shape solution passes, with one trace"""
    feedback = check.padded_fibonacci(padded_fibonacci_solution)
    assert feedback.passed
    assert "(1 trace)" in feedback.message


def test_padded_fibonacci_passes_a_traced_loop_bound():
    """fori_loop up to a traced n is fine too"""
    def padded_fibonacci(n, size):
        a = jnp.zeros(size).at[0].set(1.0).at[1].set(2.0)
        a = lax.fori_loop(2, n, lambda i, a: a.at[i].set(
            a[i - 1] + a[i - 2]), a)
        return jnp.where(jnp.arange(size) < n, a, 0.0)

    assert check.padded_fibonacci(padded_fibonacci).passed


def test_padded_fibonacci_empty_stub_is_not_attempted():
    """the empty exercise cell reports 'not attempted yet'"""
    def padded_fibonacci(n, size):
        ...

    assert check.padded_fibonacci(padded_fibonacci).status == \
        "not attempted"


def test_padded_fibonacci_hints_at_a_shape_that_depends_on_n():
    """returning n terms gets the 'shape must depend only on size' hint"""
    def padded_fibonacci(n, size):
        return padded_fibonacci_solution(n, size)[:n]

    feedback = check.padded_fibonacci(padded_fibonacci)
    assert "expected (12,), got (5,)" in feedback.message
    assert "depend only on size" in feedback.message


def test_padded_fibonacci_hints_at_a_python_loop_over_n():
    """range(n) works eagerly but needs n's value under jit"""
    def padded_fibonacci(n, size):
        a = jnp.zeros(size)
        for i in range(n):
            a = a.at[i].set(1.0 if i == 0 else 2.0 if i == 1
                            else a[i - 1] + a[i - 2])
        return a

    feedback = check.padded_fibonacci(padded_fibonacci)
    assert feedback.status == "fail"
    assert "needs the value of n while jit traces it" in feedback.message
    assert "lax.fori_loop" in feedback.message


def test_padded_fibonacci_hints_at_wrong_values():
    """forgetting to zero the tail gets wrong values for an n"""
    def padded_fibonacci(n, size):
        return padded_fibonacci_solution(size, size)

    assert "Wrong values for the terms with n = 5 and size = 12" \
        in check.padded_fibonacci(padded_fibonacci).message
