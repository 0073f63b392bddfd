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
from support import (
    DEADLINE_ENV,
    assert_hint,
    assert_stopped_in_time,
    catalogue_tests,
)

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
        "BAD_profile_mean": (FAIL, "a mean, not a sum"),
        "BAD_profile_every_step": (FAIL, "one per RK4 step",
                                   "one every 10 steps"),
        "BAD_profile_at_guess": (FAIL, "loss at the starting guess"),
        "BAD_profile_ignores_c": (FAIL, "c = 0.6",
                                  "ignores its argument c"),
        "BAD_profile_params": (FAIL, "shape (2,)", "fitted parameters"),
        "BAD_profile_residuals": (FAIL, "shape (101,)", "the residuals"),
        "BAD_profile_chapter_steps": (FAIL, "61 times over 4.8 s",
                                      "from t"),
        "BAD_profile_typed_step": (FAIL, "61 times over 4.8 s",
                                   "its step (0.01 s)"),
        "BAD_profile_float32": (FAIL, "in float32", "no float32 casts"),
        "BAD_profile_k_only": (FAIL, "fit both k and x0"),
        "BAD_profile_two_iterations": (FAIL, "larger than the smallest",
                                       "converged"),
        "BAD_profile_no_return": NO_RETURN,
        "BAD_profile_forever": (FAIL, "still running"),
    }),
    "fitting-ex2": ("dc_dv0", {
        "BOOK_dc": (PASS, "implicit function theorem", "two experiments"),
        "OK_dc_custom_root": (PASS,),
        "OK_dc_gauss_newton": (PASS,),
        "OK_dc_refits": (PASS,),
        "OK_dc_forward_through_loop": (PASS,),
        "BAD_dc_stub": (TODO, "Not attempted"),
        "BAD_dc_sign": (FAIL, "Wrong d c / d v0 for the chapter's",
                        "wrong sign"),
        "BAD_dc_stiffness": (FAIL, "fitted stiffness k"),
        "BAD_dc_all_three": (FAIL, "shape (3,)", "[1]"),
        "BAD_dc_at_guess": (FAIL, "at the starting guess", "Fit first"),
        "BAD_dc_loss_derivative": (FAIL, "derivative of the loss",
                                   "implicit function theorem"),
        "BAD_dc_v0_ignored": (FAIL, "does v0 enter your model"),
        "BAD_dc_chapter_steps": (FAIL, "61 times over 4.8 s", "from t"),
        "BAD_dc_typed_answer": (FAIL, "61 times over 4.8 s",
                                "right for the chapter's experiment"),
        "BAD_dc_grad_through_fit": (FAIL, "Reverse mode",
                                    "implicit function theorem"),
        "BAD_dc_no_return": NO_RETURN,
        "BAD_dc_forever": (FAIL, "still running"),
        "BAD_dc_float_v0": (FAIL, "traced", "float()"),
        "BAD_dc_python_forever": (FAIL, "did not return within",
                                  "Python loop"),
    }),
}

(test_catalogue, test_catalogue_covers_every_exercise,
 test_catalogue_lists_every_attempt) = catalogue_tests(CATALOGUE, A)

CHECKERS = [(check.profile_loss, A.BOOK_profile),
            (check.dc_dv0, A.BOOK_dc)]


def test_a_typed_in_step_gives_the_right_derivative():
    """what fitting-ex2's checker cannot see: with the chapter's step
    (0.01 s) typed in and the count taken from t, the model runs on a
    clock stretched by s (here 0.1 / 0.08) and the fit returns c / s,
    but the push is stretched by the same s, so d c / d v0 is unchanged
    (RK4 commutes with the rescaling: exactly). The wrong function gives
    the right value. fitting-ex1, with c held fixed, refuses the same
    slip (BAD_profile_typed_step)."""
    from py4eng_jax.check import _fitting as F
    _, t, x_meas, _ = F._profile_cases()[1]
    assert np.diff(t)[0] != 0.1   # the other experiment's own spacing
    with jax.enable_x64(True):
        got = A.typed_step_dc(jnp.asarray(t), jnp.asarray(x_meas))
    assert float(got) == pytest.approx(F._dc(1)["c"], rel=1e-6)
    assert check.dc_dv0(A.typed_step_dc).passed


def test_profile_result_instead_of_function_gets_a_hint():
    """check.profile_loss(profile_loss(...)) gets a hint, no trace"""
    feedback = check.profile_loss(jnp.float32(0.1))
    assert feedback.status == "fail"
    assert_hint(feedback, "without calling it",
                "check.profile_loss(my_function)")


def test_dc_result_instead_of_function_gets_a_hint():
    """check.dc_dv0(dc_dv0(t, x_meas)) gets a hint, no traceback"""
    feedback = check.dc_dv0(jnp.float32(0.1))
    assert feedback.status == "fail"
    assert_hint(feedback, "without calling it", "check.dc_dv0(")


def test_a_function_that_never_returns_is_answered_in_time(monkeypatch):
    """with the real deadline: the checker stops waiting once the function
    has made no progress for 8 s, and the kernel lives on (the stuck
    worker is stopped, and the next check runs normally).

    The bound is in the checker's own clock: the time from the last step
    the function began to the answer. The wall time before that step
    (tracing, compiling) grows with the machine's load and is not the
    checker's to bound."""
    monkeypatch.delenv(DEADLINE_ENV, raising=False)
    feedback = check.dc_dv0(A.BAD_dc_python_forever)
    wait = last_wait()
    assert wait.deadline_s == 8.0, wait
    assert_stopped_in_time(wait)
    assert_hint(feedback, "did not return within 8 s", "Python loop")
    assert not any(thread.name == "py4eng-checker" and thread.is_alive()
                   for thread in threading.enumerate())
    assert check.dc_dv0(A.OK_dc_gauss_newton).passed


@pytest.mark.parametrize("checker,solution", CHECKERS,
                         ids=["profile_loss", "dc_dv0"])
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


@pytest.mark.parametrize("index", [0, 1])
def test_dc_dv0_table_stored_in_the_checker_is_that_of_a_fit(index):
    """the checker's stored derivatives are what a float64 fit and the
    implicit function theorem give"""
    from py4eng_jax.check import _fitting as F
    assert np.allclose(F.dc_dv0_reference(index), F._DC_TABLE[index],
                       rtol=1e-7, atol=1e-12)
