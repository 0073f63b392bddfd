"""Honest timings of JAX code: warm up, block, repeat, report compile apart.

JAX dispatches work asynchronously: a call returns as soon as the work is
queued, so a timer around it measures only the dispatch unless the result
is waited for with ``block_until_ready``. The first call of a jitted
function also traces and compiles it. :func:`time_it` times that first
call on its own, then repeats the warmed-up call and keeps every sample.
:func:`race` does the same for several calls at once, taking their samples
in alternation, so that a burst of other work on the machine slows all of
them alike instead of one.
"""

from __future__ import annotations

import dataclasses
import random
import statistics
import time
from collections.abc import Callable, Mapping
from typing import Any

import jax

from . import _validate

__all__ = ["Timing", "time_it", "race", "format_seconds"]


@dataclasses.dataclass(frozen=True)
class Timing:
    """Result of :func:`time_it` or :func:`race`; all times in seconds."""

    first_call: float
    """Time of the first call: tracing, compiling and one run."""
    samples: tuple[float, ...]
    """Time per call of each repeat, after the warm-up."""

    @property
    def best(self) -> float:
        """The fastest repeat: the least disturbed by other work."""
        return min(self.samples)

    @property
    def median(self) -> float:
        """The middle repeat: a typical call."""
        return statistics.median(self.samples)

    @property
    def compile(self) -> float:
        """First call minus a typical call: the cost of trace + compile."""
        return max(self.first_call - self.median, 0.0)

    def __str__(self) -> str:
        return (f"median {format_seconds(self.median)}, "
                f"best {format_seconds(self.best)} "
                f"of {len(self.samples)}; "
                f"first call {format_seconds(self.first_call)}")


def format_seconds(seconds: float) -> str:
    """Write a duration with a unit that keeps 3 significant figures.

    Examples:
      >>> format_seconds(0.000123)
      '123 µs'
      >>> format_seconds(2.5)
      '2.50 s'
    """
    seconds = _validate.real_number(seconds, "seconds", low=0)
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            value = seconds / scale
            return f"{value:.3g} {unit}" if value >= 10 else \
                f"{value:.2f} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def time_it(fn: Callable[..., Any], *args, repeat: int = 7,
            number: int = 1, **kwargs) -> Timing:
    """Time ``fn(*args, **kwargs)`` the honest way.

    1. The first call is timed on its own (for a jitted function it
       includes tracing and compilation) and doubles as the warm-up.
    2. Then ``repeat`` samples are taken, each the average of ``number``
       back-to-back calls.
    3. Every call's result is passed to ``jax.block_until_ready``, so the
       clock stops when the computation has finished, not when it was
       queued.

    Args:
      fn: the function to time.
      *args, **kwargs: what to call it with.
      repeat: how many samples to take (at least 1).
      number: calls per sample (raise it for calls of a few microseconds).

    Returns:
      A :class:`Timing` with the first call and every sample.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    repeat = _validate.positive_int(repeat, "repeat")
    number = _validate.positive_int(number, "number")

    def call():
        return fn(*args, **kwargs)

    first = _sample(call, 1)
    samples = tuple(_sample(call, number) for _ in range(repeat))
    return Timing(first, samples)


def _sample(call: Callable[[], Any], number: int) -> float:
    """Seconds per call of ``number`` back-to-back blocked calls."""
    start = time.perf_counter()
    for _ in range(number):
        jax.block_until_ready(call())
    return (time.perf_counter() - start) / number


def race(calls: Mapping[str, Callable[[], Any]], *, repeat: int = 7,
         number: int = 1) -> dict[str, Timing]:
    """Time several calls against each other, sample for sample.

    Like :func:`time_it` for each call, but the samples are taken in
    alternation: round after round, each call's sample in turn, in an
    order shuffled at each round (with a fixed seed, so that a race is
    repeatable), so that no call always runs right after the same
    neighbour, whose leftovers (a full cache, a busy thread) it would
    always inherit. Load from
    elsewhere on the machine, which comes and goes, then slows every
    call alike, and the ratio of two calls' best (or median) samples
    stays fair on a busy machine, where timing one after the other
    could catch one call in a quiet moment and the next in a busy one.

    Args:
      calls: a name for each call, and a function of no arguments that
        makes it (``functools.partial(f, x)`` or ``lambda: f(x)``; in a
        comprehension, bind the loop variable: ``lambda n=n: f(n)``).
      repeat: how many rounds to take (at least 1).
      number: calls per sample (raise it for calls of a few microseconds).

    Returns:
      A :class:`Timing` for each name, in the order of ``calls``.

    Examples:
      >>> timings = race({"sum": lambda: sum(range(1000)),
      ...                 "len": lambda: len(range(1000))}, repeat=3)
      >>> list(timings), len(timings["sum"].samples)
      (['sum', 'len'], 3)
    """
    if not isinstance(calls, Mapping):
        raise TypeError("calls must be a mapping from names to functions "
                        f"of no arguments, got {_validate.describe(calls)}")
    if not calls:
        raise ValueError("calls must name at least one call, got an empty "
                         "mapping")
    for name, call in calls.items():
        if not isinstance(name, str):
            raise TypeError("calls must be keyed by names (str), got the "
                            f"key {_validate.describe(name)}")
        if not callable(call):
            raise TypeError(f"calls[{name!r}] must be callable (a function "
                            "of no arguments), got "
                            f"{_validate.describe(call)}")
    repeat = _validate.positive_int(repeat, "repeat")
    number = _validate.positive_int(number, "number")

    first = {name: _sample(call, 1) for name, call in calls.items()}
    samples: dict[str, list[float]] = {name: [] for name in calls}
    order, shuffler = list(calls), random.Random(0)
    for _ in range(repeat):
        shuffler.shuffle(order)
        for name in order:
            samples[name].append(_sample(calls[name], number))
    return {name: Timing(first[name], tuple(samples[name]))
            for name in calls}
