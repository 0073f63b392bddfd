"""The checkers of the truss chapter: their catalogue of attempts.

``BOOK_*`` (the chapter's solution) and ``OK_*`` (correct solutions written
differently) pass; each ``BAD_*`` (a typical wrong answer) fails, or is
"not attempted", with the hint fragments listed. The attempts live in
tests/attempts_truss.py. The checkers run in float64, as the chapter does.
"""

import math

import jax
import numpy as np
import pytest

import attempts_truss
from py4eng_jax.check import _truss as T
from support import catalogue_tests

PASS, FAIL, TODO = "pass", "fail", "not attempted"

CATALOGUE = {
    "truss-ex1": ("buckling_ratios", {
        "BOOK_buckling": (PASS, "Euler's formula", "three cases"),
        "OK_buckling_inertia": (PASS,),
        "OK_buckling_from_displacements": (PASS,),
        "OK_buckling_where": (PASS,),
        "BAD_buckling_stub": (TODO, "Not attempted"),
        "BAD_buckling_sign": (FAIL, "wrong sign", "positive in compression"),
        "BAD_buckling_length": (FAIL, "L instead of L squared"),
        "BAD_buckling_no_pi": (FAIL, "pi squared"),
        "BAD_buckling_inertia_linear": (FAIL, "does not grow with the area"),
        "BAD_buckling_clipped": (FAIL, "zero for the members in tension"),
        "BAD_buckling_abs": (FAIL, "negative in tension",
                             "don't take abs"),
        "BAD_buckling_typed_e": (FAIL, "three-bar truss",
                                 "use truss.youngs_modulus"),
        "BAD_buckling_over_load": (FAIL, "P_cr is a load", "by A"),
        "BAD_buckling_inverted": (FAIL, "upside down"),
        "BAD_buckling_ignores_k": (FAIL, "ignores its k argument"),
        "BAD_buckling_ten_bar_only": (FAIL, "ignores its truss argument"),
        "BAD_buckling_python_if": (FAIL, "jax.jacfwd", "Python if"),
        "BAD_buckling_numpy": (FAIL, "jax.jacfwd", "NumPy"),
        "BAD_buckling_forever": (FAIL, "did not return within"),
        "BAD_buckling_no_return": (FAIL, "did you forget `return`?"),
    }),
    "truss-ex2": ("drift_exceedance", {
        "BOOK_drift": (PASS, "exact probability", "three designs",
                       "vectorized"),
        "OK_drift_one_draw": (PASS,),
        "OK_drift_linearity": (PASS,),
        "OK_drift_vmapped_loads": (PASS,),
        "BAD_drift_stub": (TODO, "Not attempted"),
        "BAD_drift_same_key": (FAIL, "same random numbers", "one key per"),
        "BAD_drift_within": (FAIL, "stays within the limit"),
        "BAD_drift_lower_node": (FAIL, "node 1, the lower corner"),
        "BAD_drift_upward": (FAIL, "act downward", "Your p = 0"),
        "BAD_drift_horizontal": (FAIL, "wrong displacement",
                                 "vertical one of node 0"),
        "BAD_drift_python_loop": (FAIL, "not vectorized", "jax.vmap"),
        "BAD_drift_fixed_key": (FAIL, "ignores its key"),
        "BAD_drift_fixed_areas": (FAIL, "ignores its areas argument"),
        "BAD_drift_se": (FAIL, "sqrt(p (1 - p) / n)"),
        "BAD_drift_variance": (FAIL, "too far from the exact",
                               "standard deviations"),
        "BAD_drift_only_p": (FAIL, "pair (p, se)"),
        "BAD_drift_flags": (FAIL, "one number", "not one flag per sample"),
        "BAD_drift_forever": (FAIL, "did not return within"),
        "BAD_drift_no_return": (FAIL, "did you forget `return`?"),
        "BAD_drift_fixed_n": (FAIL, "ignores its n argument",
                              "n = 5,000"),
        "BAD_drift_fixed_samples": (FAIL, "ignores its n argument"),
        "BAD_drift_std_one": (FAIL, "scatter is too small",
                              "standard deviation"),
    }),
}


@pytest.fixture(autouse=True)
def float64():
    with jax.enable_x64(True):
        yield


(test_catalogue, test_catalogue_covers_every_exercise,
 test_catalogue_lists_every_attempt) = catalogue_tests(
    CATALOGUE, vars(attempts_truss))


def test_exact_drift_probability_agrees_with_sampling():
    """the linear-superposition reference matches 200,000 NumPy samples"""
    rng = np.random.default_rng(0)
    areas = np.full(10, 20.0)
    a, b = T._influence(areas)
    loads = T.MEAN + T.STD * rng.standard_normal((200_000, 2))
    p = float(np.mean(loads @ np.array([a, b]) > T.LIMIT))
    se = math.sqrt(p * (1 - p) / 200_000)
    assert abs(p - T.exact_probability(areas)) < 4 * se


def test_mistakes_are_far_from_the_right_drift_probability():
    """reused keys, the other node and 1 - p are told apart at n = 20,000"""
    areas = np.full(10, 20.0)
    p = T.exact_probability(areas)
    se = math.sqrt(p * (1 - p) / T._N)
    for other in (T.exact_probability(areas, reused=True),
                  T.exact_probability(areas, node=1), 1 - p):
        assert abs(other - p) > 10 * se, (other, p)
