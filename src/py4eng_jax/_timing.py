"""Honest timings of JAX code: warm up, block, repeat, report compile apart.

JAX dispatches work asynchronously: a call returns as soon as the work is
queued, so a timer around it measures only the dispatch unless the result
is waited for with ``block_until_ready``. The first call of a jitted
function also traces and compiles it. :func:`time_it` times that first
call on its own, then repeats the warmed-up call and keeps every sample.
"""

from __future__ import annotations

import dataclasses
import statistics
import time
from collections.abc import Callable
from typing import Any

import jax

from . import _validate

__all__ = ["Timing", "time_it", "format_seconds"]


@dataclasses.dataclass(frozen=True)
class Timing:
    """Result of :func:`time_it`; all times in seconds."""

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

    start = time.perf_counter()
    jax.block_until_ready(fn(*args, **kwargs))
    first = time.perf_counter() - start

    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            jax.block_until_ready(fn(*args, **kwargs))
        samples.append((time.perf_counter() - start) / number)
    return Timing(first, tuple(samples))
