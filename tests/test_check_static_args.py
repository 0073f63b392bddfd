"""The checkers of the static-args chapter's exercises: their catalogues.

The attempts are in tests/attempts_static_args.py; here their verdicts
and hints.
"""

import attempts_static_args as S
from support import catalogue_tests

PASS, FAIL, TODO = "pass", "fail", "not attempted"

NUMPY = ("NumPy", "jnp")
LIST = ("should be an array", "returned a list")
FORGOT = ("returned None", "forget `return`")

CATALOGUE = {
    "static-args-ex1": ("moving_average", {
        "OK_moving_average_cumsum": (PASS, "static window"),
        "OK_moving_average_windows": (PASS,),
        "OK_moving_average_reduce_window": (PASS,),
        "BAD_moving_average_stub": (TODO, "Not attempted"),
        "BAD_moving_average_forgot_return": (FAIL, *FORGOT),
        "BAD_moving_average_not_jitted": (FAIL, "not jitted",
                                          'static_argnames="window"'),
        "BAD_moving_average_traced": (FAIL, "window traced", "Mark it static"),
        "BAD_moving_average_all_static": (FAIL, "marked x static",
                                          "hashable"),
        "BAD_moving_average_numpy": (FAIL, *NUMPY),
        "BAD_moving_average_same": (FAIL, "expected 8 entries, got 10",
                                    "len(x) - window + 1"),
        "BAD_moving_average_one_short": (FAIL, "expected 8 entries, got 7",
                                         "len(x) - window + 1"),
        "BAD_moving_average_off_by_one": (FAIL, "Wrong values"),
        "BAD_moving_average_sum": (FAIL, "Wrong values"),
        "BAD_moving_average_python_loop": (FAIL, "loops over the positions",
                                           "grows with len(x)"),
        "BAD_moving_average_hard_coded": (FAIL, "window = 1",
                                          "expected 10 entries, got 8"),
        "BAD_moving_average_ignores_x": (FAIL, "Wrong values",
                                         "jax.random.normal"),
        "BAD_moving_average_forever": (FAIL, "still running after",
                                       "never turned false"),
    }),
    "static-args-ex2": ("padded_fibonacci", {
        "OK_padded_fibonacci_scan": (PASS, "1 trace"),
        "OK_padded_fibonacci_traced_loop": (PASS,),
        "OK_padded_fibonacci_while": (PASS,),
        "BAD_padded_fibonacci_stub": (TODO, "Not attempted"),
        "BAD_padded_fibonacci_forgot_return": (FAIL, *FORGOT),
        "BAD_padded_fibonacci_range_n": (FAIL, "Keep n traced",
                                         "range(n)"),
        "BAD_padded_fibonacci_shape_n": (FAIL, "expected (12,), got (5,)"),
        "BAD_padded_fibonacci_one_one": (FAIL, "Wrong values"),
        "BAD_padded_fibonacci_le": (FAIL, "Wrong values"),
        "BAD_padded_fibonacci_slice_set": (FAIL, "Keep n traced"),
        "BAD_padded_fibonacci_if": (FAIL, "Keep n traced"),
        "BAD_padded_fibonacci_n_static": (FAIL, "marks n static"),
        "BAD_padded_fibonacci_list": (FAIL, *LIST),
        "BAD_padded_fibonacci_ignores_n": (FAIL, "Wrong values",
                                           "n = 5 and size = 12"),
        "BAD_padded_fibonacci_hard_coded_size": (FAIL, "expected (7,), "
                                                       "got (12,)"),
        "BAD_padded_fibonacci_forever": (FAIL, "still running after",
                                         "never turned false"),
    }),
}

(test_catalogue, test_catalogue_covers_every_exercise,
 test_catalogue_lists_every_attempt) = catalogue_tests(CATALOGUE, vars(S))


def test_padded_fibonacci_fails_when_traced_more_than_once(monkeypatch):
    """the success message's "1 trace" is asserted: a second trace (here
    faked by the counter) fails with a hint"""
    from py4eng_jax import _tracing, check
    from py4eng_jax.check import _static_args

    def counting_twice(fn):
        counted = _tracing.count_traces(fn)
        counted.traces = 1  # as if it had been traced once before
        return counted

    monkeypatch.setattr(_static_args, "count_traces", counting_twice)
    feedback = check.padded_fibonacci(S.OK_padded_fibonacci_scan)
    assert feedback.status == FAIL, feedback.message
    assert "traced 2 times" in feedback.message
    assert "Keep n traced" in feedback.message
