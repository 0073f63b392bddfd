"""Checkers of the numpy-differences chapter: solutions pass, typical
mistakes get the right hint."""

import jax
import jax.numpy as jnp
from jax import lax

from py4eng_jax import check


# tribonacci ----------------------------------------------------------------

def tribonacci_solution(n):
    a = jnp.zeros(n).at[2].set(1.0)

    def step(i, a):
        return a.at[i].set(a[i - 1] + a[i - 2] + a[i - 3])

    return lax.fori_loop(3, n, step, a)


def test_tribonacci_passes_the_solution():
    """the chapter's fori_loop solution passes"""
    assert check.tribonacci(tribonacci_solution).passed


def test_tribonacci_passes_a_scan():
    """lax.scan is as good as lax.fori_loop"""
    def tribonacci(n):
        def step(carry, _):
            a, b, c = carry
            return (b, c, a + b + c), a
        start = (jnp.float32(0), jnp.float32(0), jnp.float32(1))
        return lax.scan(step, start, length=n)[1]

    assert check.tribonacci(tribonacci).passed


def test_tribonacci_empty_stub_is_not_attempted():
    """the empty exercise cell reports 'not attempted yet'"""
    def tribonacci(n):
        ...

    assert check.tribonacci(tribonacci).status == "not attempted"


def test_tribonacci_hints_at_an_unrolled_loop():
    """a Python loop gives right values but gets the 'unrolled' hint"""
    def tribonacci(n):
        a = jnp.zeros(n).at[2].set(1.0)
        for i in range(3, n):
            a = a.at[i].set(a[i - 1] + a[i - 2] + a[i - 3])
        return a

    feedback = check.tribonacci(tribonacci)
    assert feedback.status == "fail"
    assert "loop is unrolled" in feedback.message
    assert "lax.fori_loop" in feedback.message


def test_tribonacci_hints_at_wrong_values():
    """summing two terms instead of three gets 'wrong values' for an n"""
    def tribonacci(n):
        a = jnp.zeros(n).at[2].set(1.0)
        return lax.fori_loop(3, n, lambda i, a: a.at[i].set(
            a[i - 1] + a[i - 2]), a)

    feedback = check.tribonacci(tribonacci)
    assert "Wrong values for the terms with n = 12" in feedback.message


def test_tribonacci_hints_at_a_wrong_length():
    """n + 1 terms get a shape hint"""
    def tribonacci(n):
        return tribonacci_solution(n + 1)

    feedback = check.tribonacci(tribonacci)
    assert "Wrong shape for the terms: expected (3,), got (4,)" \
        in feedback.message


def test_tribonacci_hints_at_item_assignment():
    """NumPy-style a[i] = ... is reported as the error it raises"""
    def tribonacci(n):
        a = jnp.zeros(n)
        a[2] = 1.0
        return a

    feedback = check.tribonacci(tribonacci)
    assert feedback.message.startswith("Your function raised TypeError")
    assert ".at[idx].set" in feedback.message


# huber ---------------------------------------------------------------------

def huber_solution(x):
    return jnp.where(jnp.abs(x) <= 1, 0.5 * x**2, jnp.abs(x) - 0.5)


def test_huber_passes_the_solution():
    """jnp.where passes"""
    assert check.huber(huber_solution).passed


def test_huber_empty_stub_is_not_attempted():
    """the empty exercise cell reports 'not attempted yet'"""
    assert check.huber(lambda x: None).status == "not attempted"


def test_huber_hints_at_a_python_if_under_jit():
    """a Python if works eagerly on a number but is not jittable"""
    def huber(x):
        if jnp.abs(x) <= 1:
            return 0.5 * x**2
        return jnp.abs(x) - 0.5

    feedback = check.huber(huber)
    assert feedback.status == "fail"
    assert "not jittable" in feedback.message
    assert "jnp.where" in feedback.message


def test_huber_hints_at_lax_cond_on_an_array():
    """lax.cond is jittable on a number but cannot choose per element"""
    def huber(x):
        return lax.cond(jnp.abs(x) <= 1, lambda x: 0.5 * x**2,
                        lambda x: jnp.abs(x) - 0.5, x)

    feedback = check.huber(huber)
    assert feedback.status == "fail"
    assert "cannot choose element by element" in feedback.message
    assert "lax.cond runs one branch" in feedback.message


def test_huber_hints_at_wrong_values():
    """a wrong linear part gets 'wrong values' with the input shown"""
    def huber(x):
        return jnp.where(jnp.abs(x) <= 1, 0.5 * x**2, jnp.abs(x))

    feedback = check.huber(huber)
    assert "Wrong values for huber(x) with x = jnp.float32(-3.0)" \
        in feedback.message


def test_huber_hints_at_a_reduced_result():
    """summing over the array gets a shape hint"""
    def huber(x):
        return huber_solution(x).sum()

    feedback = check.huber(huber)
    assert "Wrong shape for huber(x): expected (7,), got ()" \
        in feedback.message


# random_walk ---------------------------------------------------------------

def random_walk_solution(key, steps):
    moves = jnp.stack([jax.random.normal(jax.random.fold_in(key, i))
                       for i in range(steps)])
    return jnp.cumsum(moves)


def test_random_walk_passes_the_solution():
    """a loop over fold_in(key, i) passes"""
    assert check.random_walk(random_walk_solution).passed


def test_random_walk_passes_a_vmapped_solution():
    """vmap over the step numbers gives the same keys, and passes"""
    def random_walk(key, steps):
        keys = jax.vmap(jax.random.fold_in, in_axes=(None, 0))(
            key, jnp.arange(steps))
        return jnp.cumsum(jax.vmap(jax.random.normal)(keys))

    assert check.random_walk(random_walk).passed


def test_random_walk_empty_stub_is_not_attempted():
    """the empty exercise cell reports 'not attempted yet'"""
    assert check.random_walk(lambda key, steps: None).status \
        == "not attempted"


def test_random_walk_hints_at_a_reused_key():
    """drawing every step with the same key gets the key-reuse hint"""
    def random_walk(key, steps):
        return jnp.cumsum(jnp.stack([jax.random.normal(key)
                                     for _ in range(steps)]))

    feedback = check.random_walk(random_walk)
    assert feedback.status == "fail"
    assert "same key" in feedback.message
    assert "fold_in(key, i)" in feedback.message


def test_random_walk_hints_at_missing_cumsum():
    """returning the moves instead of the positions gets wrong values"""
    def random_walk(key, steps):
        return jnp.stack([jax.random.normal(jax.random.fold_in(key, i))
                          for i in range(steps)])

    feedback = check.random_walk(random_walk)
    assert "Wrong values for the positions with key = jax.random.key(0)" \
        in feedback.message
