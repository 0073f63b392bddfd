"""The checkers of the sparse chapter's exercises: their catalogues.

The attempts are in tests/attempts_sparse.py; here their verdicts and
hints, and what the catalogue cannot state.
"""

import jax.numpy as jnp
import numpy as np

import attempts_sparse as S
from py4eng_jax import assemble_conduction, check
from py4eng_jax.check import _sparse
from support import catalogue_tests

PASS, FAIL, TODO = "pass", "fail", "not attempted"

CATALOGUE = {
    "sparse-ex1": ("steady_insulated", {
        "BOOK_insulated": (PASS, "insulated", "all 3 plates"),
        "OK_insulated_copy_column": (PASS,),
        "OK_insulated_sparse_direct": (PASS,),
        "OK_insulated_mask": (PASS,),
        "BAD_insulated_stub": (TODO, "Not attempted"),
        "BAD_insulated_all_fixed": (FAIL, "held at zero like the",
                                    "q = k = jnp.ones((3, 3))"),
        "BAD_insulated_left": (FAIL, "insulated the first column"),
        "BAD_insulated_last_row": (FAIL, "insulated the last row"),
        "BAD_insulated_face_sum": (FAIL, "mean of their two"),
        "BAD_insulated_harmonic": (FAIL, "harmonic mean",
                                   "arithmetic mean (k_P + k_N)/2"),
        "BAD_insulated_zero_k_beyond": (FAIL, "beyond the last column to 0",
                                        "only halves the face",
                                        "Drop the face"),
        "BAD_insulated_ignores_k": (FAIL, "ignores k"),
        "BAD_insulated_ignores_dx": (FAIL, "ignores dx"),
        "BAD_insulated_default_tol": (FAIL, "Close", "smaller tol"),
        "BAD_insulated_applies_operator": (FAIL, "applied the operator"),
        "BAD_insulated_sign": (FAIL, "wrong sign"),
        "BAD_insulated_flat": (FAIL, "shape of q"),
        "BAD_insulated_forever": (FAIL, "did not return within"),
        "BAD_insulated_own_cg_endless": (FAIL, "still running after",
                                         "never turned false"),
        "BAD_insulated_no_return": (FAIL, "did you forget `return`?"),
        "BAD_insulated_three_by_three": (FAIL, "3 x 3", "q.shape"),
        "BAD_insulated_float32": (FAIL, "expected float64, got float32"),
    }),
    "sparse-ex2": ("bar_conductivity", {
        "BOOK_bar": (PASS, "all 3 targets"),
        "OK_bar_brentq": (PASS,),
        "OK_bar_bisection": (PASS,),
        "OK_bar_newton_in_k": (PASS,),
        "BAD_bar_stub": (TODO, "Not attempted"),
        "BAD_bar_returns_rise": (FAIL, "the target itself"),
        "BAD_bar_constant": (FAIL, "ignores its argument"),
        "BAD_bar_one_step": (FAIL, "not linear in k", "repeat"),
        "BAD_bar_loose_stop": (FAIL, "Close", "Iterate until"),
        "BAD_bar_wrong_sign": (FAIL, "not a positive number",
                               "out of reach", "dx = L/(n+1)"),
        "BAD_bar_field": (FAIL, "one number"),
        "BAD_bar_secant_once": (FAIL, "Close", "Iterate until"),
        "BAD_bar_no_return": (FAIL, "did you forget `return`?"),
        "BAD_bar_forever": (FAIL, "did not return within",
                            "diverging iterate"),
        "BAD_bar_padded_mean": (FAIL, "For reference", "22.317 K"),
        "BAD_bar_big_bar": (FAIL, "For reference", "check your plate"),
        "BAD_bar_newton_k_from_copper": (FAIL, "overshoots to k <= 0",
                                         "bracket the root"),
        "BAD_bar_returns_log_k": (FAIL, "you returned log k"),
    }),
}

(test_catalogue, test_catalogue_covers_every_exercise,
 test_catalogue_lists_every_attempt) = catalogue_tests(CATALOGUE, vars(S))


def test_insulated_reference_matches_the_package_operator():
    """with no edge insulated, the checker's dense matrix is the
    package's assembled one"""
    k = np.random.default_rng(0).uniform(1, 5, (4, 6))
    dense = _sparse._matrix(k, 0.3, insulated=None)
    np.testing.assert_allclose(
        dense, assemble_conduction(k, 0.3).toarray(), rtol=1e-12)


def test_insulated_reference_conserves_heat():
    """with the last column insulated, all the heat put in leaves through
    the other three edges (the flow out of the last column is zero)"""
    k, q, dx = np.ones((5, 5)), np.ones((5, 5)), 0.2
    u = _sparse._solve(_sparse._matrix(k, dx), q)
    # flow out through the fixed edges: k * (u - 0) / dx**2 per face
    out = (u[0].sum() + u[-1].sum() + u[:, 0].sum()) / dx ** 2
    np.testing.assert_allclose(out, q.sum(), rtol=1e-12)


def test_bar_targets_are_reachable():
    """every target lies between the rise of a copper and a steel bar:
    each asks for a cheaper bar than copper"""
    assert all(_sparse.mean_rise(_sparse.COPPER) < t
               < _sparse.mean_rise(16.0) for t in _sparse.TARGETS)


def test_bar_checker_message_counts_its_targets():
    """the pass message counts the targets it tried"""
    feedback = check.bar_conductivity(S.BOOK_bar)
    assert f"all {len(_sparse.TARGETS)} targets" in feedback.message


def test_insulated_checker_runs_in_float64_whatever_the_setting():
    """the book's solution passes with float64 off (the checker enters
    float64 itself)"""
    assert jnp.zeros(1).dtype == jnp.float32
    assert check.steady_insulated(S.BOOK_insulated).passed
