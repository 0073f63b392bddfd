"""The shared timing helper: it warms up, it blocks, it keeps compile apart."""

import time

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py4eng_jax import Timing, format_seconds, race, time_it


def test_time_it_calls_once_to_warm_up_then_repeat_times_number():
    """one warm-up call, then repeat * number timed calls"""
    calls = []
    time_it(lambda: calls.append(1), repeat=4, number=3)
    assert len(calls) == 1 + 4 * 3


def test_time_it_reports_the_first_call_apart():
    """a slow first call (like a compile) shows in first_call, not samples"""
    state = {"first": True}

    def slow_first():
        if state["first"]:
            state["first"] = False
            time.sleep(0.2)
        return 0

    timing = time_it(slow_first, repeat=3)
    assert timing.first_call >= 0.2
    assert timing.median < 0.05
    assert timing.compile >= 0.15


def test_time_it_compile_time_of_a_jitted_function_is_positive():
    """for a fresh jitted function the first call costs more than the rest"""
    @jax.jit
    def f(x):
        for _ in range(30):  # a program large enough to take a while
            x = jnp.sin(x) * 1.01 + jnp.cos(x)
        return x

    timing = time_it(f, jnp.ones(10), repeat=5)
    assert timing.first_call > timing.median
    assert timing.compile > 0


def slow_computation(seconds: float):
    """A jitted function whose computation, not its dispatch, takes
    ``seconds``: its callback runs when the computation runs."""
    def slow_on_host(x):
        time.sleep(seconds)
        return x

    @jax.jit
    def f(x):
        return jax.pure_callback(slow_on_host,
                                 jax.ShapeDtypeStruct(x.shape, x.dtype), x)
    return f


def test_time_it_blocks_until_the_result_is_ready():
    """time_it waits for asynchronous work, not only for the dispatch"""
    timing = time_it(slow_computation(0.1), jnp.ones(3), repeat=2)
    assert timing.best >= 0.1


def test_time_it_blocks_on_every_leaf_of_a_pytree():
    """a slow array inside a returned dict of tuples is waited for too"""
    def slow_on_host(x):
        time.sleep(0.1)
        return x

    @jax.jit
    def slow(x):
        return jax.pure_callback(slow_on_host,
                                 jax.ShapeDtypeStruct(x.shape, x.dtype), x)

    def f(x):
        return {"fast": x + 1, "nested": (x * 2, slow(x))}

    assert time_it(f, jnp.ones(3), repeat=2).best >= 0.1


def test_time_it_passes_arguments_through():
    """positional and keyword arguments reach the function"""
    got = []
    time_it(lambda a, b=0: got.append((a, b)), 1, b=2, repeat=1)
    assert got == [(1, 2), (1, 2)]


def test_timing_statistics():
    """best is the minimum, median the middle sample"""
    timing = Timing(first_call=1.0, samples=(0.3, 0.1, 0.2))
    assert timing.best == 0.1
    assert timing.median == 0.2
    assert timing.compile == pytest.approx(0.8)


def test_timing_compile_is_never_negative():
    """a first call faster than the median reports zero compile time"""
    assert Timing(first_call=0.1, samples=(0.2, 0.3)).compile == 0.0


def test_timing_str_names_median_best_and_first_call():
    """str(Timing) gives the figures a reader needs"""
    text = str(Timing(first_call=0.5, samples=(0.002, 0.001, 0.003)))
    assert text == "median 2.00 ms, best 1.00 ms of 3; first call 500 ms"


@pytest.mark.parametrize("seconds, text", [
    (2.5, "2.50 s"), (0.0123, "12.3 ms"), (0.000123, "123 µs"),
    (4.56e-6, "4.56 µs"), (3e-9, "3 ns"), (0, "0 ns"),
])
def test_format_seconds(seconds, text):
    """durations get a unit that keeps about three significant figures"""
    assert format_seconds(seconds) == text


@pytest.mark.parametrize("kwargs, error, match", [
    ({"repeat": 0}, ValueError, "repeat must be a positive integer, got 0"),
    ({"number": 1.5}, TypeError, "number must be a positive integer"),
])
def test_time_it_rejects_bad_counts(kwargs, error, match):
    """repeat and number must be positive integers"""
    with pytest.raises(error, match=match):
        time_it(lambda: 0, **kwargs)


def test_time_it_rejects_a_non_callable():
    """fn must be callable"""
    with pytest.raises(TypeError, match="fn must be callable, got ndarray"):
        time_it(np.ones(3))


def test_format_seconds_rejects_bad_input():
    """negative or non-numeric durations are refused"""
    with pytest.raises(ValueError, match="non-negative number"):
        format_seconds(-1.0)
    with pytest.raises(TypeError,
                       match="seconds must be a non-negative number, got str"):
        format_seconds("1 s")


def test_race_warms_up_each_call_then_alternates_round_by_round():
    """one first call each, in order, then rounds that take each in turn,
    in an order shuffled at each round, the same from one race to the next"""
    def logged():
        log = []
        timings = race({name: lambda name=name: log.append(name)
                        for name in "abc"}, repeat=8, number=2)
        return log, timings

    log, timings = logged()
    assert log[:3] == ["a", "b", "c"]
    rounds = [log[3 + 6 * i:3 + 6 * (i + 1)] for i in range(8)]
    assert len(log) == 3 + 6 * 8
    for round_ in rounds:                       # each call's sample whole
        assert sorted(round_) == sorted("aabbcc")
        assert round_[0::2] == round_[1::2], round_
    assert len({tuple(round_) for round_ in rounds}) > 1, rounds  # shuffled
    assert logged()[0] == log                   # and repeatable
    assert list(timings) == ["a", "b", "c"]
    assert all(len(t.samples) == 8 for t in timings.values())


def test_race_keeps_each_calls_times_apart():
    """a slow call's samples are its own, not its neighbour's"""
    timings = race({"slow": lambda: time.sleep(0.02), "fast": lambda: None},
                   repeat=3)
    assert timings["slow"].best >= 0.02
    assert timings["fast"].best < 0.01
    assert timings["slow"].first_call >= 0.02


def test_race_blocks_until_the_result_is_ready():
    """like time_it, race stops the clock when the work is done"""
    f, x = slow_computation(0.05), jnp.ones(3)
    timings = race({"f": lambda: f(x), "tuple": lambda: (x, f(x))}, repeat=2)
    assert timings["f"].best >= 0.05
    assert timings["tuple"].best >= 0.05


@pytest.mark.parametrize("calls, error, match", [
    ([lambda: None], TypeError, "calls must be a mapping.*list"),
    ({}, ValueError, "at least one call"),
    ({1: lambda: None}, TypeError, "keyed by names.*int"),
    ({"f": 3}, TypeError, r"calls\['f'\] must be callable.*int"),
])
def test_race_rejects_bad_calls(calls, error, match):
    with pytest.raises(error, match=match):
        race(calls)


@pytest.mark.parametrize("kwargs, match", [
    ({"repeat": 0}, "repeat"), ({"number": 1.5}, "number"),
    ({"repeat": True}, "repeat"),
])
def test_race_rejects_bad_counts(kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        race({"f": lambda: None}, **kwargs)
