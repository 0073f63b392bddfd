"""The checkers of the autodiff chapter's exercises: their catalogues.

The attempts are in tests/attempts_autodiff.py; here their verdicts and
hints.
"""

import attempts_autodiff as S
from support import catalogue_tests

PASS, FAIL, TODO = "pass", "fail", "not attempted"
RETURN = (FAIL, "returned None", "forget `return`")

LIST = ("should be an array", "returned a list")
INPUT_SHOWN = ("the parameters from init_params(jax.random.key(9)) and "
               "x = [0.3, 0.8]")

CATALOGUE = {
    "autodiff-ex1": ("xor_input_gradient", {
        "OK_input_gradient_lambda": (PASS, "four networks and inputs",
                                     "5 hidden units"),
        "OK_input_gradient_sum": (PASS,),
        "OK_input_gradient_by_hand": (PASS,),
        "OK_input_gradient_jacobian": (PASS,),
        "BAD_input_gradient_stub": (TODO, "Not attempted"),
        "BAD_input_gradient_params": (FAIL, "with respect to the parameters",
                                      "with the input x"),
        "BAD_input_gradient_batch": (FAIL, "one number as output"),
        "BAD_input_gradient_batch_sum": (FAIL, "expected (2,), got (1, 2)",
                                         "not for a batch of one"),
        "BAD_input_gradient_jacobian_batch": (FAIL, "got (1, 1, 2)",
                                              "not for a batch of one"),
        "BAD_input_gradient_value": (FAIL, "one number, the prediction "
                                     "itself", "shape (2,)"),
        "BAD_input_gradient_logit": (FAIL, INPUT_SHOWN,
                                     "before the sigmoid"),
        "BAD_input_gradient_finite_difference": (FAIL, "Close, but not exact",
                                                 "finite difference"),
        "BAD_input_gradient_ignores_params": (FAIL, "ignores the params"),
        "BAD_input_gradient_three_hidden": (FAIL, "5 hidden units",
                                            "although they were right",
                                            "3 hidden units"),
        "BAD_input_gradient_forgot_return": RETURN,
        "BAD_input_gradient_never_returns": (FAIL, "still running after "
                                             "10000 steps"),
        "BAD_input_gradient_numpy_list": (FAIL, *LIST),
    }),
    "autodiff-ex2": ("xor_grad_w2", {
        "OK_grad_w2_einsum": (PASS, "agrees with jax.grad",
                              "5 hidden units"),
        "OK_grad_w2_chain_rule": (PASS,),
        "OK_grad_w2_matmul": (PASS,),
        "BAD_grad_w2_stub": (TODO, "Not attempted"),
        "BAD_grad_w2_jax_grad": (FAIL, "values are right",
                                 "differentiates the loss itself",
                                 "by hand"),
        "BAD_grad_w2_vjp": (FAIL, "differentiates the loss itself"),
        "BAD_grad_w2_sign": (FAIL, "the sign is flipped"),
        "BAD_grad_w2_no_mean": (FAIL, "expected (3,), got (4, 3)",
                                "one row per example"),
        "BAD_grad_w2_sum": (FAIL, "a sum over the examples"),
        "BAD_grad_w2_extra_sigmoid_factor": (FAIL, "extra factor"),
        "BAD_grad_w2_before_tanh": (FAIL, "before tanh"),
        "BAD_grad_w2_inputs": (FAIL, "got (2,)", "not through the inputs"),
        "BAD_grad_w2_bias_gradient": (FAIL, "with respect to the bias b2"),
        "BAD_grad_w2_same_for_all": (FAIL, "same for every hidden unit"),
        "BAD_grad_w2_xor_targets": (FAIL, "OR targets", "ignores the Y"),
        "BAD_grad_w2_four_examples": (FAIL, "divides by 4", "six examples"),
        "BAD_grad_w2_three_hidden": (FAIL, "got (3,)", "3 hidden units"),
        "BAD_grad_w2_list": (FAIL, *LIST),
        "BAD_grad_w2_forgot_return": RETURN,
        "BAD_grad_w2_never_returns": (FAIL, "did not return"),
    }),
}

(test_catalogue, test_catalogue_covers_every_exercise,
 test_catalogue_lists_every_attempt) = catalogue_tests(CATALOGUE, vars(S))
