"""The checkers of the jit chapter's exercises: their catalogues.

The attempts are in tests/attempts_jit.py; here their verdicts and hints.
"""

import attempts_jit as S
from support import catalogue_tests

PASS, FAIL, TODO = "pass", "fail", "not attempted"
RETURN = (FAIL, "returned None", "forget `return`")

NOT_JITTABLE_IF = ("not jittable", "Python `if`", "jnp.where")
NAN_GRADIENT = ("Your values are right, but the gradient of your clip is "
                "nan at g = 0", "0 times nan is nan")

CATALOGUE = {
    "jit-ex1": ("xor_train_step", {
        "OK_train_step_tree_map": (PASS, "one compiled call"),
        "OK_train_step_static_lr": (PASS,),
        "OK_train_step_vjp": (PASS,),
        "BAD_train_step_stub": (TODO, "Not attempted"),
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
        "BAD_train_step_accuracy": (FAIL, "a fraction", "an accuracy",
                                    "every example is right"),
        "BAD_train_step_python_and": (FAIL, "not jittable", "`and`"),
        "BAD_train_step_two": (FAIL, "three things", "a tuple of 2"),
        "BAD_train_step_forgot_return": RETURN,
        "BAD_train_step_never_returns": (FAIL, "still running after "
                                         "10000 steps"),
    }),
    "jit-ex2": ("clip_by_norm", {
        "OK_clip_cond_on_squares": (PASS, "finite at g = 0"),
        "OK_clip_custom_norm_maximum": (PASS,),
        "OK_clip_where_on_input": (PASS,),
        "OK_clip_tiny_epsilon": (PASS,),
        "BAD_clip_stub": (TODO, "Not attempted"),
        "BAD_clip_if": (FAIL, *NOT_JITTABLE_IF),
        "BAD_clip_where_only": (FAIL, *NAN_GRADIENT),
        "BAD_clip_minimum_only": (FAIL, *NAN_GRADIENT),
        "BAD_clip_cond_norm_outside": (FAIL, *NAN_GRADIENT),
        "BAD_clip_zero_factor_at_origin": (FAIL, "gradient of your clip is "
                                           "zero at g = 0", "identity"),
        "BAD_clip_constant_factor": (FAIL, "wrong outside the limit",
                                     "as a constant"),
        "BAD_clip_always_scales": (FAIL, "max_norm = 10.0", "got [6. 8.]"),
        "BAD_clip_elementwise": (FAIL, "got [1. 1.]"),
        "BAD_clip_per_row": (FAIL, "Wrong values", "max_norm = 2.5"),
        "BAD_clip_numpy": (FAIL, "not jittable", "NumPy", "jnp"),
        "BAD_clip_squared_norm": (FAIL, "Wrong values"),
        "BAD_clip_ignores_max_norm": (FAIL, "Wrong values",
                                      "max_norm = 10.0"),
        "BAD_clip_two_entries": (FAIL, "Wrong values", "max_norm = 2.5"),
        "BAD_clip_forgot_return": RETURN,
        "BAD_clip_never_returns": (FAIL, "still running after "
                                   "10000 steps"),
    }),
}

(test_catalogue, test_catalogue_covers_every_exercise,
 test_catalogue_lists_every_attempt) = catalogue_tests(CATALOGUE, vars(S))
