"""The checkers of the numpy-differences chapter's exercises: their
catalogues.

The attempts are in tests/attempts_numpy_differences.py; here their
verdicts and hints, and what the catalogue cannot state.
"""

import numpy as np

import attempts_numpy_differences as S
from py4eng_jax.check import _numpy_differences
from support import catalogue_tests

PASS, FAIL, TODO = "pass", "fail", "not attempted"

NUMPY = ("NumPy", "jnp")
LIST = ("should be an array", "returned a list")
FORGOT = ("returned None", "forget `return`")

CATALOGUE = {
    "numpy-differences-ex1": ("bin_counts", {
        "OK_bins_drop": (PASS, "match NumPy's bincount", "five inputs"),
        "OK_bins_compare": (PASS,),
        "OK_bins_bincount_weights": (PASS,),
        "OK_bins_one_hot": (PASS,),
        "BAD_bins_stub": (TODO, "Not attempted"),
        "BAD_bins_forgot_return": (FAIL, *FORGOT),
        "BAD_bins_set": (FAIL, "never go above 1", "counted once"),
        "BAD_bins_read_add_write": (FAIL, "never go above 1",
                                    "counted once"),
        "BAD_bins_negative_wraps": (FAIL, "negative values",
                                    "counted from the end", "-1"),
        "BAD_bins_bincount": (FAIL, "negative values in the first bin",
                              "must not be counted"),
        "BAD_bins_clip": (FAIL, "include two values out of range",
                          "counts from the end", "clamped"),
        "BAD_bins_float": (FAIL, "dtype is float32", "int32"),
        "BAD_bins_boolean_mask": (FAIL, "Under jax.jit", "boolean mask",
                                  "count for nothing"),
        "BAD_bins_python_loop": (FAIL, "loops over the values in Python",
                                 "grows with len(idx)"),
        "BAD_bins_loop_over_bins": (FAIL, "loops over the bins in Python",
                                    "grows with length"),
        "BAD_bins_hard_coded_length": (FAIL, "Wrong length", "expected 5",
                                       "got 4"),
        "BAD_bins_ignores_length": (FAIL, "Wrong length", "expected 4",
                                    "got 6"),
        "BAD_bins_forever": (FAIL, "still running after",
                             "never turned false"),
        "BAD_bins_numpy": (FAIL, *NUMPY),
    }),
    "numpy-differences-ex2": ("huber", {
        "OK_huber_clip": (PASS, "element by element"),
        "OK_huber_piecewise": (PASS,),
        "OK_huber_minus_excess": (PASS,),
        "BAD_huber_stub": (TODO, "Not attempted"),
        "BAD_huber_forgot_return": (FAIL, *FORGOT),
        "BAD_huber_forever": (FAIL, "did not return within"),
        "BAD_huber_ignores_x": (FAIL, "Wrong values"),
        "BAD_huber_if": (FAIL, "not jittable", "Python `if`"),
        "BAD_huber_cond": (FAIL, "On an array", "element by element",
                           "jnp.where"),
        "BAD_huber_no_abs": (FAIL, "Wrong values", "-3.0"),
        "BAD_huber_slope": (FAIL, "Wrong values", "expected 2.5, got 2"),
        "BAD_huber_numpy": (FAIL, *NUMPY),
        "BAD_huber_maximum": (FAIL, "Wrong values"),
        "BAD_huber_no_half": (FAIL, "Wrong values", "0.5"),
    }),
    "numpy-differences-ex3": ("random_walk", {
        "OK_random_walk_vmap": (PASS, "own key", "one loop"),
        "OK_random_walk_scan": (PASS,),
        # split(key, n)[i] is fold_in(key, i) in JAX 0.10: the same walk
        "OK_random_walk_split": (PASS,),
        "BAD_random_walk_stub": (TODO, "Not attempted"),
        "BAD_random_walk_forgot_return": (FAIL, *FORGOT),
        "BAD_random_walk_same_key": (FAIL, "same size", "fold_in(key, i)"),
        "BAD_random_walk_off_by_one": (FAIL, "Wrong values"),
        "BAD_random_walk_moves": (FAIL, "Wrong values"),
        "BAD_random_walk_one_draw": (FAIL, "Wrong values"),
        "BAD_random_walk_with_start": (FAIL, "expected (5,), got (6,)"),
        "BAD_random_walk_list": (FAIL, *LIST),
        "BAD_random_walk_numpy": (FAIL, "Wrong values"),
        "BAD_random_walk_unrolled": (FAIL, "grows with steps", "unrolled",
                                     "lax loop"),
        "BAD_random_walk_ignores_key": (FAIL, "Wrong values",
                                        "jax.random.key(7)"),
        "BAD_random_walk_forever": (FAIL, "still running after",
                                    "never turned false"),
    }),
}

(test_catalogue, test_catalogue_covers_every_exercise,
 test_catalogue_lists_every_attempt) = catalogue_tests(CATALOGUE, vars(S))


def test_bin_counts_reference_is_numpy_bincount():
    """on values all in range, the reference is np.bincount with
    minlength"""
    idx = np.random.default_rng(0).integers(0, 9, 100)
    np.testing.assert_array_equal(
        _numpy_differences.bin_counts_expected(idx, 9),
        np.bincount(idx, minlength=9))


def test_bin_counts_cases_catch_every_out_of_range_mistake():
    """in at least one case the values out of range change the counts
    whichever way they are mishandled (wrapped or clamped)"""
    cases = list(_numpy_differences._bin_cases())
    for wrong in (_numpy_differences._wrapped,
                  lambda i, n: _numpy_differences._clipped(i, n, True,
                                                           False),
                  lambda i, n: _numpy_differences._clipped(i, n, False,
                                                           True)):
        assert any(not np.array_equal(
            wrong(idx, n), _numpy_differences.bin_counts_expected(idx, n))
            for _, idx, n in cases)
