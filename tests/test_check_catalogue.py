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
