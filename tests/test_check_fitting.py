"""The checkers of the fitting chapter: their catalogue, and what it
cannot state.

The attempts live in tests/attempts_fitting.py. Here: their verdicts and
hints, the result passed instead of the function, a function that never
returns under the real deadline, and float64 whatever the caller's
setting.
"""

import threading

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import attempts_fitting as A
from py4eng_jax import check
from py4eng_jax.check._framework import last_wait
from support import DEADLINE_ENV, assert_hint, catalogue_tests

PASS, FAIL, TODO = "pass", "fail", "not attempted"

# A body that does work and returns None.
NO_RETURN = (FAIL, "forget `return`")
LIST = ("should be an array", "list")

CATALOGUE = {
    "fitting-ex1": ("profile_loss", {
        "BOOK_profile": (PASS, "several c and two experiments"),
        "OK_profile_closure": (PASS,),
        "OK_profile_theta_vector": (PASS,),
        "OK_profile_x0_solved": (PASS,),
        "BAD_profile_stub": (TODO, "Not attempted"),
        "BAD_profile_sum_of_squares": (FAIL, "c = 0.4 and the chapter's",
                                       "half of it"),
        "BAD_profile_c_free": (FAIL, "c free", "Hold c"),
        "BAD_profile_at_guess": (FAIL, "loss at the starting guess"),
        "BAD_profile_ignores_c": (FAIL, "c = 0.3",
                                  "ignores its argument c"),
        "BAD_profile_params": (FAIL, "shape (2,)", "fitted parameters"),
        "BAD_profile_residuals": (FAIL, "shape (101,)", "the residuals"),
        "BAD_profile_chapter_steps": (FAIL, "61 times over 6 s",
                                      "from t"),
        "BAD_profile_k_only": (FAIL, "fit both k and x0"),
        "BAD_profile_two_iterations": (FAIL, "larger than the smallest",
                                       "converged"),
        "BAD_profile_no_return": NO_RETURN,
        "BAD_profile_forever": (FAIL, "still running"),
    }),
    "fitting-ex2": ("dxT_dk", {
        "OK_dx_jacfwd_entry": (PASS, "exact solution"),
        "BAD_dx_stub": (TODO, "Not attempted"),
        "OK_dx_jvp": (PASS,),
        "OK_dx_grad_of_theta": (PASS,),
        "BAD_dx_wrt_c": (FAIL, "Wrong sensitivity for theta = (4.0, 0.4, "
                         "1.0), T = 5.0", "with respect to c"),
        "BAD_dx_wrt_x0": (FAIL, "with respect to x0"),
        "BAD_dx_velocity": (FAIL, "differentiated the velocity"),
        "BAD_dx_int_steps": (FAIL, "T = 2.3", "one step too early",
                             "229.99999999999997"),
        "BAD_dx_whole_gradient": (FAIL, "shape (3,)", "k component"),
        "BAD_dx_final_state": (FAIL, "shape (2,)", "ys[-1, 0]"),
        "BAD_dx_forward_difference": (FAIL, "finite difference",
                                      "jax.grad"),
        "BAD_dx_central_difference": (FAIL, "error of a finite difference",
                                      "differentiate through the "
                                      "integrator"),
        "BAD_dx_coarse_step": (FAIL, "steps are 0.1 s long"),
        "BAD_dx_list": (FAIL, *LIST),
        "BAD_dx_float_k": (FAIL, "k is traced", "float()"),
        "BAD_dx_fixed_time": (FAIL, "T = 2.3", "Wrong sensitivity"),
        "BAD_dx_no_return": NO_RETURN,
        "BAD_dx_python_forever": (FAIL, "did not return within",
                                  "Python loop"),
    }),
}

(test_catalogue, test_catalogue_covers_every_exercise,
 test_catalogue_lists_every_attempt) = catalogue_tests(CATALOGUE, A)

CHECKERS = [(check.profile_loss, A.BOOK_profile),
            (check.dxT_dk, A.OK_dx_jvp)]


def test_profile_result_instead_of_function_gets_a_hint():
    """check.profile_loss(profile_loss(...)) gets a hint, no trace"""
    feedback = check.profile_loss(jnp.float32(0.1))
    assert feedback.status == "fail"
    assert_hint(feedback, "without calling it",
                "check.profile_loss(my_function)")


def test_dx_result_instead_of_function_gets_a_hint():
    """check.dxT_dk(dxT_dk(theta, 5.0)) gets a hint, no traceback"""
    result = A.OK_dx_jvp(jnp.array([4.0, 0.4, 1.0]), 5.0)
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
    feedback = check.dxT_dk(A.BAD_dx_python_forever)
    wait = last_wait()
    assert wait.timed_out and wait.deadline_s == 8.0, wait
    assert wait.allowed_s <= wait.idle_s < wait.allowed_s + 2.0, wait
    assert_hint(feedback, "did not return within 8 s", "Python loop")
    assert not any(thread.name == "py4eng-checker" and thread.is_alive()
                   for thread in threading.enumerate())
    assert check.dxT_dk(A.OK_dx_jvp).passed


@pytest.mark.parametrize("checker,solution", CHECKERS,
                         ids=["profile_loss", "dxT_dk"])
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


@pytest.mark.parametrize("index", [0, 1])
def test_profile_losses_stored_in_the_checker_are_those_of_a_fit(index):
    """the checker's stored profile losses are what a float64
    Levenberg-Marquardt fit of k and x0 gives for each c"""
    from py4eng_jax.check import _fitting as F
    assert np.allclose(F.profile_reference(index),
                       F._PROFILE_LOSSES[index], rtol=1e-9, atol=0)
