"""Checkers of the debugging chapter: solutions pass, mistakes get hints."""

import jax
import jax.numpy as jnp

from py4eng_jax import check


def safe_norm_solution(x):
    is_zero = jnp.all(x == 0)
    safe_x = jnp.where(is_zero, 1.0, x)
    return jnp.where(is_zero, 0.0, jnp.linalg.norm(safe_x))


def mean_of_first_solution(x, n):
    return jnp.mean(x, where=jnp.arange(x.size) < n)


# safe_norm

def test_safe_norm_passes_the_solution():
    """the double-where solution passes"""
    assert check.safe_norm(safe_norm_solution).passed


def test_safe_norm_stub_is_not_attempted():
    """the empty exercise cell reports 'not attempted yet'"""
    def stub(x):
        ...

    assert check.safe_norm(stub).status == "not attempted"


def test_safe_norm_plain_norm_gets_the_nan_hint():
    """jnp.linalg.norm has a nan gradient at 0: the double-where hint"""
    feedback = check.safe_norm(jnp.linalg.norm)
    assert feedback.status == "fail"
    assert "gradient at x = 0 is [nan, nan, nan]" in feedback.message
    assert "double where" in feedback.message


def test_safe_norm_single_where_gets_the_nan_hint():
    """one jnp.where around the norm still has a nan gradient at 0"""
    def single_where(x):
        return jnp.where(jnp.all(x == 0), 0.0, jnp.linalg.norm(x))

    assert "double where" in check.safe_norm(single_where).message


def test_safe_norm_eps_gets_the_shifted_value_hint():
    """an eps inside the square root gives a nonzero value at 0"""
    def with_eps(x):
        return jnp.sqrt(jnp.sum(x ** 2) + 1e-12)

    feedback = check.safe_norm(with_eps)
    assert "At x = 0 your function returns 1e-06 instead of 0" in \
        feedback.message


def test_safe_norm_python_if_gets_the_jit_hint():
    """a Python if on the values works eagerly but is not jittable"""
    def with_if(x):
        if jnp.all(x == 0):
            return jnp.float32(0.0)
        return jnp.linalg.norm(x)

    feedback = check.safe_norm(with_if)
    assert feedback.status == "fail"
    assert "not jittable" in feedback.message


def test_safe_norm_hints_at_a_missing_sum():
    """returning |x_i| per entry gets a shape hint"""
    feedback = check.safe_norm(lambda x: jnp.sqrt(x ** 2))
    assert "one number (a 0-d array)" in feedback.message


def test_safe_norm_hints_at_wrong_values():
    """the squared norm gets 'wrong values' with the input shown"""
    feedback = check.safe_norm(lambda x: jnp.sum(x ** 2))
    assert "Wrong values for the norm with x = [3.0, 4.0]" in \
        feedback.message


# mean_of_first

def test_mean_of_first_passes_the_solution():
    """the masked mean passes with one trace"""
    assert check.mean_of_first(mean_of_first_solution).passed


def test_mean_of_first_stub_is_not_attempted():
    """the empty exercise cell reports 'not attempted yet'"""
    def stub(x, n):
        ...

    assert check.mean_of_first(stub).status == "not attempted"


def test_mean_of_first_slice_gets_the_shape_hint():
    """x[:n] works eagerly but not traced: the fixed-shape hint"""
    feedback = check.mean_of_first(lambda x, n: x[:n].mean())
    assert feedback.status == "fail"
    assert "raised IndexError" in feedback.message
    assert "jnp.arange(x.size) < n" in feedback.message


def test_mean_of_first_dynamic_slice_gets_the_shape_hint():
    """lax.dynamic_slice with a traced size gets the same hint"""
    def sliced(x, n):
        return jax.lax.dynamic_slice(x, (0,), (n,)).mean()

    assert "shapes must be known" in check.mean_of_first(sliced).message


def test_mean_of_first_hints_at_wrong_values():
    """dividing by the full length gets 'wrong values' naming n"""
    def wrong(x, n):
        return jnp.where(jnp.arange(x.size) < n, x, 0).sum() / x.size

    feedback = check.mean_of_first(wrong)
    assert "Wrong values for the mean with x = jnp.arange(1.0, 9.0) and " \
        "n = 1" in feedback.message


def test_mean_of_first_reports_one_trace():
    """the pass message reports the single trace behind all 8 calls"""
    assert "traced your function 1 time" in check.mean_of_first(
        mean_of_first_solution).message
