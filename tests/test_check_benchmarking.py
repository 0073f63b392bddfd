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
        "OK_honest_times_two_warmups": (PASS,),
        "BAD_honest_times_no_block": (FAIL, "only the dispatch",
                                      "wait for the result",
                                      "block on the warm-up too"),
        "BAD_honest_times_clock_before_warmup": (FAIL, "median",
                                                 "slow first call"),
        "BAD_honest_times_lower": (FAIL, "no .lower",
                                   "warm it up by calling it"),
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
    "benchmarking-ex2": ("escape_point", {
        "OK_escape_point_complex": (PASS, "stops when the point escapes"),
        "OK_escape_point_peek": (PASS,),
        "OK_escape_point_alive": (PASS,),
        "BAD_escape_point_stub": (TODO, "Not attempted"),
        "BAD_escape_point_no_return": (FAIL, "returned None",
                                       "forget `return`"),
        "BAD_escape_point_forever": (FAIL, "still running after",
                                     "stopping at a limit"),
        "BAD_escape_point_fixed_max_iter": (FAIL, "max_iter=50",
                                            "stops at 100",
                                            "argument max_iter"),
        "BAD_escape_point_ignores_ci": (FAIL, "+ 0i", "argument ci"),
        "BAD_escape_point_count_only": (FAIL, "one number",
                                        "the triple (count, zr, zi)"),
        "BAD_escape_point_unrolled": (FAIL, "went on being updated",
                                      "stop updating z"),
        "BAD_escape_point_held_at_2": (FAIL, "z = 2 + 0i",
                                       "the z the point escaped with"),
        "BAD_escape_point_last_inside": (FAIL, "last z inside",
                                         "one update early"),
        "BAD_escape_point_off_by_one": (FAIL, "Off by one"),
        "BAD_escape_point_set_short": (FAIL, "never leaves the circle",
                                       "must get max_iter"),
        "BAD_escape_point_fori": (FAIL, "no lax.while_loop"),
        "BAD_escape_point_python_while": (FAIL, "not jittable",
                                          "lax.while_loop(cond_fun"),
        "BAD_escape_point_float": (FAIL, "should be an integer"),
    }),
}

(test_catalogue, test_catalogue_covers_every_exercise,
 test_catalogue_lists_every_attempt) = catalogue_tests(CATALOGUE, vars(S))
