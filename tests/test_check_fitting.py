"""Fitting chapter checkers: what the catalogue cannot state.

The attempts (correct ones written differently from the book, typical
mistakes) are in tests/checker_solutions.py and their verdicts and hints in
tests/test_check_catalogue.py. Here: the stub, the result passed instead
of the function, a function that never returns under the real deadline,
and float64 whatever the caller's setting.
"""

import threading

import jax
import jax.numpy as jnp
import pytest

import checker_solutions as S
from py4eng_jax import check
from py4eng_jax.check._framework import last_wait
from support import DEADLINE_ENV, assert_hint

CHECKERS = [(check.cubic_residuals, S.OK_cubic_own_scan),
            (check.dxT_dk, S.OK_dx_jvp)]


@pytest.mark.parametrize("checker,solution", CHECKERS,
                         ids=["cubic_residuals", "dxT_dk"])
def test_empty_stub_is_not_attempted(checker, solution):
    """the exercise's stub (a body of ...) reports 'not attempted yet'"""
    def stub(*args):
        ...

    assert checker(stub).status == "not attempted"


def test_cubic_result_instead_of_function_gets_a_hint():
    """check.cubic_residuals(cubic_residuals(...)) gets a hint, no trace"""
    t = jnp.linspace(0.0, 5.0, 26)
    result = S.OK_cubic_own_scan(jnp.array([4.0, 0.4, 2.0, 1.0]), t,
                                    jnp.cos(t))
    feedback = check.cubic_residuals(result)
    assert feedback.status == "fail"
    assert_hint(feedback, "got a ArrayImpl", "without calling it",
                "check.cubic_residuals(my_function)")


def test_dx_result_instead_of_function_gets_a_hint():
    """check.dxT_dk(dxT_dk(theta, 5.0)) gets a hint, no traceback"""
    result = S.OK_dx_jvp(jnp.array([4.0, 0.4, 1.0]), 5.0)
    feedback = check.dxT_dk(result)
    assert feedback.status == "fail"
    assert_hint(feedback, "without calling it", "check.dxT_dk(")


def test_a_function_that_never_returns_is_answered_in_time(monkeypatch):
    """with the real deadline: the checker stops waiting once the function
    has made no progress for 8 s, and the kernel lives on (the stuck
    worker is stopped, and the next check runs normally).

    The bound is in the checker's own clock: the time from the last step
    the function began to the answer. The wall time before that step
    (tracing, compiling) grows with the machine's load and is not the
    checker's to bound."""
    monkeypatch.delenv(DEADLINE_ENV, raising=False)
    feedback = check.dxT_dk(S.BAD_dx_python_forever)
    wait = last_wait()
    assert wait.timed_out and wait.deadline_s == 8.0, wait
    assert 8.0 <= wait.idle_s < 8.0 + 2.0, wait
    assert_hint(feedback, "did not return within 8 s", "Python loop")
    assert not any(thread.name == "py4eng-checker" and thread.is_alive()
                   for thread in threading.enumerate())
    assert check.dxT_dk(S.OK_dx_jvp).passed


@pytest.mark.parametrize("checker,solution", CHECKERS,
                         ids=["cubic_residuals", "dxT_dk"])
def test_checks_in_float64_whatever_the_setting(checker, solution):
    """the solution passes with float64 off and on, and the caller's
    setting is left as it was"""
    assert not jax.config.jax_enable_x64
    assert checker(solution).passed
    assert not jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", True)   # as the chapter does
    try:
        assert checker(solution).passed
        assert jax.config.jax_enable_x64
    finally:
        jax.config.update("jax_enable_x64", False)
