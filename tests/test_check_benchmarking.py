"""Checkers of the benchmarking chapter: solutions pass, mistakes get hints."""

import time

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

from py4eng_jax import check

# ------------------------------------------------------------ exercise 1


def honest_times_solution(f, x, repeat):
    jax.block_until_ready(f(x))                  # warm-up: compile
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        jax.block_until_ready(f(x))              # wait for the result
        times.append(time.perf_counter() - start)
    return times


def broken_times(f, x, repeat):
    """The chapter's broken benchmark: no warm-up, no blocking."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f(x)
        times.append(time.perf_counter() - start)
    return times


def test_honest_times_passes_the_solution():
    """warm-up plus block_until_ready passes"""
    assert check.honest_times(honest_times_solution).passed


def test_honest_times_accepts_other_ways_to_wait():
    """.block_until_ready() on the array and np.asarray also wait"""
    def method(f, x, repeat):
        f(x).block_until_ready()
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            np.asarray(f(x))
            times.append(time.perf_counter() - start)
        return np.array(times)

    assert check.honest_times(method).passed


def test_honest_times_empty_stub_is_not_attempted():
    """the empty exercise cell reports 'not attempted yet'"""
    def honest_times(f, x, repeat):
        ...

    assert check.honest_times(honest_times).status == "not attempted"


def test_honest_times_hints_at_a_missing_warm_up():
    """the broken benchmark first gets the warm-up hint"""
    feedback = check.honest_times(broken_times)
    assert feedback.status == "fail"
    assert "there is no warm-up" in feedback.message


def test_honest_times_hints_at_a_missing_block():
    """warming up without blocking gets the dispatch hint"""
    def no_block(f, x, repeat):
        f(x)
        return broken_times(f, x, repeat)

    feedback = check.honest_times(no_block)
    assert feedback.status == "fail"
    assert "measure only the dispatch" in feedback.message
    assert "jax.block_until_ready" in feedback.message


def test_honest_times_hints_at_a_timed_warm_up():
    """keeping the first call's time gets the 'slow first call' hint"""
    def keeps_first(f, x, repeat):
        times = honest_times_solution(f, x, repeat + 1)
        return times[:repeat]

    def times_warm_up(f, x, repeat):
        times = []
        for _ in range(repeat + 1):
            start = time.perf_counter()
            jax.block_until_ready(f(x))
            times.append(time.perf_counter() - start)
        return times[:repeat]

    assert "f was called 5 times" in check.honest_times(keeps_first).message
    assert "includes the slow first call" in \
        check.honest_times(times_warm_up).message


def test_honest_times_hints_at_the_wrong_number_of_times():
    """returning all repeat + 1 times gets a count hint"""
    def too_many(f, x, repeat):
        times = []
        for _ in range(repeat + 1):
            start = time.perf_counter()
            jax.block_until_ready(f(x))
            times.append(time.perf_counter() - start)
        return times

    assert "should return 3 times (one per timed call), got 4" in \
        check.honest_times(too_many).message


def test_honest_times_hints_at_milliseconds():
    """times in milliseconds get the 'return seconds' hint"""
    def in_ms(f, x, repeat):
        return [1e3 * t for t in honest_times_solution(f, x, repeat)]

    assert "return seconds" in check.honest_times(in_ms).message


def test_honest_times_hints_at_a_non_list():
    """returning one number gets 'should return a list'"""
    def median_only(f, x, repeat):
        return float(np.median(honest_times_solution(f, x, repeat)))

    assert "should return a list of 3 times" in \
        check.honest_times(median_only).message


# ------------------------------------------------------------ exercise 2


def escape_count_solution(cr, ci, max_iter):
    def keep_going(state):
        zr, zi, count, inside = state
        return inside & (count < max_iter)

    def step(state):
        zr, zi, count, _ = state
        zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci
        inside = zr * zr + zi * zi <= 4
        return zr, zi, jnp.where(inside, count + 1, count), inside

    zero = jnp.zeros_like(cr)
    return lax.while_loop(keep_going, step, (zero, zero, 0, True))[2]


def test_escape_count_while_passes_the_solution():
    """the chapter's while_loop solution passes"""
    feedback = check.escape_count_while(escape_count_solution)
    assert feedback.passed, feedback.message


def test_escape_count_while_empty_stub_is_not_attempted():
    """the empty exercise cell reports 'not attempted yet'"""
    def escape_count(cr, ci, max_iter):
        ...

    assert check.escape_count_while(escape_count).status == "not attempted"


def test_escape_count_while_hints_at_off_by_one():
    """counting the escaping update too gets the off-by-one hint"""
    def one_too_many(cr, ci, max_iter):
        def keep_going(state):
            zr, zi, count = state
            return (zr * zr + zi * zi <= 4) & (count < max_iter)

        def step(state):
            zr, zi, count = state
            return zr * zr - zi * zi + cr, 2 * zr * zi + ci, count + 1

        zero = jnp.zeros_like(cr)
        return lax.while_loop(keep_going, step, (zero, zero, 0))[2]

    feedback = check.escape_count_while(one_too_many)
    assert feedback.status == "fail"
    assert feedback.message.startswith("Off by one")


def test_escape_count_while_hints_at_wrong_values():
    """a wrong update rule gets 'wrong escape count' with the point named"""
    def wrong_rule(cr, ci, max_iter):
        def keep_going(state):
            zr, zi, count, inside = state
            return inside & (count < max_iter)

        def step(state):
            zr, zi, count, _ = state
            zr, zi = zr * zr + zi * zi + cr, 2 * zr * zi + ci   # sign error
            inside = zr * zr + zi * zi <= 4
            return zr, zi, jnp.where(inside, count + 1, count), inside

        zero = jnp.zeros_like(cr)
        return lax.while_loop(keep_going, step, (zero, zero, 0, True))[2]

    message = check.escape_count_while(wrong_rule).message
    assert message.startswith("Wrong escape count for c = ")


def test_escape_count_while_hints_at_a_python_while_loop():
    """a Python while on traced values gets the not-jittable hint"""
    def python_loop(cr, ci, max_iter):
        zr = zi = jnp.zeros_like(cr)
        count = 0
        while count < max_iter:
            zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci
            if zr * zr + zi * zi > 4:
                break
            count += 1
        return jnp.asarray(count)

    feedback = check.escape_count_while(python_loop)
    assert feedback.status == "fail"
    assert "not jittable" in feedback.message
    assert "lax.while_loop" in feedback.message


def test_escape_count_while_hints_at_a_float_count():
    """a float count gets the integer hint"""
    def float_count(cr, ci, max_iter):
        return escape_count_solution(cr, ci, max_iter).astype(jnp.float32)

    assert "should be an integer, got dtype float32" in \
        check.escape_count_while(float_count).message


def test_escape_count_while_hints_at_a_non_scalar():
    """returning the whole state gets a shape hint"""
    def whole_state(cr, ci, max_iter):
        return jnp.stack([escape_count_solution(cr, ci, max_iter)] * 2)

    assert "should be one number (0-d), got shape (2,)" in \
        check.escape_count_while(whole_state).message


def test_escape_count_while_hints_at_fori_loop():
    """right values from lax.fori_loop get the 'use while_loop' hint"""
    from py4eng_jax import escape_count

    def fori(cr, ci, max_iter):
        return escape_count(cr, ci, max_iter)

    feedback = check.escape_count_while(fori)
    assert feedback.status == "fail"
    assert "no lax.while_loop" in feedback.message


def test_escape_count_while_points_agree_in_float32_and_float64():
    """the checker's points are robust: float32 gives float64's counts"""
    from py4eng_jax.check._benchmarking import _POINTS, _expected_count
    for max_iter in (50, 100):
        for cr, ci in _POINTS:
            if cr.is_integer() and ci.is_integer():
                continue    # an integer orbit is exact in any precision
            got = escape_count_solution(jnp.float32(cr), jnp.float32(ci),
                                        max_iter)
            assert int(got) == _expected_count(cr, ci, max_iter)
            # and so are their neighbours, a rounding error away
            for d in (-1e-5, 1e-5):
                got = escape_count_solution(jnp.float32(cr + d),
                                            jnp.float32(ci + d), max_iter)
                assert int(got) == _expected_count(cr, ci, max_iter)


@pytest.mark.parametrize("name", ["honest_times", "escape_count_while"])
def test_checkers_refuse_a_non_function(name):
    """passing a result instead of the function is a TypeError"""
    with pytest.raises(TypeError, match="expects your function"):
        getattr(check, name)([0.1, 0.2])
