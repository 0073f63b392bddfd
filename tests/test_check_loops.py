"""The checkers of the loops chapter's exercises: their catalogues.

The attempts are in tests/attempts_loops.py; here their verdicts and
hints, and what the catalogue cannot state.
"""

import attempts_loops as S
from py4eng_jax.check import _loops
from support import catalogue_tests

PASS, FAIL, TODO = "pass", "fail", "not attempted"

CATALOGUE = {
    "loops-ex1": ("damped_newton", {
        "OK_damped_one_state": (PASS, "seven cases", "plain Newton runs"),
        "OK_damped_squares": (PASS,),
        "OK_damped_halving_count": (PASS,),
        "BAD_damped_stub": (TODO, "Not attempted"),
        "BAD_damped_no_return": (FAIL, "returned None", "forget `return`"),
        "BAD_damped_plain_newton": (FAIL, "arctan(x) from x0 = 3.0",
                                    "overshoot", "damp each step"),
        "BAD_damped_half_steps": (FAIL, "expected 4, got 20",
                                  "takes the first"),
        "BAD_damped_counts_halvings": (FAIL, "halvings of t",
                                       "not the tries"),
        "BAD_damped_ignores_x0": (FAIL, "x0 = -3.0", "starts from x0"),
        "BAD_damped_ignores_tol": (FAIL, "tol=0.1", "uses its argument tol"),
        "BAD_damped_never_halves": (FAIL, "still running after",
                                    "never turned false"),
        "BAD_damped_float_steps": (FAIL, "should be an integer", "float32"),
        "BAD_damped_tests_after": (FAIL, "already a root", "expected 0",
                                   "before each step"),
        "BAD_damped_python_while": (FAIL, "not jittable",
                                    "lax.while_loop(cond_fun"),
        "BAD_damped_fixed_steps": (FAIL, "not a lax.while_loop",
                                   "fixed number of steps"),
        "BAD_damped_root_only": (FAIL, "a pair (x, steps)"),
        "BAD_damped_t_carried": (FAIL, "Wrong number of steps",
                                 "from t = 1"),
    }),
    "loops-ex2": ("sum_after", {
        "OK_blocks_fori": (PASS, "blocks of 20", "about 400"),
        "OK_blocks_both_checkpointed": (PASS,),
        "OK_blocks_xs": (PASS,),
        "BAD_blocks_stub": (TODO, "Not attempted"),
        "BAD_blocks_no_return": (FAIL, "returned None", "forget `return`"),
        "BAD_blocks_per_step": (FAIL, "about one carry per step",
                                "keep only what enters each block"),
        "BAD_blocks_no_checkpoint": (FAIL, "four arrays per step",
                                     "jax.checkpoint"),
        "BAD_blocks_checkpoint_everything": (FAIL, "four arrays per step"),
        "BAD_blocks_fixed_block": (FAIL, "block = 4", "argument block"),
        "BAD_blocks_fixed_n": (FAIL, "n = 12", "runs 100 times",
                               "argument n"),
        "BAD_blocks_own_step": (FAIL, "Wrong values", "0.9 * jnp.cos"),
        "BAD_blocks_python_blocks": (FAIL, "grows with n",
                                     "Python loop is unrolled"),
        "BAD_blocks_python_steps": (FAIL, "not over the 4 steps",
                                    "Python loop there"),
        "BAD_blocks_forever": (FAIL, "still running after",
                               "never turned false"),
        "BAD_blocks_final_array": (FAIL, "one number", "shape (5,)"),
        "BAD_blocks_while_blocks": (FAIL, "lax.while_loop",
                                    "reverse mode does not go through",
                                    "Python-number bounds"),
        "BAD_blocks_swapped": (FAIL, "n = 12", "swapped"),
    }),
}

(test_catalogue, test_catalogue_covers_every_exercise,
 test_catalogue_lists_every_attempt) = catalogue_tests(CATALOGUE, vars(S))


def test_damped_cases_need_the_damping():
    """plain Newton runs away from the root in at least two of the cases
    (so the exercise cannot be passed without damping)"""
    runs_off = [shown for shown, f, x0, _ in _loops._NEWTON_CASES
                if _loops._plain_runs_off(f, x0)]
    assert len(runs_off) >= 2, runs_off


def test_damped_reference_halves_somewhere():
    """the reference takes halvings in some case, so that counting them
    as steps is caught"""
    assert any(_loops._expected_damped(i)[2] > 0
               for i in range(len(_loops._NEWTON_CASES)))


def test_sum_reference_gradient_matches_jax():
    """the NumPy reference gradient of the sum agrees with jax.grad of a
    plain scan"""
    import jax
    import jax.numpy as jnp
    import numpy as np
    from jax import lax

    for _, step, step_np, x0, n, _ in _loops._SUM_CASES:
        def plain(x, step=step, n=n):
            return lax.scan(lambda c, _: (step(c), None), x,
                            length=n)[0].sum()
        x = jnp.asarray(x0, jnp.float32)
        value, grad = _loops._reference_sum(step_np, x0, n)
        np.testing.assert_allclose(plain(x), value, rtol=1e-5)
        np.testing.assert_allclose(jax.grad(plain)(x), grad, rtol=1e-4,
                                   atol=1e-6)
