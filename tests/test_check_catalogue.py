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
    "autodiff-ex1": ("xor_accuracy", {
        "OK_accuracy_count": (PASS, "five sets"),
        "OK_accuracy_float": (PASS,),
        "BAD_accuracy_per_example": (FAIL, "one number", "shape (4,)",
                                     "jnp.mean"),
        "BAD_accuracy_keepdims": (FAIL, "shape (1,)", "keepdims"),
        "BAD_accuracy_threshold": (FAIL, "Wrong values for the accuracy",
                                   "jax.random.key(1)"),
        "BAD_accuracy_sum": (FAIL, "Wrong values", "expected 0.5, got 2"),
        "BAD_accuracy_if": (FAIL, *NOT_JITTABLE_IF),
        "BAD_accuracy_numpy": (FAIL, "not jittable", *NUMPY),
        "BAD_accuracy_list": (FAIL, *LIST),
        "BAD_accuracy_xor_targets": (FAIL, "OR targets"),
        "BAD_accuracy_constant": (FAIL, "expected 0.25, got 0.5"),
        "BAD_accuracy_transposed": (FAIL, "raised ValueError"),
    }),
    "autodiff-ex2": ("xor_grad_b2", {
        "OK_grad_b2_scalar": (PASS, "agrees with jax.grad"),
        "OK_grad_b2_chain_rule": (PASS,),
        "BAD_grad_b2_sign": (FAIL, "Wrong values for the gradient dloss/db2"),
        "BAD_grad_b2_no_mean": (FAIL, "expected (1,), got (4,)"),
        "BAD_grad_b2_sum": (FAIL, "Wrong values"),
        "BAD_grad_b2_extra_sigmoid_factor": (FAIL, "Wrong values"),
        "BAD_grad_b2_xor_mean": (FAIL, "Wrong values", "OR targets"),
        "BAD_grad_b2_list": (FAIL, *LIST),
        "BAD_grad_b2_w2": (FAIL, "expected (1,), got (3,)"),
    }),
    "jit-ex1": ("clip_by_norm", {
        "OK_clip_minimum": (PASS, "with and without jax.jit"),
        "OK_clip_cond": (PASS,),
        "BAD_clip_if": (FAIL, *NOT_JITTABLE_IF),
        "BAD_clip_always_scales": (FAIL, "max_norm = 10.0", "got [6. 8.]"),
        "BAD_clip_elementwise": (FAIL, "got [1. 1.]"),
        "BAD_clip_nan_at_zero": (FAIL, "contains nan", "[0., 0., 0.]"),
        "BAD_clip_per_row": (FAIL, "Wrong values", "max_norm = 2.5"),
        "BAD_clip_numpy": (FAIL, "not jittable", *NUMPY),
        "BAD_clip_squared_norm": (FAIL, "Wrong values"),
    }),
    "jit-ex2": ("xor_train_step", {
        "OK_train_step_tree_map": (PASS, "one compiled call"),
        "OK_train_step_static_lr": (PASS,),
        "BAD_train_step_not_jitted": (FAIL, "not compiled", "jax.jit"),
        "BAD_train_step_loss_after": (FAIL, "loss is that of the parameters "
                                      "after the step"),
        "BAD_train_step_flag_after": (FAIL, "all_correct is that of the "
                                      "parameters after the step",
                                      "one example wrong before"),
        "BAD_train_step_ascent": (FAIL, "Wrong values for the new w1"),
        "BAD_train_step_ignores_lr": (FAIL, "Wrong values", "lr = 0.5"),
        "BAD_train_step_flags": (FAIL, "one number", "jnp.all"),
        "BAD_train_step_python_bool": (FAIL, "not jittable", "bool()"),
        "BAD_train_step_two": (FAIL, "three things", "a tuple of 2"),
    }),
    "loops-ex1": ("running_mean", {
        "OK_running_mean_index": (PASS, "lax.scan does not grow"),
        "OK_running_mean_update": (PASS,),
        "BAD_running_mean_carry": (FAIL, "return the carry",
                                   "stacked outputs"),
        "BAD_running_mean_divide_by_n": (FAIL, "Wrong values",
                                         "got [0.5 1.5 3. 5. ]"),
        "BAD_running_mean_off_by_one": (FAIL, "Wrong values"),
        "BAD_running_mean_python_loop": (FAIL, "unrolls a Python loop",
                                         "lax.scan"),
        "BAD_running_mean_numpy": (FAIL, "not jittable", *NUMPY),
        "BAD_running_mean_list": (FAIL, *LIST),
        "BAD_running_mean_float_total": (FAIL, "not jittable", "float()",
                                         "lax.scan"),
    }),
    "loops-ex2": ("newton", {
        "OK_newton_stop_flag": (PASS, "six cases"),
        "OK_newton_value_and_grad": (PASS,),
        "BAD_newton_forgets_max_iter": (FAIL, "max_iter"),
        "BAD_newton_python_while": (FAIL, "not jittable",
                                    "lax.while_loop(cond_fun"),
        "BAD_newton_counts_from_one": (FAIL, "expected 4, got 5",
                                       "0 steps"),
        "BAD_newton_float_steps": (FAIL, "should be an integer"),
        "BAD_newton_root_only": (FAIL, "a pair (x, steps)"),
        "BAD_newton_fori": (FAIL, "no lax.while_loop"),
        "BAD_newton_le_max_iter": (FAIL, "expected 2, got 3", "max_iter"),
        "BAD_newton_python_forever": (FAIL, "did not return within",
                                      "Python loop"),
    }),
    "benchmarking-ex1": ("honest_times", {
        "OK_honest_times_method": (PASS, "one warm-up call"),
        "OK_honest_times_jax_array": (PASS,),
        "BAD_honest_times_broken": (FAIL, "no warm-up"),
        "BAD_honest_times_no_block": (FAIL, "only the dispatch",
                                      "block_until_ready"),
        "BAD_honest_times_no_warmup": (FAIL, "no warm-up"),
        "BAD_honest_times_warmup_kept": (FAIL, "got 4"),
        "BAD_honest_times_ms": (FAIL, "too large", "seconds"),
        "BAD_honest_times_total": (FAIL, "list of 3 times", "float"),
        "BAD_honest_times_twice": (FAIL, "7 times"),
        "BAD_honest_times_strings": (FAIL, "number of seconds"),
    }),
    "benchmarking-ex2": ("escape_count_while", {
        "OK_escape_count_complex": (PASS, "stops when the point escapes"),
        "OK_escape_count_peek": (PASS,),
        "BAD_escape_count_forgets_max_iter": (FAIL, "still running after",
                                              "stopping at a limit"),
        "BAD_escape_count_off_by_one": (FAIL, "Off by one"),
        "BAD_escape_count_fori": (FAIL, "no lax.while_loop"),
        "BAD_escape_count_python_while": (FAIL, "not jittable",
                                          "lax.while_loop(cond_fun"),
        "BAD_escape_count_float": (FAIL, "should be an integer"),
        "BAD_escape_count_strict": (FAIL, "expected 2, got 1"),
        "BAD_escape_count_state": (FAIL, "should be an array", "tuple"),
        "BAD_escape_count_numpy": (FAIL, *NUMPY),
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
