"""The checkers of the benchmarking chapter's exercises: their catalogues.

The attempts are in tests/attempts_benchmarking.py; here their verdicts
and hints, and what the catalogue cannot state.
"""

import attempts_benchmarking as S

from support import catalogue_tests

PASS, FAIL, TODO = "pass", "fail", "not attempted"

CATALOGUE = {
    "benchmarking-ex1": ("honest_times", {
        "OK_honest_times_method": (PASS, "one warm-up call",
                                   "repeat = 3 and 5"),
        "OK_honest_times_jax_array": (PASS,),
        "OK_honest_times_list_comprehension": (PASS,),
        "BAD_honest_times_stub": (TODO, "Not attempted"),
        "BAD_honest_times_no_return": (FAIL, "returned None",
                                       "forget `return`"),
        "BAD_honest_times_broken": (FAIL, "no warm-up"),
        "BAD_honest_times_no_block": (FAIL, "only the dispatch",
                                      "wait for the result"),
        "BAD_honest_times_no_warmup": (FAIL, "no warm-up"),
        "BAD_honest_times_warmup_kept": (FAIL, "got 4"),
        "BAD_honest_times_ms": (FAIL, "too large", "seconds"),
        "BAD_honest_times_total": (FAIL, "list of 3 times", "a float"),
        "BAD_honest_times_twice": (FAIL, "7 times"),
        "BAD_honest_times_strings": (FAIL, "number of seconds"),
        "BAD_honest_times_fixed_repeat": (FAIL, "repeat=5", "got 3",
                                          "argument repeat"),
        "BAD_honest_times_forever": (FAIL, "did not return within"),
        "BAD_honest_times_own_input": (FAIL, "something else than the x"),
    }),
    "benchmarking-ex2": ("escape_count_while", {
        "OK_escape_count_complex": (PASS, "stops when the point escapes"),
        "OK_escape_count_peek": (PASS,),
        "OK_escape_count_fused_test": (PASS,),
        "BAD_escape_count_stub": (TODO, "Not attempted"),
        "BAD_escape_count_no_return": (FAIL, "returned None",
                                       "forget `return`"),
        "BAD_escape_count_forgets_max_iter": (FAIL, "still running after",
                                              "stopping at a limit"),
        "BAD_escape_count_fixed_max_iter": (FAIL, "max_iter=100",
                                            "argument max_iter"),
        "BAD_escape_count_off_by_one": (FAIL, "Off by one"),
        "BAD_escape_count_fori": (FAIL, "no lax.while_loop"),
        "BAD_escape_count_python_while": (FAIL, "not jittable",
                                          "lax.while_loop(cond_fun"),
        "BAD_escape_count_float": (FAIL, "should be an integer"),
        "BAD_escape_count_strict": (FAIL, "expected 2, got 1"),
        "BAD_escape_count_state": (FAIL, "should be an array", "tuple"),
        "BAD_escape_count_numpy": (FAIL, "NumPy", "jnp"),
    }),
}

(test_catalogue, test_catalogue_covers_every_exercise,
 test_catalogue_lists_every_attempt) = catalogue_tests(CATALOGUE, vars(S))
