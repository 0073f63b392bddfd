"""The checker catalogue: every attempt in tests/checker_solutions.py gets
the verdict and the hint stated here.

``OK_*`` (correct solutions written differently from the book's) must
pass; each ``BAD_*`` (a typical wrong answer) must fail, or be "not
attempted", with the hint fragments listed. The parallel chapter's
attempts run on four devices in tests/test_check_parallel.py; other
chapters keep theirs in tests/test_check_CHAPTER.py (see tests/support.py).
"""


import checker_solutions as S
from support import catalogue_tests

PASS, FAIL, TODO = "pass", "fail", "not attempted"

NOT_JITTABLE_IF = ("not jittable", "Python `if`", "jnp.where")
NUMPY = ("NumPy", "jnp")
LIST = ("should be an array", "returned a list")
NOT_VECTORIZED = ("not vectorized", "jax.vmap")

# exercise: (checker, {attempt: (verdict, *hint fragments)})
CATALOGUE = {
    "numpy-differences-ex1": ("tribonacci", {
        "OK_tribonacci_scan": (PASS, "one loop for XLA"),
        "OK_tribonacci_while": (PASS,),
        "BAD_tribonacci_python_loop": (FAIL, "unrolled", "lax.fori_loop"),
        "BAD_tribonacci_pure_python": (FAIL, "never sees a loop"),
        "BAD_tribonacci_numpy": (FAIL, "never sees a loop"),
        "BAD_tribonacci_list": (FAIL, *LIST),
        "BAD_tribonacci_wrong_start": (FAIL, "Wrong values", "n = 3"),
        "BAD_tribonacci_from_two": (FAIL, "Wrong values", "n = 5"),
        "BAD_tribonacci_ints": (FAIL, "float32", "int32"),
        "BAD_tribonacci_float16": (FAIL, "dtype", "float32", "float16"),
        "BAD_tribonacci_lookup_table": (FAIL, "never sees a loop",
                                        "does not compute the sequence"),
        "BAD_tribonacci_right_then_endless": (FAIL, "still running after",
                                              "never ends is wrong"),
        "BAD_tribonacci_endless_while": (FAIL, "still running after",
                                         "never turned false"),
    }),
    "numpy-differences-ex2": ("huber", {
        "OK_huber_clip": (PASS, "element by element"),
        "OK_huber_piecewise": (PASS,),
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
        "OK_random_walk_vmap": (PASS, "own key"),
        "OK_random_walk_scan": (PASS,),
        # split(key, n)[i] is fold_in(key, i) in JAX 0.10: the same walk
        "OK_random_walk_split": (PASS,),
        "BAD_random_walk_same_key": (FAIL, "same size", "fold_in(key, i)"),
        "BAD_random_walk_off_by_one": (FAIL, "Wrong values"),
        "BAD_random_walk_moves": (FAIL, "Wrong values"),
        "BAD_random_walk_one_draw": (FAIL, "Wrong values"),
        "BAD_random_walk_with_start": (FAIL, "expected (5,), got (6,)"),
        "BAD_random_walk_list": (FAIL, *LIST),
        "BAD_random_walk_numpy": (FAIL, "Wrong values"),
    }),
    "static-args-ex1": ("moving_average", {
        "OK_moving_average_cumsum": (PASS, "static window"),
        "OK_moving_average_windows": (PASS,),
        "BAD_moving_average_not_jitted": (FAIL, "not jitted",
                                          'static_argnames="window"'),
        "BAD_moving_average_traced": (FAIL, "window traced", "Mark it static"),
        "BAD_moving_average_all_static": (FAIL, "marked x static",
                                          "hashable"),
        "BAD_moving_average_numpy": (FAIL, *NUMPY),
        "BAD_moving_average_same": (FAIL, "expected (8,), got (10,)"),
        "BAD_moving_average_off_by_one": (FAIL, "Wrong values"),
        "BAD_moving_average_sum": (FAIL, "Wrong values"),
    }),
    "static-args-ex2": ("padded_fibonacci", {
        "OK_padded_fibonacci_scan": (PASS, "1 trace"),
        "OK_padded_fibonacci_traced_loop": (PASS,),
        "BAD_padded_fibonacci_range_n": (FAIL, "Keep n traced",
                                         "range(n)"),
        "BAD_padded_fibonacci_shape_n": (FAIL, "expected (12,), got (5,)"),
        "BAD_padded_fibonacci_one_one": (FAIL, "Wrong values"),
        "BAD_padded_fibonacci_le": (FAIL, "Wrong values"),
        "BAD_padded_fibonacci_slice_set": (FAIL, "Keep n traced"),
        "BAD_padded_fibonacci_if": (FAIL, "Keep n traced"),
        "BAD_padded_fibonacci_n_static": (FAIL, "marks n static"),
        "BAD_padded_fibonacci_list": (FAIL, *LIST),
    }),
    "vmap-ex1": ("nearest_rows", {
        "OK_nearest_rows_broadcast": (PASS, "vectorized"),
        "OK_nearest_rows_double_vmap": (PASS,),
        "BAD_nearest_rows_distances": (FAIL, "got (3, 10)", "argmin"),
        "BAD_nearest_rows_argmax": (FAIL, "Wrong values for the indices"),
        "BAD_nearest_rows_axis0": (FAIL, "expected (3,), got (10,)"),
        "BAD_nearest_rows_python_loop": (FAIL, *NOT_VECTORIZED, "Python"),
        "BAD_nearest_rows_lax_map": (FAIL, *NOT_VECTORIZED, "lax.map"),
        "BAD_nearest_rows_fori": (FAIL, *NOT_VECTORIZED, "lax.fori_loop"),
        "BAD_nearest_rows_last_tie": (FAIL, "Wrong values"),
        "BAD_nearest_rows_numpy": (FAIL, *NUMPY),
        "BAD_nearest_rows_in_axes": (FAIL, "different sizes (3 and 10)",
                                     "None in in_axes"),
        "BAD_nearest_rows_similarity": (FAIL, "Wrong values"),
    }),
    "vmap-ex2": ("ensemble_losses", {
        "OK_ensemble_losses_closure": (PASS, "vectorized"),
        "OK_ensemble_losses_einsum": (PASS,),
        "BAD_ensemble_losses_mean": (FAIL, "got one number"),
        "BAD_ensemble_losses_first_set": (FAIL, "got one number"),
        "BAD_ensemble_losses_all_mapped": (FAIL, "different sizes (5 and 4)",
                                           "in_axes=(0, None, None)"),
        "BAD_ensemble_losses_axis1": (FAIL, "different sizes",
                                      "in_axes=(0, None, None)"),
        "BAD_ensemble_losses_too_few_axes": (FAIL, "one entry per"),
        "BAD_ensemble_losses_python_loop": (FAIL, *NOT_VECTORIZED),
        "BAD_ensemble_losses_lax_map": (FAIL, *NOT_VECTORIZED, "lax.map"),
        "BAD_ensemble_losses_numpy": (FAIL, *NUMPY),
    }),
    "fitting-ex1": ("cubic_residuals", {
        "OK_cubic_own_scan": (PASS, "three cases", "jax.jacfwd"),
        "OK_cubic_every_step_sliced": (PASS,),
        "OK_cubic_parameter_vector": (PASS,),
        "BAD_cubic_sign": (FAIL, "Wrong residuals for theta = (4.0, 0.4, "
                           "2.0, 1.0)", "wrong sign"),
        "BAD_cubic_positions": (FAIL, "subtract x_meas"),
        "BAD_cubic_square": (FAIL, "uses k3 x², not the cubic term"),
        "BAD_cubic_linear": (FAIL, "leaves out the cubic term"),
        "BAD_cubic_cubic_sign": (FAIL, "cubic term has the wrong sign"),
        "BAD_cubic_fixed_step": (FAIL, "fixed at 0.01 s",
                                 "(t[1] - t[0]) / 10"),
        "BAD_cubic_one_step": (FAIL, "one RK4 step per interval",
                               "every=10"),
        "BAD_cubic_both_states": (FAIL, "expected (26,), got (26, 2)",
                                  "keep the positions"),
        "BAD_cubic_sum_of_squares": (FAIL, "expected (26,), got ()",
                                     "not their sum of squares"),
        "BAD_cubic_every_step": (FAIL, "got (251,)", "every=10"),
        "BAD_cubic_fixed_length": (FAIL, "raised TypeError",
                                   "(101,), (26,)"),
        "BAD_cubic_no_initial_state": (FAIL, "got (25,)",
                                       "first row of rk4_solve"),
        "BAD_cubic_float_step": (FAIL, "not jittable", "not float()"),
        "BAD_cubic_numpy_rhs": (FAIL, *NUMPY, "inside rk4_solve"),
        "BAD_cubic_list": (FAIL, *LIST),
        "BAD_cubic_python_loop": (FAIL, "Your values are right",
                                  "loops over the steps in Python",
                                  "rk4_solve"),
        "BAD_cubic_python_forever": (FAIL, "did not return within",
                                     "Python loop"),
    }),
    "fitting-ex2": ("dxT_dk", {
        "OK_dx_jacfwd_entry": (PASS, "exact solution"),
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
        "BAD_dx_coarse_step": (FAIL, "steps are 0.1 s long"),
        "BAD_dx_list": (FAIL, *LIST),
        "BAD_dx_float_k": (FAIL, "k is traced", "float()"),
        "BAD_dx_python_forever": (FAIL, "did not return within",
                                  "Python loop"),
    }),
}

ATTEMPTS = [(exercise, checker, name, expected)
            for exercise, (checker, attempts) in CATALOGUE.items()
            for name, expected in attempts.items()]


(test_catalogue, test_catalogue_covers_every_exercise,
 test_catalogue_lists_every_attempt) = catalogue_tests(CATALOGUE, vars(S))
