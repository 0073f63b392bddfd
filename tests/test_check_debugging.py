"""The checkers of the debugging chapter's exercises: their catalogues.

debugging-ex1, ``divides_by_zero``, and debugging-ex2, ``fit_fast``:
attempts in tests/attempts_debugging.py, run in this process.
"""

import attempts_debugging
from support import catalogue_tests

PASS, FAIL, TODO = "pass", "fail", "not attempted"
RETURN = "forget `return`"
STATIC = "a static argument differs"

CATALOGUE = {
    "debugging-ex1": ("divides_by_zero", {
        "OK_div_checks_jit": (PASS, "no false alarm"),
        "OK_throw": (PASS,),
        "OK_set_difference": (PASS,),
        "OK_eager_checkify": (PASS,),
        "BAD_stub_divides": (TODO, "Not attempted yet"),
        "BAD_output_not_finite": (FAIL, "jnp.where throws the inf away",
                                  "looking at the result cannot tell"),
        "BAD_default_checks": (FAIL, "adds no checks of its own"),
        "BAD_nan_checks": (FAIL, "NaN checks miss 1/0"),
        "BAD_all_checks": (FAIL, "report NaNs too", "only for the division"),
        "BAD_all_checks_message": (FAIL, "reports only the first error"),
        "BAD_ignores_f": (FAIL, "never divides by anything",
                          "must run f"),
        "BAD_first_three": (FAIL, "check the whole of x"),
        "BAD_forgot_return": (FAIL, RETURN),
        "BAD_returns_error": (FAIL, "checkify's Error object"),
        "BAD_returns_message": (FAIL, "returned a str"),
        "BAD_inverted": (FAIL, "wrong way round"),
        "BAD_try_except": (FAIL, "JAX raises nothing for 1/0"),
        "BAD_per_entry": (FAIL, "boolean array of shape (3,)"),
        "BAD_never_returns_divides": (FAIL, "did not return within",
                                      "Python loop"),
    }),
    "debugging-ex2": ("fit_fast", {
        "OK_lr_outside": (PASS, "does not grow with the steps"),
        "OK_where_inside": (PASS,),
        "OK_fori_loop": (PASS,),
        "OK_precomputed_rates": (PASS,),
        "BAD_stub_fit": (TODO, "Not attempted yet"),
        "BAD_partial_in_loop": (FAIL, "never seen function",
                                "new function at every step"),
        "BAD_static_lr": (FAIL, "compilation at (nearly) every step",
                          STATIC),
        "BAD_static_t": (FAIL, STATIC),
        "BAD_if_traced": (FAIL, "traced value in a Python `if`"),
        "BAD_constant_lr": (FAIL, "learning rate 0.1"),
        "BAD_lr_one_ahead": (FAIL, "one step ahead"),
        "BAD_hard_coded_steps": (FAIL, "ignores the argument steps"),
        "BAD_jit_unrolled_loop": (FAIL, "unrolls the loop",
                                  "Python loop inside jax.jit"),
        "BAD_global_data": (FAIL, "ignores its arguments X and Y"),
        "BAD_forgot_return_fit": (FAIL, RETURN),
        "BAD_returns_history": (FAIL, "return only the fitted w"),
        "BAD_never_returns_fit": (FAIL, "did not return within",
                                  "Python loop"),
        "BAD_while_loop_forever": (FAIL, "lax.while_loop",
                                   "never turned false"),
    }),
}

(test_catalogue, test_catalogue_covers_every_exercise,
 test_catalogue_lists_every_attempt) = catalogue_tests(
    CATALOGUE, attempts_debugging)
