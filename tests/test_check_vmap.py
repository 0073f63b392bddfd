"""The checkers of the vmap chapter's exercises: their catalogues.

The attempts are in tests/attempts_vmap.py; here their verdicts and
hints, and what the catalogue cannot state.
"""

import jax
import numpy as np

import attempts_vmap as S
from py4eng_jax import loss
from py4eng_jax.check import _vmap
from support import catalogue_tests

PASS, FAIL, TODO = "pass", "fail", "not attempted"

NUMPY = ("NumPy", "jnp")
NOT_VECTORIZED = ("not vectorized", "jax.vmap")
FORGOT = ("returned None", "forget `return`")

CATALOGUE = {
    "vmap-ex1": ("nearest_rows", {
        "OK_nearest_rows_broadcast": (PASS, "vectorized"),
        "OK_nearest_rows_double_vmap": (PASS,),
        "OK_nearest_rows_where": (PASS,),
        "OK_nearest_rows_einsum": (PASS,),
        "BAD_nearest_rows_stub": (TODO, "Not attempted"),
        "BAD_nearest_rows_forgot_return": (FAIL, *FORGOT),
        "BAD_nearest_rows_distances": (FAIL, "got (3, 10)", "argmin"),
        "BAD_nearest_rows_min_distance": (FAIL, "smallest distances",
                                          "take argmin"),
        "BAD_nearest_rows_argmax": (FAIL, "farthest row", "not argmax"),
        "BAD_nearest_rows_axis0": (FAIL, "expected (3,), got (10,)"),
        "BAD_nearest_rows_ignores_W": (FAIL, "ignores the weights W"),
        "BAD_nearest_rows_shared_W": (FAIL, "first row of W",
                                      "mapped together with Q"),
        "BAD_nearest_rows_hard_coded": (FAIL, "(6, 12)"),
        "BAD_nearest_rows_python_loop": (FAIL, *NOT_VECTORIZED, "Python"),
        "BAD_nearest_rows_lax_map": (FAIL, *NOT_VECTORIZED, "lax.map"),
        "BAD_nearest_rows_fori": (FAIL, *NOT_VECTORIZED, "lax.fori_loop"),
        "BAD_nearest_rows_last_tie": (FAIL, "last of the nearest rows",
                                      "take the first"),
        "BAD_nearest_rows_numpy": (FAIL, *NUMPY),
        "BAD_nearest_rows_in_axes": (FAIL, "different sizes (3 and 10)",
                                     "None in in_axes"),
        "BAD_nearest_rows_similarity": (FAIL, "farthest row",
                                        "where q and y agree"),
        "BAD_nearest_rows_ignores_Q": (FAIL, "Wrong values"),
        "BAD_nearest_rows_forever": (FAIL, "still running after",
                                     "never turned false"),
    }),
    "vmap-ex2": ("clipped_mean_grad", {
        "OK_clip_divide_by_larger": (PASS, "clipped before the mean",
                                "vectorized"),
        "OK_clip_divide_by_max": (PASS,),
        "OK_clip_flat": (PASS,),
        "BAD_clip_stub": (TODO, "Not attempted"),
        "BAD_clip_forgot_return": (FAIL, *FORGOT),
        "BAD_clip_ignores_max_norm": (FAIL, "ignores max_norm"),
        "BAD_clip_the_mean": (FAIL, "clips the mean gradient",
                              "each example's gradient first"),
        "BAD_clip_per_array": (FAIL, "each of the four arrays on its own"),
        "BAD_clip_always_scale": (FAIL, "also the small ones"),
        "BAD_clip_sum_of_norms": (FAIL, "adds up the norms of the four",
                                  "square root of the sum"),
        "BAD_clip_elementwise": (FAIL, "clips each entry", "jnp.clip"),
        "BAD_clip_sum": (FAIL, "sums over the examples"),
        "BAD_clip_hard_coded_four": (FAIL, "divides by 4", "X.shape[0]"),
        "BAD_clip_not_averaged": (FAIL, "Wrong shapes",
                                  "one gradient per example"),
        "BAD_clip_python_loop": (FAIL, *NOT_VECTORIZED, "Python"),
        "BAD_clip_numpy_norm": (FAIL, *NUMPY),
        "BAD_clip_squared_norm": (FAIL, "Wrong values for the gradient"),
        "BAD_clip_forever": (FAIL, "still running after",
                             "never turned false"),
    }),
}

(test_catalogue, test_catalogue_covers_every_exercise,
 test_catalogue_lists_every_attempt) = catalogue_tests(CATALOGUE, vars(S))


def test_clipped_reference_is_the_batch_gradient_when_nothing_clips():
    """with a max_norm above every example's norm, the reference is
    jax.grad of the batch loss"""
    for _, params, X, Y, _ in _vmap._clip_cases():
        full = jax.grad(loss)(params, X, Y)
        for got, want in zip(_vmap.clipped_expected(params, X, Y, 1e9),
                             full):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_clip_cases_clip_some_examples_and_not_others():
    """some case clips none of its examples, and some clips a few but not
    all, so that clipping too much or too little shows"""
    clipped = [(_vmap._norms(_vmap._per_example(params, X, Y)) > max_norm)
               for _, params, X, Y, max_norm in _vmap._clip_cases()]
    assert any(not c.any() for c in clipped)
    assert any(c.any() and not c.all() for c in clipped)
